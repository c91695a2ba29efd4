// Markers at each trajectory's current position (src/render/heads.ts): a disc of diameter `width` px with a
// dark ring of `outline` px, antialiased by distance, one quad (6 vertices) per trajectory. Appended by the
// host after shaders/render_paths.wgsl, whose params, bindings, sample reading and colours it shares; the
// disc sits at sample `first_sample` (the newest drawn).

@vertex
fn heads_vs(@builtin(vertex_index) v: u32) -> PathOut {
  let pp = path_params;
  let corner = v % 6u;
  var i = (v / 6u) * pp.traj_stride;
  if (pp.highlight >= 0) { i = u32(pp.highlight); }
  var out: PathOut;
  out.major_y = 0u;
  out.phase = 0.0;
  out.color = vec4<f32>(0.0);
  out.local = vec2<f32>(0.0);
  out.len = 0.0;
  out.neighbours = vec4<f32>(0.0);
  out.links = 0u;
  out.position = vec4<f32>(2.0, 2.0, 0.0, 1.0); // off screen: nothing drawn
  if (i >= pp.count) { return out; }
  let e = segment_ends(i, pp.first_sample, pp.first_sample);
  if (!e.ok) { return out; }
  let half_vp = 0.5 * pp.viewport;
  let reach = 0.5 * pp.width + pp.outline + 1.0;
  let local = vec2<f32>(select(-reach, reach, CORNER_END[corner] > 0.5), CORNER_SIDE[corner] * reach);
  out.position = vec4<f32>((e.a * half_vp + local) / half_vp, 0.0, 1.0);
  out.local = local;
  out.color = select(vec4<f32>(trajectory_color(i), pp.color.a), pp.color, pp.highlight >= 0);
  return out;
}

@fragment
fn heads_fs(in: PathOut) -> @location(0) vec4<f32> {
  let pp = path_params;
  let dist = length(in.local);
  let core_r = 0.5 * pp.width;
  let cover = clamp(core_r + pp.outline + 0.5 - dist, 0.0, 1.0);
  if (cover <= 0.0) { discard; }
  let core = clamp(core_r + 0.5 - dist, 0.0, 1.0);
  return vec4<f32>(mix(pp.outline_rgb.rgb, in.color.rgb, core / cover), in.color.a * cover);
}
