// Density view, binning (src/render/densityBin.ts): each trajectory's position in the engine's history ring
// is mapped the way shaders/render_paths.wgsl maps it (plane: direction · 2^log2|w|; polar: (θ, ln|w|)) and
// counted into a grid over the pane with one atomicAdd per run shown (a "layer"). Section 0 holds the newest
// sample (the current positions); section 1, with trails on, the samples added since the last frame.
// Positions exactly at the origin (an overflowed exponential run is zeroed by the kernel), non-finite ones
// and those outside the pane are not counted.

struct DensityParams {
  scale: vec2<f32>,           // world → clip: clip = world * scale + offset (the pane's camera)
  offset: vec2<f32>,
  grid: vec2<u32>,            // cells across and down one pane
  count: u32,                 // trajectories: the ring's stride between slots
  slots: u32,                 // ring length
  newest: u32,                // sample binned into section 0
  layers: u32,                // runs binned (≤ 4)
  polar: u32,                 // 1: world is (θ, ln|w|)
  trail_n: u32,               // samples binned into section 1 (0: no trails this frame)
  trail_first: u32,           // first of them
  trail_stride: u32,          // samples between them
  log2_cap: f32,              // largest log2 of a plane coordinate (finite, far off screen)
  newest_log2c: f32,          // log2 c at the newest sample (raw run only)
  layer_which: vec4<u32>,     // per layer: 0 weight-decay run (x, y), 1 projected run (z, w), 2 raw run
  layer_shift: vec4<f32>,     // per layer: log2 of its pane's zoom (the side-by-side view's right pane)
  trail_log2c: array<vec4<f32>, 8>, // log2 c at trail sample j (raw run only), j < 32
}

struct DensityChunk {
  offset: u32,      // first trajectory of this dispatch
  invocations: u32, // trajectories handled by this dispatch
}

@group(0) @binding(0) var<uniform> dp: DensityParams;
@group(0) @binding(1) var<uniform> chunk: DensityChunk;
// Slot-major ring: record (slot, i) at slot * count + i = (w.x, w.y, c_t·w̃.x, c_t·w̃.y).
@group(0) @binding(2) var<storage, read> ring: array<vec4<f32>>;
// Counts: [section][layer][row][column], row 0 at the top of the pane.
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;
// Largest count of each layer in section 0 (the colour scale's top).
@group(0) @binding(4) var<storage, read_write> maxima: array<atomic<u32>>;

// Cell index in one layer of trajectory i's run `which` at sample k, or 0xffffffff when not counted.
fn density_cell(i: u32, k: u32, which: u32, shift: f32, log2c: f32) -> u32 {
  let rec = ring[(k % dp.slots) * dp.count + i];
  let w = select(rec.xy, rec.zw, which != 0u);
  let r = length(w);
  if (!(r > 0.0) || r > 3.0e38) { return 0xffffffffu; }
  var m = log2(r);
  if (which == 2u) { m -= log2c; }
  var world: vec2<f32>;
  if (dp.polar == 1u) {
    world = vec2<f32>(atan2(w.y, w.x), m * 0.69314718);
  } else {
    world = (w / r) * exp2(min(m - shift, dp.log2_cap));
  }
  let clip = world * dp.scale + dp.offset;
  let uv = vec2<f32>(clip.x * 0.5 + 0.5, 0.5 - clip.y * 0.5);
  // Written so that NaN fails it too.
  if (!(all(uv >= vec2<f32>(0.0)) && all(uv < vec2<f32>(1.0)))) { return 0xffffffffu; }
  let cell = min(vec2<u32>(uv * vec2<f32>(dp.grid)), dp.grid - 1u);
  return cell.y * dp.grid.x + cell.x;
}

@compute @workgroup_size(64)
fn density_bin(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = chunk.offset + gid.x;
  if (gid.x >= chunk.invocations || i >= dp.count) { return; } // bounds guard
  let cells = dp.grid.x * dp.grid.y;
  let layers = min(dp.layers, 4u);
  for (var l = 0u; l < layers; l++) {
    let which = dp.layer_which[l];
    let shift = dp.layer_shift[l];
    let c = density_cell(i, dp.newest, which, shift, dp.newest_log2c);
    if (c != 0xffffffffu) {
      let n = atomicAdd(&counts[l * cells + c], 1u) + 1u;
      if (n > atomicLoad(&maxima[l])) { atomicMax(&maxima[l], n); }
    }
    for (var j = 0u; j < min(dp.trail_n, 32u); j++) {
      let log2c = dp.trail_log2c[j / 4u][j % 4u];
      let t = density_cell(i, dp.trail_first + j * dp.trail_stride, which, shift, log2c);
      if (t != 0xffffffffu) { atomicAdd(&counts[(layers + l) * cells + t], 1u); }
    }
  }
}
