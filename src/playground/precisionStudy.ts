/**
 * The Precision tab's study, run in the browser with the CLI's pipeline (runStudy, src/core/study): f32 and
 * df64 on the app's GPU device (src/gpu/configRun.ts, as the CLI), f64, dd and mp on the CPU in a module
 * Web Worker (src/playground/studyWorker.ts) that spreads them over a pool of workers (cpuWorkerPool.ts) and
 * also runs runStudy itself, so that the Lyapunov twin runs stay off the main thread. The worker asks this side for each GPU precision. Cancelling terminates the worker
 * and stops the GPU run between submits.
 * Every run is sampled at about DRIFT_SAMPLES steps for the drift curves; the divergence, overflow and crossing
 * steps do not depend on sampling, so the numbers are the CLI's (`scaleinv-lab study`). With mp ticked, the
 * runs runStudy compares with it (departures) come at every step with their states, as in the CLI.
 */
import type { ExperimentConfig, Precision } from '../core/config/types';
import { buildOutput, type RunOutput, type TrajectoryRecord } from '../core/run/output';
import { slimOutput } from '../core/run/slimOutput';
import type { SampleSummary } from '../core/run/summary';
import type { StudyStage } from '../core/study/runStudy';
import type { StudyResult } from '../core/study/types';
import { runConfigOnGpu } from '../gpu/configRun';
import type { GpuContext } from '../gpu/device';
import { GPU_PRECISIONS } from '../gpu/layout';
import type { ProbeReport } from '../gpu/probe';
import { df64Refusal, probeFor } from '../gpu/probeCache';
import { driftSampleEvery } from './precisionData';
import type { StudyReply, StudyRequest } from './studyWorker';

/** dd runs ~0.1 M trajectory-steps/s: by default only the first 64 trajectories. */
export const DEFAULT_DD_SUBSET = 64;
/** Steps per GPU submit (as the app's lab.step): keeps each submit short on software GPUs. */
const GPU_STEP_CHUNK = 1000;

export interface StudyProgress {
  stage: StudyStage;
  /** Stage k of count (the precisions, then the Lyapunov twin runs). */
  index: number;
  count: number;
  done: number;
  total: number;
  /** Of the whole study, 0…1 (each stage weighs the same). */
  fraction: number;
}

export interface PrecisionStudyOptions {
  precisions: readonly Precision[];
  /** dd runs the first `ddSubset` trajectories (default DEFAULT_DD_SUBSET). */
  ddSubset?: number;
  onProgress?: (p: StudyProgress) => void;
  signal?: AbortSignal;
  /** df64's precision probe (e.g. the app's, run once); default: run here, once per device. */
  probe?: () => Promise<ProbeReport>;
}

export interface PrecisionStudyResult {
  study: StudyResult;
  /** Drift summary per precision that ran, at DRIFT_SAMPLES steps (dd: over its subset only). */
  drift: Partial<Record<Precision, SampleSummary[]>>;
  ddSubset: number;
  seconds: number;
}

function abortError(): DOMException {
  return new DOMException('the precision study was cancelled', 'AbortError');
}

/** A record with the events and gaps only (no states): the Precision tab's drift curves need no more. */
function slimRecord(points: Float64Array, i: number, samples: number): TrajectoryRecord {
  return {
    init: [points[2 * i], points[2 * i + 1]],
    divergenceStep: null,
    overflowStep: null,
    crossingStep: null,
    wd: new Float64Array(0),
    ex: new Float64Array(0),
    gap: new Float64Array(samples),
    // The absorbed streak at each sample, so the drift summary counts as the CLI's and lab.stats() do.
    wdAbsorbedAt: new Float64Array(samples).fill(-1),
    expAbsorbedAt: new Float64Array(samples).fill(-1),
  };
}

/** One GPU precision of the study on `ctx` (the GPU layer's one config path, chunked, with progress and cancel). */
export async function runGpuPrecision(
  ctx: GpuContext,
  config: ExperimentConfig,
  probe: () => Promise<ProbeReport>,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
  /** Keep every sample's states (runStudy's per-step runs for departures from mp): a full RunOutput. */
  full = false,
): Promise<RunOutput | { skipped: string }> {
  const precision = config.precision;
  if (!(GPU_PRECISIONS as readonly string[]).includes(precision))
    throw new RangeError(`${precision} is not a GPU precision`);
  const report = precision === 'df64' ? await probe() : undefined;
  const refusal = report ? df64Refusal(ctx, report) : null;
  if (refusal) return { skipped: refusal };
  const run = await runConfigOnGpu(ctx, config, {
    probe: report,
    // full: keep the states, as the CLI does; otherwise only the events and gaps (a slim output).
    record: full ? undefined : slimRecord,
    chunkSteps: GPU_STEP_CHUNK,
    onProgress: (done, total) => {
      if (signal?.aborted) throw abortError();
      onProgress(done, total);
    },
  });
  return full
    ? buildOutput(config, run.loss, run.schedule, run.records, run.meta)
    : slimOutput(config, run.loss, run.schedule, run.records, run.meta);
}

/**
 * Runs `config` in each of `options.precisions` (same initial points) and returns the study the CLI would
 * write as study.json, plus the drift curves. Rejects with an AbortError when `signal` aborts.
 */
export function runPrecisionStudy(
  ctx: GpuContext,
  config: ExperimentConfig,
  options: PrecisionStudyOptions,
): Promise<PrecisionStudyResult> {
  const ddSubset = options.ddSubset ?? DEFAULT_DD_SUBSET;
  const probe = options.probe ?? (() => probeFor(ctx));
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(abortError());
  const t0 = performance.now();
  const drift: PrecisionStudyResult['drift'] = {};
  const worker = new Worker(new URL('./studyWorker.ts', import.meta.url), {
    type: 'module',
    name: 'scaleinv-lab precision study',
  });
  const post = (req: StudyRequest) => worker.postMessage(req);
  let stage = { stage: 'f32' as StudyStage, index: 0, count: 1 };
  const progress = (done: number, total: number) =>
    options.onProgress?.({
      ...stage,
      done,
      total,
      fraction: (stage.index + (total > 0 ? done / total : 0)) / stage.count,
    });

  return new Promise<PrecisionStudyResult>((resolve, reject) => {
    let settled = false;
    const onAbort = () => finish(abortError());
    const finish = (error: unknown, result?: PrecisionStudyResult) => {
      if (settled) return;
      settled = true;
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
      if (result) resolve(result);
      else reject(error);
    };
    signal?.addEventListener('abort', onAbort);
    worker.onerror = (ev) => finish(new Error(`the study worker failed: ${ev.message || 'error'}`));
    worker.onmessage = (ev: MessageEvent<StudyReply>) => {
      const m = ev.data;
      switch (m.type) {
        case 'stage':
          stage = { stage: m.stage, index: m.index, count: m.count };
          progress(0, 1);
          break;
        case 'progress':
          if (m.stage === stage.stage) progress(m.done, m.total);
          break;
        case 'drift':
          drift[m.precision] = m.summary;
          break;
        case 'gpu':
          runGpuPrecision(ctx, m.config, probe, progress, signal, m.perStep).then(
            (out) => {
              // A per-step rerun (departures from mp) covers a subset: keep the first run's drift curve.
              if ('summary' in out && !m.perStep) drift[m.config.precision] = out.summary;
              if (!settled) post({ type: 'gpu', id: m.id, output: out });
            },
            (e: unknown) => finish(e),
          );
          break;
        case 'done':
          finish(null, { study: m.study, drift, ddSubset, seconds: (performance.now() - t0) / 1000 });
          break;
        case 'error':
          finish(new Error(m.message));
          break;
      }
    };
    post({
      type: 'start',
      config,
      precisions: [...options.precisions],
      ddSubset,
      sampleEvery: driftSampleEvery(config.steps),
    });
  });
}
