// Background of the angle / log-radius view: it depends on θ only (the loss is scale invariant). Above the
// strip, the colormap of f(θ) dimmed so paths stay readable (toward black in the dark theme, toward white in
// the light one); along the bottom a strip at full colour with f(θ) drawn as a curve in it (white on dark,
// near-black on light). θ wraps with period 2π beyond ±π.
// Prepended by the host (src/render/polar.ts via fullscreen.ts): the colormap and render_fullscreen.wgsl.

struct PolarParams {
  theta0: f32,    // θ at the pane's left edge
  theta1: f32,    // θ at its right edge
  lmin: f32,      // f mapped to the first colour
  lmax: f32,
  strip_px: f32,  // strip height, device px
  height_px: f32, // pane height, device px
  samples: u32,   // entries of polar_f: f at θ = −π + 2π (j + 0.5) / samples
  light: f32,     // 1 in the light theme, 0 in the dark one
}

@group(0) @binding(0) var<uniform> polar_params: PolarParams;
@group(0) @binding(1) var<storage, read> polar_f: array<f32>;

fn f_at(theta: f32) -> f32 {
  let n = polar_params.samples;
  let x = fract((theta + 3.14159265) / 6.2831853) * f32(n) - 0.5;
  let j = floor(x);
  let i0 = u32(i32(j) + i32(n)) % n;
  return mix(polar_f[i0], polar_f[(i0 + 1u) % n], x - j);
}

@fragment
fn polar_fs(in: FullscreenOut) -> @location(0) vec4<f32> {
  let pp = polar_params;
  let theta = mix(pp.theta0, pp.theta1, in.uv.x);
  let t = (f_at(theta) - pp.lmin) / max(pp.lmax - pp.lmin, 1e-30);
  let c = colormap(t);
  let y = in.uv.y * pp.height_px;
  if (y > pp.strip_px) { return vec4<f32>(mix(0.45 * c, mix(c, vec3<f32>(1.0), 0.6), pp.light), 1.0); }
  if (y > pp.strip_px - 1.5) { return vec4<f32>(0.0, 0.0, 0.0, 1.0); } // the strip's top edge
  // f(θ) as a curve across the strip (10% margins), about 1.5 px thick.
  let curve = (0.1 + 0.8 * clamp(t, 0.0, 1.0)) * pp.strip_px;
  if (abs(y - curve) < 1.0) { return vec4<f32>(mix(vec3<f32>(1.0), vec3<f32>(0.08), pp.light), 1.0); }
  return vec4<f32>(c, 1.0);
}
