/**
 * What the models page reports per precision (modelsLab.stats(), the stats line under the charts): seeds
 * run, how many diverged, the median divergence and crossing steps, and the divergences by cause
 * (src/core/cause.ts). Also the instability crossing of runs whose records do not carry it (the GPU kernel
 * does not check it): the CPU integrator's check, η_t·λ_max(∇²L(w_t)) > 2 every 16 steps with a warm-started
 * power iteration, made from the run's own samples of w_t.
 */
import { type CauseEvents, DIVERGENCE_CAUSES, type DivergenceCause, divergenceCause } from '../../core/cause';
import type { ModelRecord } from '../../core/model/modelOutput';
import { SHARPNESS_EVERY } from '../../core/model/sharpness';
import { type OptimizerConfig, phaseLearningRates } from '../../core/schedule';
import type { FastModel } from './fastModel';
import { quantile } from './series';

export type CauseCounts = Record<DivergenceCause | 'none', number>;

export interface PrecisionStats {
  precision: string;
  /** Seeds this precision ran (the first `seeds` of `requested`). */
  seeds: number;
  requested: number;
  backend: 'gpu' | 'cpu';
  diverged: number;
  overflowed: number;
  /** Nearest-rank median over the diverged seeds; null when none diverged. */
  medianDivergenceStep: number | null;
  /** Nearest-rank median over the seeds whose crossing is known; null when none. */
  medianCrossingStep: number | null;
  /** Divergences by cause; 'none': seeds that did not diverge (nor overflow). */
  causes: CauseCounts;
  /** Where the crossing came from: the integrator, the run's samples, or nowhere. */
  crossing: 'integrator' | 'samples' | 'unchecked';
  seconds: number;
}

export function emptyCauses(): CauseCounts {
  return { chaos: 0, absorbed: 0, range: 0, precision: 0, none: 0 };
}

function medianOf(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return quantile(
    xs.sort((a, b) => a - b),
    0.5,
  );
}

export function precisionStats(
  precision: string,
  records: readonly CauseEvents[],
  meta: Pick<PrecisionStats, 'requested' | 'backend' | 'crossing' | 'seconds'>,
): PrecisionStats {
  const causes = emptyCauses();
  const div: number[] = [];
  const cross: number[] = [];
  let overflowed = 0;
  for (const r of records) {
    const c = divergenceCause(r);
    causes[c ?? 'none']++;
    if (r.divergenceStep !== null) div.push(r.divergenceStep);
    if (r.overflowStep !== null) overflowed++;
    if (r.crossingStep !== null && r.crossingStep !== undefined) cross.push(r.crossingStep);
  }
  return {
    precision,
    seeds: records.length,
    ...meta,
    diverged: div.length,
    overflowed,
    medianDivergenceStep: medianOf(div),
    medianCrossingStep: medianOf(cross),
    causes,
  };
}

/** One line per precision: "f32 (GPU): 4,096 seeds, 4,090 diverged, median step 116; chaos 4,050 …". */
export function statsLine(s: PrecisionStats): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const where = s.backend === 'gpu' ? 'GPU' : 'CPU';
  const of = s.seeds === s.requested ? '' : ` of ${n(s.requested)}`;
  const med = s.medianDivergenceStep === null ? '' : `, median step ${s.medianDivergenceStep}`;
  const cross = s.medianCrossingStep === null ? '' : `; crossing: median step ${s.medianCrossingStep}`;
  const causes = DIVERGENCE_CAUSES.filter((c) => s.causes[c] > 0)
    .map((c) => `${c} ${n(s.causes[c])}`)
    .join(', ');
  return `${s.precision} (${where}): ${n(s.seeds)}${of} seeds, ${n(s.diverged)} diverged${med}${
    causes ? ` (${causes})` : ''
  }${cross}`;
}

/** The learning rate of the weight-decay run at step t. */
export function lrAt(opt: OptimizerConfig, t: number): number {
  let lr = opt.lr;
  for (const p of phaseLearningRates(opt)) if (p.start <= t) lr = p.lr;
  return lr;
}

/**
 * The first check step at which the weight-decay run is past the instability threshold, from its samples
 * (steps `steps`, weights `wd`, scales 2^wdScaleLog2), checking the first sample at or after every multiple
 * of 16 up to `until`; null when it never is. With a sample every step this is the CPU integrator's check.
 */
export function crossingFromSamples(
  fm: FastModel,
  opt: OptimizerConfig,
  rec: Pick<ModelRecord, 'wd' | 'wdScaleLog2'>,
  steps: readonly number[],
  until: number,
): number | null {
  const P = fm.P;
  let dir: Float64Array | null = null;
  let due = 0;
  for (let j = 0; j < steps.length && steps[j] <= until; j++) {
    const t = steps[j];
    if (t < due) continue;
    due = (Math.floor(t / SHARPNESS_EVERY) + 1) * SHARPNESS_EVERY;
    let finite = true;
    for (let k = 0; k < P; k++) if (!Number.isFinite(rec.wd[j * P + k])) finite = false;
    if (!finite) return null;
    const first = dir === null;
    dir ??= fm.startDirection();
    const lambda = fm.sharpness(rec.wd, dir, first, j * P);
    if (lrAt(opt, t) * lambda * 2 ** (-2 * rec.wdScaleLog2[j]) > 2) return t;
  }
  return null;
}
