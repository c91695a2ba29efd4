/**
 * The WebGL2 fallback's simulation (src/fallback/cpuBatch.ts, run in a Web Worker in the page) against
 * the CLI's CPU run (runCpu, f64) and the app's own summary code (playground/stats.ts summarize): same states,
 * same path samples, same lab.stats() numbers.
 */
import { describe, expect, it } from 'vitest';
import { F64 } from '../../src/core/arith';
import { resolveLoss } from '../../src/core/config/resolve';
import type { ExperimentConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import { initialPoints } from '../../src/core/init';
import { Integrator } from '../../src/core/integrator';
import { runCpu, simulateCpu } from '../../src/core/run/cpuRun';
import type { RunOutput } from '../../src/core/run/output';
import { summarizeSamples } from '../../src/core/run/summary';
import { toExponential } from '../../src/core/schedule';
import { CpuBatch, capPoints, pathCapacity } from '../../src/fallback/cpuBatch';
import { PathHistory } from '../../src/fallback/pathHistory';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import type { RunStats } from '../../src/playground/stats';

function config(over: Partial<ExperimentConfig>): ExperimentConfig {
  return validateConfig({ ...structuredClone(PLAYGROUND_DEFAULTS), ...over });
}

/**
 * The reference: the CLI's f64 CPU run of `c` to `steps` (runCpu for the samples, simulateCpu and the
 * CLI's summarizeSamples for the summary), as RunStats (null → NaN).
 */
function reference(c: ExperimentConfig, steps: number): { out: RunOutput; stats: RunStats } {
  const cpu = { ...c, precision: 'f64' as const, backend: 'cpu' as const, steps, sampleEvery: 1 };
  const out = runCpu(cpu);
  const integrator = new Integrator(
    F64,
    resolveLoss(c.loss).loss,
    toExponential(c.optimizer),
    c.driftTolerance,
  );
  const records = simulateCpu(integrator, initialPoints(c.init), steps, steps);
  const s = summarizeSamples(records, [0, steps])[1];
  const nan = (x: number | null) => x ?? Number.NaN;
  const stats: RunStats = {
    step: s.step,
    precision: 'f64',
    trajectories: s.trajectories,
    diverged: s.diverged,
    overflowed: s.overflowed,
    absorbed: s.absorbed,
    angleGap: { median: nan(s.angleGap.median), p95: nan(s.angleGap.p95), max: nan(s.angleGap.max) },
  };
  return { out, stats };
}

const CASES: [string, Partial<ExperimentConfig>][] = [
  ['seed wells, weight decay', { loss: { preset: 'seed-wells' }, init: { ring: { count: 64, radius: 1 } } }],
  [
    'rugged, momentum, tight tolerance',
    {
      loss: { preset: 'rugged' },
      optimizer: { lr: 0.2, weightDecay: 0.01, momentum: 0.9, milestones: [], lrDecay: 0.1 },
      init: { random: { count: 50, seed: 3, radius: [0.2, 2] } },
      driftTolerance: 1e-12,
    },
  ],
  [
    'step decay with a milestone inside the run',
    {
      optimizer: { lr: 0.3, weightDecay: 0.1, momentum: 0.5, milestones: [40], lrDecay: 0.1 },
      init: { grid: { count: [6, 5], extent: [-1, 1, -1, 1] } },
    },
  ],
  [
    'a run that overflows',
    {
      optimizer: { lr: 1, weightDecay: 0.99, momentum: 0, milestones: [], lrDecay: 0.1 },
      init: { ring: { count: 16, radius: 1 } },
      numerics: { renormalize: false, lrMode: 'recurrence' },
    },
  ],
];

describe('fallback CpuBatch equals the CLI f64 run', () => {
  for (const [name, over] of CASES) {
    it(name, () => {
      const c = config(over);
      const steps = 100;
      const { out, stats } = reference(c, steps);
      const batch = new CpuBatch(c);
      batch.advance(37); // in two chunks: stepping must not depend on how steps are batched
      batch.advance(steps - 37);
      expect(batch.step).toBe(steps);
      expect(batch.stats()).toEqual(stats);
      // The path heads are the CLI's samples at the last step, in float32.
      const h = batch.history;
      out.trajectories.forEach((tr, i) => {
        const [wx, wy] = tr.samples.wd[steps];
        expect([h.headWd[2 * i], h.headWd[2 * i + 1]]).toEqual([Math.fround(wx!), Math.fround(wy!)]);
        const [px, py] = tr.samples.expProjected[steps];
        if (px === null) expect(Number.isNaN(h.headEx[2 * i])).toBe(true);
        else expect([h.headEx[2 * i], h.headEx[2 * i + 1]]).toEqual([Math.fround(px), Math.fround(py!)]);
      });
    });
  }

  it('the overflow case really overflows, and the rugged case really diverges', () => {
    expect(reference(config(CASES[3][1]), 100).stats.overflowed).toBeGreaterThan(0);
    expect(reference(config(CASES[1][1]), 100).stats.diverged).toBeGreaterThan(0);
  });

  it('kept path samples are the CLI samples at multiples of the stride', () => {
    const c = config({ ...CASES[0][1], sampleEvery: 3 });
    const batch = new CpuBatch(c);
    const steps = 3 * (batch.history.capacity * 2 + 5); // forces at least one compaction
    batch.advance(steps);
    const h = batch.history;
    expect(h.stride).toBeGreaterThan(1);
    const out = runCpu({ ...c, precision: 'f64', backend: 'cpu', steps, sampleEvery: 3 });
    for (const i of [0, 17, 63]) {
      for (let j = 0; j < h.len; j++) {
        const k = j * h.stride; // sample index; the CLI samples every 3 steps too
        const [x, y] = out.trajectories[i].samples.wd[k];
        const o = 2 * (i * h.capacity + j);
        expect([h.wd[o], h.wd[o + 1]]).toEqual([Math.fround(x!), Math.fround(y!)]);
      }
    }
  });

  it('reset goes back to step 0 with the initial points', () => {
    const batch = new CpuBatch(config(CASES[0][1]));
    const before = batch.stats();
    batch.advance(20);
    batch.reset();
    expect(batch.step).toBe(0);
    expect(batch.stats()).toEqual(before);
  });
});

describe('fallback caps and path budget', () => {
  it('caps the trajectory count by spreading the kept points evenly', () => {
    const c = config({ init: { ring: { count: 4096, radius: 1 } } });
    const batch = new CpuBatch(c, 2048);
    expect(batch.total).toBe(4096);
    expect(batch.count).toBe(2048);
    // Every other point of a 4096-ring is a 2048-ring.
    const ring = new CpuBatch(config({ init: { ring: { count: 2048, radius: 1 } } }));
    for (let i = 0; i < 4096; i += 97) expect(batch.points[i]).toBeCloseTo(ring.points[i], 14);
    const pts = Float64Array.from([1, 2, 3, 4]);
    expect(capPoints(pts, 5)).toBe(pts);
  });

  it('path capacity is even and within bounds', () => {
    for (const n of [1, 7, 256, 2048, 100000]) {
      const cap = pathCapacity(n);
      expect(cap % 2).toBe(0);
      expect(cap).toBeGreaterThanOrEqual(8);
      expect(cap).toBeLessThanOrEqual(1024);
    }
  });

  it('PathHistory compacts to every other sample and draws up to the head', () => {
    const h = new PathHistory(1, 4);
    for (let k = 0; k <= 9; k++) h.push(k, [k, 0], [k, 1]);
    // Capacity 4: after 0..3 it keeps 0, 2; then 4, 6; full again → 0, 4; then 8.
    expect(h.stride).toBe(4);
    expect(h.len).toBe(3);
    expect(Array.from(h.wd.subarray(0, 6))).toEqual([0, 0, 4, 0, 8, 0]);
    expect(h.headSample).toBe(9);
    // Segments 0→4, 4→8, 8→9 (head).
    expect(Array.from(h.lineList('wd'))).toEqual([0, 0, 4, 0, 4, 0, 8, 0, 8, 0, 9, 0]);
    expect(Array.from(h.lineList('ex', true))).toEqual([0, 1, 4, 1, 8, 1, 9, 1]);
    h.push(10, [10, Number.NaN], [10, 1]);
    expect(h.lineList('wd').length).toBe(8); // the segment to a NaN head is left out
  });
});
