/**
 * A precision study of a model config (`scaleinv-lab study model.json`): the plane's study
 * (src/core/study/runStudy.ts) in ℝ^P. Each precision runs the same seeds through a caller-supplied runner
 * (the CLI: f32/df64 on the GPU, the others on the CPU); per trajectory its divergence step, cause,
 * crossing and absorbed steps are recorded, a float64 twin run gives the Lyapunov exponent, and the
 * aggregate, table, CSV and SVG are the plane's own. A StudyTrajectory's `init` holds the first two
 * components of w0 (its whole w0 is `initVector`). Departures from mp are not measured for models.
 */
import type { Precision } from '../config/types';
import { MP_DEFAULT_BITS } from '../mp';
import { aggregateStudy } from '../study/aggregate';
import { LYAPUNOV_DEFAULTS } from '../study/lyapunov';
import { emptyStudyTrajectory } from '../study/runStudy';
import { NOMINAL_BITS, type PrecisionRun, type StudyResult, type StudyTrajectory } from '../study/types';
import { modelInitialPoints } from './modelInit';
import { modelLyapunov } from './modelLyapunov';
import type { ModelRunOutput } from './modelOutput';
import { resolveModel } from './resolveModel';
import { type ModelConfig, paramCount } from './types';

/** Where each precision of a model runs: f32 and df64 on the GPU, the rest on the CPU. */
export const MODEL_BACKEND_OF: Record<Precision, 'cpu' | 'gpu'> = {
  bf16: 'cpu',
  f16: 'cpu',
  f32: 'gpu',
  df64: 'gpu',
  f64: 'cpu',
  dd: 'cpu',
  mp: 'cpu',
};

export interface ModelStudyOptions {
  precisions: readonly Precision[];
  /** dd and mp on the first N seeds only. */
  subset?: number;
  mpBits?: number;
  run: (config: ModelConfig, extra?: { bits?: number }) => Promise<ModelRunOutput | { skipped: string }>;
  onStage?: (stage: Precision | 'lyapunov', index: number, count: number) => void;
  now?: () => number;
}

export type ModelStudyResult = Omit<StudyResult, 'config' | 'trajectories'> & {
  config: ModelConfig;
  trajectories: (StudyTrajectory & { initVector: number[] })[];
};

/** The config one precision runs: per-trajectory events only (one sample at the end). */
export function modelPrecisionConfig(
  config: ModelConfig,
  precision: Precision,
  subset?: number,
): ModelConfig {
  const base: ModelConfig = {
    ...config,
    precision,
    backend: MODEL_BACKEND_OF[precision],
    sampleEvery: config.steps,
  };
  if (subset === undefined) return base;
  const P = paramCount(resolveModel(config.loss));
  const pts = modelInitialPoints(config.init, P);
  const n = Math.min(subset, pts.length / P);
  const points = Array.from({ length: n }, (_, i) => Array.from(pts.subarray(i * P, (i + 1) * P)));
  return { ...base, init: { points } };
}

export async function runModelStudy(
  config: ModelConfig,
  options: ModelStudyOptions,
): Promise<ModelStudyResult> {
  const now = options.now ?? (() => 0);
  const model = resolveModel(config.loss);
  const P = paramCount(model);
  const points = modelInitialPoints(config.init, P);
  const n = points.length / P;
  const trajectories = Array.from({ length: n }, (_, i) => {
    const w0 = Array.from(points.subarray(i * P, (i + 1) * P));
    const t: StudyTrajectory & { initVector: number[] } = {
      ...emptyStudyTrajectory(i, [w0[0], w0[1] ?? 0]),
      initVector: w0,
    };
    return t;
  });
  const runs: PrecisionRun[] = [];
  const skipped: StudyResult['skipped'] = [];
  const stages = options.precisions.length + 1;
  let adapter: string | null = null;
  for (const [k, precision] of options.precisions.entries()) {
    options.onStage?.(precision, k, stages);
    const subset = precision === 'dd' || precision === 'mp' ? options.subset : undefined;
    const bits = options.mpBits ?? MP_DEFAULT_BITS;
    const t0 = now();
    const out = await options.run(
      modelPrecisionConfig(config, precision, subset),
      precision === 'mp' ? { bits } : undefined,
    );
    if ('skipped' in out) {
      skipped.push({ precision, reason: out.skipped });
      continue;
    }
    runs.push({
      precision,
      backend: out.backend,
      bits: precision === 'mp' ? bits : NOMINAL_BITS[precision],
      bitsSource: 'nominal',
      adapter: out.adapter,
      trajectories: out.trajectories.length,
      seconds: now() - t0,
    });
    adapter ??= out.adapter;
    out.trajectories.forEach((t, i) => {
      const rec = trajectories[i];
      rec.divergenceStep[precision] = t.divergenceStep;
      rec.overflowStep[precision] = t.overflowStep;
      // The GPU does not check the crossing: leave it out rather than report "never".
      if (out.backend === 'cpu') rec.crossingStep[precision] = t.crossingStep;
      rec.cause = { ...rec.cause, [precision]: t.divergenceCause };
      rec.wdAbsorbedStep = { ...rec.wdAbsorbedStep, [precision]: t.wdAbsorbedStep };
      rec.expAbsorbedStep = { ...rec.expAbsorbedStep, [precision]: t.expAbsorbedStep };
    });
  }
  borrowCrossings(trajectories, runs);
  options.onStage?.('lyapunov', stages - 1, stages);
  for (const rec of trajectories) {
    const est = modelLyapunov(model, config.optimizer, rec.initVector, config.steps);
    rec.lyapunov = est.mu;
    rec.lyapunovWindow = est.window;
  }
  const notes = [
    'models: departures from mp are not measured; the GPU does not check the instability crossing',
  ];
  return {
    version: 1,
    config,
    adapter,
    steps: config.steps,
    driftTolerance: config.driftTolerance,
    runs,
    skipped,
    notes,
    lyapunovMethod: {
      perturbation: LYAPUNOV_DEFAULTS.perturbation,
      window: [LYAPUNOV_DEFAULTS.lo, LYAPUNOV_DEFAULTS.hi],
      minPoints: LYAPUNOV_DEFAULTS.minPoints,
      precision: 'f64',
    },
    aggregate: aggregateStudy(runs, trajectories),
    trajectories,
  };
}

/**
 * The kernel does not check the instability crossing, so a GPU run's divergence reads "precision" even
 * after the crossing. The crossing is a property of the weight-decay trajectory, which every precision
 * follows until its runs split: a GPU precision takes the f64 run's crossing step where f64 ran, and a
 * "precision" divergence at or after it becomes "chaos" (src/core/cause.ts's rule).
 */
function borrowCrossings(trajectories: StudyTrajectory[], runs: readonly PrecisionRun[]): void {
  if (!runs.some((r) => r.precision === 'f64')) return;
  for (const run of runs) {
    if (run.backend !== 'gpu') continue;
    for (const t of trajectories) {
      const crossing = t.crossingStep.f64;
      if (crossing === undefined) continue;
      t.crossingStep[run.precision] = crossing;
      const d = t.divergenceStep[run.precision];
      if (t.cause?.[run.precision] === 'precision' && crossing !== null && d != null && crossing <= d) {
        t.cause = { ...t.cause, [run.precision]: 'chaos' };
      }
    }
  }
}
