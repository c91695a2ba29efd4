/**
 * Reference integrator: steps a weight-decay run and its equivalent exponential run side by side, in any
 * number format (float64, the float32 mirror of the WGSL kernel, double-double). The operation order is the
 * one `shaders/trajectory.wgsl` uses, so the float32 instance mirrors the GPU bit for bit.
 * Numerical choices (renormalisation, closed-form η̃) and the instability crossing: docs/numerics.md.
 */
import type { Arith } from './arith';
import type { NumericsConfig } from './config/types';
import { type FourierLoss, fPrime, type LossCoefficients, lossCoefficients } from './loss';
import { ClosedFormRate, type ExponentialSchedule, floorLog2 } from './schedule';

export interface RunState<T> {
  x: T;
  y: T;
  vx: T;
  vy: T;
}

export interface TrajectoryState<T> {
  /** Weight-decay run, stored rescaled: w_t = 2^wdScaleExp·(x, y), v_t = 2^wdScaleExp·(vx, vy). */
  wd: RunState<T>;
  /** Kw, the weight-decay run's renormalisation exponent (0 without renormalisation). */
  wdScaleExp: number;
  /** Exponential run, stored rescaled: w̃_t = 2^scaleExp·(x, y), ṽ_t = 2^−scaleExp·(vx, vy). */
  ex: RunState<T>;
  /** η̃_t·2^(−2·scaleExp − lrExp), the stored exponential run's learning rate for the next step. */
  lr: T;
  /** J: η̃'s own exponent, held apart from `lr` so that η̃ never overflows (docs/numerics.md). */
  lrExp: number;
  /** K, the accumulated renormalisation exponent (0 without renormalisation). */
  scaleExp: number;
  t: number;
  phase: number;
  /** First step with angle gap above the tolerance, or null. */
  divergenceStep: number | null;
  /** First step with a non-finite component in either run (w̃, ṽ, η̃, or w, v), or null. */
  overflowStep: number | null;
  /** First step t whose update is taken with η_t·f''(θ_t) > 2|w_t|² (weight-decay run), or null. */
  crossingStep: number | null;
  /** Start of the current streak of steps whose computed gradient is exactly zero (weight-decay run). */
  wdAbsorbedStep: number | null;
  /** The same for the exponential run, whose buffer must be exactly zero too (then w̃ is a fixed point). */
  expAbsorbedStep: number | null;
  /** First step at which a position component of either run rounded to exactly zero from non-zero. */
  underflowStep: number | null;
}

/** Renormalise when the larger |component| of w̃ has its binary exponent outside [MIN, MAX] (docs/numerics.md). */
export const RENORM_BAND = { minLog2: -16, maxLog2: 15 } as const;
/** The band is checked before each step t with t % RENORM_EVERY = 0 (the kernel does the same, between chunks). */
export const RENORM_EVERY = 16;
/** Largest shift applied at once, so that 2^(±2k) stays a normal float32 (a tiny start takes a few steps). */
export const RENORM_MAX_SHIFT = 60;
/** Without `numerics`, the integrator behaves as before issue 5: no renormalisation, recurrence. */
export const LEGACY_NUMERICS: NumericsConfig = { renormalize: false, lrMode: 'recurrence' };
/** Closed-form rates are cached per step up to this many steps (then evaluated each time). */
const RATE_CACHE_STEPS = 1 << 20;

export interface PhaseConstants<T> {
  start: number;
  lr: T;
  growth: T;
  switchFactor: T;
  kappa: T;
}

/**
 * The schedule's constants in the integrator's own format. By default they are rounded from the
 * double-double schedule; a format wider than double-double (mp) computes its own at full precision.
 */
export interface StepConstants<T> {
  phases: PhaseConstants<T>[];
  weightDecay: T;
  momentum: T;
  /** η̃_0 and the exponential run's initial buffer coupling ṽ_0 = bufferInit·w_0. */
  expLr0: T;
  bufferInit: T;
}

/** The default constants: the double-double schedule rounded into A's format. */
export function roundedConstants<T>(A: Arith<T>, schedule: ExponentialSchedule): StepConstants<T> {
  return {
    phases: schedule.phases.map((p) => ({
      start: p.start,
      lr: A.fromDD(p.lr),
      growth: A.fromDD(p.growth),
      switchFactor: A.fromDD(p.switchFactor),
      kappa: A.fromDD(p.bufferKappa),
    })),
    weightDecay: A.fromDD(schedule.weightDecay),
    momentum: A.fromDD(schedule.momentum),
    expLr0: A.fromDD(schedule.expLr0),
    bufferInit: A.fromDD(schedule.bufferInit),
  };
}

export class Integrator<T> {
  readonly coeffs: LossCoefficients<T>;
  readonly numerics: NumericsConfig;
  private readonly phases: PhaseConstants<T>[];
  private readonly weightDecay: T;
  private readonly momentum: T;
  private readonly expLr0: T;
  private readonly bufferInit: T;
  private readonly two: T;
  /** tan²(tolerance): δ > tol ⇔ dot ≤ 0 or cross² > tan²(tol)·dot² (no atan2 per step). */
  private readonly tan2Tol: T;
  private readonly closed: ClosedFormRate | null;
  private readonly rateMant: T[] = [];
  private readonly rateExp: number[] = [];
  /** The format flushes subnormal results (float32 mirror, the kernel's formats): see renormalize(). */
  private readonly flushing: boolean;

  constructor(
    readonly A: Arith<T>,
    loss: FourierLoss,
    readonly schedule: ExponentialSchedule,
    readonly tolerance: number,
    numerics: Partial<NumericsConfig> = {},
    constants: StepConstants<T> = roundedConstants(A, schedule),
  ) {
    this.numerics = { ...LEGACY_NUMERICS, ...numerics };
    this.coeffs = lossCoefficients(A, loss);
    this.phases = constants.phases;
    this.weightDecay = constants.weightDecay;
    this.momentum = constants.momentum;
    this.expLr0 = constants.expLr0;
    this.bufferInit = constants.bufferInit;
    this.two = A.from(2);
    this.tan2Tol = A.from(Math.tan(tolerance) ** 2);
    this.closed = this.numerics.lrMode === 'closedForm' ? new ClosedFormRate(schedule) : null;
    this.flushing = A.flushesSubnormals === true;
  }

  init(x0: number, y0: number): TrajectoryState<T> {
    const A = this.A;
    const x = A.from(x0);
    const y = A.from(y0);
    return {
      wd: { x, y, vx: A.zero, vy: A.zero },
      wdScaleExp: 0,
      ex: { x, y, vx: A.mul(this.bufferInit, x), vy: A.mul(this.bufferInit, y) },
      lr: this.expLr0,
      lrExp: 0,
      scaleExp: 0,
      t: 0,
      phase: 0,
      divergenceStep: null,
      overflowStep: null,
      crossingStep: null,
      wdAbsorbedStep: null,
      expAbsorbedStep: null,
      underflowStep: null,
    };
  }

  /** Advance one step in place. */
  step(s: TrajectoryState<T>): void {
    const A = this.A;
    const ph = this.phases[s.phase];
    const gamma = this.momentum;
    const lam = this.weightDecay;
    const renormDue = this.numerics.renormalize && s.t % RENORM_EVERY === 0;
    if (renormDue) this.renormalizeWd(s);

    // Weight-decay run, stored as 2^−Kw·(w, v): v ← γv + 2^−2Kw·∇L(stored w) + λw;  w ← w − ηv (exactly the
    // plain run's roundings while nothing leaves the range). The gradient is loss.ts gradient() inlined:
    // u and r² also serve the crossing test.
    const w = s.wd;
    const wx0 = w.x;
    const wy0 = w.y;
    const r2 = A.add(A.mul(w.x, w.x), A.mul(w.y, w.y));
    const inv = A.invSqrt(r2);
    const ux = A.mul(w.x, inv);
    const uy = A.mul(w.y, inv);
    let g = A.mul(fPrime(A, this.coeffs, ux, uy), inv);
    if (s.wdScaleExp !== 0) g = A.scale2(g, -2 * s.wdScaleExp);
    if (s.crossingStep === null && this.crosses(ph.lr, ux, uy, r2, s.wdScaleExp)) s.crossingStep = s.t;
    const gx = A.neg(A.mul(uy, g));
    const gy = A.mul(ux, g);
    s.wdAbsorbedStep = A.isZero(gx) && A.isZero(gy) ? (s.wdAbsorbedStep ?? s.t) : null;
    w.vx = A.add(A.mul(gamma, w.vx), A.add(gx, A.mul(lam, w.x)));
    w.vy = A.add(A.mul(gamma, w.vy), A.add(gy, A.mul(lam, w.y)));
    w.x = this.keep(A.sub(w.x, A.mul(ph.lr, w.vx)));
    w.y = this.keep(A.sub(w.y, A.mul(ph.lr, w.vy)));
    const t1 = s.t + 1;
    if (s.underflowStep === null && (roundsToZero(A, wx0, w.x) || roundsToZero(A, wy0, w.y))) {
      s.underflowStep = t1;
    }

    const e = s.ex;
    const next = this.phases[s.phase + 1];
    const switching = next !== undefined && next.start === t1;
    // Once a run has overflowed its exponential half is frozen: there is nothing finite left to follow.
    if (s.overflowStep === null) {
      if (renormDue) this.renormalize(s);
      const ex0 = e.x;
      const ey0 = e.y;
      const [hx, hy] = gradientOf(A, this.coeffs, e.x, e.y);
      e.vx = A.add(A.mul(gamma, e.vx), hx);
      e.vy = A.add(A.mul(gamma, e.vy), hy);
      // Absorbed: w̃ − η̃·0 = w̃ exactly, so the next step sees the same w̃ and again a zero gradient.
      const still = A.isZero(hx) && A.isZero(hy) && A.isZero(e.vx) && A.isZero(e.vy);
      s.expAbsorbedStep = still ? (s.expAbsorbedStep ?? s.t) : null;
      // η̃·ṽ = (lr·ṽ)·2^J: the same rounding as η̃·ṽ, with η̃'s exponent held apart (renormalize()).
      e.x = this.keep(A.sub(e.x, this.lrTimes(s, e.vx)));
      e.y = this.keep(A.sub(e.y, this.lrTimes(s, e.vy)));
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
          this.mergeLrExp(s);
        }
      } else {
        s.lr = A.mul(s.lr, ph.growth);
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

  /**
   * Exact power-of-two rescaling (docs/numerics.md): w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, η̃ ← 2^−2k η̃ leaves every
   * later rounding unchanged, since ∇L(2^−k w̃) = 2^k ∇L(w̃) exactly in binary floating point. Then lr's own
   * exponent moves into J when lr leaves the band: keyed to |w̃| alone, the first rescaling cannot keep η̃
   * in range when w̃ stops growing (an absorbed or stuck run), since its invariant is η̃/|w̃|².
   * In a flushing format (the float32 mirror and the kernel) that is only done while the run is absorbed
   * (ṽ exactly 0, so η̃ is not used): the kernel then needs no per-step scaling, which costs ~25% of its f32
   * speed on SwiftShader. With gradual underflow (f64, dd) a buffer decaying under momentum can stick at a
   * subnormal and never reach 0 while η̃ grows (measured: γ 0.9, ηλ 0.001, step 31820 in f64), so there J
   * moves whenever lr leaves the band and every update is scaled by 2^J.
   */
  private renormalize(s: TrajectoryState<T>): void {
    const A = this.A;
    const e = s.ex;
    const k = bandShift(A, e.x, e.y);
    if (k !== 0) this.shiftExponential(s, k, -2 * k);
    const absorbed = s.expAbsorbedStep !== null && A.isZero(e.vx) && A.isZero(e.vy);
    const j = this.flushing && !absorbed ? 0 : bandShift(A, s.lr, A.zero);
    if (j !== 0) {
      s.lr = A.scale2(s.lr, -j);
      s.lrExp += j;
    }
  }

  /** The weight-decay run's own band: w ← 2^−k w and v ← 2^−k v; ∇L picks up 2^−2Kw in step(). */
  private renormalizeWd(s: TrajectoryState<T>): void {
    const A = this.A;
    const w = s.wd;
    const k = bandShift(A, w.x, w.y);
    if (k === 0) return;
    w.x = A.scale2(w.x, -k);
    w.y = A.scale2(w.y, -k);
    w.vx = A.scale2(w.vx, -k);
    w.vy = A.scale2(w.vy, -k);
    s.wdScaleExp += k;
  }

  /** A new position as the format stores it (double-word formats: rounded to their operations' bits). */
  private keep(a: T): T {
    return this.A.roundState ? this.A.roundState(a) : a;
  }

  private lrTimes(s: TrajectoryState<T>, v: T): T {
    const p = this.A.mul(s.lr, v);
    // Flushing formats: J ≠ 0 only while ṽ = 0 (renormalize(), mergeLrExp()), so p is 0 and 2^J changes nothing.
    return s.lrExp === 0 || this.flushing ? p : this.A.scale2(p, s.lrExp);
  }

  /**
   * J back into the joint scaling: k = ⌈J/2⌉ and η̃ ← 2^(J−2k) η̃. If w̃ cannot be that small in the format,
   * the effective step η̃/|w̃|² is out of its range, and the underflow to zero is reported as such.
   */
  private mergeLrExp(s: TrajectoryState<T>): void {
    const k = Math.ceil(s.lrExp / 2);
    this.shiftExponential(s, k, s.lrExp - 2 * k);
    s.lrExp = 0;
  }

  /** The exponential run's exact rescaling: w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, lr ← 2^lrShift lr, K += k. */
  private shiftExponential(s: TrajectoryState<T>, k: number, lrShift: number): void {
    const A = this.A;
    const e = s.ex;
    e.x = A.scale2(e.x, -k);
    e.y = A.scale2(e.y, -k);
    e.vx = A.scale2(e.vx, k);
    e.vy = A.scale2(e.vy, k);
    s.lr = A.scale2(s.lr, lrShift);
    s.scaleExp += k;
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
    const A = this.A;
    const fpp = fSecond(A, this.coeffs, ux, uy);
    let lhs = A.mul(lr, fpp);
    if (wdScaleExp !== 0) lhs = A.scale2(lhs, -2 * wdScaleExp);
    return A.toNumber(lhs) > A.toNumber(A.mul(this.two, r2));
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
    const A = this.A;
    const [cross, dot] = this.crossDot(s);
    if (!(A.toNumber(dot) > 0)) return true;
    return A.toNumber(A.mul(cross, cross)) > A.toNumber(A.mul(this.tan2Tol, A.mul(dot, dot)));
  }

  /** Angle gap δ_t = |atan2(cross, dot)| between the two runs (docs/math.md §4); NaN after an overflow. */
  angleGap(s: TrajectoryState<T>): number {
    if (s.overflowStep !== null) return Number.NaN;
    const [cross, dot] = this.crossDot(s);
    return Math.abs(Math.atan2(this.A.toNumber(cross), this.A.toNumber(dot)));
  }
}

/** Binary exponent of the larger |component|: the shift that brings it back into RENORM_BAND, or 0. */
function bandShift<T>(A: Arith<T>, x: T, y: T): number {
  const big = Math.max(Math.abs(A.toNumber(x)), Math.abs(A.toNumber(y)));
  if (big === 0 || !Number.isFinite(big)) return 0;
  const k0 = floorLog2(big);
  if (k0 >= RENORM_BAND.minLog2 && k0 <= RENORM_BAND.maxLog2) return 0;
  return Math.max(-RENORM_MAX_SHIFT, Math.min(RENORM_MAX_SHIFT, k0));
}

/** A component that was non-zero and is now exactly zero: it underflowed (or cancelled to nothing). */
function roundsToZero<T>(A: Arith<T>, before: T, after: T): boolean {
  return A.isZero(after) && !A.isZero(before);
}

/** ∇L(w) in the operation order of loss.ts gradient() and shaders/loss.wgsl. */
function gradientOf<T>(A: Arith<T>, c: LossCoefficients<T>, x: T, y: T): [T, T] {
  const inv = A.invSqrt(A.add(A.mul(x, x), A.mul(y, y)));
  const ux = A.mul(x, inv);
  const uy = A.mul(y, inv);
  const g = A.mul(fPrime(A, c, ux, uy), inv);
  return [A.neg(A.mul(uy, g)), A.mul(ux, g)];
}

/**
 * f''(θ) at (ux, uy), accumulated as loss.ts angularTerms() does and as the f32 kernel's generated
 * f_prime_second (src/gpu/lossSource.ts): acc −= kka_k·c_k + kkb_k·s_k, then the rotation to harmonic k + 1.
 */
export function fSecond<T>(A: Arith<T>, c: LossCoefficients<T>, ux: T, uy: T): T {
  let acc = A.zero;
  let ck = ux;
  let sk = uy;
  for (let i = 0; i < c.harmonics; i++) {
    acc = A.sub(acc, A.add(A.mul(c.kka[i], ck), A.mul(c.kkb[i], sk)));
    const cn = A.sub(A.mul(ck, ux), A.mul(sk, uy));
    sk = A.add(A.mul(ck, uy), A.mul(sk, ux));
    ck = cn;
  }
  return acc;
}
