/**
 * The GPU divergence-step histogram against a CPU histogram of the same engine's read-back metrics.
 * The reference bins by the definition (integer bin width ceil((maxStep + 1) / B), the last bin takes
 * everything beyond; diverged first, then overflowed-without-divergence, then never diverged).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { initialPoints } from '../../src/core/init';
import { findPreset } from '../../src/core/presets';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { invocationsPerDispatch } from '../../src/gpu/device';
import { DivergenceHistogramReducer } from '../../src/gpu/divergenceHistogram';
import { type EngineSnapshot, TrajectoryEngine } from '../../src/gpu/engine';
import { VIRIDIS } from '../../src/render/colormap';
import { DivergenceMap, NEVER_DIVERGED_RGB, OVERFLOWED_RGB } from '../../src/render/divergenceMap';
import { gpuOrSkip, presetEngine } from './gpuTestUtils';

const ctx = await gpuOrSkip();
const findings: string[] = [];
afterAll(() => {
  for (const f of findings) console.log(`[divergence histogram] ${f}`);
});

function cpuHistogram(snap: EngineSnapshot, bins: number, maxStep: number) {
  const width = Math.max(1, Math.ceil((maxStep + 1) / bins));
  const counts = new Array<number>(bins).fill(0);
  let never = 0;
  let overflowed = 0;
  for (let i = 0; i < snap.divergenceStep.length; i++) {
    const d = snap.divergenceStep[i];
    if (d >= 0) counts[Math.min(bins - 1, Math.floor(d / width))]++;
    else if (snap.overflowStep[i] >= 0) overflowed++;
    else never++;
  }
  return { width, counts, never, overflowed };
}

const engineFor = (preset: string, opt: OptimizerConfig, count: number) =>
  presetEngine(ctx!, preset, opt, count, 7);

async function compare(engine: TrajectoryEngine, bins: number, maxStep: number) {
  const reducer = await DivergenceHistogramReducer.create(ctx!, engine.metrics, engine.count, bins);
  const gpu = await reducer.compute(maxStep);
  reducer.destroy();
  const cpu = cpuHistogram(await engine.readState(), bins, maxStep);
  expect(gpu.binWidth).toBe(cpu.width);
  expect(Array.from(gpu.counts)).toEqual(cpu.counts);
  expect(gpu.notDiverged).toBe(cpu.never);
  expect(gpu.overflowed).toBe(cpu.overflowed);
  const total = gpu.counts.reduce((a, b) => a + b, 0) + gpu.notDiverged + gpu.overflowed;
  expect(total).toBe(engine.count);
  if (bins > 1) expect(gpu.edges[1] - gpu.edges[0]).toBe(cpu.width);
  return gpu;
}

describe.skipIf(!ctx)('GPU divergence-step histogram', () => {
  const rugged: OptimizerConfig = { lr: 0.5, weightDecay: 0.1, momentum: 0, milestones: [], lrDecay: 1 };

  it('matches the CPU histogram of the read-back metrics (5000 trajectories, several bin layouts)', async () => {
    const engine = await engineFor('rugged', rugged, 5000);
    engine.advance(400);
    for (const [bins, maxStep] of [
      [64, 400],
      [7, 40], // bin width 6: uneven last bin
      [16, 20], // divergences after step 20 pile into the last bin
      [1, 400],
      [256, 1000],
    ]) {
      const h = await compare(engine, bins, maxStep);
      const used = h.counts.filter((c) => c > 0).length;
      findings.push(`5000, B ${bins}, maxStep ${maxStep}: ${used} non-empty bins, never ${h.notDiverged}`);
      if (bins >= 7 && maxStep < 1000) expect(used).toBeGreaterThan(1); // the binning is really exercised
    }
    engine.destroy();
  });

  it('counts overflowed trajectories (single-well, lr 1, weightDecay 0.2, 300 steps)', async () => {
    const engine = await engineFor('single-well', { ...rugged, lr: 1, weightDecay: 0.2 }, 3000);
    engine.advance(300);
    const h = await compare(engine, 32, 300);
    findings.push(
      `overflow: ${h.overflowed} overflowed first, ${engine.count - h.overflowed - h.notDiverged} diverged`,
    );
    expect(h.overflowed).toBeGreaterThan(0);
    engine.destroy();
  });

  it('covers every dispatch of a batch larger than one (40,000 trajectories)', async () => {
    const per = invocationsPerDispatch(ctx!, 64);
    const engine = await engineFor('rugged', rugged, 40_000);
    engine.advance(150);
    const h = await compare(engine, 50, 150);
    findings.push(`40000 (per dispatch ${per}): never ${h.notDiverged}, overflowed ${h.overflowed}`);
    expect(h.notDiverged).toBeLessThan(40_000);
    engine.destroy();
  });

  it('refuses bin counts the shader cannot hold', async () => {
    const engine = await engineFor('rugged', rugged, 10);
    await expect(DivergenceHistogramReducer.create(ctx!, engine.metrics, 10, 257)).rejects.toThrow(/bins/);
    await expect(DivergenceHistogramReducer.create(ctx!, engine.metrics, 10, 0)).rejects.toThrow(/bins/);
    engine.destroy();
  });
});

// The divergence map draws the same three categories per grid cell; checked here against the read-back
// metrics, pixel by pixel (one pixel per cell, row 0 of the grid at the bottom of the image).
describe.skipIf(!ctx)('divergence map (src/render/divergenceMap.ts)', () => {
  const [nx, ny] = [64, 48]; // 64 × 4 bytes: rows already 256-byte aligned for the copy
  const viridis = (t: number) => {
    const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
    const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
    return [0, 1, 2].map((c) => VIRIDIS[i][c] + (VIRIDIS[i + 1][c] - VIRIDIS[i][c]) * (x - i));
  };

  for (const [name, preset, opt, steps] of [
    ['rugged (diverged and never diverged)', 'rugged', { lr: 0.5, weightDecay: 0.1 }, 200],
    ['single-well overflow (diverged and overflowed)', 'single-well', { lr: 1, weightDecay: 0.2 }, 300],
  ] as const) {
    it(`colours every cell by its category: ${name}`, async () => {
      const device = ctx!.device;
      const engine = await TrajectoryEngine.create(ctx!, {
        precision: 'f32',
        loss: findPreset(preset)!.loss,
        schedule: toExponential({ milestones: [], lrDecay: 1, momentum: 0, ...opt }),
        tolerance: 1e-3,
        points: initialPoints({ grid: { count: [nx, ny], extent: [-1.03, 1.21, -0.97, 1.17] } }),
      });
      engine.advance(steps);
      const map = await DivergenceMap.create(device, 'rgba8unorm');
      const texture = device.createTexture({
        label: 'divergence map test target',
        size: [nx, ny],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
      });
      const out = device.createBuffer({
        label: 'divergence map test readback',
        size: nx * ny * 4,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      const encoder = device.createCommandEncoder({ label: 'divergence map test encoder' });
      const src = { metrics: engine.metrics, count: engine.count, nx, ny, maxStep: steps };
      map.encode(encoder, texture.createView(), src);
      encoder.copyTextureToBuffer({ texture }, { buffer: out, bytesPerRow: nx * 4 }, [nx, ny]);
      device.queue.submit([encoder.finish()]);
      await out.mapAsync(GPUMapMode.READ);
      const px = new Uint8Array(out.getMappedRange().slice(0));
      out.unmap();
      const snap = await engine.readState();
      const seen = { diverged: 0, never: 0, overflowed: 0 };
      let worst = 0;
      for (let iy = 0; iy < ny; iy++) {
        for (let ix = 0; ix < nx; ix++) {
          const i = iy * nx + ix;
          const d = snap.divergenceStep[i];
          let want: readonly number[];
          if (d >= 0) {
            want = viridis(d / steps);
            seen.diverged++;
          } else if (snap.overflowStep[i] >= 0) {
            want = OVERFLOWED_RGB;
            seen.overflowed++;
          } else {
            want = NEVER_DIVERGED_RGB;
            seen.never++;
          }
          const p = 4 * ((ny - 1 - iy) * nx + ix); // image row 0 is the top
          for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(px[p + c] - want[c]));
        }
      }
      findings.push(`map ${name}: ${JSON.stringify(seen)}, worst channel error ${worst}/255`);
      expect(worst).toBeLessThanOrEqual(2);
      expect(seen.diverged).toBeGreaterThan(0);
      expect(seen.never + seen.overflowed).toBeGreaterThan(0);
      map.destroy();
      texture.destroy();
      out.destroy();
      engine.destroy();
    });
  }
});
