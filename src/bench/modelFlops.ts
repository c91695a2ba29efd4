/**
 * The flop count behind the model rows' flop/s column (issue 16): pure arithmetic on the model's shape, so
 * that tests/bench/models.test.ts can hold it against an Arith that counts the reference's operations.
 */
import type { ResolvedModel } from '../core/model/types';

export interface ModelFlops {
  /** One ∂L/∂w (forward and backward) of one seed. */
  gradient: number;
  /** The two runs' momentum and weight updates and η̃'s growth. */
  update: number;
  /** One seed-step: both runs' gradients and updates. */
  seedStep: number;
}

/**
 * Floating-point operations of one seed-step of bnLogistic / bnMlp, counted on the formula of
 * src/core/model/bnGradient.ts, with n points, d features, h hidden units (h = 1 for bnLogistic), P = h·d:
 * every add, subtract, multiply and divide is 1 flop (so a multiply-add is 2), 1/√x is 1, exp is 1 (one
 * special function, whatever it costs: the TypeScript exp is a ~13-term polynomial, NumPy's a library call),
 * a sign flip and a comparison are 0. relu's zeros are multiplied through (the dense count the batched
 * peers perform; the TypeScript reference skips products with ẑ ≤ 0 and recomputes ĝ, so bnMlp's reference
 * performs a data-dependent count near this one). Per unit j, then per gradient:
 *   z_i = x_i·w_j                      n·(d mul + (d−1) add)         = 2dn − n
 *   μ = Σz_i·(1/n)                     (n−1) add + 1 mul             = n
 *   σ² = Σ(z_i − μ)²·(1/n) [+ ε]       n sub + n mul + (n−1) add + 1 = 3n [+1]
 *   r = 1/√σ²                          1
 *   ẑ_i = (z_i − μ)·r                  2n
 *     → normalisation: h·(2dn + 5n + 1 [+1 with ε ≠ 0])
 *   out_i = Σ_j a_j·relu(ẑ_ij)         bnMlp only: n·(h mul + (h−1) add) = n·(2h − 1)
 *   g_i = ∓(1/n)/(1 + exp(y_i·out_i))  n·(exp + add + div)           = 3n
 *   ĝ_ij = a_j·g_i·[ẑ_ij > 0]          bnMlp only: h·n mul
 *   Σĝ, Σĝẑ (then ·(1/n) each)         h·((n−1) add + n mul + (n−1) add + 2 mul) = h·(3n)
 *   ∂L/∂z_ij = ((ĝ − ḡ) − ẑ·ḡẑ)·r      h·n·(2 sub + 2 mul)            = h·4n
 *   ∂L/∂w_j = Σ_i ∂L/∂z_ij·x_i         h·d·(n mul + (n−1) add)       = h·(2dn − d)
 *     → backward: h·(2dn + 7n − d)
 * Update, per component: weight decay v ← γv + (g + λw), w ← w − ηv (3 mul, 2 add, 1 sub = 6); exponential
 * ṽ ← γṽ + h, w̃ ← w̃ − η̃ṽ (2 mul, 1 add, 1 sub = 4); once per step η̃ ← η̃·growth: 10P + 1.
 * Not counted: the per-step drift (angle gap) test between the two runs, which every implementation here
 * performs too (O(P) bookkeeping next to the O(hdn) gradients).
 * bnLogistic, d 8, n 256: gradient 4dn + 15n + 1 − d = 12 025, seed-step 24 131.
 */
export function modelFlops(m: Pick<ResolvedModel, 'kind' | 'n' | 'd' | 'hidden' | 'eps'>): ModelFlops {
  const { n, d, hidden: h } = m;
  const mlp = m.kind === 'bnMlp';
  const normalize = h * (2 * d * n + 5 * n + 1 + (m.eps === 0 ? 0 : 1));
  const output = mlp ? n * (2 * h - 1) : 0;
  const loss = 3 * n;
  const upstream = mlp ? h * n : 0;
  const backward = h * (2 * d * n + 7 * n - d);
  const gradient = normalize + output + loss + upstream + backward;
  const update = 10 * h * d + 1;
  return { gradient, update, seedStep: 2 * gradient + update };
}
