// The scale-invariant loss L(w) = f(θ), f(θ) = Σ a_k cos kθ + b_k sin kθ (MATH.md §1), in the real type R.
// Harmonics come through complex powers of u = w/|w| (no trigonometric calls), in the order of
// src/core/loss.ts fPrime(), which the CPU float32 mirror follows operation by operation.

// Number of harmonics: a pipeline constant, so the loop bound is known to the compiler.
override HARMONICS: u32 = 1u;

@group(0) @binding(1) var<uniform> loss_coeffs: array<vec4<f32>, 64>;

struct R2 { x: R, y: R }

fn f_prime(ux: R, uy: R) -> R {
  var acc = r_from(0.0);
  var c = ux;
  var s = uy;
  for (var h = 0u; h < HARMONICS; h++) {
    let k = loss_coeffs[h];
    acc = r_add(acc, r_sub(r_mul(r_coef_kb(k), c), r_mul(r_coef_ka(k), s)));
    let cn = r_sub(r_mul(c, ux), r_mul(s, uy));
    s = r_add(r_mul(c, uy), r_mul(s, ux));
    c = cn;
  }
  return acc;
}

// ∇L(w) = f'(θ)·(−u_y, u_x)/|w|.
fn loss_gradient(x: R, y: R) -> R2 {
  let inv = r_inv_sqrt(r_add(r_mul(x, x), r_mul(y, y)));
  let ux = r_mul(x, inv);
  let uy = r_mul(y, inv);
  let g = r_mul(f_prime(ux, uy), inv);
  return R2(r_neg(r_mul(uy, g)), r_mul(ux, g));
}
