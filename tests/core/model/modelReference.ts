/**
 * Independent high-precision references for the model tests (tests/core/model/*), in decimal.js. Nothing here
 * calls src/core/model (types only): float64 inputs are converted to their EXACT binary values, and the
 * batch-normalised loss and its gradient are written out from the definitions, the gradient in a different
 * arrangement from src/core/model/bnGradient.ts (through ∂σ/∂w instead of the backward pass over z):
 *   ∂ẑ_i/∂w = (x_i − x̄)/σ − ẑ_i·S/σ,   S = (1/n)·Σ_k ẑ_k (x_k − x̄)   (= ∂σ/∂w),
 *   ∂L/∂w_j = (1/σ_j)·[Σ_i c_ij (x_i − x̄) − (Σ_i c_ij ẑ_ij)·S_j],   c_ij = ∂L/∂ẑ_ij.
 * The reference gradient is itself checked against central differences of the reference loss.
 */
import Decimal from 'decimal.js';
import type { ResolvedModel } from '../../../src/core/model/types';

export type Dec = Decimal;

/** A decimal.js constructor at `digits` significant digits (round half even, practically unlimited range). */
export function decimalAt(digits: number): typeof Decimal {
  return Decimal.clone({ precision: digits, rounding: Decimal.ROUND_HALF_EVEN, minE: -9e15, maxE: 9e15 });
}

const view = new DataView(new ArrayBuffer(8));

/** The exact binary value of a finite float64, as an (unrounded) Decimal of the constructor D. */
export function exactOf(D: typeof Decimal, x: number): Dec {
  if (x === 0) return new D(0);
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const e = biased === 0 ? -1074 : biased - 1075;
  const m = (negative ? -mant : mant).toString();
  // m·2^e = m·5^−e·10^e for e < 0: an exact decimal string, rounded once by the constructor's precision.
  return e >= 0
    ? new D(`${(BigInt(m) << BigInt(e)).toString()}`)
    : new D(`${BigInt(m) * 5n ** BigInt(-e)}e${e}`);
}

/** A model's data as exact decimals. */
export interface DecimalModel {
  D: typeof Decimal;
  n: number;
  d: number;
  hidden: number;
  mlp: boolean;
  x: Dec[][];
  y: number[];
  readout: Dec[];
  eps: Dec;
}

export function decimalModel(m: ResolvedModel, digits: number): DecimalModel {
  const D = decimalAt(digits);
  const x = Array.from({ length: m.n }, (_, i) =>
    Array.from(m.x.subarray(i * m.d, (i + 1) * m.d), (v) => exactOf(D, v)),
  );
  return {
    D,
    n: m.n,
    d: m.d,
    hidden: m.hidden,
    mlp: m.kind === 'bnMlp',
    x,
    y: Array.from(m.y),
    readout: Array.from(m.readout, (v) => exactOf(D, v)),
    eps: exactOf(D, m.eps),
  };
}

interface UnitForward {
  zh: Dec[];
  sigma: Dec;
  /** x_i − x̄ for every i. */
  xc: Dec[][];
}

function unitForward(M: DecimalModel, w: Dec[], j: number): UnitForward {
  const { D, n, d, x } = M;
  const wj = w.slice(j * d, (j + 1) * d);
  const z = x.map((row) => row.reduce((s, xk, k) => s.plus(xk.times(wj[k])), new D(0)));
  const mu = z.reduce((s, v) => s.plus(v), new D(0)).div(n);
  const variance = z
    .reduce((s, v) => s.plus(v.minus(mu).pow(2)), new D(0))
    .div(n)
    .plus(M.eps);
  const sigma = variance.sqrt();
  const xbar = Array.from({ length: d }, (_, k) => x.reduce((s, row) => s.plus(row[k]), new D(0)).div(n));
  const xc = x.map((row) => row.map((v, k) => v.minus(xbar[k])));
  return { zh: z.map((v) => v.minus(mu).div(sigma)), sigma, xc };
}

function outputs(M: DecimalModel, units: UnitForward[]): Dec[] {
  const { D, n } = M;
  return Array.from({ length: n }, (_, i) => {
    if (!M.mlp) return units[0].zh[i];
    return units.reduce(
      (s, u, j) => (u.zh[i].isPositive() ? s.plus(M.readout[j].times(u.zh[i])) : s),
      new D(0),
    );
  });
}

/** The loss L(w) = (1/n)·Σ log(1 + e^(−y_i·out_i)) at w (decimals). */
export function referenceLoss(M: DecimalModel, w: Dec[]): Dec {
  const units = Array.from({ length: M.hidden }, (_, j) => unitForward(M, w, j));
  const out = outputs(M, units);
  const one = new M.D(1);
  return out.reduce((s, o, i) => s.plus(one.plus(o.times(-M.y[i]).exp()).ln()), new M.D(0)).div(M.n);
}

/** ∇L(w) (decimals), by the ∂σ/∂w arrangement of the header. */
export function referenceGradient(M: DecimalModel, w: Dec[]): Dec[] {
  const { D, n, d } = M;
  const units = Array.from({ length: M.hidden }, (_, j) => unitForward(M, w, j));
  const out = outputs(M, units);
  const one = new D(1);
  // ∂L/∂out_i = −y_i / (n·(1 + e^(y_i·out_i))).
  const g = out.map((o, i) => new D(-M.y[i]).div(one.plus(o.times(M.y[i]).exp()).times(n)));
  const grad: Dec[] = [];
  units.forEach((u, j) => {
    const c = g.map((gi, i) => (!M.mlp ? gi : u.zh[i].isPositive() ? gi.times(M.readout[j]) : new D(0)));
    const cz = c.reduce((s, ci, i) => s.plus(ci.times(u.zh[i])), new D(0));
    for (let k = 0; k < d; k++) {
      let a = new D(0);
      let sk = new D(0);
      for (let i = 0; i < n; i++) {
        a = a.plus(c[i].times(u.xc[i][k]));
        sk = sk.plus(u.zh[i].times(u.xc[i][k]));
      }
      grad.push(a.minus(cz.times(sk.div(n))).div(u.sigma));
    }
  });
  return grad;
}

/** Central differences of referenceLoss with step h (error O(h²) in exact arithmetic). */
export function finiteDifferenceGradient(M: DecimalModel, w: Dec[], h: Dec): Dec[] {
  return w.map((_, k) => {
    const plus = w.map((c, i) => (i === k ? c.plus(h) : c));
    const minus = w.map((c, i) => (i === k ? c.minus(h) : c));
    return referenceLoss(M, plus).minus(referenceLoss(M, minus)).div(h.times(2));
  });
}

/** max_k |a_k − b_k| / ‖b‖₂ (b the reference), as a number. */
export function normwiseError(a: readonly Dec[], b: readonly Dec[]): number {
  const norm = b.reduce((s, v) => s.plus(v.times(v)), new (b[0].constructor as typeof Decimal)(0)).sqrt();
  let max = 0;
  a.forEach((v, k) => {
    max = Math.max(max, v.minus(b[k]).abs().div(norm).toNumber());
  });
  return max;
}

/** Seeded uniform [0, 1) (mulberry32; independent of src/core/init's generator). */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded standard normal draws (Box–Muller over `uniform`). */
export function normal(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
