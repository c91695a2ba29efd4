// Density view, drawing (src/render/density.ts): the counts of shaders/density_bin.wgsl shown per pane over
// the scene, log(1 + count) scaled to the layer's largest count, in its run's colour; under them the trails
// texture (rgba16float, summed log counts that fade a little with every frame of new samples).
// Prepended by the host (src/render/fullscreen.ts): the colormap and render_fullscreen.wgsl.

struct DensityDraw {
  grid: vec2<u32>,          // cells across and down one pane
  pane: u32,                // the pane this draw covers
  layers: u32,              // layers per section of the counts
  layer_pane: vec4<u32>,    // pane of each layer
  density: u32,             // 1: draw the counts of section 0
  trails: u32,              // 1: draw the trails texture
  trail_gain: f32,          // trail added per unit of log2(1 + count)
  colors: array<vec4<f32>, 4>, // run colour of each layer (straight RGB)
  veil: vec4<f32>,          // colour and opacity laid over the background under the density (the theme's)
  core: vec4<f32>,          // colour the densest cells go toward (white on dark, near black on light)
}

@group(0) @binding(0) var<uniform> dd: DensityDraw;
@group(0) @binding(1) var<storage, read> density_counts: array<u32>;
@group(0) @binding(2) var<storage, read> density_maxima: array<u32>;
@group(0) @binding(3) var trail_texture: texture_2d<f32>;

// The cell under uv (row 0 at the top, as the binning counts them).
fn cell_at(uv: vec2<f32>) -> vec2<u32> {
  let v = vec2<f32>(uv.x, 1.0 - uv.y);
  return min(vec2<u32>(max(v, vec2<f32>(0.0)) * vec2<f32>(dd.grid)), dd.grid - 1u);
}

// Layer l's count at `cell`, smoothed by a 3 × 3 tent (weights 1 2 1 / 2 4 2 / 1 2 1, over 16): isolated runs
// read as soft dots, not as single-cell noise, and the counts keep their sum.
fn smoothed_count(l: u32, cell: vec2<u32>) -> f32 {
  let base = l * dd.grid.x * dd.grid.y;
  var sum = 0.0;
  for (var dy = -1; dy <= 1; dy++) {
    for (var dx = -1; dx <= 1; dx++) {
      let c = vec2<i32>(cell) + vec2<i32>(dx, dy);
      if (any(c < vec2<i32>(0)) || any(c >= vec2<i32>(dd.grid))) { continue; }
      let w = f32((2 - abs(dx)) * (2 - abs(dy)));
      sum += w * f32(density_counts[base + u32(c.y) * dd.grid.x + u32(c.x)]);
    }
  }
  return sum / 16.0;
}

// Premultiplied colour of the pane's layers at `cell`, over `under`.
@fragment
fn density_fs(in: FullscreenOut) -> @location(0) vec4<f32> {
  let cell = cell_at(in.uv);
  var acc = vec4<f32>(0.0);
  if (dd.trails == 1u) {
    let t = textureLoad(trail_texture, vec2<i32>(i32(dd.pane * dd.grid.x + cell.x), i32(cell.y)), 0).rgb;
    let c = 1.0 - exp(-max(t, vec3<f32>(0.0)));
    acc = vec4<f32>(c, max(c.r, max(c.g, c.b)));
  }
  if (dd.density == 1u) {
    // A veil tones the background down so that sparse cells stand out against any heatmap colour.
    let veil = dd.veil.a;
    acc = vec4<f32>(dd.veil.rgb * veil + acc.rgb * (1.0 - veil), veil + acc.a * (1.0 - veil));
    // The runs in a cell mix by their weights (no run hides another): where they part, each shows its colour.
    var mixed = vec3<f32>(0.0);
    var weight = 0.0;
    var clear = 1.0;
    for (var l = 0u; l < min(dd.layers, 4u); l++) {
      if (dd.layer_pane[l] != dd.pane) { continue; }
      let n = smoothed_count(l, cell);
      if (n <= 0.0) { continue; }
      let t = log(1.0 + n) / log(1.0 + f32(max(density_maxima[l], 1u)));
      // Dim for a few runs, full colour and a white core where they pile up.
      let col = mix(dd.colors[l].rgb * (0.55 + 0.45 * t), dd.core.rgb, 0.4 * t * t);
      let a = clamp(0.25 + 4.0 * n, 0.0, 0.7) + 0.3 * t;
      mixed += a * col;
      weight += a;
      clear *= 1.0 - a;
    }
    if (weight > 0.0) {
      let a = 1.0 - clear;
      acc = vec4<f32>(mixed / weight * a, a) + acc * (1.0 - a);
    }
  }
  return acc;
}

// Adds this frame's trail samples (section 1 of the counts) to the trails texture; the blend multiplies what
// is there by the fade constant first. Covers the whole texture: the panes side by side.
@fragment
fn trail_add_fs(in: FullscreenOut) -> @location(0) vec4<f32> {
  let px = vec2<u32>(in.position.xy);
  let pane = px.x / dd.grid.x;
  let cell = vec2<u32>(px.x % dd.grid.x, min(px.y, dd.grid.y - 1u));
  let cells = dd.grid.x * dd.grid.y;
  let at = cell.y * dd.grid.x + cell.x;
  var sum = vec3<f32>(0.0);
  for (var l = 0u; l < min(dd.layers, 4u); l++) {
    if (dd.layer_pane[l] != pane) { continue; }
    let n = density_counts[(dd.layers + l) * cells + at];
    sum += dd.colors[l].rgb * dd.trail_gain * log2(1.0 + f32(n));
  }
  return vec4<f32>(sum, 1.0);
}
