/**
 * The short version of issue 12's range sweep (the full one, 10^6 steps with the GPU precisions, is
 * `npm run range-sweep`): 10^5 renormalised steps on every preset, ηλ 0.001–0.1, γ ∈ {0, 0.9}, in the float32
 * mirror and float64, including starts absorbed at step 0. No run may overflow. The same runs without
 * renormalisation must overflow, or the sweep would not be testing anything.
 */
import { describe, expect, it } from 'vitest';
import { sweepConfigs, tallyCell } from '../../src/bench/rangeSweep';
import { runCpu } from '../../src/core/run/cpuRun';

const STEPS = 100_000;

describe('range sweep (10^5 steps, CPU f32 mirror and f64)', () => {
  const jobs = sweepConfigs(['f32', 'f64'], STEPS, 4, true);
  it('covers every preset, three ηλ, both momenta', () => {
    expect(new Set(jobs.map((j) => j.preset)).size).toBe(4);
    expect(new Set(jobs.map((j) => j.etaLambda)).size).toBe(3);
    expect(new Set(jobs.map((j) => j.momentum)).size).toBe(2);
  });
  for (const job of jobs) {
    it(`${job.preset} ηλ=${job.etaLambda} γ=${job.momentum} ${job.config.precision}: no overflow`, () => {
      const out = runCpu(job.config);
      const cell = tallyCell({ ...job, precision: job.config.precision }, out.trajectories, 0);
      expect(cell.overflowed).toBe(0);
      for (const t of out.trajectories) expect(Number.isFinite(t.samples.wdNormLog2.at(-1))).toBe(true);
    });
  }
  it('without renormalisation the same kind of run does overflow (the sweep can fail)', () => {
    const job = jobs.find(
      (j) => j.preset === 'single-well' && j.etaLambda === 0.1 && j.config.precision === 'f64',
    );
    const plain = { ...job!.config, numerics: { ...job!.config.numerics, renormalize: false } };
    const out = runCpu(plain);
    expect(out.trajectories.some((t) => t.overflowStep !== null)).toBe(true);
  });
});
