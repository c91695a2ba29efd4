import { describe, expect, it } from 'vitest';
import { summarizeGaps } from '../../src/core/drift';
import { initialPoints } from '../../src/core/init';
import { findPreset } from '../../src/core/presets';
import { toExponential } from '../../src/core/schedule';
import { TrajectoryEngine } from '../../src/gpu/engine';
import { GapReducer } from '../../src/gpu/reduce';
import { gpuOrSkip } from './gpuTestUtils';

const ctx = await gpuOrSkip();

describe.skipIf(!ctx)('GPU drift reductions', () => {
  async function compare(count: number, steps: number, weightDecay: number) {
    if (!ctx) return;
    const engine = await TrajectoryEngine.create(ctx, {
      precision: 'f32',
      loss: findPreset('rugged')!.loss,
      schedule: toExponential({ lr: 0.5, weightDecay, momentum: 0, milestones: [], lrDecay: 1 }),
      tolerance: 1e-3,
      points: initialPoints({ random: { count, seed: 7, radius: [0.2, 2] } }),
    });
    const reducer = await GapReducer.create(ctx, engine.metrics, count);
    engine.advance(steps);
    const gpu = await reducer.summarize();
    const snap = await engine.readState();
    // Independent reference: sort the read-back gaps on the CPU.
    const cpu = summarizeGaps(snap.gap, snap.divergenceStep, snap.overflowStep);
    expect(gpu).toEqual(cpu);
    reducer.destroy();
    engine.destroy();
    return gpu;
  }

  it('matches the CPU summary of read-back trajectories (one dispatch)', async () => {
    const s = await compare(5000, 400, 0.1);
    console.log('[reduce] 5000 trajectories:', JSON.stringify(s));
    expect(s?.diverged).toBeGreaterThan(0);
  });

  it('matches across several dispatches (40,000 trajectories)', async () => {
    const s = await compare(40_000, 150, 0.1);
    console.log('[reduce] 40000 trajectories:', JSON.stringify(s));
    expect(s?.diverged).toBeGreaterThan(0);
    expect(s?.diverged).toBeLessThan(40_000);
  });

  it('excludes overflowed trajectories from the quantiles but counts them', async () => {
    // ηλ = 0.5·0.9: α = 0.55, so η̃ overflows float32 after about 75 steps: every exponential run overflows.
    const s = await compare(3000, 120, 0.9);
    console.log('[reduce] all overflowed:', JSON.stringify(s));
    expect(s?.overflowed).toBe(3000);
    expect(Number.isNaN(s?.angleGap.median)).toBe(true);
  });

  it('a reduction that ignored the rank refinement would be caught (test of the test)', () => {
    const gaps = [0.3, 0.1, 0.2, 0.4];
    const s = summarizeGaps(gaps, [-1, -1, -1, -1], [-1, -1, -1, -1]);
    expect(s.angleGap.median).toBe(0.2); // nearest rank: ceil(0.5·4) − 1 = index 1 of the sorted gaps
    expect(s.angleGap.p95).toBe(0.4);
  });
});
