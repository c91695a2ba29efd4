// Trajectory paths straight from the engine's history ring: a line list, each trajectory's segments oldest to
// newest. Every vertex reads both ends of its segment, so a segment knows its screen direction (dash and dot
// patterns run along the screen axis it mostly follows, independent of how long the segments are) and, in
// the polar view, whether it crosses θ = ±π (its end is then unwrapped past the edge, not drawn across).
// Prepended by the host (src/render/paths.ts): the Metric struct (src/gpu/layout.ts) and the PLASMA,
// CATEGORICAL and NO_DIVERGENCE palettes (src/render/colormap.ts), and divergence_cause() with its
// CAUSE_COLORS (shaders/render_cause.wgsl, src/render/cause.ts).

struct PathParams {
  scale: vec2<f32>,     // world → clip: clip = world * scale + offset
  offset: vec2<f32>,
  viewport: vec2<f32>,  // pane size in device pixels
  color: vec4<f32>,     // run colour (straight RGBA); its alpha is used in every colour mode
  count: u32,           // trajectories: the ring's stride between slots
  slots: u32,           // ring length
  first_sample: u32,    // sample index k of vertex 0 (sample k was taken at step k * sample_every)
  stride: u32,          // samples between consecutive drawn samples (> 1 when the vertex budget is tight)
  vertices: u32,        // drawn samples per trajectory (≥ 2)
  traj_stride: u32,     // every traj_stride-th trajectory is drawn (> 1 only beyond the vertex budget)
  sample_every: u32,
  which: u32,           // 0: weight-decay run (x, y), 1: projected exponential run (z, w), 2: raw run w̃
  pattern: u32,         // 0: solid, 1: dashed, 2: dotted
  color_by: u32,        // 0: run, 1: trajectory index, 2: basin of the final angle, 3: divergence step, 4: cause
  polar: u32,           // 1: world is (θ, ln|w|)
  newest: u32,          // newest sample in the ring (the "final" angle for basin colours)
  log2_shift: f32,      // world positions are divided by 2^log2_shift (the zooming pane's scale)
  end_step: f32,        // divergence steps are coloured over [0, end_step]
  basin_count: u32,     // entries of path_basins (0: no basins)
  log2_cap: f32,        // largest log2 of a drawn plane coordinate
  highlight: i32,       // -1: every trajectory; i >= 0: only trajectory i, in `color`, as 3 copies 1 px apart
}

@group(0) @binding(0) var<uniform> path_params: PathParams;
// Slot-major ring: record (slot, i) at slot * count + i = (w.x, w.y, c_t·w̃.x, c_t·w̃.y).
@group(0) @binding(1) var<storage, read> path_history: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> path_metrics: array<Metric>;
// log2 c at the step of the sample held in each ring slot (raw run only).
@group(0) @binding(3) var<storage, read> path_log2c: array<f32>;
// Basin boundaries (local maxima of f), ascending in [−π, π) (src/core/basins.ts).
@group(0) @binding(4) var<storage, read> path_basins: array<f32>;

const PI = 3.14159265358979;

struct PathOut {
  @builtin(position) position: vec4<f32>,
  @location(0) @interpolate(flat) color: vec4<f32>,
  @location(1) @interpolate(flat) major_y: u32, // the pattern runs along y (1) or x (0)
  @location(2) @interpolate(flat) phase: f32,    // per-trajectory pattern shift, in periods
}

// (direction, log2 |w|) of run `which` at sample k of trajectory i: no magnitude is ever formed in f32.
fn sample_at(i: u32, k: u32) -> vec3<f32> {
  let pp = path_params;
  let rec = path_history[(k % pp.slots) * pp.count + i];
  let w = select(rec.xy, rec.zw, pp.which != 0u);
  let r = length(w);
  if (r == 0.0) { return vec3<f32>(0.0, 0.0, -126.0); }
  var m = log2(r);
  if (pp.which == 2u) { m -= path_log2c[k % pp.slots]; }
  return vec3<f32>(w / r, m);
}

fn world_of(s: vec3<f32>) -> vec2<f32> {
  if (path_params.polar == 1u) {
    return vec2<f32>(atan2(s.y, s.x), s.z * 0.69314718);
  }
  return s.xy * exp2(min(s.z - path_params.log2_shift, path_params.log2_cap));
}

fn basin_of(theta: f32) -> u32 {
  let n = path_params.basin_count;
  var below = 0u;
  for (var b = 0u; b < n; b++) {
    below += select(0u, 1u, path_basins[b] <= theta);
  }
  return select(below - 1u, n - 1u, below == 0u);
}

fn hue(t: f32) -> vec3<f32> {
  let h = 6.0 * fract(t);
  let k = (vec3<f32>(5.0, 3.0, 1.0) + h) % 6.0;
  return 1.0 - 0.8 * clamp(min(k, 4.0 - k), vec3<f32>(0.0), vec3<f32>(1.0));
}

fn plasma(t: f32) -> vec3<f32> {
  let x = clamp(t, 0.0, 1.0) * 10.0;
  let j = min(u32(floor(x)), 9u);
  return mix(PLASMA[j], PLASMA[j + 1u], x - f32(j));
}

fn trajectory_color(i: u32) -> vec3<f32> {
  let pp = path_params;
  switch pp.color_by {
    case 1u: { return hue(f32(i) / f32(pp.count)); }
    case 2u: {
      if (pp.basin_count == 0u) { return pp.color.rgb; }
      let w = path_history[(pp.newest % pp.slots) * pp.count + i].xy;
      return CATEGORICAL[basin_of(atan2(w.y, w.x)) % 10u];
    }
    case 3u: {
      let d = path_metrics[i].divergence_step;
      if (d < 0) { return NO_DIVERGENCE; }
      return plasma(f32(d) / max(pp.end_step, 1.0));
    }
    case 4u: { return CAUSE_COLORS[divergence_cause(path_metrics[i])]; }
    default: { return pp.color.rgb; }
  }
}

@vertex
fn paths_vs(@builtin(vertex_index) v: u32) -> PathOut {
  let pp = path_params;
  var s = v / 2u;
  var i = (s / (pp.vertices - 1u)) * pp.traj_stride;
  // Highlight: vertices [copy · segments, (copy + 1) · segments) draw copy 0, 1 or 2 of the one path, shifted
  // by (0, 0), (1, 0) or (0, 1) px, so it reads as a thicker line (WebGPU lines are 1 px wide).
  var nudge = vec2<f32>(0.0);
  if (pp.highlight >= 0) {
    let copy = s / (pp.vertices - 1u);
    s = s % (pp.vertices - 1u);
    i = u32(pp.highlight);
    nudge = vec2<f32>(select(0.0, 2.0, copy == 1u), select(0.0, 2.0, copy == 2u)) / pp.viewport;
  }
  let j = s % (pp.vertices - 1u);
  var k0 = pp.first_sample + j * pp.stride;
  var k1 = k0 + pp.stride;
  var out: PathOut;
  out.major_y = 0u;
  out.color = vec4<f32>(0.0);
  // Parallel neighbours would otherwise line their dashes up into stripes.
  out.phase = fract(f32(i) * 0.618034);
  if (i >= pp.count) {
    out.position = vec4<f32>(2.0, 2.0, 0.0, 1.0);
    return out;
  }
  if (pp.which != 0u) {
    // After an overflow the kernel writes zeros: hold the last finite sample (k·sample_every < step).
    let overflow = path_metrics[i].overflow_step;
    if (overflow >= 0) {
      let last = (u32(overflow) - 1u) / pp.sample_every;
      if (overflow == 0 || last < pp.first_sample) {
        out.position = vec4<f32>(2.0, 2.0, 0.0, 1.0); // every vertex at one point off screen: nothing drawn
        return out;
      }
      k0 = min(k0, last);
      k1 = min(k1, last);
    }
  }
  let a = world_of(sample_at(i, k0));
  var b = world_of(sample_at(i, k1));
  if (pp.polar == 1u && abs(b.x - a.x) > PI) {
    b.x -= sign(b.x - a.x) * 2.0 * PI; // the short way round: leaves through the edge at ±π
  }
  let ca = a * pp.scale + pp.offset;
  let cb = b * pp.scale + pp.offset;
  let d = abs(cb - ca) * pp.viewport;
  out.major_y = select(0u, 1u, d.y > d.x);
  out.position = vec4<f32>(select(ca, cb, v % 2u == 1u) + nudge, 0.0, 1.0);
  out.color = select(vec4<f32>(trajectory_color(i), pp.color.a), pp.color, pp.highlight >= 0);
  return out;
}

@fragment
fn paths_fs(in: PathOut) -> @location(0) vec4<f32> {
  let along = select(in.position.x, in.position.y, in.major_y == 1u);
  if (path_params.pattern == 1u && fract(along / 12.0 + in.phase) >= 0.6) { discard; } // dashes: 7 px on, 5 off
  if (path_params.pattern == 2u && fract(along / 5.0 + in.phase) >= 0.4) { discard; }  // dots: 2 px on, 3 off
  return in.color;
}
