/**
 * Optimizer schedules and their exact exponential-learning-rate equivalents (docs/math.md §2–§3).
 *
 * The weight-decay run uses PyTorch's SGD in buffer form with a piecewise-constant learning rate
 * (step decay at `milestones`). Its equivalent run has no weight decay and the learning rate
 * η̃_t = η_t / (c_t c_{t+1}), where w_t = c_t·w̃_t and c_{t+1} = α_{I(t)}·c_t.
 *
 * Change of variables (derived in docs/derivations.md): the buffers are related by
 *   v_t = ṽ_t / c_t + q_t w̃_t,  with q_t = c_t·q̂_I inside phase I and q̂ = (1 − α)/(α η).
 * At a switch T into phase I the buffer decomposition must move onto the new phase's q̂, which gives
 *   ṽ_T ← ṽ_T + c_T² (q̂_{I−1} − q̂_I) w̃_T,   c_T² = α_{I−1} η_{I−1} / η̃_{T−1}.
 */
import { DD, ddAdd, ddDiv, ddMul, ddSqrt, ddSub, ddToNumber } from './dd';

export interface OptimizerConfig {
  lr: number;
  weightDecay: number;
  momentum: number;
  /** Steps at which the learning rate is multiplied by lrDecay (strictly increasing). */
  milestones: readonly number[];
  lrDecay: number;
}

export type ScheduleKind = 'gd' | 'weight-decay' | 'momentum' | 'step-decay';

export function scheduleKind(opt: OptimizerConfig): ScheduleKind {
  if (opt.milestones.length > 0) return 'step-decay';
  if (opt.momentum > 0) return 'momentum';
  if (opt.weightDecay > 0) return 'weight-decay';
  return 'gd';
}

const ONE = new DD(1, 0);
const TWO = new DD(2, 0);
const FOUR = new DD(4, 0);

/**
 * The larger root α of x² − (1 + γ − ηλ)x + γ = 0, in double-double; null when the roots are not real
 * and positive (ηλ > (1 − √γ)², or ηλ ≥ 1 without momentum).
 */
export function alphaRootDD(lr: number, weightDecay: number, momentum: number): DD | null {
  const etaLambda = ddMul(new DD(lr, 0), new DD(weightDecay, 0));
  const gamma = new DD(momentum, 0);
  const b = ddSub(ddAdd(ONE, gamma), etaLambda);
  const disc = ddSub(ddMul(b, b), ddMul(FOUR, gamma));
  if (disc.hi < 0) return null;
  const alpha = ddDiv(ddAdd(b, ddSqrt(disc)), TWO);
  if (!(alpha.hi > 0)) return null;
  return alpha;
}

export function alphaRoot(lr: number, weightDecay: number, momentum: number): number | null {
  const a = alphaRootDD(lr, weightDecay, momentum);
  return a === null ? null : ddToNumber(a);
}

/** Largest ηλ for which α is real and positive with momentum γ: (1 − √γ)², and below 1. */
export function maxEtaLambda(momentum: number): number {
  return (1 - Math.sqrt(momentum)) ** 2;
}

export interface Phase {
  /** First step of the phase. */
  start: number;
  lr: DD;
  alpha: DD;
  /** α^{-2}: the per-step growth of η̃ inside the phase. */
  growth: DD;
  /** q̂ = (1 − α)/(α η), the buffer coupling of the change of variables. */
  qhat: DD;
  /** Multiplier of η̃ at the switch into this phase: (η_I/η_{I−1})/(α_I α_{I−1}); 1 for phase 0. */
  switchFactor: DD;
  /** κ_I = α_{I−1} η_{I−1} (q̂_{I−1} − q̂_I); buffer correction ṽ += (κ/η̃_{T−1}) w̃ at the switch. */
  bufferKappa: DD;
  log2Alpha: number;
}

/** The exponential-learning-rate run equivalent to a weight-decay configuration. */
export interface ExponentialSchedule {
  weightDecay: DD;
  momentum: DD;
  phases: Phase[];
  /** η̃_0 = η_0/α_0. */
  expLr0: DD;
  /** ṽ_0 = bufferInit · w_0, bufferInit = (1 − 1/α_0)/η_0 (zero without momentum is harmless). */
  bufferInit: DD;
}

export function phaseLearningRates(opt: OptimizerConfig): { start: number; lr: number }[] {
  const out = [{ start: 0, lr: opt.lr }];
  let lr = opt.lr;
  for (const m of opt.milestones) {
    lr *= opt.lrDecay;
    out.push({ start: m, lr });
  }
  return out;
}

export function toExponential(opt: OptimizerConfig): ExponentialSchedule {
  const phases: Phase[] = [];
  for (const { start, lr } of phaseLearningRates(opt)) {
    const alpha = alphaRootDD(lr, opt.weightDecay, opt.momentum);
    if (alpha === null) {
      throw new RangeError(
        `no real α for lr=${lr}, weightDecay=${opt.weightDecay}, momentum=${opt.momentum}`,
      );
    }
    const eta = new DD(lr, 0);
    const qhat = ddDiv(ddSub(ONE, alpha), ddMul(alpha, eta));
    const prev = phases[phases.length - 1];
    const switchFactor = prev ? ddDiv(ddDiv(eta, prev.lr), ddMul(alpha, prev.alpha)) : ONE;
    const bufferKappa = prev ? ddMul(ddMul(prev.alpha, prev.lr), ddSub(prev.qhat, qhat)) : new DD(0, 0);
    const growth = ddDiv(ONE, ddMul(alpha, alpha));
    phases.push({
      start,
      lr: eta,
      alpha,
      growth,
      qhat,
      switchFactor,
      bufferKappa,
      log2Alpha: Math.log2(ddToNumber(alpha)),
    });
  }
  const p0 = phases[0];
  return {
    weightDecay: new DD(opt.weightDecay, 0),
    momentum: new DD(opt.momentum, 0),
    phases,
    expLr0: ddDiv(p0.lr, p0.alpha),
    bufferInit: ddDiv(ddSub(ONE, ddDiv(ONE, p0.alpha)), p0.lr),
  };
}

/** Index of the phase that step t belongs to. */
export function phaseAt(schedule: ExponentialSchedule, t: number): number {
  let i = 0;
  while (i + 1 < schedule.phases.length && schedule.phases[i + 1].start <= t) i++;
  return i;
}

/** log2 c_t, the projection factor with w_t = c_t·w̃_t (c_0 = 1, c_{t+1} = α_{I(t)} c_t). */
export function log2ProjectionFactor(schedule: ExponentialSchedule, t: number): number {
  let acc = 0;
  const ph = schedule.phases;
  for (let i = 0; i < ph.length; i++) {
    const end = i + 1 < ph.length ? Math.min(ph[i + 1].start, t) : t;
    const n = end - ph[i].start;
    if (n <= 0) break;
    acc += n * ph[i].log2Alpha;
  }
  return acc;
}

/** Closed form of η̃_t in float64 (for display and checks): η_t / (c_t c_{t+1}). */
export function expLearningRateAt(schedule: ExponentialSchedule, t: number): number {
  const i = phaseAt(schedule, t);
  const lr = ddToNumber(schedule.phases[i].lr);
  return lr * 2 ** -(log2ProjectionFactor(schedule, t) + log2ProjectionFactor(schedule, t + 1));
}

const bitsF64 = new Float64Array(1);
const bitsU32 = new Uint32Array(bitsF64.buffer);

/**
 * floor(log2 |x|) read from the bits of a float64 (exact; Math.log2 may round up just below a power of
 * two): −Infinity for 0, Infinity for ±Infinity and NaN. For a float32 value it is float32's exponent.
 */
export function floorLog2(x: number): number {
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (!Number.isFinite(x)) return Number.POSITIVE_INFINITY;
  bitsF64[0] = x;
  const biased = (bitsU32[1] >>> 20) & 0x7ff; // little-endian: word 1 holds sign and exponent
  if (biased === 0) return floorLog2(x * 2 ** 64) - 64; // subnormal
  return biased - 1023;
}

/** m·2^e with 1 ≤ |m.hi| < 2: a double-double without float64's exponent limit. */
export interface ScaledDD {
  m: DD;
  e: number;
}

function scaled(m: DD, e: number): ScaledDD {
  const k = floorLog2(m.hi);
  const s = 2 ** -k; // exact: |k| stays small after the first normalisation
  return { m: new DD(m.hi * s, m.lo * s), e: e + k };
}

function mulScaled(a: ScaledDD, b: ScaledDD): ScaledDD {
  return scaled(ddMul(a.m, b.m), a.e + b.e);
}

function powScaled(b: ScaledDD, n: number): ScaledDD {
  let acc: ScaledDD = { m: ONE, e: 0 };
  let sq = b;
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) acc = mulScaled(acc, sq);
    if (k > 1) sq = mulScaled(sq, sq);
  }
  return acc;
}

/**
 * The closed form of the exponential run's rate, η̃_t = η_I/(c_t c_{t+1}) (docs/math.md §2–§3), as
 * E_I·(α_I^−2)^(t−T_I) with E_I = η̃ at the start T_I of phase I, in double-double with a separate
 * exponent: ~100 correct bits at any t, never overflowing (η̃_t itself leaves float64's range for long runs).
 */
export class ClosedFormRate {
  private readonly starts: ScaledDD[] = [];
  private readonly growth: ScaledDD[];

  constructor(readonly schedule: ExponentialSchedule) {
    const ph = schedule.phases;
    this.growth = ph.map((p) => scaled(p.growth, 0));
    this.starts.push(scaled(schedule.expLr0, 0));
    for (let i = 1; i < ph.length; i++) {
      // η̃_{T−1} from the previous phase, then the switch factor (as the recurrence does).
      const before = mulScaled(
        this.starts[i - 1],
        powScaled(this.growth[i - 1], ph[i].start - 1 - ph[i - 1].start),
      );
      this.starts.push(mulScaled(before, scaled(ph[i].switchFactor, 0)));
    }
  }

  /** η̃_t = m·2^e. */
  at(t: number): ScaledDD {
    const i = phaseAt(this.schedule, t);
    return mulScaled(this.starts[i], powScaled(this.growth[i], t - this.schedule.phases[i].start));
  }
}
