/**
 * Reference integrator: steps a weight-decay run and its equivalent exponential run side by side, in any
 * number format (float64, the float32 mirror of the WGSL kernel, double-double). The operation order is the
 * one `shaders/trajectory.wgsl` uses, so the float32 instance mirrors the GPU bit for bit.
 * Numerical choices (renormalisation, closed-form η̃) and the instability crossing: docs/numerics.md.
 * Its state and constants live in integratorState.ts, the exact rescalings in renormalize.ts.
 */
import type { Arith } from './arith';
import type { NumericsConfig } from './config/types';
import {
  initialState,
  LEGACY_NUMERICS,
  type PhaseConstants,
  RENORM_EVERY,
  roundedConstants,
  type StepConstants,
  type TrajectoryState,
} from './integratorState';
import { type FourierLoss, fPrime, fSecond, gradient, type LossCoefficients, lossCoefficients } from './loss';
import { srBits } from './lowFloat';
import { mergeLrExp, renormalizeExponential, renormalizeWd } from './renormalize';
import { ClosedFormRate, type ExponentialSchedule } from './schedule';

export {
  LEGACY_NUMERICS,
  type PhaseConstants,
  RENORM_BAND,
  RENORM_EVERY,
  RENORM_MAX_SHIFT,
  type RunState,
  roundedConstants,
  type StepConstants,
  type TrajectoryEvents,
  type TrajectoryState,
} from './integratorState';

/** Closed-form rates are cached per step up to this many steps (then evaluated each time). */
const RATE_CACHE_STEPS = 1 << 20;

export class Integrator<T> {
  readonly coeffs: LossCoefficients<T>;
  readonly numerics: NumericsConfig;
  private readonly constants: StepConstants<T>;
  private readonly phases: PhaseConstants<T>[];
  private readonly weightDecay: T;
  private readonly momentum: T;
  private readonly two: T;
  /** tan²(tolerance): δ > tol ⇔ dot ≤ 0 or cross² > tan²(tol)·dot² (no atan2 per step). */
  private readonly tan2Tol: T;
  private readonly closed: ClosedFormRate | null;
  private readonly rateMant: T[] = [];
  private readonly rateExp: number[] = [];
  /** The format flushes subnormal results (float32 mirror, the kernel's formats): see renormalize.ts. */
  private readonly flushing: boolean;
  /** Where the kernel compares (crossing, divergence) and sums f'': f32 for the emulated formats. */
  private readonly W: Arith<T>;
  private readonly wideCoeffs: LossCoefficients<T>;
  /** The format the gradient is computed in: A, or the low format under f32 master weights. */
  private readonly G: Arith<T>;
  /** Stochastic rounding of state updates (bf16, f16 with numerics.rounding 'stochastic'), else null. */
  private readonly stochastic: ((wide: T, bits: number) => T) | null;
  private readonly seed: number;
  private readonly updAdd: (a: T, b: T, s: TrajectoryState<T>, op: UpdateOp) => T;
  private readonly updSub: (a: T, b: T, s: TrajectoryState<T>, op: UpdateOp) => T;
  private readonly updMul: (a: T, b: T, s: TrajectoryState<T>, op: UpdateOp) => T;

  constructor(
    readonly A: Arith<T>,
    loss: FourierLoss,
    readonly schedule: ExponentialSchedule,
    readonly tolerance: number,
    numerics: Partial<NumericsConfig> = {},
    constants: StepConstants<T> = roundedConstants(A, schedule),
  ) {
    this.numerics = { ...LEGACY_NUMERICS, ...numerics };
    // Mixed precision (f32 master weights): the gradient in the low format, from the state rounded into it.
    this.G = A.gradient ?? A;
    this.coeffs = lossCoefficients(this.G, loss);
    this.constants = constants;
    this.phases = constants.phases;
    this.weightDecay = constants.weightDecay;
    this.momentum = constants.momentum;
    this.two = A.from(2);
    this.tan2Tol = A.from(Math.tan(tolerance) ** 2);
    this.W = A.wide ?? A;
    const sr = this.numerics.rounding === 'stochastic' && A.stochasticRound !== undefined;
    this.stochastic = sr ? (x, bits) => A.stochasticRound!(x, bits) : null;
    this.seed = this.numerics.seed ?? 0;
    this.updAdd = this.makeUpdate('add');
    this.updSub = this.makeUpdate('sub');
    this.updMul = this.makeUpdate('mul');
    this.wideCoeffs = A.wide ? lossCoefficients(A.wide, loss) : this.coeffs;
    this.closed = this.numerics.lrMode === 'closedForm' ? new ClosedFormRate(schedule) : null;
    this.flushing = A.flushesSubnormals === true;
  }

  /** A trajectory's start; `index` (its place in the run) keys stochastic rounding. */
  init(x0: number, y0: number, index = 0): TrajectoryState<T> {
    return initialState(this.A, this.constants, x0, y0, index);
  }

  /**
   * The state updates a ∘ b (w, v or η̃): the format's own operations, or with stochastic rounding the wide
   * (f32) result rounded up or down from the bits keyed by (seed, trajectory, step, op), as the kernel's
   * upd_* do. Chosen once here: the step calls them without a per-update branch or keyed lookup (the f64
   * integrator ran 2.6× slower with one).
   */
  private makeUpdate(kind: 'add' | 'sub' | 'mul'): (a: T, b: T, s: TrajectoryState<T>, op: UpdateOp) => T {
    const round = this.stochastic;
    if (round === null) return this.A[kind];
    const wide = this.W[kind];
    const seed = this.seed;
    return (a, b, s, op) => round(wide(a, b), srBits(seed, s.index, s.t + 1, op));
  }

  /** A stored value as the gradient's format holds it (rounded into it under f32 master weights). */
  private inGradientFormat(a: T): T {
    return this.G === this.A ? a : this.G.from(this.A.toNumber(a));
  }

  /** Advance one step in place. */
  step(s: TrajectoryState<T>): void {
    const A = this.A;
    const ph = this.phases[s.phase];
    const gamma = this.momentum;
    const lam = this.weightDecay;
    const renormDue = this.numerics.renormalize && s.t % RENORM_EVERY === 0;
    if (renormDue) renormalizeWd(A, s);

    // Weight-decay run, stored as 2^−Kw·(w, v): v ← γv + 2^−2Kw·∇L(stored w) + λw;  w ← w − ηv (exactly the
    // plain run's roundings while nothing leaves the range). The gradient is loss.ts gradient() inlined:
    // u and r² also serve the crossing test.
    const w = s.wd;
    const wx0 = w.x;
    const wy0 = w.y;
    const G = this.G;
    const gwx = this.inGradientFormat(w.x);
    const gwy = this.inGradientFormat(w.y);
    const r2 = G.add(G.mul(gwx, gwx), G.mul(gwy, gwy));
    const inv = G.invSqrt(r2);
    const ux = G.mul(gwx, inv);
    const uy = G.mul(gwy, inv);
    let g = G.mul(fPrime(G, this.coeffs, ux, uy), inv);
    if (s.wdScaleExp !== 0) g = G.scale2(g, -2 * s.wdScaleExp);
    if (s.crossingStep === null && this.crosses(ph.lr, ux, uy, r2, s.wdScaleExp)) s.crossingStep = s.t;
    const gx = G.neg(G.mul(uy, g));
    const gy = G.mul(ux, g);
    s.wdAbsorbedStep = A.isZero(gx) && A.isZero(gy) ? (s.wdAbsorbedStep ?? s.t) : null;
    w.vx = this.updAdd(A.mul(gamma, w.vx), A.add(gx, A.mul(lam, w.x)), s, UpdateOp.WdVx);
    w.vy = this.updAdd(A.mul(gamma, w.vy), A.add(gy, A.mul(lam, w.y)), s, UpdateOp.WdVy);
    w.x = this.keep(this.updSub(w.x, A.mul(ph.lr, w.vx), s, UpdateOp.WdX));
    w.y = this.keep(this.updSub(w.y, A.mul(ph.lr, w.vy), s, UpdateOp.WdY));
    const t1 = s.t + 1;
    if (s.underflowStep === null && (roundsToZero(A, wx0, w.x) || roundsToZero(A, wy0, w.y))) {
      s.underflowStep = t1;
    }

    const e = s.ex;
    const next = this.phases[s.phase + 1];
    const switching = next !== undefined && next.start === t1;
    // Once a run has overflowed its exponential half is frozen: there is nothing finite left to follow.
    if (s.overflowStep === null) {
      if (renormDue) renormalizeExponential(A, s, this.flushing);
      const ex0 = e.x;
      const ey0 = e.y;
      const [hx, hy] = gradient(G, this.coeffs, this.inGradientFormat(e.x), this.inGradientFormat(e.y));
      e.vx = this.updAdd(A.mul(gamma, e.vx), hx, s, UpdateOp.ExVx);
      e.vy = this.updAdd(A.mul(gamma, e.vy), hy, s, UpdateOp.ExVy);
      // Absorbed: w̃ − η̃·0 = w̃ exactly, so the next step sees the same w̃ and again a zero gradient.
      const still = A.isZero(hx) && A.isZero(hy) && A.isZero(e.vx) && A.isZero(e.vy);
      s.expAbsorbedStep = still ? (s.expAbsorbedStep ?? s.t) : null;
      // η̃·ṽ = (lr·ṽ)·2^J: the same rounding as η̃·ṽ, with η̃'s exponent held apart (renormalize.ts).
      e.x = this.keep(this.updSub(e.x, this.lrTimes(s, e.vx), s, UpdateOp.ExX));
      e.y = this.keep(this.updSub(e.y, this.lrTimes(s, e.vy), s, UpdateOp.ExY));
      if (switching) {
        // Move the buffer onto the new phase's change of variables, then rescale η̃ (docs/math.md §3). The true
        // η̃ is lr·2^J, so κ/η̃ carries 2^−J.
        let k = A.div(next.kappa, s.lr);
        if (s.lrExp !== 0) k = A.scale2(k, -s.lrExp);
        e.vx = A.add(e.vx, A.mul(k, e.x));
        e.vy = A.add(e.vy, A.mul(k, e.y));
        s.lr = A.mul(s.lr, next.switchFactor);
        // Flushing formats hold J only while the run is absorbed: one knocked off its fixed point (momentum
        // carries the new buffer into the next step) takes J back into the joint scaling.
        if (this.flushing && s.lrExp !== 0 && !A.isZero(gamma) && !(A.isZero(e.vx) && A.isZero(e.vy))) {
          mergeLrExp(A, s);
        }
      } else {
        s.lr = this.updMul(s.lr, ph.growth, s, UpdateOp.Lr);
      }
      if (this.closed !== null) s.lr = this.closedRate(t1, s.scaleExp, s.lrExp);
      if (s.underflowStep === null && (roundsToZero(A, ex0, e.x) || roundsToZero(A, ey0, e.y))) {
        s.underflowStep = t1;
      }
      if (!this.allFinite(s)) s.overflowStep = t1;
    }
    if (switching) s.phase++;
    s.t = t1;

    if (s.divergenceStep === null && s.overflowStep === null && this.exceedsTolerance(s)) {
      s.divergenceStep = t1;
    }
  }

  /** A new position as the format stores it (double-word formats: rounded to their operations' bits). */
  private keep(a: T): T {
    return this.A.roundState ? this.A.roundState(a) : a;
  }

  private lrTimes(s: TrajectoryState<T>, v: T): T {
    const p = this.A.mul(s.lr, v);
    // Flushing formats: J ≠ 0 only while ṽ = 0 (renormalize.ts), so p is 0 and 2^J changes nothing.
    return s.lrExp === 0 || this.flushing ? p : this.A.scale2(p, s.lrExp);
  }

  /** η̃_t·2^−2K from the closed form: rounded once into the format, then scaled exactly. */
  closedRate(t: number, scaleExp: number, lrExp = 0): T {
    const A = this.A;
    let mant: T;
    let exp: number;
    if (t < this.rateMant.length) {
      mant = this.rateMant[t];
      exp = this.rateExp[t];
    } else {
      const r = (this.closed ?? new ClosedFormRate(this.schedule)).at(t);
      mant = A.fromDD(r.m);
      exp = r.e;
      if (t === this.rateMant.length && t < RATE_CACHE_STEPS) {
        this.rateMant.push(mant);
        this.rateExp.push(exp);
      }
    }
    return A.scale2(mant, exp - 2 * scaleExp - lrExp);
  }

  /** η·f''(θ) > 2r², i.e. the effective step η/r² beyond 2/f''; false whenever f'' ≤ 0. */
  private crosses(lr: T, ux: T, uy: T, r2: T, wdScaleExp: number): boolean {
    const W = this.W;
    const fpp = fSecond(this.G, this.coeffs, ux, uy, W, this.wideCoeffs);
    let lhs = W.mul(lr, fpp);
    if (wdScaleExp !== 0) lhs = W.scale2(lhs, -2 * wdScaleExp);
    return W.toNumber(lhs) > W.toNumber(W.mul(this.two, r2));
  }

  private allFinite(s: TrajectoryState<T>): boolean {
    const A = this.A;
    const { wd: w, ex: e } = s;
    return (
      A.isFinite(e.x) &&
      A.isFinite(e.y) &&
      A.isFinite(e.vx) &&
      A.isFinite(e.vy) &&
      A.isFinite(s.lr) &&
      A.isFinite(w.x) &&
      A.isFinite(w.y) &&
      A.isFinite(w.vx) &&
      A.isFinite(w.vy)
    );
  }

  /** cross and dot of w_t and (stored) w̃_t in the run's own format; only the direction of w̃ matters. */
  crossDot(s: TrajectoryState<T>): [T, T] {
    const A = this.A;
    const w = s.wd;
    let { x: ex, y: ey } = s.ex;
    if (A.name === 'mp') {
      // mp never renormalises: |w̃| grows past float64's range, and cross² and dot² would reach Infinity
      // when converted for the comparison. Only w̃'s direction matters, so use it.
      const inv = A.invSqrt(A.add(A.mul(ex, ex), A.mul(ey, ey)));
      ex = A.mul(ex, inv);
      ey = A.mul(ey, inv);
    }
    const cross = A.sub(A.mul(w.x, ey), A.mul(w.y, ex));
    const dot = A.add(A.mul(w.x, ex), A.mul(w.y, ey));
    return [cross, dot];
  }

  private exceedsTolerance(s: TrajectoryState<T>): boolean {
    const W = this.W;
    const [cross, dot] = this.crossDot(s);
    if (!(W.toNumber(dot) > 0)) return true;
    return W.toNumber(W.mul(cross, cross)) > W.toNumber(W.mul(this.tan2Tol, W.mul(dot, dot)));
  }

  /** Angle gap δ_t = |atan2(cross, dot)| between the two runs (docs/math.md §4); NaN after an overflow. */
  angleGap(s: TrajectoryState<T>): number {
    if (s.overflowStep !== null) return Number.NaN;
    const [cross, dot] = this.crossDot(s);
    return Math.abs(Math.atan2(this.A.toNumber(cross), this.A.toNumber(dot)));
  }
}

/**
 * Which state update an operation is, for its stochastic-rounding bits (shaders/trajectory.wgsl passes the
 * same numbers). The phase switch's few operations round to nearest.
 */
const UpdateOp = {
  WdVx: 0,
  WdVy: 1,
  WdX: 2,
  WdY: 3,
  ExVx: 4,
  ExVy: 5,
  ExX: 6,
  ExY: 7,
  Lr: 8,
} as const;
type UpdateOp = (typeof UpdateOp)[keyof typeof UpdateOp];

/** A component that was non-zero and is now exactly zero: it underflowed (or cancelled to nothing). */
function roundsToZero<T>(A: Arith<T>, before: T, after: T): boolean {
  return A.isZero(after) && !A.isZero(before);
}
