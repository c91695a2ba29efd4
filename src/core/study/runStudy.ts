/**
 * Runs one config in several precisions on the same initial points, through a caller-supplied runner
 * (the CLI maps f32/df64 to the GPU and f64/dd to the CPU), then adds the twin-run Lyapunov estimates.
 * Pure apart from the runner: no files, no console.
 */
import { resolveLoss } from '../config/resolve';
import type { ExperimentConfig, Precision } from '../config/types';
import { initialPoints } from '../init';
import type { RunOutput } from '../run/output';
import { aggregateStudy } from './aggregate';
import { LYAPUNOV_DEFAULTS, lyapunovExponent } from './lyapunov';
import { BACKEND_OF, NOMINAL_BITS, type PrecisionRun, type StudyResult, type StudyTrajectory } from './types';

export type StudyStage = Precision | 'lyapunov';

export interface StudyOptions {
  precisions: readonly Precision[];
  /** Run dd on the first `ddSubset` trajectories only (dd is ~100× slower than f64). */
  ddSubset?: number;
  /**
   * Runs one precision; returns `{ skipped: reason }` to leave it out (e.g. no GPU adapter). The config has
   * precision and backend set, and sampleEvery = steps (the study needs only the per-trajectory steps).
   */
  run: (
    config: ExperimentConfig,
    onProgress: (done: number, total: number) => void,
  ) => Promise<RunOutput | { skipped: string }>;
  onStage?: (stage: StudyStage, index: number, count: number) => void;
  onProgress?: (stage: StudyStage, done: number, total: number) => void;
  /** Seconds since some origin, for the per-run timings (injected so this module stays pure). */
  now?: () => number;
}

/** The config one precision runs: same loss, schedule and initial points, only the totals it needs. */
export function precisionConfig(
  config: ExperimentConfig,
  precision: Precision,
  subset?: number,
): ExperimentConfig {
  const base: ExperimentConfig = {
    ...config,
    precision,
    backend: BACKEND_OF[precision],
    sampleEvery: config.steps,
  };
  if (subset === undefined) return base;
  const pts = initialPoints(config.init);
  const n = Math.min(subset, pts.length / 2);
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) points.push([pts[2 * i], pts[2 * i + 1]]);
  return { ...base, init: { points } };
}

/** df64's measured bits (the weakest of add/mul/div/sqrt) from a run output's probe, when present. */
export function probeBits(probe: unknown): number | null {
  const bits = (probe as { bits?: Record<string, unknown> } | undefined)?.bits;
  if (!bits || typeof bits !== 'object') return null;
  const vals = Object.values(bits).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return vals.length === 0 ? null : Math.min(...vals);
}

export async function runStudy(config: ExperimentConfig, options: StudyOptions): Promise<StudyResult> {
  const now = options.now ?? (() => 0);
  const points = initialPoints(config.init);
  const n = points.length / 2;
  const trajectories: StudyTrajectory[] = Array.from({ length: n }, (_, i) => ({
    index: i,
    init: [points[2 * i], points[2 * i + 1]],
    divergenceStep: {},
    overflowStep: {},
    crossingStep: {},
    lyapunov: null,
    lyapunovWindow: null,
  }));
  const runs: PrecisionRun[] = [];
  const skipped: StudyResult['skipped'] = [];
  let adapter: string | null = null;
  const stages = options.precisions.length + 1;

  for (const [k, precision] of options.precisions.entries()) {
    options.onStage?.(precision, k, stages);
    const subset = precision === 'dd' ? options.ddSubset : undefined;
    const t0 = now();
    const out = await options.run(precisionConfig(config, precision, subset), (d, t) =>
      options.onProgress?.(precision, d, t),
    );
    if ('skipped' in out) {
      skipped.push({ precision, reason: out.skipped });
      continue;
    }
    const measured = precision === 'df64' ? probeBits(out.probe) : null;
    runs.push({
      precision,
      backend: out.backend,
      bits: measured ?? NOMINAL_BITS[precision],
      bitsSource: measured === null ? 'nominal' : 'probe',
      adapter: out.adapter,
      ...(out.probe === undefined ? {} : { probe: out.probe }),
      trajectories: out.trajectories.length,
      seconds: now() - t0,
    });
    adapter ??= out.adapter;
    out.trajectories.forEach((t, i) => {
      const rec = trajectories[i];
      rec.divergenceStep[precision] = t.divergenceStep;
      rec.overflowStep[precision] = t.overflowStep;
      // Filled by the integrators once they report it; absent before.
      const crossing = (t as { crossingStep?: number | null }).crossingStep;
      if (crossing !== undefined) rec.crossingStep[precision] = crossing;
    });
  }

  options.onStage?.('lyapunov', stages - 1, stages);
  const { loss } = resolveLoss(config.loss);
  for (const rec of trajectories) {
    const est = lyapunovExponent(loss, config.optimizer, rec.init[0], rec.init[1], config.steps);
    rec.lyapunov = est.mu;
    rec.lyapunovWindow = est.window;
    options.onProgress?.('lyapunov', rec.index + 1, n);
  }

  return {
    version: 1,
    config,
    adapter,
    steps: config.steps,
    driftTolerance: config.driftTolerance,
    runs,
    skipped,
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
