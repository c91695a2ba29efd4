/**
 * The benchmark's WGSL rows: the trajectory kernel in f32, df64, bf16 and f16 through TrajectoryEngine. Pipeline
 * compilation and the first dispatch are warm-up; each timed repetition starts from step 0 (reset, then
 * synchronised) and runs all N trajectories for T steps in several advance() calls, waiting for the queue.
 */
import { F32 } from '../core/arith';
import { Integrator } from '../core/integrator';
import { lowArith } from '../core/lowArith';
import type { LowFormat } from '../core/lowFloat';
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
  /** When the final states differ: the same comparison after a few steps, [step, maxRelDiff]. */
  early: [number, number][] | null;
  summary: string;
}

/** Final-state tolerance: SwiftShader matches bitwise; elsewhere chaos may amplify ulp-level differences. */
const FINAL_REL_TOL = 1e-4;
/** Early-step tolerance: a GPU whose inverseSqrt or fma contraction differs by a few ulp stays below it. */
const EARLY_REL_TOL = 1e-5;
const EARLY_STEPS = [1, 10, 100];

function compare(gpu: { wd: Float64Array; ex: Float64Array }, cpu: { wd: Float64Array; ex: Float64Array }) {
  let bitwiseEqual = 0;
  let components = 0;
  let maxRelDiff = 0;
  for (const key of ['wd', 'ex'] as const) {
    for (let k = 0; k < cpu[key].length; k++) {
      const g = gpu[key][k];
      const c = cpu[key][k];
      components++;
      if (Object.is(g, c)) bitwiseEqual++;
      else {
        const d = Math.abs(g - c) / Math.max(Math.abs(c), 1e-30);
        maxRelDiff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(maxRelDiff, d);
      }
    }
  }
  return { bitwiseEqual, components, maxRelDiff };
}

/** The first `count` trajectories on the GPU (f32) after each of `atSteps`, next to the F32 mirror. */
async function earlyDiffs(ctx: GpuContext, p: Problem, count: number, atSteps: number[]) {
  const points = p.points.slice(0, 2 * count);
  const engine = await TrajectoryEngine.create(ctx, { ...p, points, precision: 'f32' });
  try {
    const snaps = await engine.capture(atSteps);
    const integ = new Integrator(F32, p.loss, p.schedule, p.tolerance);
    const states = Array.from({ length: count }, (_, i) => integ.init(points[2 * i], points[2 * i + 1]));
    const out: [number, number][] = [];
    let t = 0;
    for (const snap of snaps) {
      for (; t < snap.step; t++) for (const s of states) integ.step(s);
      out.push([snap.step, compare(snap, finalPositions(F32, states)).maxRelDiff]);
    }
    return out;
  } finally {
    engine.destroy();
  }
}

/**
 * Compares the first `count` trajectories of a GPU f32 final state with the CPU F32 mirror. The runs are
 * chaotic, so on a GPU whose f32 differs by an ulp here and there the final states can differ a lot; then
 * the check falls back to the early steps, where such differences are still a few ulp.
 */
export async function checkAgainstMirror(
  ctx: GpuContext,
  p: Problem,
  gpu: { wd: Float64Array; ex: Float64Array },
  count: number,
  steps: number,
): Promise<MirrorCheck> {
  const { states } = runIntegrator(F32, p, count, steps);
  const { bitwiseEqual, components, maxRelDiff } = compare(gpu, finalPositions(F32, states));
  const n = states.length;
  let ok = maxRelDiff <= FINAL_REL_TOL;
  let early: [number, number][] | null = null;
  let how =
    bitwiseEqual === components
      ? 'bitwise equal'
      : `${bitwiseEqual}/${components} components bitwise equal, max rel diff ${maxRelDiff.toExponential(2)}`;
  if (!ok) {
    early = await earlyDiffs(
      ctx,
      p,
      n,
      EARLY_STEPS.filter((t) => t < steps),
    );
    // Early steps bitwise equal means this GPU's f32 is the mirror's: then the final state must be too.
    const inexact = early.some(([, d]) => d > 0);
    ok = inexact && early.every(([, d]) => d <= EARLY_REL_TOL);
    const e = early.map(([t, d]) => `step ${t}: ${d.toExponential(2)}`).join(', ');
    const why = ok
      ? ' (ulp-level differences amplified by chaos)'
      : inexact
        ? ''
        : ' (bitwise equal early, so the timed run itself is wrong)';
    how += `; early steps max rel diff ${e}${why}`;
  }
  return {
    ok,
    trajectories: n,
    steps,
    bitwiseEqual,
    components,
    maxRelDiff,
    early,
    summary: `GPU f32 vs CPU F32 mirror, ${n} trajectories x ${steps} steps: ${how}`,
  };
}

export interface MirrorAgreement {
  format: LowFormat;
  trajectories: number;
  steps: number;
  /** Components bitwise equal to the CPU mirror of the format (src/core/lowArith.ts), out of 4 per trajectory. */
  bitwiseEqual: number;
  components: number;
  maxRelDiff: number;
  summary: string;
}

/**
 * How the first trajectories of a GPU bf16 or f16 final state compare with the format's CPU mirror, which
 * computes every operation as the kernel does. Informational (the GPU tests own that correctness): it shows
 * that the timed kernel computed the format. Run it after the single-thread CPU rows, whose timing an extra
 * arithmetic through the generic Integrator would slow down (see cpuRows.ts).
 */
export function mirrorAgreement(
  format: LowFormat,
  p: Problem,
  gpu: { wd: Float64Array; ex: Float64Array },
  count: number,
  steps: number,
): MirrorAgreement {
  const A = lowArith(format);
  const { states } = runIntegrator(A, p, count, steps);
  const { bitwiseEqual, components, maxRelDiff } = compare(gpu, finalPositions(A, states));
  const how =
    bitwiseEqual === components
      ? 'bitwise equal'
      : `${bitwiseEqual}/${components} components bitwise equal, max rel diff ${maxRelDiff.toExponential(2)}`;
  return {
    format,
    trajectories: states.length,
    steps,
    bitwiseEqual,
    components,
    maxRelDiff,
    summary: `GPU ${format} vs CPU ${format} mirror, ${states.length} trajectories x ${steps} steps: ${how}`,
  };
}
