/**
 * The gradient of a batch-normalised model's loss in any number format, in one fixed operation order that
 * shaders/model_step.wgsl repeats (so the float32 mirror equals the kernel bit for bit). Per hidden unit j
 * with weight vector w_j (PyTorch's BatchNorm1d(affine=False) in training mode: mean, biased variance):
 *   z_i = x_i·w_j,  μ = Σz_i/n,  σ² = Σ(z_i − μ)²/n + ε,  ẑ_i = (z_i − μ)/σ
 *   out_i = ẑ_i (bnLogistic)  or  Σ_j a_j·relu(ẑ_ij) (bnMlp),  L = Σ log(1 + e^(−y_i·out_i))/n
 *   g_i = ∂L/∂out_i = −y_i/(n·(1 + e^(y_i·out_i))),  ĝ_ij = g_i (bnLogistic) or a_j·g_i·[ẑ_ij > 0] (bnMlp)
 *   ∂L/∂z_ij = (ĝ_ij − mean_i ĝ_ij − ẑ_ij·mean_i(ĝ_ij·ẑ_ij))/σ_j,   ∂L/∂w_j = Σ_i ∂L/∂z_ij·x_i
 * Sums run over i (or k) in ascending order, each starting from its first term.
 */
import type { Arith } from '../arith';
import { DD, ddDiv } from '../dd';
import { type ExpConstants, expConstants, expInFormat } from './expInFormat';
import type { ResolvedModel } from './types';

export class BnGradient<T> {
  readonly n: number;
  readonly d: number;
  readonly hidden: number;
  private readonly x: T[];
  private readonly positive: boolean[];
  private readonly readout: T[];
  private readonly invN: T;
  private readonly negInvN: T;
  private readonly one: T;
  private readonly eps: T | null;
  private readonly mlp: boolean;
  private readonly expC: ExpConstants<T>;
  // Scratch: z_i, then ẑ_ij for every unit (n·hidden), and g_i.
  private readonly z: T[];
  private readonly zh: T[];
  private readonly g: T[];
  private readonly rs: T[];

  constructor(
    readonly A: Arith<T>,
    model: ResolvedModel,
  ) {
    this.n = model.n;
    this.d = model.d;
    this.hidden = model.hidden;
    this.mlp = model.kind === 'bnMlp';
    this.x = Array.from(model.x, (v) => A.from(v));
    this.positive = Array.from(model.y, (v) => v > 0);
    this.readout = Array.from(model.readout, (v) => A.from(v));
    // 1/n correctly rounded: through double-double for every format it holds, in mp's own precision for mp.
    this.invN =
      A.name === 'mp' ? A.div(A.from(1), A.from(model.n)) : A.fromDD(ddDiv(new DD(1, 0), new DD(model.n, 0)));
    this.negInvN = A.neg(this.invN);
    this.one = A.from(1);
    this.eps = model.eps === 0 ? null : A.from(model.eps);
    this.expC = expConstants(A);
    this.z = new Array(this.n).fill(A.zero);
    this.zh = new Array(this.n * this.hidden).fill(A.zero);
    this.g = new Array(this.n).fill(A.zero);
    this.rs = new Array(this.hidden).fill(A.zero);
  }

  /** ∂L/∂w at w (hidden·d components, unit after unit) into `out`. */
  gradient(w: readonly T[], out: T[]): void {
    const { A, n, hidden } = this;
    for (let j = 0; j < hidden; j++) this.normalizeUnit(w, j);
    // g_i = ∓1/n / (1 + e^(y·out)): the sign of −y_i folded into ±1/n.
    for (let i = 0; i < n; i++) {
      const o = this.output(i);
      const margin = this.positive[i] ? o : A.neg(o);
      const e = expInFormat(A, this.expC, margin);
      this.g[i] = A.div(this.positive[i] ? this.negInvN : this.invN, A.add(this.one, e));
    }
    for (let j = 0; j < hidden; j++) this.unitGradient(j, out);
  }

  /** z, μ, σ and ẑ of unit j (ẑ kept for the backward pass). */
  private normalizeUnit(w: readonly T[], j: number): void {
    const { A, n, d, x, z } = this;
    const wo = j * d;
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      let s = A.mul(x[xo], w[wo]);
      for (let k = 1; k < d; k++) s = A.add(s, A.mul(x[xo + k], w[wo + k]));
      z[i] = s;
    }
    let sum = z[0];
    for (let i = 1; i < n; i++) sum = A.add(sum, z[i]);
    const mean = A.mul(sum, this.invN);
    let dev = A.sub(z[0], mean);
    let ss = A.mul(dev, dev);
    for (let i = 1; i < n; i++) {
      dev = A.sub(z[i], mean);
      ss = A.add(ss, A.mul(dev, dev));
    }
    let variance = A.mul(ss, this.invN);
    if (this.eps !== null) variance = A.add(variance, this.eps);
    const rs = A.invSqrt(variance);
    this.rs[j] = rs;
    const zo = j * n;
    for (let i = 0; i < n; i++) this.zh[zo + i] = A.mul(A.sub(z[i], mean), rs);
  }

  /** The model's output at point i: ẑ_i, or Σ_j a_j·relu(ẑ_ij). */
  private output(i: number): T {
    const { A, n } = this;
    if (!this.mlp) return this.zh[i];
    let o = A.zero;
    for (let j = 0; j < this.hidden; j++) {
      const h = this.zh[j * n + i];
      const term = A.toNumber(h) > 0 ? A.mul(this.readout[j], h) : A.zero;
      o = j === 0 ? term : A.add(o, term);
    }
    return o;
  }

  /** ĝ of unit j at point i. */
  private upstream(j: number, i: number): T {
    if (!this.mlp) return this.g[i];
    const A = this.A;
    return A.toNumber(this.zh[j * this.n + i]) > 0 ? A.mul(this.readout[j], this.g[i]) : A.zero;
  }

  /** Batch-norm backward of unit j, then ∂L/∂w_j = Σ_i ∂L/∂z_i·x_i into out[j·d …]. */
  private unitGradient(j: number, out: T[]): void {
    const { A, n, d, x } = this;
    const zo = j * n;
    let gs = this.upstream(j, 0);
    let gz = A.mul(gs, this.zh[zo]);
    for (let i = 1; i < n; i++) {
      const gi = this.upstream(j, i);
      gs = A.add(gs, gi);
      gz = A.add(gz, A.mul(gi, this.zh[zo + i]));
    }
    const gbar = A.mul(gs, this.invN);
    const gzbar = A.mul(gz, this.invN);
    const rs = this.rs[j];
    const wo = j * d;
    for (let i = 0; i < n; i++) {
      const dz = A.mul(A.sub(A.sub(this.upstream(j, i), gbar), A.mul(this.zh[zo + i], gzbar)), rs);
      const xo = i * d;
      for (let k = 0; k < d; k++) {
        const p = A.mul(dz, x[xo + k]);
        out[wo + k] = i === 0 ? p : A.add(out[wo + k], p);
      }
    }
  }
}

/** Loss and training accuracy of the model at w, in float64 (for the charts; scale invariant in each unit). */
export function modelLoss(model: ResolvedModel, w: ArrayLike<number>): { loss: number; accuracy: number } {
  const { n, d, hidden } = model;
  const out = new Float64Array(n);
  for (let j = 0; j < hidden; j++) {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += model.x[i * d + k] * w[j * d + k];
      z[i] = s;
    }
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n + model.eps;
    const sd = Math.sqrt(variance);
    for (let i = 0; i < n; i++) {
      const zh = (z[i] - mean) / sd;
      out[i] += model.kind === 'bnMlp' ? model.readout[j] * Math.max(0, zh) : zh;
    }
  }
  let loss = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const m = model.y[i] * out[i];
    // log(1 + e^−m) without overflow: max(−m, 0) + log1p(e^−|m|).
    loss += Math.max(-m, 0) + Math.log1p(Math.exp(-Math.abs(m)));
    if (m > 0) right++;
  }
  return { loss: loss / n, accuracy: right / n };
}
