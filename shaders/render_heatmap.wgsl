// Loss heatmap: a fullscreen triangle whose fragments sample the loss field (computed by field.wgsl over
// exactly the visible world rectangle) with bilinear interpolation and map L through the colormap.
// Prepended by the host (src/render/heatmap.ts via fullscreen.ts): the colormap and render_fullscreen.wgsl.

struct HeatParams {
  grid: vec2<u32>, // field cells (width, height); row 0 is the bottom of the view
  lmin: f32,       // loss mapped to the first colour
  lmax: f32,       // loss mapped to the last colour
}

@group(0) @binding(0) var<uniform> heat_params: HeatParams;
// (L, ∂L/∂x, ∂L/∂y, f''): only L is drawn here.
@group(0) @binding(1) var<storage, read> heat_field: array<vec4<f32>>;

fn field_at(ix: i32, iy: i32) -> f32 {
  let g = vec2<i32>(heat_params.grid);
  let c = clamp(vec2<i32>(ix, iy), vec2<i32>(0), g - 1);
  return heat_field[u32(c.y) * heat_params.grid.x + u32(c.x)].x;
}

@fragment
fn heatmap_fs(in: FullscreenOut) -> @location(0) vec4<f32> {
  // Cell centres sit at (i + 0.5) / width: interpolate between the four around this fragment.
  let p = in.uv * vec2<f32>(heat_params.grid) - 0.5;
  let i = vec2<i32>(floor(p));
  let f = p - floor(p);
  let bottom = mix(field_at(i.x, i.y), field_at(i.x + 1, i.y), f.x);
  let top = mix(field_at(i.x, i.y + 1), field_at(i.x + 1, i.y + 1), f.x);
  let l = mix(bottom, top, f.y);
  let span = max(heat_params.lmax - heat_params.lmin, 1e-30);
  return vec4<f32>(colormap((l - heat_params.lmin) / span), 1.0);
}
