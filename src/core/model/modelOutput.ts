/**
 * The output contract of a model run: the plane's (src/core/run/output.ts) with weight vectors of ℝ^P in
 * place of (x, y) pairs, and per sample the loss and training accuracy of both runs (README "Models").
 */
import type { CauseEvents, DivergenceCause } from '../cause';
import type { NumericsConfig, Precision } from '../config/types';
import { LEGACY_NUMERICS } from '../integratorState';
import { eventSteps, runHeader, type TrajectoryRecord } from '../run/output';
import { type SampleSummary, summarizeSamples } from '../run/summary';
import { type ExponentialSchedule, log2ProjectionFactor } from '../schedule';
import { modelLoss } from './bnGradient';
import { type ModelConfig, paramCount, type ResolvedModel } from './types';

/** Raw samples of one trajectory: P numbers per sample (NaN once a run overflowed), as TrajectoryRecord. */
export interface ModelRecord extends CauseEvents {
  init: Float64Array;
  wd: Float64Array;
  ex: Float64Array;
  gap: Float64Array;
  exScaleLog2: Float64Array;
  wdScaleLog2: Float64Array;
  wdAbsorbedAt: Float64Array;
  expAbsorbedAt: Float64Array;
}

export function emptyModelRecord(init: Float64Array, P: number, samples: number): ModelRecord {
  return {
    init,
    divergenceStep: null,
    overflowStep: null,
    crossingStep: null,
    wdAbsorbedStep: null,
    expAbsorbedStep: null,
    underflowStep: null,
    wd: new Float64Array(P * samples),
    ex: new Float64Array(P * samples),
    gap: new Float64Array(samples),
    exScaleLog2: new Float64Array(samples),
    wdScaleLog2: new Float64Array(samples),
    wdAbsorbedAt: new Float64Array(samples).fill(-1),
    expAbsorbedAt: new Float64Array(samples).fill(-1),
  };
}

export interface ModelTrajectoryOutput {
  init: number[];
  divergenceStep: number | null;
  overflowStep: number | null;
  crossingStep: number | null;
  wdAbsorbedStep: number | null;
  expAbsorbedStep: number | null;
  underflowStep: number | null;
  divergenceCause: DivergenceCause | null;
  samples: {
    step: number[];
    /** w_t (null once non-finite). */
    wd: (number[] | null)[];
    wdNormLog2: (number | null)[];
    /** α^t·w̃_t, the exponential run projected back (null once non-finite or out of float64's range). */
    expProjected: (number[] | null)[];
    expNormLog2: (number | null)[];
    angleGap: (number | null)[];
    /** Loss and training accuracy of each run (both scale invariant: the exponential run needs no projection). */
    wdLoss: (number | null)[];
    wdAccuracy: (number | null)[];
    expLoss: (number | null)[];
    expAccuracy: (number | null)[];
  };
}

export interface ModelRunOutput {
  model: { kind: string; n: number; d: number; hidden: number; params: number; eps: number };
  precision: Precision;
  backend: 'cpu' | 'gpu';
  adapter: string | null;
  alpha: number;
  schedule: { kind: string; alphas: number[]; phaseStarts: number[] };
  steps: number;
  sampleEvery: number;
  driftTolerance: number;
  numerics: NumericsConfig;
  /** How the instability crossing was found ('sharpness every 16 steps'), or why it was not. */
  crossing: string;
  summary: SampleSummary[];
  trajectories: ModelTrajectoryOutput[];
}

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

/** log2 |v| and v/|v| of a float64 vector without overflow (scaled by its largest component first). */
function normAndDirection(v: Float64Array): { log2: number; dir: Float64Array | null } {
  let big = 0;
  for (const c of v) big = Math.max(big, Math.abs(c));
  if (!(big > 0) || !Number.isFinite(big)) return { log2: big === 0 ? -Infinity : Number.NaN, dir: null };
  let s = 0;
  for (const c of v) s += (c / big) ** 2;
  const h = Math.sqrt(s);
  return { log2: Math.log2(big) + Math.log2(h), dir: v.map((c) => c / big / h) };
}

function trajectoryOutput(
  rec: ModelRecord,
  model: ResolvedModel,
  steps: number[],
  log2c: number[],
): ModelTrajectoryOutput {
  const P = paramCount(model);
  const s: ModelTrajectoryOutput['samples'] = {
    step: steps,
    wd: [],
    wdNormLog2: [],
    expProjected: [],
    expNormLog2: [],
    angleGap: [],
    wdLoss: [],
    wdAccuracy: [],
    expLoss: [],
    expAccuracy: [],
  };
  steps.forEach((_, j) => {
    const wd = normAndDirection(rec.wd.subarray(j * P, (j + 1) * P));
    const ex = normAndDirection(rec.ex.subarray(j * P, (j + 1) * P));
    const wdLog2 = wd.log2 + rec.wdScaleLog2[j];
    const exLog2 = ex.log2 + rec.exScaleLog2[j];
    const vec = (dir: Float64Array | null, log2: number) => {
      const mag = 2 ** log2;
      if (dir === null || !Number.isFinite(mag)) return null;
      return Array.from(dir, (c) => c * mag);
    };
    // In range, the stored vector times 2^Kw is exact (no detour through direction and norm).
    const wdStored = rec.wd.subarray(j * P, (j + 1) * P);
    const kw = rec.wdScaleLog2[j];
    const exact = wd.dir !== null && Math.abs(kw) < 900 && Math.abs(wd.log2) < 100;
    s.wd.push(exact ? Array.from(wdStored, (c) => c * 2 ** kw) : vec(wd.dir, wdLog2));
    s.wdNormLog2.push(orNull(wdLog2));
    s.expProjected.push(vec(ex.dir, exLog2 + log2c[j]));
    s.expNormLog2.push(orNull(exLog2));
    s.angleGap.push(orNull(rec.gap[j]));
    const wl = wd.dir ? modelLoss(model, wd.dir) : null;
    const el = ex.dir ? modelLoss(model, ex.dir) : null;
    s.wdLoss.push(wl ? orNull(wl.loss) : null);
    s.wdAccuracy.push(wl ? wl.accuracy : null);
    s.expLoss.push(el ? orNull(el.loss) : null);
    s.expAccuracy.push(el ? el.accuracy : null);
  });
  return {
    init: Array.from(rec.init),
    ...eventSteps(rec),
    samples: s,
  };
}

export function buildModelOutput(
  config: ModelConfig,
  model: ResolvedModel,
  schedule: ExponentialSchedule,
  records: ModelRecord[],
  steps: number[],
  meta: { adapter: string | null; crossing: string },
): ModelRunOutput {
  const log2c = steps.map((t) => log2ProjectionFactor(schedule, t));
  return {
    model: {
      kind: model.kind,
      n: model.n,
      d: model.d,
      hidden: model.hidden,
      params: paramCount(model),
      eps: model.eps,
    },
    ...runHeader(config, schedule, meta.adapter),
    steps: config.steps,
    sampleEvery: config.sampleEvery,
    driftTolerance: config.driftTolerance,
    numerics: { ...LEGACY_NUMERICS, ...config.numerics },
    crossing: meta.crossing,
    // The summary reads only gaps and events, which a model record carries as a plane record does.
    summary: summarizeSamples(records as unknown as TrajectoryRecord[], steps),
    trajectories: records.map((r) => trajectoryOutput(r, model, steps, log2c)),
  };
}
