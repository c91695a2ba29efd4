/** summarizeSamples (src/core/run/summary.ts): the CLI's per-sample drift summary, on hand-made records. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { runCpu } from '../../src/core/run/cpuRun';
import type { TrajectoryRecord } from '../../src/core/run/output';
import { summarizeSamples } from '../../src/core/run/summary';

function rec(
  gap: number[],
  divergenceStep: number | null,
  overflowStep: number | null,
  absorbed: { wd?: number | null; exp?: number | null } = {},
): TrajectoryRecord {
  return {
    init: [1, 0],
    divergenceStep,
    overflowStep,
    wdAbsorbedStep: absorbed.wd,
    expAbsorbedStep: absorbed.exp,
    wd: new Float64Array(2 * gap.length),
    ex: new Float64Array(2 * gap.length),
    gap: Float64Array.from(gap),
  };
}

describe('summarizeSamples', () => {
  // Samples at steps 0, 10, 20. Trajectory 2 diverges at step 15; trajectory 3 overflows at step 20.
  const records = [
    rec([0, 0.1, 0.2], null, null),
    rec([0, 0.3, 0.4], null, null),
    rec([0, 0.5, 0.9], 15, null),
    rec([0, 0.7, Number.NaN], 12, 20),
  ];
  const out = summarizeSamples(records, [0, 10, 20]);

  it('counts divergences and overflows that happened by each sample step, not later ones', () => {
    expect(out.map((s) => [s.step, s.diverged, s.overflowed])).toEqual([
      [0, 0, 0],
      [10, 0, 0],
      [20, 2, 1],
    ]);
  });

  it('ranks the finite gaps of trajectories that have not overflowed (nearest rank: index ceil(q·n) − 1)', () => {
    // Step 10: gaps 0.1 0.3 0.5 0.7 → median index 1 (0.3), p95 index 3 (0.7), max 0.7.
    expect(out[1].angleGap).toEqual({ median: 0.3, p95: 0.7, max: 0.7 });
    // Step 20: trajectory 3 overflowed (excluded) → 0.2 0.4 0.9: median index 1, p95 index 2.
    expect(out[2].angleGap).toEqual({ median: 0.4, p95: 0.9, max: 0.9 });
    expect(out.every((s) => s.trajectories === 4)).toBe(true);
  });

  it('counts runs absorbed by each sample step, weight-decay and exponential apart, not later ones', () => {
    // Absorbed: trajectory 0's exp run from step 0; trajectory 1's wd run from 10 (at a sample step) and
    // its exp run from 11; trajectory 2 both from 20; trajectory 3 never (null), trajectory 4 undefined.
    const abs = summarizeSamples(
      [
        rec([0, 0, 0], null, null, { exp: 0 }),
        rec([0, 0, 0], null, null, { wd: 10, exp: 11 }),
        rec([0, 0, 0], 5, null, { wd: 20, exp: 20 }),
        rec([0, 0, 0], null, null, { wd: null, exp: null }),
        rec([0, 0, 0], null, null),
      ],
      [0, 10, 20],
    );
    expect(abs.map((s) => [s.step, s.absorbed.wd, s.absorbed.exp])).toEqual([
      [0, 0, 1],
      [10, 1, 1],
      [20, 2, 3],
    ]);
    expect(out.every((s) => s.absorbed.wd === 0 && s.absorbed.exp === 0)).toBe(true);
  });

  it('null quantiles when no trajectory has a finite gap', () => {
    const [s] = summarizeSamples([rec([Number.NaN], null, 0)], [0]);
    expect(s.angleGap).toEqual({ median: null, p95: null, max: null });
  });
});

describe('absorbed counts in a run summary, every CPU precision', () => {
  // (1, 1) is on single-well's minimum ray: both runs are absorbed from step 0 in every precision. At the last
  // sample the summary's count (streaks in progress) must equal the runs whose final streak has begun.
  for (const precision of ['f32', 'f64', 'dd', 'mp'] as const) {
    it(precision, () => {
      const out = runCpu(
        validateConfig({
          loss: { preset: 'single-well' },
          init: {
            points: [
              [1, 1],
              [-0.7, 0.7],
            ],
          },
          steps: 40,
          sampleEvery: 20,
          precision,
        }),
        { bits: 64 },
      );
      const last = out.summary[out.summary.length - 1];
      const wd = out.trajectories.filter((t) => t.wdAbsorbedStep !== null).length;
      const exp = out.trajectories.filter((t) => t.expAbsorbedStep !== null).length;
      expect(wd).toBeGreaterThan(0);
      expect(last.absorbed).toEqual({ wd, exp });
    });
  }
});
