/**
 * The range sweep of issue 12: with renormalisation on, no run may report an `overflowStep` in f32, df64
 * or f64 on any preset, for ηλ from 0.001 to 0.1 and γ ∈ {0, 0.9}, however long the run (10^6 steps in the
 * full sweep, `npm run range-sweep`; a 10^5-step CPU version runs in the test suite). Each cell runs a ring of
 * starts plus starts on the loss's minimum rays (absorbed at step 0, the hardest case: the weight-decay run
 * shrinks for ever and the exponential run's η̃ grows for ever).
 */
import type { ExperimentConfig, Precision } from '../core/config/types';
import { validateConfig } from '../core/config/validate';
import { fAt } from '../core/loss';
import { LOSS_PRESETS } from '../core/presets';
import { maxEtaLambda } from '../core/schedule';

export const SWEEP_ETA_LAMBDA = [0.001, 0.01, 0.1] as const;
export const SWEEP_MOMENTUM = [0, 0.9] as const;
const LR = 0.1;

export interface SweepCell {
  preset: string;
  etaLambda: number;
  momentum: number;
  precision: Precision;
  trajectories: number;
  overflowed: number;
  /** Runs with a position component rounded to zero (a range event, not an overflow). */
  underflowed: number;
  wdAbsorbed: number;
  expAbsorbed: number;
  seconds: number;
}

/** Starts on the minimum rays of f (found on a fine grid of angles, then exact diagonals/axes if near). */
function rayStarts(a: readonly number[], b: readonly number[]): [number, number][] {
  const f = (th: number) => fAt({ a, b }, th);
  const n = 3600;
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const th = (2 * Math.PI * i) / n;
    const prev = f(th - (2 * Math.PI) / n);
    const next = f(th + (2 * Math.PI) / n);
    if (f(th) < prev && f(th) < next) out.push([Math.cos(th), Math.sin(th)]);
  }
  return out;
}

/** The configs of one sweep: every preset × ηλ × γ (where α is real) × precision. */
export function sweepConfigs(
  precisions: readonly Precision[],
  steps: number,
  ringCount: number,
  /** Run f32 on the CPU float32 mirror (the test suite's short sweep) instead of the GPU. */
  f32OnCpu = false,
): { preset: string; etaLambda: number; momentum: number; config: ExperimentConfig }[] {
  const out: { preset: string; etaLambda: number; momentum: number; config: ExperimentConfig }[] = [];
  for (const preset of LOSS_PRESETS) {
    const extra = rayStarts(preset.loss.a, preset.loss.b);
    for (const etaLambda of SWEEP_ETA_LAMBDA) {
      for (const momentum of SWEEP_MOMENTUM) {
        if (etaLambda > maxEtaLambda(momentum)) continue; // no real α: not a valid schedule
        for (const precision of precisions) {
          const config = validateConfig({
            loss: { preset: preset.name },
            optimizer: { lr: LR, weightDecay: etaLambda / LR, momentum },
            init: { ring: { count: ringCount, radius: 1 }, extra },
            steps,
            sampleEvery: steps,
            precision,
            backend: precision === 'df64' || (precision === 'f32' && !f32OnCpu) ? 'gpu' : 'cpu',
            numerics: { renormalize: true },
          });
          out.push({ preset: preset.name, etaLambda, momentum, config });
        }
      }
    }
  }
  return out;
}

/** Counts of one run's per-trajectory events (output records or the GPU's records; missing: none). */
export function tallyCell(
  key: { preset: string; etaLambda: number; momentum: number; precision: Precision },
  trajectories: readonly {
    overflowStep: number | null;
    underflowStep?: number | null;
    wdAbsorbedStep?: number | null;
    expAbsorbedStep?: number | null;
  }[],
  seconds: number,
): SweepCell {
  const count = (f: (t: (typeof trajectories)[number]) => boolean) => trajectories.filter(f).length;
  return {
    ...key,
    trajectories: trajectories.length,
    overflowed: count((t) => t.overflowStep !== null),
    underflowed: count((t) => t.underflowStep != null),
    wdAbsorbed: count((t) => t.wdAbsorbedStep != null),
    expAbsorbed: count((t) => t.expAbsorbedStep != null),
    seconds,
  };
}

export function sweepTable(cells: readonly SweepCell[]): string {
  const head =
    '| preset | ηλ | γ | precision | runs | overflowed | underflowed | wd absorbed | exp absorbed | s |';
  const rows = cells.map(
    (c) =>
      `| ${c.preset} | ${c.etaLambda} | ${c.momentum} | ${c.precision} | ${c.trajectories} | ${c.overflowed} | ` +
      `${c.underflowed} | ${c.wdAbsorbed} | ${c.expAbsorbed} | ${c.seconds.toFixed(1)} |`,
  );
  return [head, '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
