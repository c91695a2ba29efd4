// The scale-invariant loss L(w) = f(θ), f(θ) = Σ a_k cos kθ + b_k sin kθ (docs/math.md §1), in the real type R.
// Prepended by the host: the real type and `fn f_prime(ux: R, uy: R) -> R`, generated for the loss at hand
// by src/gpu/lossSource.ts (harmonics through complex powers of u = w/|w|, no trigonometric calls).

struct R2 { x: R, y: R }

// ∇L(w) = f'(θ)·(−u_y, u_x)/|w|.
fn loss_gradient(x: R, y: R) -> R2 {
  let inv = r_inv_sqrt(r_dot2(x, x, y, y));
  let ux = r_mul(x, inv);
  let uy = r_mul(y, inv);
  let g = r_mul(f_prime(ux, uy), inv);
  return R2(r_neg(r_mul(uy, g)), r_mul(ux, g));
}
