// Prelude of every fullscreen pass (the heatmap, the polar background, the divergence map), prepended by
// src/render/fullscreen.ts after COLORMAP / COLORMAP_STOPS (src/render/colormap.ts): one triangle that covers
// the viewport, its uv, and the colormap lookup the fragment shaders share.

struct FullscreenOut {
  @builtin(position) position: vec4<f32>,
  @location(0) uv: vec2<f32>, // (0, 0) bottom left, (1, 1) top right
}

@vertex
fn fullscreen_vs(@builtin(vertex_index) v: u32) -> FullscreenOut {
  // One triangle covering the viewport: (-1,-1), (3,-1), (-1,3). Three vertices: no index to guard.
  let xy = vec2<f32>(f32((v << 1u) & 2u), f32(v & 2u)) * 2.0 - 1.0;
  var out: FullscreenOut;
  out.position = vec4<f32>(xy, 0.0, 1.0);
  out.uv = xy * 0.5 + 0.5;
  return out;
}

// The colormap at t ∈ [0, 1] (clamped): linear between its stops.
fn colormap(t: f32) -> vec3<f32> {
  let x = clamp(t, 0.0, 1.0) * f32(COLORMAP_STOPS - 1u);
  let i = min(u32(floor(x)), COLORMAP_STOPS - 2u);
  return mix(COLORMAP[i], COLORMAP[i + 1u], x - f32(i));
}
