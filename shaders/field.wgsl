// Loss field on a grid of cell centres, for the heatmap and the quiver overlay: (L, ∂L/∂x, ∂L/∂y, f''(θ)).
// Prepended by the host: real_f32.wgsl and loss.wgsl. The f32 coefficient table holds (k·a_k, k·b_k, a_k, b_k).

struct FieldParams {
  width: u32,
  height: u32,
  x0: f32,
  x1: f32,
  y0: f32,
  y1: f32,
}

@group(0) @binding(0) var<uniform> field_params: FieldParams;
@group(0) @binding(2) var<storage, read_write> field: array<vec4<f32>>;

@compute @workgroup_size(8, 8)
fn loss_field(@builtin(global_invocation_id) gid: vec3<u32>) {
  let fp = field_params;
  if (gid.x >= fp.width || gid.y >= fp.height) { return; }
  let x = fp.x0 + (f32(gid.x) + 0.5) * (fp.x1 - fp.x0) / f32(fp.width);
  let y = fp.y0 + (f32(gid.y) + 0.5) * (fp.y1 - fp.y0) / f32(fp.height);
  let r2 = x * x + y * y;
  let out_index = gid.y * fp.width + gid.x;
  if (r2 == 0.0) {
    field[out_index] = vec4<f32>(0.0); // the loss is undefined at the origin
    return;
  }
  let inv = inverseSqrt(r2);
  let ux = x * inv;
  let uy = y * inv;
  var f = 0.0;
  var fpr = 0.0;
  var fpp = 0.0;
  var c = ux;
  var s = uy;
  for (var h = 0u; h < HARMONICS; h++) {
    let k = loss_coeffs[h];
    let kf = f32(h + 1u);
    f += k.z * c + k.w * s;
    fpr += k.y * c - k.x * s;
    fpp -= kf * (k.x * c + k.y * s);
    let cn = c * ux - s * uy;
    s = c * uy + s * ux;
    c = cn;
  }
  let g = fpr * inv;
  field[out_index] = vec4<f32>(f, -uy * g, ux * g, fpp);
}
