/**
 * The sharpness λ_max(∇²L(w)) of a model's loss, for the instability crossing η·λ_max > 2 of the plane's
 * docs/math.md §5 in ℝ^P. Measured in float64 from the run's own weights whatever its format (a diagnostic,
 * not part of the arithmetic under study), by power iteration on Hessian-vector products from central
 * differences of the float64 gradient, warm-started from the previous direction so that a few iterations
 * per check suffice. The Hessian of a scale-invariant loss is homogeneous of degree −2 (per unit for
 * bnMlp, whose units share no scale), so the stored, renormalised weights give λ·2^(2Kw) exactly.
 */
import { F64 } from '../arith';
import { BnGradient } from './bnGradient';
import { paramCount, type ResolvedModel } from './types';

/** Steps between two crossing checks (the renormalisation cadence): the crossing step is known to 16. */
export const SHARPNESS_EVERY = 16;
const FIRST_ITERATIONS = 24;
const WARM_ITERATIONS = 3;
/** Central-difference step relative to |w| (error ~h² against rounding ~ε/h: 1e−5 balances them). */
const RELATIVE_STEP = 1e-5;

export class SharpnessTracker {
  private readonly grad: BnGradient<number>;
  private readonly P: number;
  private readonly plus: number[];
  private readonly minus: number[];
  private readonly gPlus: number[];
  private readonly gMinus: number[];

  constructor(model: ResolvedModel) {
    this.grad = new BnGradient(F64, model);
    this.P = paramCount(model);
    this.plus = new Array(this.P).fill(0);
    this.minus = new Array(this.P).fill(0);
    this.gPlus = new Array(this.P).fill(0);
    this.gMinus = new Array(this.P).fill(0);
  }

  /** A start direction for a trajectory's power iteration (all ones, normalised: no randomness to key). */
  startDirection(): Float64Array {
    return new Float64Array(this.P).fill(1 / Math.sqrt(this.P));
  }

  /** λ_max estimate at w, refining the unit vector `dir` in place (a Rayleigh quotient; may be ≤ 0). */
  sharpness(w: ArrayLike<number>, dir: Float64Array, first: boolean): number {
    const P = this.P;
    let norm = 0;
    for (let k = 0; k < P; k++) norm += w[k] * w[k];
    const h = RELATIVE_STEP * Math.sqrt(norm);
    let lambda = 0;
    const iterations = first ? FIRST_ITERATIONS : WARM_ITERATIONS;
    for (let it = 0; it < iterations; it++) {
      for (let k = 0; k < P; k++) {
        this.plus[k] = w[k] + h * dir[k];
        this.minus[k] = w[k] - h * dir[k];
      }
      this.grad.gradient(this.plus, this.gPlus);
      this.grad.gradient(this.minus, this.gMinus);
      let dot = 0;
      let hv2 = 0;
      for (let k = 0; k < P; k++) {
        const hv = (this.gPlus[k] - this.gMinus[k]) / (2 * h);
        this.plus[k] = hv;
        dot += hv * dir[k];
        hv2 += hv * hv;
      }
      lambda = dot;
      const inv = hv2 > 0 ? 1 / Math.sqrt(hv2) : 0;
      if (inv === 0) break;
      for (let k = 0; k < P; k++) dir[k] = this.plus[k] * inv;
    }
    return lambda;
  }
}
