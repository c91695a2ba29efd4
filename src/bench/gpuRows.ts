/**
 * The benchmark's WGSL rows: the trajectory kernel in f32 and df64 through TrajectoryEngine. Pipeline
 * compilation and the first dispatch are warm-up; each timed repetition starts from step 0 (reset, then
 * synchronised) and runs all N trajectories for T steps in several advance() calls, waiting for the queue.
 */
import { F32 } from '../core/arith';
import type { GpuContext } from '../gpu/device';
import { TrajectoryEngine } from '../gpu/engine';
import type { GpuPrecision } from '../gpu/layout';
import { finalPositions, type Problem, runIntegrator, type Timing } from './cpuRows';

export interface GpuTimingOptions {
  precision: GpuPrecision;
  steps: number;
  /** Timed repetitions (the fastest is reported). */
  reps: number;
  /** Steps per advance() call. */
  chunk: number;
  workgroupSize?: number;
  twoProdFma?: boolean;
}

export interface GpuTiming extends Timing {
  /** Seconds of every repetition. */
  repSeconds: number[];
  /** State after the last repetition (exactly `steps` steps from the initial points). */
  final: { wd: Float64Array; ex: Float64Array };
}

async function sync(ctx: GpuContext): Promise<void> {
  await ctx.device.queue.onSubmittedWorkDone();
}

export async function timeGpu(ctx: GpuContext, p: Problem, o: GpuTimingOptions): Promise<GpuTiming> {
  const engine = await TrajectoryEngine.create(ctx, {
    precision: o.precision,
    loss: p.loss,
    schedule: p.schedule,
    tolerance: p.tolerance,
    points: p.points,
    workgroupSize: o.workgroupSize,
    twoProdFma: o.twoProdFma,
  });
  try {
    // Warm-up: the first dispatch (and a read-back) pays for any lazy driver work.
    engine.advance(Math.min(o.steps, 8));
    await engine.readState();
    const repSeconds: number[] = [];
    for (let r = 0; r < o.reps; r++) {
      engine.reset();
      await sync(ctx);
      const t0 = performance.now();
      for (let done = 0; done < o.steps; done += o.chunk) engine.advance(Math.min(o.chunk, o.steps - done));
      await sync(ctx);
      repSeconds.push((performance.now() - t0) / 1000);
    }
    const snap = await engine.readState();
    const seconds = Math.min(...repSeconds);
    return {
      trajectories: engine.count,
      steps: o.steps,
      seconds,
      rate: (engine.count * o.steps) / seconds,
      repSeconds,
      final: { wd: snap.wd, ex: snap.ex },
    };
  } finally {
    engine.destroy();
  }
}

export interface MirrorCheck {
  ok: boolean;
  trajectories: number;
  steps: number;
  /** Components (x and y of both runs) bitwise equal to the CPU float32 mirror, out of 4 per trajectory. */
  bitwiseEqual: number;
  components: number;
  /** Largest |gpu − mirror| / max(|mirror|, 1e-30) over those components. */
  maxRelDiff: number;
  summary: string;
}

/** Tolerance of the f32 check: SwiftShader matches bitwise; other GPUs' inverseSqrt may be a few ulp off. */
const CHECK_REL_TOL = 1e-4;

/** Compares the first `count` trajectories of a GPU f32 final state with the CPU F32 mirror. */
export function checkAgainstMirror(
  p: Problem,
  gpu: { wd: Float64Array; ex: Float64Array },
  count: number,
  steps: number,
): MirrorCheck {
  const { states } = runIntegrator(F32, p, count, steps);
  const cpu = finalPositions(F32, states);
  let bitwiseEqual = 0;
  let components = 0;
  let maxRelDiff = 0;
  for (const [g, c] of [
    [gpu.wd, cpu.wd],
    [gpu.ex, cpu.ex],
  ]) {
    for (let k = 0; k < 2 * states.length; k++) {
      components++;
      if (Object.is(g[k], c[k])) bitwiseEqual++;
      else maxRelDiff = Math.max(maxRelDiff, Math.abs(g[k] - c[k]) / Math.max(Math.abs(c[k]), 1e-30));
    }
  }
  const ok = !Number.isNaN(maxRelDiff) && maxRelDiff <= CHECK_REL_TOL;
  const how =
    bitwiseEqual === components
      ? 'bitwise equal'
      : `${bitwiseEqual}/${components} components bitwise equal, max rel diff ${maxRelDiff.toExponential(2)}`;
  return {
    ok,
    trajectories: states.length,
    steps,
    bitwiseEqual,
    components,
    maxRelDiff,
    summary: `GPU f32 vs CPU F32 mirror, ${states.length} trajectories x ${steps} steps: ${how}`,
  };
}
