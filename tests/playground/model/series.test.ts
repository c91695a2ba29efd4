/**
 * The charts' series and the page's stats (src/playground/model/series.ts, stats.ts) against independent
 * definitions: the nearest-rank quantile as "the smallest value with at least q·n values at or below it"
 * (a floor-index quantile, the sabotage, must disagree); bands that leave out what is not finite; counts by
 * cause against src/core/cause.ts; and the instability crossing found from samples against the CPU
 * integrator's own crossingStep (a check that drops the renormalisation exponent, the sabotage, must not).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divergenceCause } from '../../../src/core/cause';
import { modelInitialPoints } from '../../../src/core/model/modelInit';
import type { ModelRecord } from '../../../src/core/model/modelOutput';
import { modelIntegrator, simulateModel } from '../../../src/core/model/modelRun';
import { resolveModel } from '../../../src/core/model/resolveModel';
import { sampleSteps } from '../../../src/core/run/output';
import { FastModel } from '../../../src/playground/model/fastModel';
import { configFor, stateFromPreset } from '../../../src/playground/model/pageState';
import { band, chartColumns, quantile } from '../../../src/playground/model/series';
import { crossingFromSamples, precisionStats, statsLine } from '../../../src/playground/model/stats';

/** The definition: the least x among the values with #{v ≤ x} ≥ q·n. */
function definedQuantile(values: number[], q: number): number {
  const need = Math.max(1, q * values.length);
  return Math.min(...values.filter((x) => values.filter((v) => v <= x).length >= need - 1e-9));
}

const floorQuantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

describe('quantiles and bands', () => {
  const arb = fc.record({
    xs: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }),
    q: fc.constantFrom(0.1, 0.25, 0.5, 0.9, 1),
  });

  it('nearest-rank quantile = the definition', () => {
    fc.assert(
      fc.property(arb, ({ xs, q }) => {
        const sorted = [...xs].sort((a, b) => a - b);
        return quantile(sorted, q) === definedQuantile(xs, q);
      }),
      { numRuns: 500 },
    );
  });

  it('a floor-index quantile is caught (sabotage)', () => {
    const r = fc.check(
      fc.property(arb, ({ xs, q }) => {
        const sorted = [...xs].sort((a, b) => a - b);
        return floorQuantile(sorted, q) === definedQuantile(xs, q);
      }),
      { numRuns: 500 },
    );
    expect(r.failed).toBe(true);
  });

  it('bands per column leave out NaN and ±∞, null where nothing is finite', () => {
    // 4 seeds × 3 columns, seed-major.
    const v = [1, Number.NaN, 5, 2, Number.NaN, 6, 3, Number.POSITIVE_INFINITY, 7, 4, Number.NaN, 8];
    const b = band(v, 4, 3);
    expect(b.count).toEqual([4, 0, 4]);
    expect(b.median).toEqual([2, null, 6]);
    expect(b.low).toEqual([1, null, 5]);
    expect(b.high).toEqual([4, null, 8]);
  });

  it('chart columns: evenly spaced, the last sample always in', () => {
    expect(chartColumns(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(chartColumns(201, 100)).toEqual([...Array.from({ length: 101 }, (_, i) => 2 * i)]);
    const c = chartColumns(1000, 7);
    expect(c.at(-1)).toBe(999);
    expect(c.length).toBeLessThanOrEqual(8);
  });
});

describe('stats', () => {
  it('counts by cause and medians, as src/core/cause.ts classifies', () => {
    const events = [
      { divergenceStep: 10, overflowStep: null, crossingStep: 5 },
      { divergenceStep: 12, overflowStep: null, crossingStep: 20 },
      { divergenceStep: 14, overflowStep: 13 },
      { divergenceStep: null, overflowStep: null },
      { divergenceStep: 30, overflowStep: null, wdAbsorbedStep: 3, crossingStep: 1 },
    ];
    const s = precisionStats('f32', events, {
      requested: 9,
      backend: 'gpu',
      crossing: 'samples',
      seconds: 1,
    });
    const expected = { chaos: 0, absorbed: 0, range: 0, precision: 0, none: 0 };
    for (const e of events) expected[divergenceCause(e) ?? 'none']++;
    expect(s.causes).toEqual(expected);
    expect(s.causes).toEqual({ chaos: 1, precision: 1, range: 1, absorbed: 1, none: 1 });
    expect(s.diverged).toBe(4);
    expect(s.overflowed).toBe(1);
    expect(s.medianDivergenceStep).toBe(12); // of 10, 12, 14, 30: nearest rank ⌈2⌉ = 12
    expect(s.medianCrossingStep).toBe(5);
    expect(statsLine(s)).toBe(
      'f32 (GPU): 5 of 9 seeds, 4 diverged, median step 12 (chaos 1, absorbed 1, range 1, precision 1); crossing: median step 5',
    );
  });
});

describe('the crossing from samples', () => {
  // The default preset, on the CPU with a sample every step: the integrator's own crossing is the reference.
  const state = { ...stateFromPreset('bn-logistic-gaussians'), seeds: 6, steps: 140 };
  const config = { ...configFor(state, 'f64', 'cpu'), sampleEvery: 1 };
  const model = resolveModel(config.loss);
  const P = model.d;
  const records = simulateModel(
    modelIntegrator(config, model),
    modelInitialPoints(config.init, P),
    config.steps,
    1,
  );
  const steps = sampleSteps(config.steps, 1);
  const fm = new FastModel(model);

  type Check = (rec: ModelRecord, until: number) => number | null;
  const page: Check = (rec, until) => crossingFromSamples(fm, config.optimizer, rec, steps, until);
  /** Sabotage: the renormalisation exponent dropped (the stored weights taken as the true ones). */
  const noScale: Check = (rec, until) =>
    crossingFromSamples(
      fm,
      config.optimizer,
      { ...rec, wdScaleLog2: rec.wdScaleLog2.map(() => -3) },
      steps,
      until,
    );

  it('the records cross and diverge within the run (the test means something)', () => {
    expect(records.every((r) => r.crossingStep !== null && r.divergenceStep !== null)).toBe(true);
  });

  it('equals the integrator crossingStep up to the divergence step', () => {
    for (const r of records) expect(page(r, r.divergenceStep!)).toBe(r.crossingStep);
    // Never crossed by then: null.
    for (const r of records) expect(page(r, r.crossingStep! - 1)).toBe(null);
  });

  it('a check without the weights scale is caught (sabotage)', () => {
    expect(records.some((r) => noScale(r, r.divergenceStep!) !== r.crossingStep)).toBe(true);
  });
});
