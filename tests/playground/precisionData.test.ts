/**
 * The Precision tab's pure parts (src/playground/precisionData.ts): the slim CPU run the study worker uses must give
 * the CLI's study (runStudy over runCpu) exactly, whatever the drift sampling; the chart data, table rows,
 * sort order and pages are checked against hand-computed values.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { runCpu } from '../../src/core/run/cpuRun';
import type { SampleSummary } from '../../src/core/run/summary';
import { runStudy } from '../../src/core/study/runStudy';
import type { StudyResult, StudyTrajectory } from '../../src/core/study/types';
import { bitsChartData, driftChartData, driftSampleEvery } from '../../src/playground/precisionData';
import { formatCell, pageOf, sortRows, studyRows } from '../../src/playground/studyRows';
import { ringConfig } from '../core/ringConfig';

const CONFIG = validateConfig(ringConfig(24, 500, 500));

describe('the study worker computes the CLI study', () => {
  it('runStudy over the slim runCpu (sampled for drift) equals runStudy over runCpu, dd subset included', async () => {
    const opts = { precisions: ['f32', 'f64', 'dd'] as const, ddSubset: 5 };
    const cli = await runStudy(CONFIG, { ...opts, run: async (cfg) => runCpu(cfg) });
    const every = driftSampleEvery(CONFIG.steps);
    expect(every).toBe(3); // ceil(500 / 200): the runs below really are sampled differently
    const drifts: SampleSummary[][] = [];
    const tab = await runStudy(CONFIG, {
      ...opts,
      run: async (cfg) => {
        const out = runCpu({ ...cfg, sampleEvery: every }, { slim: true });
        drifts.push(out.summary);
        return out;
      },
    });
    expect(tab).toEqual(cli);
    // The steps must be exercised: some trajectories diverge, in different steps per precision.
    const f32 = cli.trajectories.map((t) => t.divergenceStep.f32);
    expect(f32.some((s) => typeof s === 'number')).toBe(true);
    expect(cli.aggregate.rows.map((r) => r.medianDivergence)).not.toEqual([null, null, null]);
    // Drift curves: one sample every 3 steps plus the last, over the precision's trajectories.
    expect(drifts[1].map((s) => s.step).slice(0, 3)).toEqual([0, 3, 6]);
    expect(drifts[1].at(-1)?.step).toBe(500);
    expect(drifts[1].length).toBe(Math.floor(500 / 3) + 2);
    expect(drifts[2][0].trajectories).toBe(5);
    // Its last sample agrees with the CLI run's summary at the last step.
    const full = runCpu({ ...CONFIG, precision: 'f64' });
    expect(drifts[1].at(-1)).toEqual(full.summary.at(-1));
  });
});

function summary(step: number, median: number | null): SampleSummary {
  return {
    step,
    trajectories: 1,
    diverged: 0,
    overflowed: 0,
    absorbed: { wd: 0, exp: 0 },
    angleGap: { median, p95: median, max: median },
  };
}

describe('chart data', () => {
  it('drift: union of steps, nulls where a precision has no sample or no positive gap', () => {
    const d = driftChartData({
      f32: [summary(0, 0), summary(10, 1e-6), summary(20, 2e-3)],
      f64: [summary(0, 0), summary(15, Number.NaN), summary(20, 1e-12)],
    });
    expect(d.x).toEqual([0, 10, 15, 20]);
    expect(d.series).toEqual([
      { precision: 'f32', median: [null, 1e-6, null, 2e-3] },
      { precision: 'f64', median: [null, null, null, 1e-12] },
    ]);
  });

  it('divergence vs bits: medians at their bits, the fitted line, the most precise median crossing', () => {
    const study = {
      aggregate: {
        rows: [
          { precision: 'f32', bits: 24, medianDivergence: 100, medianCrossing: 50 },
          { precision: 'f64', bits: 53, medianDivergence: 200, medianCrossing: 60 },
          { precision: 'dd', bits: 106, medianDivergence: null, medianCrossing: null },
        ],
        fit: { slope: 2, intercept: 40, r2: 1, points: 2 },
      },
    } as unknown as StudyResult;
    const b = bitsChartData(study);
    expect(b.x).toEqual([16, 24, 53, 106, 112]);
    expect(b.median).toEqual([null, 100, 200, null, null]);
    expect(b.fit).toEqual([72, 88, 146, 252, 264]);
    expect(b.crossingStep).toBe(60);
    expect(b.crossing).toEqual([60, 60, 60, 60, 60]);
  });
});

/** Four trajectories; f32 ran all, dd the first two (subset). */
function tableStudy(): StudyResult {
  const t = (
    index: number,
    f32: number | null,
    dd: number | null | undefined,
    overflow: [number | null, number | null | undefined],
    lyapunov: number | null,
  ): StudyTrajectory => ({
    index,
    init: [index / 10, -index / 10],
    divergenceStep: dd === undefined ? { f32 } : { f32, dd },
    overflowStep: overflow[1] === undefined ? { f32: overflow[0] } : { f32: overflow[0], dd: overflow[1] },
    crossingStep: dd === undefined ? { f32: 7 } : { f32: 7, dd: 9 },
    lyapunov,
    lyapunovWindow: null,
  });
  return {
    runs: [
      { precision: 'dd', bits: 106, trajectories: 2 },
      { precision: 'f32', bits: 24, trajectories: 4 },
    ],
    trajectories: [
      t(0, 30, 300, [null, 250], 0.5),
      t(1, 10, null, [40, null], null),
      t(2, null, undefined, [null, undefined], 0.25),
      t(3, 10, undefined, [null, undefined], 1),
    ],
  } as unknown as StudyResult;
}

describe('per-trajectory table', () => {
  const rows = studyRows(tableStudy());

  it('rows: NA outside a subset, earliest overflow and its precision, the most precise crossing', () => {
    expect(rows.map((r) => r.divergence)).toEqual([
      { f32: 30, dd: 300 },
      { f32: 10, dd: null },
      { f32: null },
      { f32: 10 },
    ]);
    expect(rows.map((r) => [r.overflow, r.overflowIn])).toEqual([
      [250, 'dd'],
      [40, 'f32'],
      [null, null],
      [null, null],
    ]);
    expect(rows.map((r) => r.crossing)).toEqual([9, 9, 7, 7]);
  });

  it('sorts numbers, then never (null, as +∞), then not run (always last); ties by index', () => {
    const order = (key: Parameters<typeof sortRows>[1], dir: 1 | -1) =>
      sortRows(rows, key, dir).map((r) => r.index);
    expect(order('div:f32', 1)).toEqual([1, 3, 0, 2]);
    expect(order('div:f32', -1)).toEqual([2, 0, 1, 3]);
    expect(order('div:dd', 1)).toEqual([0, 1, 2, 3]);
    expect(order('div:dd', -1)).toEqual([1, 0, 2, 3]);
    expect(order('lyapunov', 1)).toEqual([2, 0, 3, 1]);
    expect(order('overflow', 1)).toEqual([1, 0, 2, 3]);
    expect(order('initY', 1)).toEqual([3, 2, 1, 0]);
    expect(order('index', -1)).toEqual([3, 2, 1, 0]);
  });

  it('pages of a fixed size, the page clamped', () => {
    const xs = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(xs, 0, 50)).toMatchObject({ page: 0, pages: 3 });
    expect(pageOf(xs, 1, 50).rows[0]).toBe(50);
    const last = pageOf(xs, 7, 50);
    expect([last.page, last.rows.length, last.rows[0]]).toEqual([2, 20, 100]);
    expect(pageOf(xs, -1, 50).page).toBe(0);
    expect(pageOf([], 0, 50)).toEqual({ rows: [], page: 0, pages: 1 });
  });

  it('formats NA, never, steps, coordinates and exponents', () => {
    expect(formatCell(undefined, 'div:dd')).toBe('NA');
    expect(formatCell(null, 'div:f32')).toBe('—');
    expect(formatCell(123, 'overflow')).toBe('123');
    expect(formatCell(-0.61803, 'initX')).toBe('-0.6180');
    expect(formatCell(0.123456, 'lyapunov')).toBe('0.123');
  });
});
