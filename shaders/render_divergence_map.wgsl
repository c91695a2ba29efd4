// Divergence map: for a grid init, one cell per trajectory (row-major from the bottom, as src/core/init.ts
// lays the grid out), coloured by the step at which its two runs drifted apart. The fragment shader reads
// the engine's metric buffer directly: nothing per trajectory goes through the CPU.
// Prepended by the host (src/render/divergenceMap.ts via fullscreen.ts): the Metric struct, the
// NEVER_DIVERGED / OVERFLOWED colours, the colormap and render_fullscreen.wgsl.

struct MapParams {
  grid: vec2<u32>, // cells (nx, ny)
  count: u32,      // trajectories in the metric buffer
  max_step: f32,   // divergence step drawn with the last colour
}

@group(0) @binding(0) var<uniform> map_params: MapParams;
@group(0) @binding(1) var<storage, read> map_metrics: array<Metric>;

@fragment
fn divergence_map_fs(in: FullscreenOut) -> @location(0) vec4<f32> {
  let g = max(map_params.grid, vec2<u32>(1u));
  let cell = min(vec2<u32>(clamp(in.uv, vec2<f32>(0.0), vec2<f32>(1.0)) * vec2<f32>(g)), g - 1u);
  let i = cell.y * g.x + cell.x;
  // Bounds guard: a grid larger than the buffer (stale source) draws background, never reads past it.
  if (i >= map_params.count || i >= arrayLength(&map_metrics)) {
    return vec4<f32>(0.051, 0.051, 0.078, 1.0);
  }
  let m = map_metrics[i];
  if (m.divergence_step >= 0) {
    return vec4<f32>(colormap(f32(m.divergence_step) / max(map_params.max_step, 1.0)), 1.0);
  }
  if (m.overflow_step >= 0) {
    return vec4<f32>(OVERFLOWED, 1.0);
  }
  return vec4<f32>(NEVER_DIVERGED, 1.0);
}
