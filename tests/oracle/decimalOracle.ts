/**
 * Independent high-precision reference for the scale-invariance playground (docs/math.md §1–§3), in decimal.js
 * at 60 significant digits.
 *
 * Deliberately independent of src/core (types only are imported):
 * - the angle is taken with Decimal.atan2 and the harmonics with Decimal cos(kθ), sin(kθ) — no complex powers;
 * - the gradient is f'(θ)·(−y, x)/r² with r² = x² + y² — no square root;
 * - α is the larger root of x² − (1 + γ − ηλ)x + γ by the quadratic formula, c_t is the running product of
 *   the α of each step's phase, and η̃_t = η_t/(c_t c_{t+1}) is formed from c_t directly (not recursively);
 * - the buffer correction at a phase switch is derived below, not copied from src/core/schedule.ts.
 *
 * Every float64 input (coefficients, lr, λ, γ, lrDecay, w_0) is converted to its EXACT binary value, so the
 * oracle runs the same mathematical problem as the float64 / double-double code, and the decayed learning
 * rates η·lrDecay^I are formed in Decimal (not rounded to float64).
 *
 * Buffer correction (own derivation). In phase I with rate η and root α, write u_t = ṽ_t/c_t, so that
 * w_t = c_t w̃_t and ∇L(w̃_t) = c_t ∇L(w_t) turn the exponential run into
 *   α u_{t+1} = γ u_t + ∇L(w_t),   w_{t+1} = α w_t − ηα u_{t+1}      (using η̃_t c_{t+1}² = η α).
 * The ansatz v_t = u_t + p w_t reproduces the weight-decay run v_{t+1} = γ v_t + ∇L(w_t) + λ w_t,
 * w_{t+1} = w_t − η v_{t+1} iff p = (1 − α)/(ηα) (and α solves the quadratic). So v_t = ṽ_t/c_t + p_I w_t:
 *   - at t = 0, v_0 = 0 gives ṽ_0 = −p_0 w_0 = (1 − 1/α_0) w_0/η_0;
 *   - at a switch T into phase I the same v_T must be split with p_I instead of p_{I−1}:
 *       ṽ_T ← ṽ_T + c_T (p_{I−1} − p_I) w_T = ṽ_T + c_T² (p_{I−1} − p_I) w̃_T.
 */
import Decimal from 'decimal.js';
import type { FourierLoss } from '../../src/core/loss';
import type { OptimizerConfig } from '../../src/core/schedule';

export const D = Decimal.clone({ precision: 60 });
export type Dec = Decimal;

/** The exact binary value of a float64 (to 60 significant digits). */
export function exactDecimal(x: number): Dec {
  if (!Number.isFinite(x)) return new D(x);
  if (Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER) return new D(x);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const e = biased === 0 ? -1074 : biased - 1075;
  const m = new D((negative ? -mant : mant).toString());
  return e >= 0 ? m.times(pow2(e)) : m.div(pow2(-e));
}

const POW2 = new Map<number, Dec>();
/** 2^k for k ≥ 0: exact for k < 196 (fewer than 60 digits), rounded to 60 digits (≈1e-59 relative) beyond. */
function pow2(k: number): Dec {
  let p = POW2.get(k);
  if (p === undefined) {
    p = new D(2).pow(k);
    POW2.set(k, p);
  }
  return p;
}

/** hi + lo of a double-double, exactly (to 60 digits). */
export function ddDecimal(hi: number, lo: number): Dec {
  return exactDecimal(hi).plus(exactDecimal(lo));
}

export type DecimalLike = Dec | number | { readonly hi: number; readonly lo: number };

export function toDecimal(v: DecimalLike): Dec {
  if (typeof v === 'number') return exactDecimal(v);
  if (v instanceof Decimal) return new D(v);
  return ddDecimal(v.hi, v.lo);
}

/** |p − q| / |q| for 2-vectors, as a number (q is the reference). */
export function relDist(px: DecimalLike, py: DecimalLike, qx: DecimalLike, qy: DecimalLike): number {
  const ax = toDecimal(px);
  const ay = toDecimal(py);
  const bx = toDecimal(qx);
  const by = toDecimal(qy);
  const dx = ax.minus(bx);
  const dy = ay.minus(by);
  const num = dx.times(dx).plus(dy.times(dy));
  const den = bx.times(bx).plus(by.times(by));
  return Math.sqrt(num.div(den).toNumber());
}

interface DecLoss {
  a: Dec[];
  b: Dec[];
}

function decLoss(loss: FourierLoss): DecLoss {
  return { a: loss.a.map(exactDecimal), b: loss.b.map(exactDecimal) };
}

export interface OracleAngular {
  theta: Dec;
  f: Dec;
  fp: Dec;
  fpp: Dec;
}

function angularDec(L: DecLoss, x: Dec, y: Dec): OracleAngular {
  const theta = D.atan2(y, x);
  let f = new D(0);
  let fp = new D(0);
  let fpp = new D(0);
  for (let i = 0; i < L.a.length; i++) {
    const k = i + 1;
    const kt = theta.times(k);
    const c = kt.cos();
    const s = kt.sin();
    const ac = L.a[i].times(c);
    const bs = L.b[i].times(s);
    f = f.plus(ac).plus(bs);
    fp = fp.plus(L.b[i].times(c).minus(L.a[i].times(s)).times(k));
    fpp = fpp.minus(ac.plus(bs).times(k * k));
  }
  return { theta, f, fp, fpp };
}

function gradientDec(L: DecLoss, x: Dec, y: Dec): [Dec, Dec] {
  const { fp } = angularDec(L, x, y);
  const r2 = x.times(x).plus(y.times(y));
  const s = fp.div(r2);
  return [s.times(y).neg(), s.times(x)];
}

/** f, f', f'' (and θ) at w = (x, y). */
export function oracleAngular(loss: FourierLoss, x: DecimalLike, y: DecimalLike): OracleAngular {
  return angularDec(decLoss(loss), toDecimal(x), toDecimal(y));
}

/** ∇L(w) = f'(θ)·(−y, x)/r². */
export function oracleGradient(loss: FourierLoss, x: DecimalLike, y: DecimalLike): [Dec, Dec] {
  return gradientDec(decLoss(loss), toDecimal(x), toDecimal(y));
}

/** θ, f, f', f'' and ∇L at w = (x, y), with one evaluation of the harmonics. */
export function oracleEvaluate(
  loss: FourierLoss,
  x: DecimalLike,
  y: DecimalLike,
): OracleAngular & { gradient: [Dec, Dec] } {
  const X = toDecimal(x);
  const Y = toDecimal(y);
  const t = angularDec(decLoss(loss), X, Y);
  const s = t.fp.div(X.times(X).plus(Y.times(Y)));
  return { ...t, gradient: [s.times(Y).neg(), s.times(X)] };
}

/** The larger root of x² − (1 + γ − ηλ)x + γ = 0; throws when the roots are not real. */
export function oracleAlpha(lr: DecimalLike, weightDecay: DecimalLike, momentum: DecimalLike): Dec {
  const eta = toDecimal(lr);
  const lam = toDecimal(weightDecay);
  const gamma = toDecimal(momentum);
  const b = new D(1).plus(gamma).minus(eta.times(lam));
  const disc = b.times(b).minus(gamma.times(4));
  if (disc.isNegative()) throw new RangeError('no real α');
  return b.plus(disc.sqrt()).div(2);
}

export interface OracleTrajectory {
  x: Dec[];
  y: Dec[];
}

export interface OracleRun {
  /** Weight-decay run w_t, t = 0..steps. */
  wd: OracleTrajectory;
  /** Exponential run w̃_t, t = 0..steps (empty when not requested). */
  ex: OracleTrajectory;
  /** c_t with w_t = c_t w̃_t, t = 0..steps. */
  c: Dec[];
  /** η̃_t = η_t/(c_t c_{t+1}) used by step t → t+1, t = 0..steps−1. */
  expLr: Dec[];
  /** ṽ_0 = bufferInit · w_0: bufferInit = −p_0 = (1 − 1/α_0)/η_0. */
  bufferInit: Dec;
  /** Per phase: η_I, α_I and p_I = (1 − α_I)/(η_I α_I). */
  phases: { eta: Dec; alpha: Dec; p: Dec }[];
  /** At each switch T (≤ steps): ṽ_T ← ṽ_T + k·w̃_T with k = c_T² (p_{I−1} − p_I). */
  corrections: { step: number; k: Dec }[];
}

export interface OracleOptions {
  /** Also integrate the exponential run (default true). */
  exponential?: boolean;
  /** Apply the buffer correction at phase switches (default true; false only to test the tests). */
  bufferCorrection?: boolean;
  /** Start the exponential run's buffer at ṽ_0 = (1 − 1/α)w_0/η (default true; false: ṽ_0 = 0). */
  bufferInit?: boolean;
}

/**
 * Weight-decay run (buffer form, v_0 = 0, lr multiplied by lrDecay at each milestone: step t uses the rate
 * of the last milestone ≤ t) and its equivalent exponential-learning-rate run, both at 60 digits.
 */
export function oracleRun(
  loss: FourierLoss,
  opt: OptimizerConfig,
  w0: readonly [number, number],
  steps: number,
  options: OracleOptions = {},
): OracleRun {
  const withExp = options.exponential ?? true;
  const correct = options.bufferCorrection ?? true;
  const L = decLoss(loss);
  const lam = exactDecimal(opt.weightDecay);
  const gamma = exactDecimal(opt.momentum);
  const decay = exactDecimal(opt.lrDecay);

  // Phase constants: η_I, α_I, p_I = (1 − α_I)/(η_I α_I).
  const etas: Dec[] = [exactDecimal(opt.lr)];
  for (let i = 0; i < opt.milestones.length; i++) etas.push(etas[i].times(decay));
  const alphas = etas.map((eta) => oracleAlpha(eta, lam, gamma));
  const ps = etas.map((eta, i) => new D(1).minus(alphas[i]).div(eta.times(alphas[i])));
  const phaseOf = (t: number) => {
    let i = 0;
    while (i < opt.milestones.length && opt.milestones[i] <= t) i++;
    return i;
  };

  const c: Dec[] = [new D(1)];
  for (let t = 0; t < steps; t++) c.push(c[t].times(alphas[phaseOf(t)]));
  const expLr: Dec[] = [];
  for (let t = 0; t < steps; t++) expLr.push(etas[phaseOf(t)].div(c[t].times(c[t + 1])));
  const corrections: { step: number; k: Dec }[] = [];
  for (let t = 1; t <= steps; t++) {
    const I = phaseOf(t - 1);
    const J = phaseOf(t);
    if (J !== I) corrections.push({ step: t, k: c[t].times(c[t]).times(ps[I].minus(ps[J])) });
  }
  const bufferInit = ps[0].neg();

  // Weight-decay run.
  let x = exactDecimal(w0[0]);
  let y = exactDecimal(w0[1]);
  let vx = new D(0);
  let vy = new D(0);
  const wd: OracleTrajectory = { x: [x], y: [y] };
  for (let t = 0; t < steps; t++) {
    const eta = etas[phaseOf(t)];
    const [gx, gy] = gradientDec(L, x, y);
    vx = gamma.times(vx).plus(gx).plus(lam.times(x));
    vy = gamma.times(vy).plus(gy).plus(lam.times(y));
    x = x.minus(eta.times(vx));
    y = y.minus(eta.times(vy));
    wd.x.push(x);
    wd.y.push(y);
  }

  const ex: OracleTrajectory = { x: [], y: [] };
  if (withExp) {
    let tx = exactDecimal(w0[0]);
    let ty = exactDecimal(w0[1]);
    const init = options.bufferInit ?? true;
    // ṽ_0 = −p_0 w_0 = (1 − 1/α_0) w_0 / η_0.
    let evx = init ? bufferInit.times(tx) : new D(0);
    let evy = init ? bufferInit.times(ty) : new D(0);
    ex.x.push(tx);
    ex.y.push(ty);
    for (let t = 0; t < steps; t++) {
      const lrT = expLr[t];
      const [hx, hy] = gradientDec(L, tx, ty);
      evx = gamma.times(evx).plus(hx);
      evy = gamma.times(evy).plus(hy);
      tx = tx.minus(lrT.times(evx));
      ty = ty.minus(lrT.times(evy));
      const corr = corrections.find((q) => q.step === t + 1);
      if (corr !== undefined && correct) {
        evx = evx.plus(corr.k.times(tx));
        evy = evy.plus(corr.k.times(ty));
      }
      ex.x.push(tx);
      ex.y.push(ty);
    }
  }
  const phases = etas.map((eta, i) => ({ eta, alpha: alphas[i], p: ps[i] }));
  return { wd, ex, c, expLr, bufferInit, phases, corrections };
}
