/**
 * Reference integrator: steps a weight-decay run and its equivalent exponential run side by side, in any
 * number format (float64, the float32 mirror of the WGSL kernel, double-double). The operation order is the
 * one `shaders/trajectory_f32.wgsl` uses, so the float32 instance mirrors the GPU.
 */
import type { Arith } from './arith';
import { type FourierLoss, gradient, type LossCoefficients, lossCoefficients } from './loss';
import type { ExponentialSchedule } from './schedule';

export interface RunState<T> {
  x: T;
  y: T;
  vx: T;
  vy: T;
}

export interface TrajectoryState<T> {
  /** Weight-decay run w_t and its buffer v_t. */
  wd: RunState<T>;
  /** Exponential run w̃_t and its buffer ṽ_t. */
  ex: RunState<T>;
  /** η̃_t, the exponential run's learning rate for the next step. */
  lr: T;
  t: number;
  phase: number;
  /** First step with angle gap above the tolerance, or null. */
  divergenceStep: number | null;
  /** First step with a non-finite component in either run (w̃, ṽ, η̃, or w, v), or null. */
  overflowStep: number | null;
}

interface PhaseConstants<T> {
  start: number;
  lr: T;
  growth: T;
  switchFactor: T;
  kappa: T;
}

export class Integrator<T> {
  readonly coeffs: LossCoefficients<T>;
  private readonly phases: PhaseConstants<T>[];
  private readonly weightDecay: T;
  private readonly momentum: T;
  private readonly expLr0: T;
  private readonly bufferInit: T;
  /** tan²(tolerance): δ > tol ⇔ dot ≤ 0 or cross² > tan²(tol)·dot² (no atan2 per step). */
  private readonly tan2Tol: T;

  constructor(
    readonly A: Arith<T>,
    loss: FourierLoss,
    readonly schedule: ExponentialSchedule,
    readonly tolerance: number,
  ) {
    this.coeffs = lossCoefficients(A, loss);
    this.phases = schedule.phases.map((p) => ({
      start: p.start,
      lr: A.fromDD(p.lr),
      growth: A.fromDD(p.growth),
      switchFactor: A.fromDD(p.switchFactor),
      kappa: A.fromDD(p.bufferKappa),
    }));
    this.weightDecay = A.fromDD(schedule.weightDecay);
    this.momentum = A.fromDD(schedule.momentum);
    this.expLr0 = A.fromDD(schedule.expLr0);
    this.bufferInit = A.fromDD(schedule.bufferInit);
    this.tan2Tol = A.from(Math.tan(tolerance) ** 2);
  }

  init(x0: number, y0: number): TrajectoryState<T> {
    const A = this.A;
    const x = A.from(x0);
    const y = A.from(y0);
    return {
      wd: { x, y, vx: A.zero, vy: A.zero },
      ex: { x, y, vx: A.mul(this.bufferInit, x), vy: A.mul(this.bufferInit, y) },
      lr: this.expLr0,
      t: 0,
      phase: 0,
      divergenceStep: null,
      overflowStep: null,
    };
  }

  /** Advance one step in place. */
  step(s: TrajectoryState<T>): void {
    const A = this.A;
    const ph = this.phases[s.phase];
    const gamma = this.momentum;
    const lam = this.weightDecay;

    const w = s.wd;
    const [gx, gy] = gradient(A, this.coeffs, w.x, w.y);
    w.vx = A.add(A.mul(gamma, w.vx), A.add(gx, A.mul(lam, w.x)));
    w.vy = A.add(A.mul(gamma, w.vy), A.add(gy, A.mul(lam, w.y)));
    w.x = A.sub(w.x, A.mul(ph.lr, w.vx));
    w.y = A.sub(w.y, A.mul(ph.lr, w.vy));

    const e = s.ex;
    const t1 = s.t + 1;
    const next = this.phases[s.phase + 1];
    const switching = next !== undefined && next.start === t1;
    // Once a run has overflowed its exponential half is frozen: there is nothing finite left to follow.
    if (s.overflowStep === null) {
      const [hx, hy] = gradient(A, this.coeffs, e.x, e.y);
      e.vx = A.add(A.mul(gamma, e.vx), hx);
      e.vy = A.add(A.mul(gamma, e.vy), hy);
      e.x = A.sub(e.x, A.mul(s.lr, e.vx));
      e.y = A.sub(e.y, A.mul(s.lr, e.vy));
      if (switching) {
        // Move the buffer onto the new phase's change of variables, then rescale η̃ (MATH.md §3).
        const k = A.div(next.kappa, s.lr);
        e.vx = A.add(e.vx, A.mul(k, e.x));
        e.vy = A.add(e.vy, A.mul(k, e.y));
        s.lr = A.mul(s.lr, next.switchFactor);
      } else {
        s.lr = A.mul(s.lr, ph.growth);
      }
      if (!this.allFinite(s)) s.overflowStep = t1;
    }
    if (switching) s.phase++;
    s.t = t1;

    if (s.divergenceStep === null && s.overflowStep === null && this.exceedsTolerance(s)) {
      s.divergenceStep = t1;
    }
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

  /** cross and dot of w_t and w̃_t in the run's own format. */
  crossDot(s: TrajectoryState<T>): [T, T] {
    const A = this.A;
    const { wd: w, ex: e } = s;
    const cross = A.sub(A.mul(w.x, e.y), A.mul(w.y, e.x));
    const dot = A.add(A.mul(w.x, e.x), A.mul(w.y, e.y));
    return [cross, dot];
  }

  private exceedsTolerance(s: TrajectoryState<T>): boolean {
    const A = this.A;
    const [cross, dot] = this.crossDot(s);
    if (!(A.toNumber(dot) > 0)) return true;
    return A.toNumber(A.mul(cross, cross)) > A.toNumber(A.mul(this.tan2Tol, A.mul(dot, dot)));
  }

  /** Angle gap δ_t = |atan2(cross, dot)| between the two runs (MATH.md §4); NaN after an overflow. */
  angleGap(s: TrajectoryState<T>): number {
    if (s.overflowStep !== null) return Number.NaN;
    const [cross, dot] = this.crossDot(s);
    return Math.abs(Math.atan2(this.A.toNumber(cross), this.A.toNumber(dot)));
  }
}
