/**
 * Reference integrator of a batch-normalised model in ℝ^P: the plane's integrator (src/core/integrator.ts)
 * with d-vectors, in any number format. Same schedule constants, renormalisation, closed-form η̃, stochastic
 * rounding and master weights; the weight-decay run and its exponential twin step side by side. The float32
 * instance is the mirror of shaders/model_step.wgsl. The instability crossing is checked every
 * SHARPNESS_EVERY steps from a float64 sharpness estimate (sharpness.ts); the kernel does not check it.
 */
import type { Arith } from '../arith';
import type { NumericsConfig } from '../config/types';
import { LEGACY_NUMERICS, RENORM_EVERY, roundedConstants, type StepConstants } from '../integratorState';
import { srBits } from '../lowFloat';
import { ClosedFormRate, type ExponentialSchedule } from '../schedule';
import { BnGradient } from './bnGradient';
import {
  initialModelState,
  type ModelState,
  mergeModelLrExp,
  renormalizeModelExp,
  renormalizeModelWd,
} from './modelState';
import { SHARPNESS_EVERY, SharpnessTracker } from './sharpness';
import { paramCount, type ResolvedModel } from './types';
import { angleGapInFormat, gapExceeds } from './vectorGap';

/** Stochastic-rounding operation ids: kind·P + component, η̃ last (the plane uses 0–8 for its nine). */
const OP_WD_V = 0;
const OP_WD_W = 1;
const OP_EX_V = 2;
const OP_EX_W = 3;
const OP_LR = 4;

export class ModelIntegrator<T> {
  readonly numerics: NumericsConfig;
  readonly P: number;
  private readonly grad: BnGradient<T>;
  private readonly G: Arith<T>;
  private readonly W: Arith<T>;
  private readonly constants: StepConstants<T>;
  private readonly tan2HalfTol: number;
  private readonly closed: ClosedFormRate | null;
  private readonly flushing: boolean;
  private readonly stochastic: ((wide: T, bits: number) => T) | null;
  private readonly seed: number;
  // Scratch: the gradient (in G), the state rounded into G.
  private readonly g: T[];
  private readonly wG: T[];
  private readonly sharp: SharpnessTracker | null;

  constructor(
    readonly A: Arith<T>,
    readonly model: ResolvedModel,
    readonly schedule: ExponentialSchedule,
    readonly tolerance: number,
    numerics: Partial<NumericsConfig> = {},
    constants: StepConstants<T> = roundedConstants(A, schedule),
    /** Check the instability crossing (costs ~6 float64 gradients per 16 steps); off: crossingStep null. */
    crossing = true,
  ) {
    this.numerics = { ...LEGACY_NUMERICS, ...numerics };
    this.P = paramCount(model);
    this.G = A.gradient ?? A;
    this.W = A.wide ?? A;
    this.grad = new BnGradient(this.G, model);
    this.constants = constants;
    this.tan2HalfTol = Math.tan(tolerance / 2) ** 2;
    this.closed = this.numerics.lrMode === 'closedForm' ? new ClosedFormRate(schedule) : null;
    this.flushing = A.flushesSubnormals === true;
    const sr = this.numerics.rounding === 'stochastic' && A.stochasticRound !== undefined;
    this.stochastic = sr ? (x, bits) => A.stochasticRound!(x, bits) : null;
    this.seed = this.numerics.seed ?? 0;
    this.g = new Array(this.P).fill(this.G.zero);
    this.wG = new Array(this.P).fill(this.G.zero);
    this.sharp = crossing ? new SharpnessTracker(model) : null;
  }

  init(w0: ArrayLike<number>, index = 0): ModelState<T> {
    return initialModelState(this.A, this.constants, w0, index);
  }

  /** a + b or a − b as a state update: rounded to nearest, or stochastically from the wide result. */
  private update(a: T, b: T, subtract: boolean, s: ModelState<T>, op: number): T {
    const A = this.A;
    if (this.stochastic === null) return subtract ? A.sub(a, b) : A.add(a, b);
    const wide = subtract ? this.W.sub(a, b) : this.W.add(a, b);
    return this.stochastic(wide, srBits(this.seed, s.index, s.t + 1, op));
  }

  /** ∇L at a stored vector, in G (under master weights, from the vector rounded into the low format). */
  private gradientAt(w: readonly T[]): T[] {
    const G = this.G;
    if (G === this.A) {
      this.grad.gradient(w, this.g);
    } else {
      for (let k = 0; k < w.length; k++) this.wG[k] = G.from(this.A.toNumber(w[k]));
      this.grad.gradient(this.wG, this.g);
    }
    return this.g;
  }

  step(s: ModelState<T>): void {
    const A = this.A;
    const P = this.P;
    const ph = this.constants.phases[s.phase];
    const gamma = this.constants.momentum;
    const lam = this.constants.weightDecay;
    const renormDue = this.numerics.renormalize && s.t % RENORM_EVERY === 0;
    if (renormDue) renormalizeModelWd(A, s);
    const t1 = s.t + 1;

    if (this.sharp !== null && s.crossingStep === null && s.t % SHARPNESS_EVERY === 0 && this.crosses(s)) {
      s.crossingStep = s.t;
    }

    // Weight-decay run: v ← γv + (2^−2Kw·∇L(w) + λw), w ← w − ηv.
    const w = s.wd;
    const g = this.gradientAt(w.w);
    let wdZero = true;
    let underflow = false;
    for (let k = 0; k < P; k++) {
      let gk = this.inState(g[k]);
      if (s.wdScaleExp !== 0) gk = A.scale2(gk, -2 * s.wdScaleExp);
      if (!A.isZero(gk)) wdZero = false;
      const before = w.w[k];
      w.v[k] = this.update(A.mul(gamma, w.v[k]), A.add(gk, A.mul(lam, w.w[k])), false, s, OP_WD_V * P + k);
      w.w[k] = this.keep(this.update(w.w[k], A.mul(ph.lr, w.v[k]), true, s, OP_WD_W * P + k));
      if (A.isZero(w.w[k]) && !A.isZero(before)) underflow = true;
    }
    s.wdAbsorbedStep = wdZero ? (s.wdAbsorbedStep ?? s.t) : null;

    const next = this.constants.phases[s.phase + 1];
    const switching = next !== undefined && next.start === t1;
    if (s.overflowStep === null) {
      if (renormDue) renormalizeModelExp(A, s, this.flushing);
      const e = s.ex;
      const h = this.gradientAt(e.w);
      let still = true;
      for (let k = 0; k < P; k++) {
        const hk = this.inState(h[k]);
        e.v[k] = this.update(A.mul(gamma, e.v[k]), hk, false, s, OP_EX_V * P + k);
        if (!A.isZero(hk) || !A.isZero(e.v[k])) still = false;
        const before = e.w[k];
        e.w[k] = this.keep(this.update(e.w[k], this.lrTimes(s, e.v[k]), true, s, OP_EX_W * P + k));
        if (A.isZero(e.w[k]) && !A.isZero(before)) underflow = true;
      }
      s.expAbsorbedStep = still ? (s.expAbsorbedStep ?? s.t) : null;
      if (switching) {
        let kappa = A.div(next.kappa, s.lr);
        if (s.lrExp !== 0) kappa = A.scale2(kappa, -s.lrExp);
        for (let k = 0; k < P; k++) e.v[k] = A.add(e.v[k], A.mul(kappa, e.w[k]));
        s.lr = A.mul(s.lr, next.switchFactor);
        const moving = !e.v.every((c) => A.isZero(c));
        if (this.flushing && s.lrExp !== 0 && !A.isZero(gamma) && moving) mergeModelLrExp(A, s);
      } else {
        s.lr = this.lrGrow(s, ph.growth);
      }
      if (this.closed !== null) s.lr = this.closedRate(t1, s.scaleExp, s.lrExp);
      if (!this.allFinite(s)) s.overflowStep = t1;
    }
    if (underflow && s.underflowStep === null) s.underflowStep = t1;
    if (switching) s.phase++;
    s.t = t1;
    if (s.divergenceStep === null && s.overflowStep === null && this.exceedsTolerance(s)) {
      s.divergenceStep = t1;
    }
  }

  /** η_t·λ_max(∇²L(w_t)) > 2 for the weight-decay run's true w_t = 2^Kw·(stored w). */
  private crosses(s: ModelState<T>): boolean {
    const A = this.A;
    const first = s.sharpDir === null;
    s.sharpDir ??= this.sharp!.startDirection();
    const lambda = this.sharp!.sharpness(
      s.wd.w.map((c) => A.toNumber(c)),
      s.sharpDir,
      first,
    );
    const lr = A.toNumber(this.constants.phases[s.phase].lr);
    return lr * lambda * 2 ** (-2 * s.wdScaleExp) > 2;
  }

  /** η̃ ← η̃·growth, stochastically rounded where asked (the plane's UpdateOp.Lr). */
  private lrGrow(s: ModelState<T>, growth: T): T {
    const A = this.A;
    if (this.stochastic === null) return A.mul(s.lr, growth);
    return this.stochastic(this.W.mul(s.lr, growth), srBits(this.seed, s.index, s.t + 1, OP_LR * this.P));
  }

  /** A gradient component in the state's format (master weights: the low-format value, widened). */
  private inState(x: T): T {
    return this.G === this.A ? x : this.A.from(this.G.toNumber(x));
  }

  private keep(a: T): T {
    return this.A.roundState ? this.A.roundState(a) : a;
  }

  private lrTimes(s: ModelState<T>, v: T): T {
    const p = this.A.mul(s.lr, v);
    return s.lrExp === 0 || this.flushing ? p : this.A.scale2(p, s.lrExp);
  }

  closedRate(t: number, scaleExp: number, lrExp = 0): T {
    const r = (this.closed ?? new ClosedFormRate(this.schedule)).at(t);
    return this.A.scale2(this.A.fromDD(r.m), r.e - 2 * scaleExp - lrExp);
  }

  private allFinite(s: ModelState<T>): boolean {
    const A = this.A;
    const fin = (xs: T[]) => xs.every((c) => A.isFinite(c));
    return A.isFinite(s.lr) && fin(s.ex.w) && fin(s.ex.v) && fin(s.wd.w) && fin(s.wd.v);
  }

  private exceedsTolerance(s: ModelState<T>): boolean {
    const { d2, s2 } = angleGapInFormat(this.W, this.widen(s.wd.w), this.widen(s.ex.w));
    return gapExceeds(d2, s2, this.tan2HalfTol);
  }

  private widen(xs: T[]): T[] {
    return this.W === this.A ? xs : xs.map((x) => this.W.from(this.A.toNumber(x)));
  }

  /** The angle between the two runs' weight vectors (radians); NaN after an overflow. */
  angleGap(s: ModelState<T>): number {
    if (s.overflowStep !== null) return Number.NaN;
    const { d2, s2 } = angleGapInFormat(this.W, this.widen(s.wd.w), this.widen(s.ex.w));
    return 2 * Math.atan2(Math.sqrt(d2), Math.sqrt(s2));
  }
}
