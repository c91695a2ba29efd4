/**
 * The one way a validated config runs on the GPU: config → loss, initial points and exponential schedule
 * (src/core) → TrajectoryEngine → snapshots at the sample steps → per-trajectory records of the output
 * contract (src/gpu/snapshotRecords.ts). The CLI's `run`/`study`, the benchmark and the Precision tab run
 * whole configs with runConfigOnGpu; the playground session only builds the engine (createEngineFor).
 */
import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig } from '../core/config/types';
import { initialPoints } from '../core/init';
import type { FourierLoss } from '../core/loss';
import { emptyRecord, sampleSteps, type TrajectoryRecord } from '../core/run/output';
import { type ExponentialSchedule, toExponential } from '../core/schedule';
import type { GpuContext } from './device';
import { type EngineSetup, TrajectoryEngine } from './engine';
import { GPU_PRECISIONS, type GpuPrecision } from './layout';
import type { ProbeReport } from './probeReport';
import { applySnapshotSample } from './snapshotRecords';

/** The precision of a GPU config; throws for the CPU-only precisions. */
export function gpuPrecisionOf(config: ExperimentConfig): GpuPrecision {
  const p = config.precision;
  if (!(GPU_PRECISIONS as readonly string[]).includes(p)) {
    throw new RangeError(`precision ${p} does not run on the gpu backend (use ${GPU_PRECISIONS.join(', ')})`);
  }
  return p as GpuPrecision;
}

/** What the engine is built with beyond the config. */
export interface EngineExtras {
  /** df64's TwoProd variant (the probe's chosenTwoProd === 'fma'); ignored for f32. */
  twoProdFma?: boolean;
  /** Slots of the path ring for `count` trajectories (drawing only; default: no ring). */
  ringSlots?: (count: number) => number;
}

/** A config resolved into what the engine and the output contract need. */
export interface ConfigSetup {
  setup: EngineSetup;
  loss: FourierLoss;
  schedule: ExponentialSchedule;
  points: Float64Array;
}

/** The engine setup of `config`: its loss, schedule, initial points, tolerance and numerics. */
export function engineSetupFor(config: ExperimentConfig, extras: EngineExtras = {}): ConfigSetup {
  const precision = gpuPrecisionOf(config);
  const { loss } = resolveLoss(config.loss);
  const schedule = toExponential(config.optimizer);
  const points = initialPoints(config.init);
  const setup: EngineSetup = {
    precision,
    loss,
    schedule,
    tolerance: config.driftTolerance,
    points,
    twoProdFma: precision === 'df64' && extras.twoProdFma === true,
    numerics: config.numerics,
  };
  if (extras.ringSlots) {
    setup.historyLength = extras.ringSlots(points.length / 2);
    setup.sampleEvery = config.sampleEvery;
  }
  return { setup, loss, schedule, points };
}

/** Builds the engine of `config` on `ctx` (shader compile and buffers: the expensive part). */
export async function createEngineFor(
  ctx: GpuContext,
  config: ExperimentConfig,
  extras: EngineExtras = {},
): Promise<ConfigSetup & { engine: TrajectoryEngine }> {
  const resolved = engineSetupFor(config, extras);
  return { ...resolved, engine: await TrajectoryEngine.create(ctx, resolved.setup) };
}

export interface GpuRunOptions {
  /** df64's probe report (its TwoProd variant is used, and it goes into the output's meta). */
  probe?: ProbeReport;
  /** The record of trajectory i with room for `samples` samples; default emptyRecord (states kept). */
  record?: (points: Float64Array, i: number, samples: number) => TrajectoryRecord;
  /** Most steps between two read-backs, so that a long run reports progress (default: one capture). */
  chunkSteps?: number;
  /** After each read-back: the step reached and the last one; may throw to stop the run (cancel). */
  onProgress?: (done: number, total: number) => void;
}

/** A finished GPU run: the records and what buildOutput / slimOutput take with them. */
export interface GpuRun {
  loss: FourierLoss;
  schedule: ExponentialSchedule;
  records: TrajectoryRecord[];
  meta: { adapter: string; probe?: Pick<ProbeReport, 'chosenTwoProd' | 'bits' | 'df64Usable'> };
}

/** Groups of sample steps whose span is at most `chunkSteps` (one group when it is undefined). */
function chunksOf(at: number[], chunkSteps: number | undefined): number[][] {
  if (chunkSteps === undefined) return [at];
  const groups: number[][] = [];
  for (let start = 0; start < at.length; ) {
    let end = start + 1;
    while (end < at.length && at[end] - at[start] <= chunkSteps) end++;
    groups.push(at.slice(start, end));
    start = end;
  }
  return groups;
}

/**
 * Runs `config` (f32 or df64) on `ctx` and returns a record per trajectory with every sample step's
 * events, gap and (with the default records) states. The caller has checked the probe's verdict for df64.
 */
export async function runConfigOnGpu(
  ctx: GpuContext,
  config: ExperimentConfig,
  options: GpuRunOptions = {},
): Promise<GpuRun> {
  const probe = config.precision === 'df64' ? options.probe : undefined;
  const { engine, loss, schedule, points } = await createEngineFor(ctx, config, {
    twoProdFma: probe?.chosenTwoProd === 'fma',
  });
  try {
    const at = sampleSteps(config.steps, config.sampleEvery);
    const record = options.record ?? emptyRecord;
    const records = Array.from({ length: engine.count }, (_, i) => record(points, i, at.length));
    let j = 0;
    for (const group of chunksOf(at, options.chunkSteps)) {
      await engine.capture(group, (snap) => {
        applySnapshotSample(records, snap, j);
        j++;
      });
      options.onProgress?.(group[group.length - 1], config.steps);
    }
    const meta: GpuRun['meta'] = { adapter: ctx.description };
    if (probe) meta.probe = { chosenTwoProd: probe.chosenTwoProd, bits: probe.bits, df64Usable: true };
    return { loss, schedule, records, meta };
  } finally {
    engine.destroy();
  }
}
