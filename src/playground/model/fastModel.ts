/**
 * Loss, accuracy, gradient and sharpness of a batch-normalised model in float64, written for speed (flat
 * Float64Array loops, no allocation per call): the page evaluates the loss at every sample of hundreds of
 * seeds for its charts, and checks the instability crossing from the GPU's samples. The formulas are
 * modelLoss's and BnGradient's (src/core/model/bnGradient.ts), the sharpness SharpnessTracker's
 * (src/core/model/sharpness.ts): tests/playground/model/fastModel.test.ts compares them.
 */
import type { ResolvedModel } from '../../core/model/types';

/** As SharpnessTracker: central-difference step relative to |w|, iterations of a cold and a warm start. */
const RELATIVE_STEP = 1e-5;
const FIRST_ITERATIONS = 24;
const WARM_ITERATIONS = 3;

export class FastModel {
  readonly n: number;
  readonly d: number;
  readonly hidden: number;
  readonly P: number;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly readout: Float64Array;
  private readonly mlp: boolean;
  private readonly eps: number;
  // Scratch: ẑ per unit (hidden·n), 1/σ per unit, outputs, upstream gradients.
  private readonly zh: Float64Array;
  private readonly rs: Float64Array;
  private readonly out: Float64Array;
  private readonly g: Float64Array;
  private readonly plus: Float64Array;
  private readonly minus: Float64Array;
  private readonly gPlus: Float64Array;
  private readonly gMinus: Float64Array;

  constructor(model: ResolvedModel) {
    this.n = model.n;
    this.d = model.d;
    this.hidden = model.hidden;
    this.P = model.hidden * model.d;
    this.x = model.x;
    this.y = model.y;
    this.readout = model.readout;
    this.mlp = model.kind === 'bnMlp';
    this.eps = model.eps;
    this.zh = new Float64Array(this.hidden * this.n);
    this.rs = new Float64Array(this.hidden);
    this.out = new Float64Array(this.n);
    this.g = new Float64Array(this.n);
    this.plus = new Float64Array(this.P);
    this.minus = new Float64Array(this.P);
    this.gPlus = new Float64Array(this.P);
    this.gMinus = new Float64Array(this.P);
  }

  /** ẑ of every unit and the outputs, for the P numbers of w from `offset`. */
  private forward(w: ArrayLike<number>, offset: number): void {
    const { n, d, x, zh, out } = this;
    out.fill(0);
    for (let j = 0; j < this.hidden; j++) {
      const wo = offset + j * d;
      const zo = j * n;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const xo = i * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += x[xo + k] * w[wo + k];
        zh[zo + i] = s;
        sum += s;
      }
      const mean = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const dev = zh[zo + i] - mean;
        ss += dev * dev;
      }
      const rs = 1 / Math.sqrt(ss / n + this.eps);
      this.rs[j] = rs;
      const a = this.readout[j];
      for (let i = 0; i < n; i++) {
        const h = (zh[zo + i] - mean) * rs;
        zh[zo + i] = h;
        out[i] += this.mlp ? (h > 0 ? a * h : 0) : h;
      }
    }
  }

  /** Loss and training accuracy at the P numbers of w from `offset` (modelLoss's formula). */
  lossAccuracy(w: ArrayLike<number>, offset = 0): { loss: number; accuracy: number } {
    this.forward(w, offset);
    const { n, y, out } = this;
    let loss = 0;
    let right = 0;
    for (let i = 0; i < n; i++) {
      const m = y[i] * out[i];
      loss += Math.max(-m, 0) + Math.log1p(Math.exp(-Math.abs(m)));
      if (m > 0) right++;
    }
    return { loss: loss / n, accuracy: right / n };
  }

  /** ∂L/∂w at w (P numbers from `offset`) into `grad` (BnGradient's formula, in float64). */
  gradient(w: ArrayLike<number>, grad: Float64Array, offset = 0): void {
    this.forward(w, offset);
    const { n, d, x, y, out, g, zh } = this;
    for (let i = 0; i < n; i++) g[i] = -y[i] / (n * (1 + Math.exp(y[i] * out[i])));
    for (let j = 0; j < this.hidden; j++) {
      const zo = j * n;
      const a = this.readout[j];
      let gs = 0;
      let gz = 0;
      for (let i = 0; i < n; i++) {
        const h = zh[zo + i];
        const gi = this.mlp ? (h > 0 ? a * g[i] : 0) : g[i];
        gs += gi;
        gz += gi * h;
      }
      const gbar = gs / n;
      const gzbar = gz / n;
      const rs = this.rs[j];
      const wo = j * d;
      for (let k = 0; k < d; k++) grad[wo + k] = 0;
      for (let i = 0; i < n; i++) {
        const h = zh[zo + i];
        const gi = this.mlp ? (h > 0 ? a * g[i] : 0) : g[i];
        const dz = (gi - gbar - h * gzbar) * rs;
        const xo = i * d;
        for (let k = 0; k < d; k++) grad[wo + k] += dz * x[xo + k];
      }
    }
  }

  /** A start direction for the sharpness's power iteration (all ones, normalised, as SharpnessTracker). */
  startDirection(): Float64Array {
    return new Float64Array(this.P).fill(1 / Math.sqrt(this.P));
  }

  /**
   * λ_max(∇²L) at w by power iteration on central-difference Hessian-vector products, refining the unit
   * vector `dir` in place (24 iterations cold, 3 warm): SharpnessTracker.sharpness.
   */
  sharpness(w: ArrayLike<number>, dir: Float64Array, first: boolean, offset = 0): number {
    const P = this.P;
    let norm = 0;
    for (let k = 0; k < P; k++) norm += w[offset + k] * w[offset + k];
    const h = RELATIVE_STEP * Math.sqrt(norm);
    let lambda = 0;
    const iterations = first ? FIRST_ITERATIONS : WARM_ITERATIONS;
    for (let it = 0; it < iterations; it++) {
      for (let k = 0; k < P; k++) {
        this.plus[k] = w[offset + k] + h * dir[k];
        this.minus[k] = w[offset + k] - h * dir[k];
      }
      this.gradient(this.plus, this.gPlus);
      this.gradient(this.minus, this.gMinus);
      let dotp = 0;
      let hv2 = 0;
      for (let k = 0; k < P; k++) {
        const hv = (this.gPlus[k] - this.gMinus[k]) / (2 * h);
        this.plus[k] = hv;
        dotp += hv * dir[k];
        hv2 += hv * hv;
      }
      lambda = dotp;
      if (!(hv2 > 0)) break;
      const inv = 1 / Math.sqrt(hv2);
      for (let k = 0; k < P; k++) dir[k] = this.plus[k] * inv;
    }
    return lambda;
  }
}
