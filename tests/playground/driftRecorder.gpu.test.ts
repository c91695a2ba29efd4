/**
 * The drift recorder's points and histogram against CPU summaries of the same engine's read-back metrics
 * (summarizeGaps in src/core/drift sorts the gaps on the CPU), and its bookkeeping: no point for an
 * unchanged step, a new series after a reset, even thinning, read-backs of a few bytes only, and one gap
 * reduction per engine however many readers it has.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { summarizeGaps } from '../../src/core/drift';
import type { OptimizerConfig } from '../../src/core/schedule';
import type { TrajectoryEngine } from '../../src/gpu/engine';
import { GapReducer } from '../../src/gpu/reduce';
import { DriftRecorder } from '../../src/playground/driftRecorder';
import { gpuOrSkip, presetEngine } from '../gpu/gpuTestUtils';

const ctx = await gpuOrSkip();
const findings: string[] = [];
afterAll(() => {
  for (const f of findings) console.log(`[drift recorder] ${f}`);
});

const RUGGED: OptimizerConfig = { lr: 0.5, weightDecay: 0.1, momentum: 0, milestones: [], lrDecay: 1 };
const OVERFLOWING: OptimizerConfig = { ...RUGGED, lr: 1, weightDecay: 0.2 };

const engineFor = (preset: string, opt: OptimizerConfig, count: number) =>
  presetEngine(ctx!, preset, opt, count, 3);

/** Advances to each of `steps`, samples, and checks the new point against the CPU on the read-back. */
async function sampleAndCheck(
  engine: TrajectoryEngine,
  rec: DriftRecorder,
  steps: number[],
  maxStep: number,
) {
  for (const target of steps) {
    engine.advance(target - engine.step);
    await rec.sample();
    const snap = await engine.readState();
    const cpu = summarizeGaps(snap.gap, snap.divergenceStep, snap.overflowStep);
    const s = rec.series();
    const n = s.step.length - 1;
    expect(s.step[n]).toBe(target);
    expect([s.median[n], s.p95[n], s.max[n]]).toEqual([
      cpu.angleGap.median,
      cpu.angleGap.p95,
      cpu.angleGap.max,
    ]);
    expect([s.diverged[n], s.overflowed[n]]).toEqual([cpu.diverged, cpu.overflowed]);
    // Histogram: diverged per bin, then overflowed-before-diverging, then never diverged.
    const h = rec.histogram()!;
    const width = Math.max(1, Math.ceil((maxStep + 1) / h.counts.length));
    const counts = new Array<number>(h.counts.length).fill(0);
    let overflowedFirst = 0;
    for (let i = 0; i < engine.count; i++) {
      const d = snap.divergenceStep[i];
      if (d >= 0) counts[Math.min(counts.length - 1, Math.floor(d / width))]++;
      else if (snap.overflowStep[i] >= 0) overflowedFirst++;
    }
    expect(h.step).toBe(target);
    expect(Array.from(h.counts)).toEqual(counts);
    expect(h.overflowed).toBe(overflowedFirst);
    expect(h.notDiverged).toBe(engine.count - cpu.diverged - overflowedFirst);
  }
}

describe.skipIf(!ctx)('drift recorder', () => {
  it('records GPU summaries equal to CPU summaries of the read-back (5000 trajectories)', async () => {
    const engine = await engineFor('rugged', RUGGED, 5000);
    const rec = await DriftRecorder.create(ctx!, engine, 'f32', { maxStep: 400 });
    await sampleAndCheck(engine, rec, [1, 5, 20, 60, 150, 400], 400);
    const s = rec.series();
    findings.push(
      `rugged 5000 @400: median ${s.median.at(-1)}, max ${s.max.at(-1)}, diverged ${s.diverged.at(-1)}`,
    );
    expect(s.diverged.at(-1)).toBeGreaterThan(0);
    rec.destroy();
    engine.destroy();
  });

  it('with overflowed trajectories (single-well, lr 1, weightDecay 0.2, 300 steps)', async () => {
    const engine = await engineFor('single-well', OVERFLOWING, 2000);
    const rec = await DriftRecorder.create(ctx!, engine, 'f32', { maxStep: 300, bins: 30 });
    await sampleAndCheck(engine, rec, [100, 190, 200, 300], 300);
    const s = rec.series();
    findings.push(`overflow: overflowed ${Array.from(s.overflowed)}, median ${Array.from(s.median)}`);
    expect(s.overflowed.at(-1)).toBe(2000);
    expect(Number.isNaN(s.median.at(-1))).toBe(true);
    rec.destroy();
    engine.destroy();
  });

  it('over a batch larger than one dispatch (40,000 trajectories), reading back only a few bytes', async () => {
    const engine = await engineFor('rugged', RUGGED, 40_000);
    const rec = await DriftRecorder.create(ctx!, engine, 'f32', { maxStep: 100 });
    // Watch every mappable buffer created while sampling: none may hold per-trajectory data.
    const device = ctx!.device;
    const create = device.createBuffer.bind(device);
    const mapped: number[] = [];
    device.createBuffer = (d: GPUBufferDescriptor) => {
      if (d.usage & GPUBufferUsage.MAP_READ) mapped.push(d.size);
      return create(d);
    };
    try {
      engine.advance(100);
      await rec.sample();
    } finally {
      device.createBuffer = create;
    }
    findings.push(`40000: read-back buffers while sampling ${mapped.join(', ')} bytes`);
    expect(mapped.length).toBeGreaterThan(0);
    expect(Math.max(...mapped)).toBeLessThanOrEqual(4 * (64 + 2));
    await sampleAndCheck(engine, rec, [130], 100);
    // Cost of one sample alone (the engine's work finished first), for the report.
    engine.advance(1);
    await device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    await rec.sample();
    findings.push(`40000: one sample ${(performance.now() - t0).toFixed(1)} ms on ${ctx!.description}`);
    rec.destroy();
    engine.destroy();
  });

  it('skips unchanged steps, skips while pending, and starts over after an engine reset', async () => {
    const engine = await engineFor('rugged', RUGGED, 500);
    const rec = await DriftRecorder.create(ctx!, engine, 'f32');
    engine.advance(10);
    const first = rec.sample();
    expect(rec.busy).toBe(true);
    expect(rec.sample()).toBe(first); // a second call while pending does not queue more GPU work
    await first;
    await rec.sample();
    expect(rec.length).toBe(1);
    engine.advance(10);
    await rec.sample();
    expect(Array.from(rec.series().step)).toEqual([10, 20]);
    engine.reset();
    engine.advance(5);
    await rec.sample();
    expect(Array.from(rec.series().step)).toEqual([5]);
    expect(rec.histogram()?.maxStep).toBe(5); // default range: up to the current step
    rec.reset();
    expect(rec.length).toBe(0);
    expect(rec.histogram()).toBeNull();
    rec.destroy();
    await rec.sample(); // a no-op after destroy
    engine.destroy();
  });

  it('thins old points evenly and keeps the newest', async () => {
    const engine = await engineFor('rugged', RUGGED, 64);
    const rec = await DriftRecorder.create(ctx!, engine, 'f32', { maxPoints: 40 });
    for (let k = 0; k < 300; k++) {
      engine.advance(1);
      await rec.sample();
      expect(rec.length).toBeLessThanOrEqual(40);
    }
    const steps = Array.from(rec.series().step);
    expect(steps.at(-1)).toBe(300);
    expect(steps[0]).toBe(1);
    const gaps = steps.slice(1).map((s, i) => s - steps[i]);
    findings.push(
      `thinning to ≤ 40: ${steps.length} points, spacings ${Math.min(...gaps)}..${Math.max(...gaps)}`,
    );
    expect(steps.length).toBeGreaterThanOrEqual(20);
    // Even: no spacing more than about 3× another (the live tip aside).
    expect(Math.max(...gaps.slice(0, -1))).toBeLessThanOrEqual(3 * Math.min(...gaps.slice(0, -1)));
    rec.destroy();
    engine.destroy();
  });

  it("shares the engine's one gap reduction between its readers, and it outlives a recorder", async () => {
    const engine = await engineFor('rugged', RUGGED, 300);
    const built = vi.spyOn(GapReducer, 'create');
    try {
      const a = await DriftRecorder.create(ctx!, engine, 'f32');
      const b = await DriftRecorder.create(ctx!, engine, 'f32');
      const shared = await engine.gapReducer();
      // Two recorders and the session's stats over one metrics buffer: one reducer, built once.
      expect(built).toHaveBeenCalledTimes(1);
      a.destroy();
      engine.advance(40);
      await b.sample();
      const snap = await engine.readState();
      // Still alive after a recorder is gone, and still right.
      expect((await shared.summarize()).angleGap).toEqual(
        summarizeGaps(snap.gap, snap.divergenceStep, snap.overflowStep).angleGap,
      );
      expect(b.series().step.at(-1)).toBe(40);
      b.destroy();
    } finally {
      built.mockRestore();
      engine.destroy();
    }
  });
});
