/**
 * The fallback's simulation, free of DOM and worker code (the worker wraps it; tests drive it in Node):
 * the float64 reference integrator over the config's initial points, capped at a trajectory budget, with
 * path samples of the weight-decay run and the projected exponential run α^t·w̃_t, and the run summary.
 */

import { F64 } from '../core/arith';
import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig } from '../core/config/types';
import { summarizeGaps } from '../core/drift';
import { initialPoints } from '../core/init';
import { Integrator, type TrajectoryState } from '../core/integrator';
import { countAbsorbed } from '../core/run/summary';
import { type ExponentialSchedule, log2ProjectionFactor, toExponential } from '../core/schedule';
import { type RunStats, runStats } from '../playground/stats';
import { PathHistory } from './pathHistory';

/** Trajectories the fallback runs at most (the CPU integrates ~10⁶–10⁷ trajectory-steps a second). */
export const FALLBACK_MAX_TRAJECTORIES = 2048;
/**
 * Path vertices kept per run over all trajectories. Every frame redraws them all: a hardware GPU takes
 * 2^19 lines in stride, SwiftShader rasterises ~1 line per microsecond on the CPU (2^16 keeps it near
 * 50 ms a frame).
 */
export const PATH_VERTEX_BUDGET = 1 << 19;
export const SOFTWARE_PATH_VERTEX_BUDGET = 1 << 16;

/** `max` of the interleaved points, evenly spread over the list (all of them when they fit). */
export function capPoints(points: Float64Array, max: number): Float64Array {
  const n = points.length / 2;
  if (n <= max) return points;
  const out = new Float64Array(2 * max);
  for (let k = 0; k < max; k++) {
    const i = Math.floor((k * n) / max);
    out[2 * k] = points[2 * i];
    out[2 * k + 1] = points[2 * i + 1];
  }
  return out;
}

/** Samples kept per trajectory: the vertex budget shared out, even, between 8 and 1024. */
export function pathCapacity(count: number, budget = PATH_VERTEX_BUDGET): number {
  const per = Math.floor(budget / Math.max(1, count) / 2) * 2;
  return Math.max(8, Math.min(1024, per));
}

/** α^t·w̃ as direction × 2^(log2|w̃| + log2 c_t), as the CLI's output does: neither factor overflows alone. */
export function project(ex: number, ey: number, log2c: number): [number, number] {
  const m = Math.max(Math.abs(ex), Math.abs(ey));
  const h = Math.hypot(ex / m, ey / m);
  const mag = 2 ** (Math.log2(m) + Math.log2(h) + log2c);
  return [(ex / m / h) * mag, (ey / m / h) * mag];
}

export class CpuBatch {
  readonly integrator: Integrator<number>;
  readonly schedule: ExponentialSchedule;
  readonly points: Float64Array;
  /** Trajectories in the config (before the cap). */
  readonly total: number;
  readonly history: PathHistory;
  private states: TrajectoryState<number>[] = [];
  private readonly wdPos: Float64Array;
  private readonly exPos: Float64Array;

  constructor(
    readonly config: ExperimentConfig,
    maxTrajectories = FALLBACK_MAX_TRAJECTORIES,
    pathBudget = PATH_VERTEX_BUDGET,
  ) {
    const { loss } = resolveLoss(config.loss);
    this.schedule = toExponential(config.optimizer);
    this.integrator = new Integrator(F64, loss, this.schedule, config.driftTolerance, config.numerics);
    const all = initialPoints(config.init);
    this.total = all.length / 2;
    this.points = capPoints(all, maxTrajectories);
    this.history = new PathHistory(this.count, pathCapacity(this.count, pathBudget));
    this.wdPos = new Float64Array(2 * this.count);
    this.exPos = new Float64Array(2 * this.count);
    this.reset();
  }

  get count(): number {
    return this.points.length / 2;
  }

  get step(): number {
    return this.states.length > 0 ? this.states[0].t : 0;
  }

  reset(): void {
    const p = this.points;
    this.states = [];
    for (let i = 0; i < this.count; i++) this.states.push(this.integrator.init(p[2 * i], p[2 * i + 1], i));
    this.history.clear();
    this.record();
  }

  /**
   * Advances every trajectory by `steps`, in spans that end on the sampling grid so that each sample is
   * recorded; trajectory-major inside a span (each state stays in cache).
   */
  advance(steps: number): void {
    const every = this.config.sampleEvery;
    let left = steps;
    while (left > 0) {
      const t = this.step;
      const span = Math.min(left, every - (t % every));
      for (const s of this.states) for (let k = 0; k < span; k++) this.integrator.step(s);
      left -= span;
      // Samples the history would drop are not even projected; the last position always is (the head).
      const t1 = this.step;
      if (left === 0 || (t1 % every === 0 && (t1 / every) % this.history.stride === 0)) this.record();
    }
  }

  /** Current positions of both runs into the history: a kept sample on the grid, else the head. */
  private record(): void {
    const t = this.step;
    const log2c = log2ProjectionFactor(this.schedule, t);
    for (let i = 0; i < this.count; i++) {
      const s = this.states[i];
      // The stored weight-decay run is 2^−Kw·w (Kw ≠ 0 only after a long shrink, e.g. an absorbed run).
      const wdScale = 2 ** s.wdScaleExp;
      this.wdPos[2 * i] = s.wd.x * wdScale;
      this.wdPos[2 * i + 1] = s.wd.y * wdScale;
      const [px, py] =
        s.overflowStep === null ? project(s.ex.x, s.ex.y, log2c + s.scaleExp) : [Number.NaN, Number.NaN];
      this.exPos[2 * i] = px;
      this.exPos[2 * i + 1] = py;
    }
    const every = this.config.sampleEvery;
    if (t % every === 0) this.history.push(t / every, this.wdPos, this.exPos);
    else this.history.setHead(t / every, this.wdPos, this.exPos);
  }

  /** The summary lab.stats() reports, in float64 (precision "f64" whatever the config asked for). */
  stats(): RunStats {
    const n = this.count;
    const gaps = new Float64Array(n);
    const div = new Int32Array(n);
    const ovf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = this.states[i];
      gaps[i] = this.integrator.angleGap(s);
      div[i] = s.divergenceStep ?? -1;
      ovf[i] = s.overflowStep ?? -1;
    }
    const absorbed = countAbsorbed(
      this.states.map((s) => s.wdAbsorbedStep),
      this.states.map((s) => s.expAbsorbedStep),
    );
    return runStats(this.step, 'f64', { ...summarizeGaps(gaps, div, ovf), absorbed });
  }
}
