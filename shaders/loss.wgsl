// The scale-invariant loss L(w) = f(θ), f(θ) = Σ a_k cos kθ + b_k sin kθ (docs/math.md §1), in the real type R.
// Prepended by the host: the real type and `fn f_prime(ux: R, uy: R) -> R`, generated for the loss at hand
// by src/gpu/lossSource.ts (harmonics through complex powers of u = w/|w|, no trigonometric calls).

struct R2 { x: R, y: R }

// ∇L(w) = f'(θ)·(−u_y, u_x)/|w|.
// In the gradient's format (g_*: the real type's own operations, or under f32 master weights the low
// format's, from the state rounded into it by g_in).
fn loss_gradient(x0: R, y0: R) -> R2 {
  let x = g_in(x0);
  let y = g_in(y0);
  let inv = g_inv_sqrt(g_dot2(x, x, y, y));
  let ux = g_mul(x, inv);
  let uy = g_mul(y, inv);
  let g = g_mul(f_prime(ux, uy), inv);
  return R2(g_neg(g_mul(uy, g)), g_mul(ux, g));
}
