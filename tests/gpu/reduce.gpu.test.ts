/**
 * The GPU drift reductions (src/gpu/reduce.ts, shaders/reduce.wgsl) against CPU summaries of the same
 * engine's read-back metrics, and a deliberately broken reduction run on the GPU to show the comparison
 * catches it.
 */
import { describe, expect, it } from 'vitest';
import { summarizeGaps } from '../../src/core/drift';
import { findPreset } from '../../src/core/presets';
import { countAbsorbed } from '../../src/core/run/summary';
import { toExponential } from '../../src/core/schedule';
import { TrajectoryEngine } from '../../src/gpu/engine';
import { METRIC_STRUCT, structLayout } from '../../src/gpu/layout';
import { GapReducer, reduceShader } from '../../src/gpu/reduce';
import { gpuOrSkip, presetEngine, testOptimizer } from './gpuTestUtils';

const ctx = await gpuOrSkip();

describe.skipIf(!ctx)('GPU drift reductions', () => {
  async function compare(count: number, steps: number, weightDecay: number) {
    if (!ctx) return;
    const engine = await presetEngine(ctx, 'rugged', testOptimizer({ lr: 0.5, weightDecay }), count, 7);
    const reducer = await GapReducer.create(ctx, engine.metrics, count);
    engine.advance(steps);
    const gpu = await reducer.summarize();
    const snap = await engine.readState();
    // Independent reference: sort the read-back gaps on the CPU; count the absorbed runs.
    const cpu = {
      ...summarizeGaps(snap.gap, snap.divergenceStep, snap.overflowStep),
      absorbed: countAbsorbed(snap.wdAbsorbedStep, snap.expAbsorbedStep),
    };
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

  it('counts the runs the kernel finds absorbed (single-well, a start exactly on the minimum ray)', async () => {
    if (!ctx) return;
    const engine = await TrajectoryEngine.create(ctx, {
      precision: 'f32',
      loss: findPreset('single-well')!.loss,
      schedule: toExponential(testOptimizer()),
      tolerance: 1e-3,
      points: new Float64Array([1, 1, -0.7, 0.7, 0.9, 0.2]),
    });
    const reducer = await GapReducer.create(ctx, engine.metrics, engine.count);
    engine.advance(300);
    const gpu = await reducer.summarize();
    const snap = await engine.readState();
    console.log(`[reduce] single-well (1, 1): absorbed ${JSON.stringify(gpu.absorbed)}`);
    expect(gpu.absorbed).toEqual(countAbsorbed(snap.wdAbsorbedStep, snap.expAbsorbedStep));
    // (1, 1): f' is exactly 0 on the ray, so both of its runs are absorbed (issue 12).
    expect([snap.wdAbsorbedStep[0], snap.expAbsorbedStep[0]]).toEqual([0, 0]);
    expect(gpu.absorbed.wd).toBeGreaterThanOrEqual(1);
    expect(gpu.absorbed.exp).toBeGreaterThanOrEqual(1);
    reducer.destroy();
    engine.destroy();
  });

  it('counts absorbed weight-decay and exponential runs apart (metrics written directly)', async () => {
    // Hand-made metrics, so the counts are exercised whatever the kernel detects: trajectory i has its
    // weight-decay run absorbed (since step i % 50) when i % 7 == 0, its exponential run when i % 5 == 0.
    if (!ctx) return;
    const { device } = ctx;
    const n = 3000;
    const layout = structLayout(METRIC_STRUCT, 'f32');
    const bytes = new DataView(new ArrayBuffer(n * layout.size));
    const o = layout.offsets;
    const wd = new Int32Array(n);
    const ex = new Int32Array(n);
    const gap = new Float32Array(n);
    const div = new Int32Array(n);
    const ovf = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const b = i * layout.size;
      gap[i] = ((i * 7919) % 1000) / 1000;
      div[i] = i % 3 === 0 ? i % 100 : -1;
      wd[i] = i % 7 === 0 ? i % 50 : -1;
      ex[i] = i % 5 === 0 ? i % 50 : -1;
      bytes.setFloat32(b + o.gap, gap[i], true);
      for (const [f, v] of [
        ['divergence_step', div[i]],
        ['overflow_step', -1],
        ['crossing_step', -1],
        ['wd_absorbed_step', wd[i]],
        ['exp_absorbed_step', ex[i]],
        ['underflow_step', -1],
      ] as const)
        bytes.setInt32(b + o[f], v, true);
    }
    const metrics = device.createBuffer({
      label: 'hand-made metrics',
      size: bytes.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(metrics, 0, bytes.buffer);
    const reducer = await GapReducer.create(ctx, metrics, n);
    const gpu = await reducer.summarize();
    expect(gpu.absorbed).toEqual({ wd: Math.ceil(n / 7), exp: n / 5 });
    expect(gpu).toEqual({ ...summarizeGaps(gap, div, ovf), absorbed: countAbsorbed(wd, ex) });
    reducer.destroy();
    metrics.destroy();
  });

  it('the CPU reference takes the nearest rank: ceil(q·n) − 1 of the sorted gaps', () => {
    const gaps = [0.3, 0.1, 0.2, 0.4];
    const s = summarizeGaps(gaps, [-1, -1, -1, -1], [-1, -1, -1, -1]);
    expect(s.angleGap.median).toBe(0.2); // nearest rank: ceil(0.5·4) − 1 = index 1 of the sorted gaps
    expect(s.angleGap.p95).toBe(0.4);
  });

  it('a GPU reduction that skips the rank refinement is caught (test of the test)', async () => {
    if (!ctx) return;
    // The broken shader keeps the whole rank at every level instead of the rank left inside the chosen bin.
    const right = reduceShader();
    const broken = right.replace(
      'rstate.rank[q] = rstate.rank[q] - cum;',
      'rstate.rank[q] = rstate.rank[q];',
    );
    expect(broken).not.toBe(right);
    const engine = await presetEngine(ctx, 'rugged', testOptimizer({ lr: 0.5, weightDecay: 0.1 }), 5000, 7);
    const reducer = await GapReducer.create(ctx, engine.metrics, engine.count, broken);
    try {
      engine.advance(400);
      const bad = await reducer.summarize();
      const snap = await engine.readState();
      const cpu = summarizeGaps(snap.gap, snap.divergenceStep, snap.overflowStep);
      console.log(`[reduce] broken refinement: median ${bad.angleGap.median} vs ${cpu.angleGap.median}`);
      // The counts and the max do not use the ranks; the quantiles do, and the comparison sees it.
      expect(bad.diverged).toBe(cpu.diverged);
      expect(bad.angleGap.max).toBe(cpu.angleGap.max);
      expect(bad.angleGap.median).not.toBe(cpu.angleGap.median);
      expect({ ...bad, absorbed: undefined }).not.toEqual({ ...cpu, absorbed: undefined });
    } finally {
      reducer.destroy();
      engine.destroy();
    }
  });
});
