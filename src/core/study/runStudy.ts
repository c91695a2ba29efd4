/**
 * Runs one config in several precisions on the same initial points, through a caller-supplied runner
 * (the CLI maps f32/df64 to the GPU and f64/dd/mp to the CPU), then adds the twin-run Lyapunov estimates.
 * With mp among the precisions it runs first, at N and 2N bits with per-step samples on the subset, and
 * every other precision's departures from it are measured as that precision runs (departure.ts): only the
 * subset's trajectories are ever sampled per step, and only as two Float64Arrays per run.
 * Pure apart from the runner: no files, no console.
 */

import { DF64_STATE_BITS } from '../arith';
import { resolveLoss } from '../config/resolve';
import type { ExperimentConfig, Precision } from '../config/types';
import { initialPoints } from '../init';
import { MP_DEFAULT_BITS } from '../mp';
import type { RunOutput, TrajectoryOutput } from '../run/output';
import { aggregateStudy } from './aggregate';
import { departures, referenceHorizon, type StepSamples, stepSamples } from './departure';
import { LYAPUNOV_DEFAULTS, lyapunovExponent } from './lyapunov';
import { censoredMedian } from './stats';
import { BACKEND_OF, NOMINAL_BITS, type PrecisionRun, type StudyResult, type StudyTrajectory } from './types';

export type StudyStage = Precision | 'lyapunov';

export interface StudyOptions {
  precisions: readonly Precision[];
  /** Run dd and mp on the first `ddSubset` trajectories only (dd is ~100× slower than f64, mp slower still). */
  ddSubset?: number;
  /** mp's bits (default MP_DEFAULT_BITS); its horizon run uses twice as many. */
  mpBits?: number;
  /**
   * Runs one precision; returns `{ skipped: reason }` to leave it out (e.g. no GPU adapter). The config has
   * precision and backend set, and sampleEvery = steps (the study needs only the per-trajectory steps), or
   * sampleEvery = 1 for the runs departures are measured on. `extra.bits` is mp's precision.
   */
  run: (
    config: ExperimentConfig,
    onProgress: (done: number, total: number) => void,
    extra?: { bits?: number },
  ) => Promise<RunOutput | { skipped: string }>;
  onStage?: (stage: StudyStage, index: number, count: number) => void;
  onProgress?: (stage: StudyStage, done: number, total: number) => void;
  /** Seconds since some origin, for the per-run timings (injected so this module stays pure). */
  now?: () => number;
}

/** A trajectory of the study before any precision ran (the plane's and the models'). */
export function emptyStudyTrajectory(index: number, init: [number, number]): StudyTrajectory {
  return {
    index,
    init,
    divergenceStep: {},
    overflowStep: {},
    crossingStep: {},
    cause: {},
    wdAbsorbedStep: {},
    expAbsorbedStep: {},
    lyapunov: null,
    lyapunovWindow: null,
  };
}

/** The config one precision runs: same loss, schedule and initial points, only the totals it needs. */
export function precisionConfig(
  config: ExperimentConfig,
  precision: Precision,
  subset?: number,
  perStep = false,
): ExperimentConfig {
  const base: ExperimentConfig = {
    ...config,
    precision,
    backend: BACKEND_OF[precision],
    sampleEvery: perStep ? 1 : config.steps,
  };
  if (subset === undefined) return base;
  const pts = initialPoints(config.init);
  const n = Math.min(subset, pts.length / 2);
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) points.push([pts[2 * i], pts[2 * i + 1]]);
  return { ...base, init: { points } };
}

/**
 * df64's bits from a run output's probe, when present: the weakest of add/mul/div/sqrt, and at most the
 * DF64_STATE_BITS its stored positions keep.
 */
export function probeBits(probe: unknown): number | null {
  const bits = (probe as { bits?: Record<string, unknown> } | undefined)?.bits;
  if (!bits || typeof bits !== 'object') return null;
  const vals = Object.values(bits).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return vals.length === 0 ? null : Math.min(DF64_STATE_BITS, ...vals);
}

/** The bits an mp run output says it ran at (runners that ignore `extra.bits` are caught by this). */
function mpBitsOf(out: RunOutput): number | null {
  const bits = (out as { mp?: { bits?: unknown } }).mp?.bits;
  return typeof bits === 'number' ? bits : null;
}

/** The per-step samples of a run, or why there are none (a runner that does not sample every step). */
function samplesOf(out: RunOutput): StepSamples[] | string {
  if (out.sampleEvery !== 1) return `the runner sampled every ${out.sampleEvery} steps, not every step`;
  return stepSamples(out);
}

export async function runStudy(config: ExperimentConfig, options: StudyOptions): Promise<StudyResult> {
  const now = options.now ?? (() => 0);
  const points = initialPoints(config.init);
  const n = points.length / 2;
  const trajectories: StudyTrajectory[] = Array.from({ length: n }, (_, i) =>
    emptyStudyTrajectory(i, [points[2 * i], points[2 * i + 1]]),
  );
  const runs: PrecisionRun[] = [];
  const skipped: StudyResult['skipped'] = [];
  const notes: string[] = [];
  let adapter: string | null = null;
  const stages = options.precisions.length + 1;
  const bits = options.mpBits ?? MP_DEFAULT_BITS;
  const subsetOf = (p: Precision) => (p === 'dd' || p === 'mp' ? options.ddSubset : undefined);
  // mp first: every other precision is compared with it while its own samples are at hand.
  const order = options.precisions.includes('mp')
    ? (['mp', ...options.precisions.filter((p) => p !== 'mp')] as Precision[])
    : options.precisions;
  let ref: StepSamples[] | null = null;
  let reference: StudyResult['aggregate']['reference'];

  const record = (precision: Precision, out: RunOutput) => {
    out.trajectories.forEach((t, i) => {
      recordEvents(trajectories[i], precision, t);
    });
  };

  for (const [k, precision] of order.entries()) {
    options.onStage?.(precision, k, stages);
    const progress = (d: number, t: number) => options.onProgress?.(precision, d, t);
    const subset = subsetOf(precision);
    const isMp = precision === 'mp';
    // Per step when departures will be measured on this very run: mp itself, and a subset precision (dd)
    // whose trajectories are all among mp's.
    const perStep = isMp || (ref !== null && subset !== undefined && Math.min(subset, n) <= ref.length);
    const t0 = now();
    const out = await options.run(
      precisionConfig(config, precision, subset, perStep),
      progress,
      isMp ? { bits } : undefined,
    );
    if ('skipped' in out) {
      skipped.push({ precision, reason: out.skipped });
      continue;
    }
    const seconds = now() - t0;
    const measured = precision === 'df64' ? probeBits(out.probe) : isMp ? mpBitsOf(out) : null;
    runs.push({
      precision,
      backend: out.backend,
      bits: measured ?? (isMp ? bits : NOMINAL_BITS[precision]),
      bitsSource: measured === null || isMp ? 'nominal' : 'probe',
      adapter: out.adapter,
      ...(out.probe === undefined ? {} : { probe: out.probe }),
      trajectories: out.trajectories.length,
      seconds,
    });
    adapter ??= out.adapter;
    record(precision, out);

    if (isMp) {
      if (measured !== bits) notes.push(`mp ran at ${measured ?? 'unknown'} bits, not the ${bits} asked for`);
      const samples = samplesOf(out);
      if (typeof samples === 'string') {
        notes.push(`no departures: ${samples}`);
        continue;
      }
      ref = samples;
      reference = await horizons(config, options, bits, samples, trajectories, notes, progress);
      continue;
    }
    if (ref === null) continue;
    // Departures need per-step samples of the trajectories mp ran: this run's, or a second run on them.
    const sampled = perStep
      ? out
      : await options.run(precisionConfig(config, precision, ref.length, true), progress);
    if ('skipped' in sampled) {
      notes.push(`no departures for ${precision}: ${sampled.skipped}`);
      continue;
    }
    const mine = samplesOf(sampled);
    if (typeof mine === 'string') {
      notes.push(`no departures for ${precision}: ${mine}`);
      continue;
    }
    mine.slice(0, ref.length).forEach((smp, i) => {
      const d = departures(smp, (ref as StepSamples[])[i], config.driftTolerance);
      const tr = trajectories[i];
      tr.wdDeparture = { ...tr.wdDeparture, [precision]: d.wd };
      tr.expDeparture = { ...tr.expDeparture, [precision]: d.exp };
    });
  }

  // Report in the order asked for (mp ran first only so that the others could be compared as they ran).
  runs.sort((p, q) => options.precisions.indexOf(p.precision) - options.precisions.indexOf(q.precision));
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
    ...(notes.length === 0 ? {} : { notes }),
    aggregate: { ...aggregateStudy(runs, trajectories), ...(reference ? { reference } : {}) },
    trajectories,
  };
}

/** The run output's per-trajectory events, passed through (crossing and the issue-12 fields may be absent). */
function recordEvents(rec: StudyTrajectory, precision: Precision, t: TrajectoryOutput): void {
  rec.divergenceStep[precision] = t.divergenceStep;
  rec.overflowStep[precision] = t.overflowStep;
  const part = t as Partial<TrajectoryOutput>;
  if (part.crossingStep !== undefined) rec.crossingStep[precision] = part.crossingStep;
  rec.cause = { ...rec.cause, [precision]: part.divergenceCause ?? null };
  rec.wdAbsorbedStep = { ...rec.wdAbsorbedStep, [precision]: part.wdAbsorbedStep ?? null };
  rec.expAbsorbedStep = { ...rec.expAbsorbedStep, [precision]: part.expAbsorbedStep ?? null };
}

/** mp again at 2N bits on the same trajectories: each one's reference horizon, and their median. */
async function horizons(
  config: ExperimentConfig,
  options: StudyOptions,
  bits: number,
  ref: StepSamples[],
  trajectories: StudyTrajectory[],
  notes: string[],
  progress: (done: number, total: number) => void,
): Promise<StudyResult['aggregate']['reference']> {
  const out = await options.run(precisionConfig(config, 'mp', ref.length, true), progress, {
    bits: 2 * bits,
  });
  const fail = (why: string) => {
    notes.push(`no reference horizon: ${why}`);
    return undefined;
  };
  if ('skipped' in out) return fail(out.skipped);
  const got = mpBitsOf(out);
  if (got !== 2 * bits) return fail(`the runner ran mp at ${got ?? 'unknown'} bits, not ${2 * bits}`);
  const twice = samplesOf(out);
  if (typeof twice === 'string') return fail(twice);
  const hs = ref.map((r, i) => referenceHorizon(r, twice[i], config.driftTolerance));
  hs.forEach((h, i) => {
    trajectories[i].referenceHorizon = h;
  });
  return { bits, horizonBits: 2 * bits, medianHorizon: censoredMedian(hs), n: hs.length };
}
