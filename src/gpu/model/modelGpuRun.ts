/**
 * Model configs (bnLogistic, bnMlp) on the GPU: f32 and df64 through the model kernels
 * (src/gpu/model/modelEngine.ts), with the CPU backend's output contract (src/core/model/modelOutput.ts).
 * The instability crossing is a float64 sharpness estimate that only the CPU makes: GPU records leave it
 * null. `runModelGpu` is the CLI's entry; `runModelOnDevice` runs on a device the caller holds (the
 * benchmark, the playground, the tests).
 */
import { modelInitialPoints } from '../../core/model/modelInit';
import {
  buildModelOutput,
  emptyModelRecord,
  type ModelRecord,
  type ModelRunOutput,
} from '../../core/model/modelOutput';
import { resolveModel } from '../../core/model/resolveModel';
import { type ModelConfig, paramCount, type ResolvedModel } from '../../core/model/types';
import { sampleSteps } from '../../core/run/output';
import { type ExponentialSchedule, toExponential } from '../../core/schedule';
import { acquireGpu, type GpuContext } from '../device';
import type { ProbeOptions, ProbeReport } from '../probe';
import { Df64RefusedError, df64Refusal, probeFor } from '../probeCache';
import { ModelEngine, type ModelEngineSetup, type ModelSnapshot } from './modelEngine';
import type { ModelGpuPrecision, ModelLayout } from './modelLayout';

export const MODEL_GPU_CROSSING_NOTE = 'not checked on the gpu backend';

export interface ModelGpuOptions {
  /** false: only the final state is read back (one sample, at the last step); default: every sample step. */
  samples?: boolean;
  /** Work decomposition (default 'invocation'). */
  layout?: ModelLayout;
  /** df64's probe report (its TwoProd variant); the caller has checked its verdict. */
  probe?: ProbeReport;
  workgroupSize?: number;
  maxStepsPerDispatch?: number;
  /** Most steps between two read-backs, so that a long run reports progress (default: 4096). */
  chunkSteps?: number;
  /** After each read-back: the step reached and the last one; may throw to stop the run. */
  onProgress?: (done: number, total: number) => void;
}

export interface ModelGpuRun {
  model: ResolvedModel;
  schedule: ExponentialSchedule;
  records: ModelRecord[];
  /** The sample steps the records hold. */
  steps: number[];
  /** Wall time of the stepping and read-backs (the kernel's compilation and the uploads excluded). */
  seconds: number;
  /** Trajectory-steps per second over `seconds` (each trajectory-step moves both runs). */
  trajectoryStepsPerSecond: number;
  /** The same two numbers, for callers that read a timing object (src/bench/models.ts). */
  timing: { seconds: number; trajectoryStepsPerSecond: number };
  adapter: string;
  layout: ModelLayout;
}

/** The GPU precision of a model config; throws for the CPU-only ones. */
export function modelGpuPrecision(config: ModelConfig): ModelGpuPrecision {
  if (config.precision !== 'f32' && config.precision !== 'df64') {
    throw new RangeError(`models run on the gpu backend in f32 and df64, not ${config.precision}`);
  }
  return config.precision;
}

/** What the engine needs for `config` (model and data, schedule, initial weights). */
export function modelEngineSetup(
  config: ModelConfig,
  options: Pick<ModelGpuOptions, 'layout' | 'probe' | 'workgroupSize' | 'maxStepsPerDispatch'> = {},
): ModelEngineSetup {
  const precision = modelGpuPrecision(config);
  const model = resolveModel(config.loss);
  return {
    precision,
    layout: options.layout ?? 'invocation',
    model,
    schedule: toExponential(config.optimizer),
    tolerance: config.driftTolerance,
    points: modelInitialPoints(config.init, paramCount(model)),
    numerics: config.numerics,
    steps: config.steps,
    twoProdFma: precision === 'df64' && options.probe?.chosenTwoProd === 'fma',
    workgroupSize: options.workgroupSize,
    maxStepsPerDispatch: options.maxStepsPerDispatch,
  };
}

/** Writes snapshot `snap` into sample `j` of every record (as src/core/model/modelRun.ts samples). */
export function applyModelSnapshot(records: ModelRecord[], snap: ModelSnapshot, j: number, P: number): void {
  records.forEach((rec, i) => {
    rec.wd.set(snap.wdW.subarray(i * P, (i + 1) * P), j * P);
    rec.wdScaleLog2[j] = snap.wdScaleExp[i];
    const overflowed = snap.overflowStep[i] >= 0;
    if (overflowed) {
      rec.ex.subarray(j * P, (j + 1) * P).fill(Number.NaN);
    } else {
      rec.ex.set(snap.exW.subarray(i * P, (i + 1) * P), j * P);
      rec.exScaleLog2[j] = snap.scaleExp[i];
    }
    rec.wdAbsorbedAt[j] = snap.wdAbsorbedStep[i];
    rec.expAbsorbedAt[j] = snap.expAbsorbedStep[i];
    rec.gap[j] = overflowed ? Number.NaN : 2 * Math.atan2(Math.sqrt(snap.d2[i]), Math.sqrt(snap.s2[i]));
  });
}

function finishRecords(records: ModelRecord[], snap: ModelSnapshot): void {
  const ev = (v: number) => (v < 0 ? null : v);
  records.forEach((rec, i) => {
    rec.divergenceStep = ev(snap.divergenceStep[i]);
    rec.overflowStep = ev(snap.overflowStep[i]);
    rec.crossingStep = null;
    rec.wdAbsorbedStep = ev(snap.wdAbsorbedStep[i]);
    rec.expAbsorbedStep = ev(snap.expAbsorbedStep[i]);
    rec.underflowStep = ev(snap.underflowStep[i]);
  });
}

/** Groups of sample steps spanning at most `chunk` steps each. */
function chunksOf(at: number[], chunk: number): number[][] {
  const groups: number[][] = [];
  for (let start = 0; start < at.length; ) {
    let end = start + 1;
    while (end < at.length && at[end] - at[start] <= chunk) end++;
    groups.push(at.slice(start, end));
    start = end;
  }
  return groups;
}

/**
 * Runs a model config (f32 or df64) on `ctx`: records of the output contract at every sample step (or the
 * last only, with samples: false), crossing null. df64 needs the caller to have checked the probe.
 */
export async function runModelOnDevice(
  ctx: GpuContext,
  config: ModelConfig,
  options: ModelGpuOptions = {},
): Promise<ModelGpuRun> {
  const setup = modelEngineSetup(config, options);
  const engine = await ModelEngine.create(ctx, setup);
  try {
    const P = engine.P;
    const at = options.samples === false ? [config.steps] : sampleSteps(config.steps, config.sampleEvery);
    const records = Array.from({ length: engine.count }, (_, i) =>
      emptyModelRecord(setup.points.slice(i * P, (i + 1) * P), P, at.length),
    );
    const started = performance.now();
    let j = 0;
    let last: ModelSnapshot | null = null;
    for (const group of chunksOf(at, options.chunkSteps ?? 4096)) {
      await engine.capture(group, {
        onSnapshot: (snap) => {
          applyModelSnapshot(records, snap, j, P);
          last = snap;
          j++;
        },
      });
      options.onProgress?.(group[group.length - 1], config.steps);
    }
    const seconds = (performance.now() - started) / 1000;
    if (last) finishRecords(records, last);
    const trajectoryStepsPerSecond = (engine.count * config.steps) / Math.max(seconds, 1e-9);
    return {
      model: setup.model,
      schedule: setup.schedule,
      records,
      steps: at,
      seconds,
      trajectoryStepsPerSecond,
      timing: { seconds, trajectoryStepsPerSecond },
      adapter: ctx.description,
      layout: setup.layout,
    };
  } finally {
    engine.destroy();
  }
}

/**
 * df64's probe report on `ctx` (shared per device, src/gpu/probeCache.ts), or a Df64RefusedError where the
 * probe says df64 is unusable. `options`: the probe's (tests pass a sabotaged one).
 */
export async function modelDf64Probe(ctx: GpuContext, options?: ProbeOptions): Promise<ProbeReport> {
  const probe = await probeFor(ctx, options);
  const refusal = df64Refusal(ctx, probe);
  if (refusal) throw new Df64RefusedError(`${refusal} (run 'scaleinv-lab selftest')`);
  return probe;
}

/** The CLI's GPU backend for model configs: a device of its own, the CPU backend's output contract. */
export async function runModelGpu(config: ModelConfig): Promise<ModelRunOutput> {
  modelGpuPrecision(config);
  const ctx = await acquireGpu();
  try {
    const probe = config.precision === 'df64' ? await modelDf64Probe(ctx) : undefined;
    const run = await runModelOnDevice(ctx, config, { probe });
    return buildModelOutput(config, run.model, run.schedule, run.records, run.steps, {
      adapter: run.adapter,
      crossing: MODEL_GPU_CROSSING_NOTE,
    });
  } finally {
    ctx.device.destroy();
  }
}
