// Divergence map: for a grid init, one cell per trajectory (row-major from the bottom, as src/core/init.ts
// lays the grid out), coloured by the step at which its two runs drifted apart. The fragment shader reads
// the engine's metric buffer directly: nothing per trajectory goes through the CPU.
// Prepended by the host (src/render/divergenceMap.ts): the Metric struct, COLORMAP / COLORMAP_STOPS
// (src/render/colormap.ts) and the NEVER_DIVERGED / OVERFLOWED colours.

struct MapParams {
  grid: vec2<u32>, // cells (nx, ny)
  count: u32,      // trajectories in the metric buffer
  max_step: f32,   // divergence step drawn with the last colour
}

@group(0) @binding(0) var<uniform> map_params: MapParams;
@group(0) @binding(1) var<storage, read> map_metrics: array<Metric>;

struct MapOut {
  @builtin(position) position: vec4<f32>,
  @location(0) uv: vec2<f32>, // (0, 0) bottom left, (1, 1) top right
}

@vertex
fn divergence_map_vs(@builtin(vertex_index) v: u32) -> MapOut {
  // One triangle covering the viewport: (-1,-1), (3,-1), (-1,3).
  let xy = vec2<f32>(f32((v << 1u) & 2u), f32(v & 2u)) * 2.0 - 1.0;
  var out: MapOut;
  out.position = vec4<f32>(xy, 0.0, 1.0);
  out.uv = xy * 0.5 + 0.5;
  return out;
}

fn map_colormap(t: f32) -> vec3<f32> {
  let x = clamp(t, 0.0, 1.0) * f32(COLORMAP_STOPS - 1u);
  let i = min(u32(floor(x)), COLORMAP_STOPS - 2u);
  return mix(COLORMAP[i], COLORMAP[i + 1u], x - f32(i));
}

@fragment
fn divergence_map_fs(in: MapOut) -> @location(0) vec4<f32> {
  let g = max(map_params.grid, vec2<u32>(1u));
  let cell = min(vec2<u32>(clamp(in.uv, vec2<f32>(0.0), vec2<f32>(1.0)) * vec2<f32>(g)), g - 1u);
  let i = cell.y * g.x + cell.x;
  // Bounds guard: a grid larger than the buffer (stale source) draws background, never reads past it.
  if (i >= map_params.count || i >= arrayLength(&map_metrics)) {
    return vec4<f32>(0.051, 0.051, 0.078, 1.0);
  }
  let m = map_metrics[i];
  if (m.divergence_step >= 0) {
    return vec4<f32>(map_colormap(f32(m.divergence_step) / max(map_params.max_step, 1.0)), 1.0);
  }
  if (m.overflow_step >= 0) {
    return vec4<f32>(OVERFLOWED, 1.0);
  }
  return vec4<f32>(NEVER_DIVERGED, 1.0);
}
