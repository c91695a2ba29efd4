/**
 * The model drift sweep behind the README's "Beyond the plane" answer (issue 16): every model below, on a
 * grid of learning rate, weight decay and momentum, in several precisions on the same seeds. For each cell:
 * median divergence step per precision, the divergences by cause (src/core/cause.ts), the median
 * instability crossing and the float64 twin Lyapunov exponent. Pure: configs in, table out.
 */
import type { Precision } from '../core/config/types';
import type { ModelStudyResult } from '../core/model/modelStudy';
import type { ModelConfig, ModelLossSpec } from '../core/model/types';
import { alphaRoot } from '../core/schedule';

export const SWEEP_MODELS: { name: string; loss: ModelLossSpec }[] = [
  {
    name: 'bnLogistic gaussians d8 n256',
    loss: { bnLogistic: { dataset: 'gaussians', n: 256, d: 8, seed: 1 } },
  },
  { name: 'bnLogistic moons d8 n256', loss: { bnLogistic: { dataset: 'moons', n: 256, d: 8, seed: 2 } } },
  {
    name: 'bnMlp spirals d4 m8 n128',
    loss: { bnMlp: { dataset: 'spirals', n: 128, d: 4, seed: 3, hidden: 8 } },
  },
];

export const SWEEP_LR = [0.1, 0.5];
export const SWEEP_WD = [0.01, 0.05];
export const SWEEP_MOMENTUM = [0, 0.5, 0.9];

export interface SweepJob {
  model: string;
  config: ModelConfig;
}

export function modelSweepJobs(steps: number, seeds: number): SweepJob[] {
  const jobs: SweepJob[] = [];
  for (const m of SWEEP_MODELS)
    for (const lr of SWEEP_LR)
      for (const weightDecay of SWEEP_WD)
        for (const momentum of SWEEP_MOMENTUM) {
          // Only settings with a real α (ηλ ≤ (1 − √γ)²), as the config validator demands.
          if (alphaRoot(lr, weightDecay, momentum) === null) continue;
          jobs.push({
            model: m.name,
            config: {
              loss: m.loss,
              optimizer: { lr, weightDecay, momentum, milestones: [], lrDecay: 0.1 },
              init: { random: { count: seeds, seed: 7, radius: [1, 1] } },
              steps,
              sampleEvery: steps,
              driftTolerance: 1e-3,
              precision: 'f64',
              backend: 'cpu',
              numerics: { renormalize: true, lrMode: 'recurrence' },
            },
          });
        }
  return jobs;
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

/** One markdown row per job: per precision "median (main cause share)", crossing and μ. */
export function sweepRow(job: SweepJob, study: ModelStudyResult, precisions: readonly Precision[]): string {
  const o = job.config.optimizer;
  const cells = precisions.map((p) => {
    const row = study.aggregate.rows.find((r) => r.precision === p);
    if (!row) return '—';
    const med = row.medianDivergence === null ? `>${job.config.steps}` : String(row.medianDivergence);
    const causes = Object.entries(row.causeShares)
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([c, s]) => `${c} ${pct(s)}`)
      .join(', ');
    return causes ? `${med} (${causes})` : med;
  });
  const f64 = study.aggregate.rows.find((r) => r.precision === 'f64');
  const mu = study.aggregate.lyapunovMedian;
  return `| ${job.model} | ${o.lr} | ${o.weightDecay} | ${o.momentum} | ${cells.join(' | ')} | ${f64?.medianCrossing ?? '—'} | ${mu === null ? '—' : mu.toFixed(2)} (${study.aggregate.lyapunovCount}/${study.trajectories.length}) |`;
}

export function sweepHeader(precisions: readonly Precision[]): string {
  return [
    `| model | lr | wd | γ | ${precisions.join(' | ')} | f64 crossing | μ (with window) |`,
    `| --- | --- | --- | --- | ${precisions.map(() => '---').join(' | ')} | --- | --- |`,
  ].join('\n');
}
