/** The benchmark's TypeScript rows: the reference Integrator in float64, double-double and float32. */
import type { Arith } from '../core/arith';
import { Integrator, type TrajectoryState } from '../core/integrator';
import type { FourierLoss } from '../core/loss';
import type { ExponentialSchedule } from '../core/schedule';

export interface Problem {
  loss: FourierLoss;
  schedule: ExponentialSchedule;
  tolerance: number;
  /** Interleaved initial points of all N trajectories. */
  points: Float64Array;
}

export interface Timing {
  trajectories: number;
  steps: number;
  seconds: number;
  rate: number;
}

/** Runs the first `count` trajectories for `steps` steps in `A`; returns the states and the time taken. */
export function runIntegrator<T>(
  A: Arith<T>,
  p: Problem,
  count: number,
  steps: number,
): { states: TrajectoryState<T>[]; timing: Timing } {
  const integ = new Integrator(A, p.loss, p.schedule, p.tolerance);
  const n = Math.min(count, p.points.length / 2);
  const states: TrajectoryState<T>[] = [];
  for (let i = 0; i < n; i++) states.push(integ.init(p.points[2 * i], p.points[2 * i + 1]));
  const t0 = performance.now();
  for (const s of states) for (let t = 0; t < steps; t++) integ.step(s);
  const seconds = (performance.now() - t0) / 1000;
  return { states, timing: { trajectories: n, steps, seconds, rate: (n * steps) / seconds } };
}

/**
 * Times `A` on the first `count` trajectories after two short untimed warm-up runs, so that the JIT has
 * compiled the hot paths. The Integrator and loss code are generic over the arithmetic: once a second
 * arithmetic has run through them they are polymorphic and float64 runs several times slower, so the
 * float64 row is timed before any other arithmetic runs in the process.
 */
export function timeIntegrator<T>(A: Arith<T>, p: Problem, count: number, steps: number): Timing {
  for (let w = 0; w < 2; w++) runIntegrator(A, p, Math.min(count, 16), Math.min(steps, 200));
  return runIntegrator(A, p, count, steps).timing;
}

/** Final positions of a run, interleaved, as float64 (hi + lo for double-double). */
export function finalPositions<T>(
  A: Arith<T>,
  states: TrajectoryState<T>[],
): { wd: Float64Array; ex: Float64Array } {
  const wd = new Float64Array(2 * states.length);
  const ex = new Float64Array(2 * states.length);
  states.forEach((s, i) => {
    wd[2 * i] = A.toNumber(s.wd.x);
    wd[2 * i + 1] = A.toNumber(s.wd.y);
    ex[2 * i] = A.toNumber(s.ex.x);
    ex[2 * i + 1] = A.toNumber(s.ex.y);
  });
  return { wd, ex };
}
