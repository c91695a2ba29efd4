// Gradient quiver: arrows of −∇L on a coarse grid of the pane, read from the loss field the heatmap already
// computed (shaders/field.wgsl: (L, ∂L/∂x, ∂L/∂y, f'') per cell, row 0 at the bottom). One line list, six
// vertices per arrow: the shaft and the two strokes of the head. Lengths (device px):
//   log:     0.3·cell·log2(1 + |∇L|/g_ref), at most 1.2 cells;
//   clamped: 0.9·cell·min(|∇L|, g_ref)/g_ref.

struct QuiverParams {
  viewport: vec2<f32>, // pane size, device px
  grid: vec2<u32>,     // field cells (width, height)
  arrows: vec2<u32>,   // arrow columns and rows
  cell: f32,           // arrow spacing, device px
  g_ref: f32,          // reference gradient (see src/render/quiver.ts)
  mode: u32,           // 1: log, 2: clamped
  color: vec4<f32>,
}

@group(0) @binding(0) var<uniform> quiver_params: QuiverParams;
@group(0) @binding(1) var<storage, read> quiver_field: array<vec4<f32>>;

fn rotate(d: vec2<f32>, c: f32, s: f32) -> vec2<f32> {
  return vec2<f32>(c * d.x - s * d.y, s * d.x + c * d.y);
}

@vertex
fn quiver_vs(@builtin(vertex_index) v: u32) -> @builtin(position) vec4<f32> {
  let qp = quiver_params;
  let a = v / 6u;
  let off = vec4<f32>(2.0, 2.0, 0.0, 1.0); // off screen: the arrow is not drawn
  if (a >= qp.arrows.x * qp.arrows.y) { return off; }
  let margin = 0.5 * (qp.viewport - vec2<f32>(qp.arrows) * qp.cell);
  let centre = (vec2<f32>(f32(a % qp.arrows.x), f32(a / qp.arrows.x)) + 0.5) * qp.cell + margin;
  let cell = min(vec2<u32>(centre / qp.viewport * vec2<f32>(qp.grid)), qp.grid - 1u);
  let g = quiver_field[cell.y * qp.grid.x + cell.x].yz;
  let mag = length(g);
  if (!(mag > 0.0) || mag > 3.0e38) { return off; }
  var len = 0.0;
  if (qp.mode == 1u) {
    len = min(0.3 * qp.cell * log2(1.0 + mag / qp.g_ref), 1.2 * qp.cell);
  } else {
    len = 0.9 * qp.cell * min(mag, qp.g_ref) / qp.g_ref;
  }
  let dir = -g / mag;
  let tip = centre + 0.5 * len * dir;
  let head = min(0.35 * len, 0.3 * qp.cell);
  var p = tip;
  switch v % 6u {
    case 0u: { p = centre - 0.5 * len * dir; }
    case 3u: { p = tip - head * rotate(dir, 0.906, 0.423); }
    case 5u: { p = tip - head * rotate(dir, 0.906, -0.423); }
    default: {}
  }
  return vec4<f32>(p / qp.viewport * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn quiver_fs() -> @location(0) vec4<f32> {
  return quiver_params.color;
}
