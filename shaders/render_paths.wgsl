// Trajectory paths straight from the engine's history ring: each segment (6 vertices, two triangles) is a quad
// around a capsule of width `width` px, antialiased by its signed distance in the fragment shader; capsules
// give round joins and round caps. Every vertex reads both ends of its segment, so a segment knows its
// screen direction (dash and dot patterns run along the screen axis it mostly follows, independent of how
// long the segments are) and, in the polar view, whether it crosses θ = ±π (its end is then unwrapped past
// the edge, not drawn across). An optional outline rings the core. Where capsules of one path overlap (at
// every join, and everywhere when segments are shorter than the width) a pixel belongs to the nearest of the
// segment and its two neighbours, read from the ring too: the others discard it, so antialiased edges are not
// blended twice and an outline never paints over a neighbour's core.
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
  highlight: i32,       // -1: every trajectory; i >= 0: only trajectory i, in `color`
  width: f32,           // core width in device pixels (≥ 1)
  outline: f32,         // dark outline on each side of the core, device pixels (0: none)
  period: f32,          // dash / dot period in device pixels
  outline_rgb: vec4<f32>, // the outline's colour (dark on the dark theme, light on the light one); a unused
  quads: u32,           // 1: 6 vertices per segment (a capsule's quad); 0: 2 (a hairline, the line-list pipeline)
  oldest: u32,          // oldest sample still in the ring (a segment's previous neighbour must not be older)
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
  @location(3) local: vec2<f32>,                 // (along, across) the segment from its start, in pixels
  @location(4) @interpolate(flat) len: f32,      // the segment's length in pixels
  // The previous segment's start and the next segment's end, in the same (along, across) frame.
  @location(5) @interpolate(flat) neighbours: vec4<f32>,
  @location(6) @interpolate(flat) links: u32,    // bit 0: a previous segment, bit 1: a next one
}

// Quad corners of a segment, two triangles: (0: start, 1: end) and the side (−1, +1).
const CORNER_END = array<f32, 6>(0.0, 0.0, 1.0, 1.0, 0.0, 1.0);
const CORNER_SIDE = array<f32, 6>(-1.0, 1.0, -1.0, -1.0, 1.0, 1.0);

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

// Where trajectory i of run `which` is drawn at samples k0 and k1 (clip space), or false when it is not
// drawn (overflowed before the drawn range). After an overflow the kernel writes zeros: the last finite sample
// is held (k·sample_every < step).
struct SegmentEnds {
  ok: bool,
  a: vec2<f32>,
  b: vec2<f32>,
}

fn segment_ends(i: u32, k0_in: u32, k1_in: u32) -> SegmentEnds {
  let pp = path_params;
  var out: SegmentEnds;
  out.ok = false;
  var k0 = k0_in;
  var k1 = k1_in;
  if (pp.which != 0u) {
    let overflow = path_metrics[i].overflow_step;
    if (overflow >= 0) {
      let last = (u32(overflow) - 1u) / pp.sample_every;
      if (overflow == 0 || last < pp.first_sample) { return out; }
      k0 = min(k0, last);
      k1 = min(k1, last);
    }
  }
  let a = world_of(sample_at(i, k0));
  var b = world_of(sample_at(i, k1));
  if (pp.polar == 1u && abs(b.x - a.x) > PI) {
    b.x -= sign(b.x - a.x) * 2.0 * PI; // the short way round: leaves through the edge at ±π
  }
  out.ok = true;
  out.a = a * pp.scale + pp.offset;
  out.b = b * pp.scale + pp.offset;
  return out;
}

@vertex
fn paths_vs(@builtin(vertex_index) v: u32) -> PathOut {
  let pp = path_params;
  let per = select(2u, 6u, pp.quads == 1u);
  let s = v / per;
  let corner = v % per;
  var i = (s / (pp.vertices - 1u)) * pp.traj_stride;
  if (pp.highlight >= 0) { i = u32(pp.highlight); }
  let j = s % (pp.vertices - 1u);
  let k0 = pp.first_sample + j * pp.stride;
  var out: PathOut;
  out.major_y = 0u;
  out.color = vec4<f32>(0.0);
  out.local = vec2<f32>(0.0);
  out.len = 0.0;
  out.neighbours = vec4<f32>(0.0);
  out.links = 0u;
  // Parallel neighbours would otherwise line their dashes up into stripes.
  out.phase = fract(f32(i) * 0.618034);
  out.position = vec4<f32>(2.0, 2.0, 0.0, 1.0); // every vertex at one point off screen: nothing drawn
  if (i >= pp.count) { return out; }
  let e = segment_ends(i, k0, k0 + pp.stride);
  if (!e.ok) { return out; }
  // Pixel space (isotropic): the quad reaches `reach` px beyond the capsule's axis on every side.
  let half_vp = 0.5 * pp.viewport;
  let d = abs(e.b - e.a) * pp.viewport;
  out.major_y = select(0u, 1u, d.y > d.x);
  out.color = select(vec4<f32>(trajectory_color(i), pp.color.a), pp.color, pp.highlight >= 0);
  if (pp.quads == 0u) {
    // A hairline (thousands of paths): the fragment sees distance 0, the core colour.
    out.position = vec4<f32>(select(e.a, e.b, corner == 1u), 0.0, 1.0);
    return out;
  }
  let pa = e.a * half_vp;
  let pb = e.b * half_vp;
  let dv = pb - pa;
  let len = length(dv);
  let t = select(vec2<f32>(1.0, 0.0), dv / len, len > 1e-4);
  let n = vec2<f32>(-t.y, t.x);
  let reach = 0.5 * pp.width + pp.outline + 1.0;
  let along = select(-reach, len + reach, CORNER_END[corner] > 0.5);
  let across = CORNER_SIDE[corner] * reach;
  let p = pa + t * along + n * across;
  // Neighbours, moved with any polar unwrap so that they meet this segment's ends.
  let to_local = mat2x2<f32>(vec2<f32>(t.x, n.x), vec2<f32>(t.y, n.y));
  if (k0 >= pp.oldest + pp.stride) {
    let e0 = segment_ends(i, k0 - pp.stride, k0);
    if (e0.ok) {
      out.neighbours = vec4<f32>(to_local * ((e0.a - e0.b + e.a) * half_vp - pa), out.neighbours.zw);
      out.links |= 1u;
    }
  }
  if (j + 1u < pp.vertices - 1u) {
    let e2 = segment_ends(i, k0 + pp.stride, k0 + 2u * pp.stride);
    if (e2.ok) {
      out.neighbours = vec4<f32>(out.neighbours.xy, to_local * ((e2.b - e2.a + e.b) * half_vp - pa));
      out.links |= 2u;
    }
  }
  out.position = vec4<f32>(p / half_vp, 0.0, 1.0);
  out.local = vec2<f32>(along, across);
  out.len = select(0.0, len, len > 1e-4);
  return out;
}

fn segment_distance(p: vec2<f32>, a: vec2<f32>, b: vec2<f32>) -> f32 {
  let ab = b - a;
  let h = clamp(dot(p - a, ab) / max(dot(ab, ab), 1e-12), 0.0, 1.0);
  return length(p - a - ab * h);
}

@fragment
fn paths_fs(in: PathOut) -> @location(0) vec4<f32> {
  let pp = path_params;
  // Distance to the segment (the capsule's axis), in pixels.
  let dx = max(max(-in.local.x, in.local.x - in.len), 0.0);
  let dist = length(vec2<f32>(dx, in.local.y));
  // A pixel clearly nearer a neighbouring segment is that segment's; near-ties (within rounding, e.g. along a
  // straight path) are drawn by both, else rounding could make both give the pixel away.
  let end = vec2<f32>(in.len, 0.0);
  if ((in.links & 1u) != 0u && segment_distance(in.local, in.neighbours.xy, vec2<f32>(0.0)) < dist - 1e-3) { discard; }
  if ((in.links & 2u) != 0u && segment_distance(in.local, end, in.neighbours.zw) < dist - 1e-3) { discard; }
  let core_r = 0.5 * pp.width;
  let cover = clamp(core_r + pp.outline + 0.5 - dist, 0.0, 1.0);
  if (cover <= 0.0) { discard; }
  let along = select(in.position.x, in.position.y, in.major_y == 1u);
  if (pp.pattern == 1u && fract(along / pp.period + in.phase) >= 0.6) { discard; } // dashes: 60 % on
  if (pp.pattern == 2u && fract(along / pp.period + in.phase) >= 0.45) { discard; } // dots: 45 % on
  let core = clamp(core_r + 0.5 - dist, 0.0, 1.0);
  let rgb = mix(path_params.outline_rgb.rgb, in.color.rgb, core / cover);
  return vec4<f32>(rgb, in.color.a * cover);
}
