/**
 * End-to-end: the playground in Chromium without WebGPU. With WebGL2 (ANGLE on SwiftShader) the CPU
 * fallback must draw, show its banner, and report lab.stats() equal to the f64 CPU reference run here in
 * Node; with no 3-D API at all the page must show the plain message. Builds its own copy of the app and
 * serves it on its own port (no race with app.test.ts). Screenshots go to test-artifacts/.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { F64 } from '../../src/core/arith';
import { resolveLoss } from '../../src/core/config/resolve';
import type { ExperimentConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import { initialPoints } from '../../src/core/init';
import { Integrator } from '../../src/core/integrator';
import { simulateCpu } from '../../src/core/run/cpuRun';
import { summarizeSamples } from '../../src/core/run/summary';
import { toExponential } from '../../src/core/schedule';
import { capPoints, FALLBACK_MAX_TRAJECTORIES } from '../../src/fallback/cpuBatch';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import type { RunStats } from '../../src/playground/stats';
import { ARTIFACTS, e2eAvailable, hashFor, saveBase64, useE2eApp } from './harness';
import { screenshotStats } from './pixels';

const OUT_DIR = join(tmpdir(), 'scaleinv-lab-e2e-fallback');
const PORT = 4183;

const available = e2eAvailable();

/** The f64 CPU reference (the CLI's integrator and summary) over the points the fallback runs. */
function reference(c: ExperimentConfig, steps: number): RunStats {
  const integrator = new Integrator(
    F64,
    resolveLoss(c.loss).loss,
    toExponential(c.optimizer),
    c.driftTolerance,
  );
  const points = capPoints(initialPoints(c.init), FALLBACK_MAX_TRAJECTORIES);
  const s = summarizeSamples(simulateCpu(integrator, points, steps, steps), [0, steps])[1];
  const nan = (x: number | null) => x ?? Number.NaN;
  return {
    step: s.step,
    precision: 'f64',
    trajectories: s.trajectories,
    diverged: s.diverged,
    overflowed: s.overflowed,
    absorbed: s.absorbed,
    angleGap: { median: nan(s.angleGap.median), p95: nan(s.angleGap.p95), max: nan(s.angleGap.max) },
  };
}

describe.skipIf(!available)('playground in Chromium without WebGPU', () => {
  const app = useE2eApp({ outDir: OUT_DIR, port: PORT, setups: ['webgl2', 'none'] });

  it('WebGL2 only: the CPU fallback draws, with its banner, and plays', async () => {
    const { page, errors } = await app.open();
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('fallback');
    const banner = (await page.locator('.banner[data-topic="gpu"]').textContent()) ?? '';
    expect(banner).toContain(
      `running a reduced CPU fallback (WebGL2, ${FALLBACK_MAX_TRAJECTORIES} trajectories max)`,
    );
    expect(banner).toMatch(/What is missing: (navigator\.gpu is missing|no WebGPU adapter)/);
    expect(banner).toContain('To get WebGPU');
    const note = (await page.locator('.banner[data-topic="fallback"]').textContent()) ?? '';
    expect(note).toContain('float64');
    expect(note).toContain('has 4096 trajectories; the fallback runs 2048');
    const lab = await page.evaluate(() => ({
      available: window.lab!.available,
      mode: (window.lab as unknown as { mode: string }).mode,
      adapter: window.lab!.perf().adapter,
    }));
    console.log(`[e2e fallback] renderer: ${lab.adapter}`);
    expect(lab).toMatchObject({ available: true, mode: 'webgl2' });

    // Frame time while playing (default: 2048 trajectories, 10 steps per frame).
    await page.waitForTimeout(4000);
    const played = await page.evaluate(async () => {
      window.lab!.pause();
      await new Promise((r) => setTimeout(r, 300)); // the frame in flight completes
      return { perf: window.lab!.perf(), steps: (await window.lab!.stats()).step };
    });
    const { perf } = played;
    console.log(
      `[e2e fallback] playing: ${perf.msPerFrame.toFixed(1)} ms/frame, ${perf.stepsPerSecond.toFixed(0)} steps/s ` +
        `(${(perf.stepsPerSecond * 2048).toExponential(2)} trajectory-steps/s), worker ${perf.gpuMs.toFixed(1)} ms/frame; ` +
        `${played.steps} steps in ${perf.frames} timed frames`,
    );
    // The worker's own step count: whole frames of 10 (the run has 3000 steps), and the timed frames are
    // those less the first after play (nothing to time it from) and at most one in flight at pause.
    expect(played.steps % 10).toBe(0);
    expect(played.steps / 10 - perf.frames).toBeGreaterThanOrEqual(1);
    expect(played.steps / 10 - perf.frames).toBeLessThanOrEqual(2);

    const stepMs = await page.evaluate(async () => {
      const l = window.lab!;
      l.pause();
      await l.setConfig(l.getConfig());
      const t0 = performance.now();
      await l.step(300);
      return performance.now() - t0;
    });
    console.log(`[e2e fallback] lab.step(300) × 2048 trajectories: ${stepMs.toFixed(0)} ms`);
    const shot = await screenshotStats(page);
    saveBase64(ARTIFACTS, 'e2e-fallback-canvas.png', shot.png);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-fallback-page.png') });
    expect(shot.w).toBeGreaterThan(100);
    expect(shot.variance).toBeGreaterThan(100);
    expect(await page.locator('.legend-bar').count()).toBe(1);
    expect(await page.locator('.lil-gui').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  // Chromium's V8 computes Math.cos/sin/atan2/log2/pow differently from Node's in the last bit (measured:
  // 311 of 8192 ring cos/sin values, 708 of 4096 atan2 values differ). So the comparison is exact only
  // where neither side calls them in a way that matters: a grid init (+ − × ÷ only) and angle gaps far
  // below 1e-8 (atan2(y, x) = y/x there). A ring init starts from points a few ulps apart: its counts
  // must still agree exactly, its gaps (rounding noise near 1e-16 here) only closely.
  const rugged = {
    ...structuredClone(PLAYGROUND_DEFAULTS),
    loss: { preset: 'rugged' },
    optimizer: { lr: 0.2, weightDecay: 0.01, momentum: 0.9, milestones: [], lrDecay: 0.1 },
    driftTolerance: 1e-12,
  };
  const configs: [string, ExperimentConfig, 'exact' | 'close'][] = [
    [
      'rugged loss, momentum, 24×24 grid (exact)',
      validateConfig({ ...rugged, init: { grid: { count: [24, 24], extent: [-1.5, 1.5, -1.5, 1.5] } } }),
      'exact',
    ],
    ['the defaults: 4096-ring capped to 2048 (close)', structuredClone(PLAYGROUND_DEFAULTS), 'close'],
  ];

  for (const [name, config, how] of configs) {
    it(`lab.step(100) then lab.stats() equals the f64 CPU reference: ${name}`, async () => {
      const { page, errors } = await app.open(hashFor(config));
      const stats = await page.evaluate(async (c) => {
        const l = window.lab!;
        l.pause();
        await l.setConfig(c); // back to step 0, paused
        await l.step(100);
        return l.stats();
      }, config);
      const expected = reference(config, 100);
      console.log(`[e2e fallback] ${name}: ${JSON.stringify(stats)}`);
      expect(expected.trajectories).toBe(
        Math.min(FALLBACK_MAX_TRAJECTORIES, initialPoints(config.init).length / 2),
      );
      if (how === 'exact') {
        expect(expected.diverged).toBeGreaterThan(0); // the tolerance is tight enough to be exercised
        expect(stats).toEqual(expected);
      } else {
        expect({ ...stats, angleGap: null }).toEqual({ ...expected, angleGap: null });
        for (const k of ['median', 'p95', 'max'] as const) {
          const [a, b] = [stats.angleGap[k], expected.angleGap[k]];
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-3 * Math.max(Math.abs(a), Math.abs(b)) + 1e-15);
        }
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('no WebGL either: a plain message, and lab says it is unavailable', async () => {
    const { page, errors } = await app.open('', { setup: 'none' });
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('no-webgl');
    const text = (await page.locator('#plain-message').textContent()) ?? '';
    expect(text).toContain('Neither WebGPU nor WebGL2 is available');
    expect(text).toContain('WebGL2 is missing too');
    expect(text).toContain('To get WebGPU');
    expect(await page.evaluate(() => window.lab!.available)).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-no-webgl-page.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
