/**
 * End-to-end: the built playground in headless Chromium on SwiftShader's WebGPU. Builds with vite, serves
 * with `vite preview`, drives the page through window.lab. Screenshots go to test-artifacts/.
 * Without Chromium the file fails in CI (process.env.CI) and is skipped loudly elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import type { SampleSummary } from '../../src/core/run/summary';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import type { RunStats } from '../../src/playground/stats';
import { ARTIFACTS, e2eAvailable, hashFor, saveBase64, useE2eApp } from './harness';
import { screenshotStats } from './pixels';

const available = e2eAvailable();

/**
 * Luminance variance a rendered figure must exceed: a blank or one-colour canvas measures under 5 (a figure
 * whose camera missed its path measured 2.1), a heatmap with paths 100–1100; the dark theme's dimmed
 * colormap put a few figures near 115, so the line sits well between the two.
 */
const MIN_VARIANCE = 25;

const save = (name: string, base64: string) => saveBase64(ARTIFACTS, name, base64);

/** The CLI's summary of `config` run on the GPU in f32 (Dawn in Node): the reference for lab.stats(). */
function cliRun(config: ExperimentConfig): { summary: SampleSummary[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'scaleinv-e2e-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return JSON.parse(
    execFileSync(
      process.execPath,
      ['bin/scaleinv-lab.mjs', 'run', file, '--backend', 'gpu', '--precision', 'f32'],
      {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      },
    ),
  ) as { summary: SampleSummary[] };
}

/** The fields of a summary that lab.stats() reports too, for toEqual. */
function comparable(s: SampleSummary | RunStats) {
  const g = s.angleGap;
  return [s.step, s.trajectories, s.diverged, s.overflowed, s.absorbed, [g.median, g.p95, g.max]];
}

describe.skipIf(!available)('playground in Chromium (WebGPU on SwiftShader)', () => {
  // The default build folder (dist/) and port.
  const app = useE2eApp({ timeout: 120_000 });
  const open = (hash = '', init?: () => void) => app.open(hash, { init });

  /** Pauses the page's run and restarts it from step 0 with `patch` merged into its config. */
  async function pausedWith(page: Page, patch: Partial<ExperimentConfig>): Promise<void> {
    await page.evaluate(async (p) => {
      const lab = window.lab!;
      lab.pause();
      await lab.setConfig({ ...lab.getConfig(), ...p });
    }, patch);
  }

  it('loads without console errors and draws the heatmap and paths', async () => {
    const { page, errors } = await open();
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    const perf = await page.evaluate(() => window.lab!.perf());
    console.log(`[e2e] adapter: ${perf.adapter}`);
    await page.evaluate(async () => {
      window.lab!.pause();
      await window.lab!.setConfig(window.lab!.getConfig());
      await window.lab!.step(300);
    });
    const shot = await screenshotStats(page);
    save('e2e-canvas.png', shot.png);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-page.png') });
    expect(shot.w).toBeGreaterThan(100);
    expect(shot.variance).toBeGreaterThan(100); // a flat or black canvas is ~0
    expect(await page.locator('.legend-bar').count()).toBe(1);
    expect(await page.locator('.lil-gui').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lab.step(50) then lab.stats() reports step 50 and sane numbers', async () => {
    const { page, errors } = await open();
    const stats = await page.evaluate(async () => {
      const lab = window.lab!;
      lab.pause();
      await lab.setConfig(lab.getConfig()); // back to step 0, still paused
      await lab.step(50);
      return lab.stats();
    });
    expect(stats.step).toBe(50);
    expect(stats.precision).toBe('f32');
    expect(stats.trajectories).toBe(4096);
    expect(stats.diverged).toBeGreaterThanOrEqual(0);
    expect(stats.diverged).toBeLessThanOrEqual(4096);
    expect(stats.overflowed).toBe(0);
    const g = stats.angleGap;
    for (const v of [g.median, g.p95, g.max]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(Math.PI);
    }
    expect(g.median).toBeLessThanOrEqual(g.p95);
    expect(g.p95).toBeLessThanOrEqual(g.max);
    expect(errors).toEqual([]);
    await page.close();
  });

  /** lab.stats() at steps 150, 300 and 600 and the CLI's GPU run summary at the same steps, for `config`. */
  async function statsVsCli(config: ExperimentConfig, check?: (page: Page) => Promise<void>) {
    const cli = cliRun(config);
    const { page, errors } = await open();
    const fromLab = await page.evaluate(async (c) => {
      const lab = window.lab!;
      lab.pause();
      await lab.setConfig(c);
      const out = [];
      for (const target of [150, 300, 600]) {
        await lab.step(target - (await lab.stats()).step);
        out.push(await lab.stats());
      }
      return out;
    }, config);
    for (const s of fromLab) {
      const ref = cli.summary.find((r) => r.step === s.step)!;
      expect(ref, `CLI sample at step ${s.step}`).toBeDefined();
      expect([s.trajectories, s.diverged, s.overflowed, s.absorbed]).toEqual([
        ref.trajectories,
        ref.diverged,
        ref.overflowed,
        ref.absorbed,
      ]);
      // The GPU keeps gaps as float32; the CLI prints the same float32 values widened to float64.
      expect([s.angleGap.median, s.angleGap.p95, s.angleGap.max]).toEqual([
        ref.angleGap.median,
        ref.angleGap.p95,
        ref.angleGap.max,
      ]);
    }
    await check?.(page);
    expect(errors).toEqual([]);
    await page.close();
    return fromLab;
  }

  it('lab.stats() equals the summary `scaleinv-lab run --backend gpu` prints for the same config and step', async () => {
    // A small ring on the rugged loss: some trajectories diverge within the run, so the counts and the
    // quantiles are all non-trivial. The CLI runs the same WGSL through Dawn in Node.
    const fromLab = await statsVsCli({
      ...structuredClone(PLAYGROUND_DEFAULTS),
      loss: { preset: 'rugged' },
      optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 1 },
      init: { ring: { count: 512, radius: 1.2 } },
      steps: 600,
      sampleEvery: 150,
    });
    console.log(
      `[e2e] stats vs CLI at steps 150/300/600: ${JSON.stringify(fromLab.map((s) => [s.step, s.diverged, s.angleGap.median]))}`,
    );
    expect(fromLab[2].diverged).toBeGreaterThan(0);
  });

  it('lab.stats() counts absorbed runs as the CLI summary does (single-well, a start on the minimum ray)', async () => {
    // (1, 1) lies exactly on single-well's minimum ray: f' is exactly 0 there, so both runs are absorbed
    // from step 0 (issue 12); the other starts move. Both sides count the absorbed wd and exp runs apart.
    const fromLab = await statsVsCli(
      {
        ...structuredClone(PLAYGROUND_DEFAULTS),
        loss: { preset: 'single-well' },
        optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 1 },
        init: {
          points: [
            [1, 1],
            [-0.7, 0.7],
            [0.9, 0.2],
          ],
        },
        steps: 600,
        sampleEvery: 150,
      },
      async (page) => {
        // Colour by cause: the legend names every cause; the path shader's cause branch draws without errors.
        await page.evaluate(() => window.lab!.setView({ colorBy: 'cause' }));
        await page.waitForFunction(() =>
          /absorbed:/.test(document.querySelector('.legend-key')?.textContent ?? ''),
        );
        const key = await page.locator('.legend-key').textContent();
        for (const c of ['range:', 'absorbed:', 'chaos:', 'precision:', 'not diverged'])
          expect(key).toContain(c);
      },
    );
    console.log(`[e2e] absorbed at steps 150/300/600: ${JSON.stringify(fromLab.map((s) => s.absorbed))}`);
    for (const s of fromLab) {
      expect(s.absorbed.wd).toBeGreaterThanOrEqual(1);
      expect(s.absorbed.exp).toBeGreaterThanOrEqual(1);
    }
  });

  it('every figure of the tour and every loss preset renders (screenshots kept)', async () => {
    const { page, errors } = await open();
    const figures = await page.evaluate(() => window.lab!.figures);
    expect(figures.length).toBe(9);
    const lows: string[] = [];
    for (const id of figures) {
      await page.evaluate(async (f) => {
        const lab = window.lab!;
        await lab.loadFigure(f);
        lab.pause();
        await lab.step(200);
      }, id);
      const shot = await screenshotStats(page);
      save(`e2e-figure-${id}.png`, shot.png);
      if (!(shot.variance > MIN_VARIANCE)) lows.push(`${id}: ${shot.variance.toFixed(1)}`);
      expect(await page.locator('.banner-error').count(), `error banner after figure ${id}`).toBe(0);
    }
    const presets = await page.evaluate(() => window.lab!.presets);
    for (const name of presets) {
      await page.evaluate(async (p) => {
        await window.lab!.loadPreset(p);
        await window.lab!.step(100);
      }, name);
      const shot = await screenshotStats(page);
      save(`e2e-preset-${name}.png`, shot.png);
      if (!(shot.variance > MIN_VARIANCE)) lows.push(`${name}: ${shot.variance.toFixed(1)}`);
    }
    expect(lows).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('the URL round-trips: a reload of the hash gives the same config, view and numbers', async () => {
    const first = await open();
    const before = await first.page.evaluate(async () => {
      const lab = window.lab!;
      await lab.loadFigure('precision-divergence');
      lab.pause();
      lab.setView({ colorBy: 'basin', quiver: 'clamped', camera: { center: [0.1, -0.2], halfHeight: 1.1 } });
      await lab.setConfig({ ...lab.getConfig(), init: { ring: { count: 256, radius: 1 } } });
      await lab.step(150);
      await new Promise((r) => setTimeout(r, 500)); // the hash is written at most every 300 ms
      return { hash: location.hash, config: lab.getConfig(), view: lab.getView(), stats: await lab.stats() };
    });
    await first.page.close();
    const second = await open(before.hash);
    const after = await second.page.evaluate(async () => {
      const lab = window.lab!;
      lab.pause();
      await lab.setConfig(lab.getConfig()); // back to step 0, paused
      await lab.step(150);
      return { config: lab.getConfig(), view: lab.getView(), stats: await lab.stats() };
    });
    expect(after.config).toEqual(before.config);
    expect(after.view).toEqual(before.view);
    expect(after.stats).toEqual(before.stats);
    expect(await second.page.locator('.banner[data-topic="url"]').count()).toBe(0);
    expect([...first.errors, ...second.errors]).toEqual([]);
    await second.page.close();
  });

  it('every view mode, colouring and the quiver draw without errors', async () => {
    const { page, errors } = await open();
    await pausedWith(page, { init: { grid: { count: [24, 24], extent: [-1.5, 1.5, -1.5, 1.5] } } });
    await page.evaluate(() => window.lab!.step(300));
    const combos = [
      { mode: 'plane', colorBy: 'index', quiver: 'log' },
      { mode: 'plane', colorBy: 'divergence', quiver: 'clamped' },
      { mode: 'sideBySide', colorBy: 'run', runs: { weightDecay: true, projected: true, exponential: true } },
      { mode: 'polar', colorBy: 'basin', quiver: 'off' },
    ] as const;
    for (const view of combos) {
      await page.evaluate((v) => window.lab!.setView(v as never), view);
      const shot = await screenshotStats(page);
      save(`e2e-view-${view.mode}-${view.colorBy}.png`, shot.png);
      expect(shot.variance, JSON.stringify(view)).toBeGreaterThan(100);
    }
    // Two precisions side by side: the drift panel gets curves for both (GPU reductions per engine).
    await page.evaluate(async () => {
      const lab = window.lab!;
      lab.setView({ mode: 'plane', compare: ['df64'] });
      await lab.step(200);
    });
    await page.waitForFunction(() => /df64/.test(document.getElementById('drift')?.textContent ?? ''), null, {
      timeout: 20_000,
    });
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-views-page.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('frame time with paths at 4096 and 16384 trajectories (measured and reported); every frame steps stepsPerFrame', async () => {
    // Animation-frame callbacks counted by the page itself: the loop cannot step in more frames than ran.
    const { page, errors } = await open('', () => {
      const w = window as unknown as { rafCalls: number };
      w.rafCalls = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) =>
        raf((t) => {
          w.rafCalls++;
          cb(t);
        });
    });
    for (const count of [4096, 16384]) {
      const m = await page.evaluate(async (n) => {
        const lab = window.lab!;
        const w = window as unknown as { rafCalls: number };
        lab.pause();
        await lab.setConfig({
          ...lab.getConfig(),
          init: { ring: { count: n, radius: 1 } },
          steps: 1_000_000,
        });
        const frames0 = lab.perf().frames;
        const raf0 = w.rafCalls;
        lab.play();
        await new Promise((r) => setTimeout(r, 4000));
        lab.pause();
        const rafCalls = w.rafCalls - raf0;
        await new Promise((r) => setTimeout(r, 300)); // the frame in flight completes
        const perf = lab.perf();
        return { perf, frames: perf.frames - frames0, rafCalls, steps: (await lab.stats()).step };
      }, count);
      const { perf } = m;
      console.log(
        `[e2e perf] ${count} trajectories, 10 steps/frame: ${perf.msPerFrame.toFixed(1)} ms/frame, ` +
          `${Math.round(perf.stepsPerSecond)} steps/s, gpu ${perf.gpuMs.toFixed(1)} ms (${perf.adapter}); ` +
          `${m.steps} steps in ${m.frames} timed frames, ${m.rafCalls} animation frames`,
      );
      // Steps counted by the GPU's own reduction: whole frames of 10, one per animation frame at most.
      expect(m.steps % 10).toBe(0);
      expect(m.steps / 10).toBeLessThanOrEqual(m.rafCalls);
      // The timed frames are the stepping frames less the first after play (nothing to time it from) and
      // at most one in flight at pause.
      expect(m.steps / 10 - m.frames).toBeGreaterThanOrEqual(1);
      expect(m.steps / 10 - m.frames).toBeLessThanOrEqual(2);
      expect(m.frames).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a lost GPU device is recreated: the run resumes at the same step with the same config and numbers', async () => {
    const { page, errors } = await open();
    const result = await page.evaluate(async () => {
      const lab = window.lab!;
      lab.pause();
      await lab.setConfig({
        ...lab.getConfig(),
        loss: { preset: 'rugged' },
        init: { ring: { count: 512, radius: 1 } },
      });
      await lab.step(120);
      const config = lab.getConfig();
      lab.debug!.loseDevice();
      // Calls made while the device is being recreated wait for it.
      await lab.step(80);
      const after = { config: lab.getConfig(), stats: await lab.stats() };
      // The same 200 steps in one go on the new device: identical numbers (the integration is deterministic).
      await lab.setConfig(config);
      await lab.step(200);
      return { config, after, fresh: await lab.stats(), recoveries: lab.debug!.recoveries() };
    });
    expect(result.recoveries).toBe(1);
    expect(result.after.config).toEqual(result.config);
    expect(result.after.stats.step).toBe(200);
    expect(result.after.stats).toEqual(result.fresh);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    expect(await page.locator('.banner[data-topic="gpu"]').textContent()).toMatch(
      /resumed at step (120|200)/,
    );
    const shot = await screenshotStats(page);
    save('e2e-after-device-loss.png', shot.png);
    expect(shot.variance).toBeGreaterThan(100);
    // Chromium may log the loss itself; anything else is a failure.
    expect(errors.filter((e) => !/lost|destroy/i.test(e))).toEqual([]);
    await page.close();
  });

  it('hostile hashes: garbage, bad percent-encoding, huge numbers, deep nesting — a banner, never a crash', async () => {
    const deep = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
    const hashes: [string, RegExp][] = [
      ['#c=%E0%A4%A&v=%ZZ', /percent-encoding/],
      ['#c=garbage', /not valid JSON/],
      [
        `#c=${encodeURIComponent(JSON.stringify({ steps: 1e308, optimizer: { lr: 1e308 }, init: { ring: { count: 1e12 } } }))}`,
        /steps/,
      ],
      [`#c=${encodeURIComponent(deep)}`, /unknown field|a:/],
      [
        `#c=${encodeURIComponent('[1,2,3]')}&v=${encodeURIComponent('{"mode":"cube","camera":{"center":[1e400,0]}}')}`,
        /view\.mode/,
      ],
      [
        `#c=${encodeURIComponent(JSON.stringify({ init: { points: [[0, 0]] }, driftTolerance: -1 }))}`,
        /driftTolerance/,
      ],
    ];
    const references = new Map<string, SampleSummary>();
    for (const [hash, expected] of hashes) {
      const { page, errors } = await open(hash);
      expect(await page.evaluate(() => document.body.dataset.state), hash.slice(0, 60)).toBe('ready');
      const banner = (await page.locator('.banner[data-topic="url"]').textContent()) ?? '';
      expect(banner, hash.slice(0, 60)).toMatch(expected);
      const { config, stats } = await page.evaluate(async () => {
        window.lab!.pause();
        await window.lab!.reset();
        await window.lab!.step(20);
        return { config: window.lab!.getConfig(), stats: await window.lab!.stats() };
      });
      // The reference: the config the page fell back to, run by the CLI to the same step.
      const key = JSON.stringify(config);
      const ref = references.get(key) ?? cliRun({ ...config, steps: 20, sampleEvery: 20 }).summary.at(-1)!;
      references.set(key, ref);
      expect(comparable(stats), hash.slice(0, 60)).toEqual(comparable(ref));
      expect(Number.isFinite(stats.angleGap.max)).toBe(true);
      expect(errors, hash.slice(0, 60)).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('memory stays flat over 10^6 steps (JS heap after GC, from the DevTools protocol)', async () => {
    const { page, errors } = await open();
    // Chromium's own heap figure (performance.memory is coarse and optional); a GC before each reading.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((x) => x.name === 'JSHeapUsedSize')!.value;
    };
    await pausedWith(page, { init: { ring: { count: 64, radius: 1 } }, steps: 1_000_000, sampleEvery: 100 });
    await page.evaluate(() => window.lab!.step(100_000)); // warm-up: JIT, pipelines, first allocations
    const before = await heap();
    const t0 = Date.now();
    const stats = await page.evaluate(async () => {
      await window.lab!.step(900_000);
      return window.lab!.stats();
    });
    const seconds = (Date.now() - t0) / 1000;
    const after = await heap();
    console.log(
      `[e2e memory] 64 trajectories, steps 100k → 1M: JS heap ${(before / 1e6).toFixed(1)} MB → ` +
        `${(after / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; step ${stats.step}, overflowed ${stats.overflowed}`,
    );
    expect(before).toBeGreaterThan(1e6); // a real reading: the page's heap is megabytes
    expect(stats.step).toBe(1_000_000);
    expect(stats.overflowed).toBe(0); // renormalisation (numerics.renormalize, the default) keeps w̃ in range
    expect(after - before).toBeLessThan(20e6);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('pausing, resuming, switching tabs and resizing while playing do not corrupt the state', async () => {
    const { page, errors } = await open();
    await pausedWith(page, { loss: { preset: 'rugged' }, init: { ring: { count: 1024, radius: 1 } } });
    await page.evaluate(() => window.lab!.play());
    for (const [w, h] of [
      [700, 500],
      [1280, 720],
      [480, 800],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(400);
    }
    const other = await app.browser().newPage(); // another tab in front: rAF is throttled in the hidden one
    await other.bringToFront();
    await other.waitForTimeout(800);
    await page.bringToFront();
    await other.close();
    await page.evaluate(async () => {
      const lab = window.lab!;
      lab.pause();
      await new Promise((r) => setTimeout(r, 300));
      lab.play();
      await new Promise((r) => setTimeout(r, 300));
      lab.pause();
    });
    const result = await page.evaluate(async () => {
      const lab = window.lab!;
      await new Promise((r) => setTimeout(r, 300)); // the last frame in flight completes
      const during = await lab.stats();
      // The same number of steps from step 0 in one go must give the same numbers.
      await lab.setConfig(lab.getConfig());
      await lab.step(during.step);
      return { during, fresh: await lab.stats() };
    });
    expect(result.during.step).toBeGreaterThan(0);
    expect(result.during).toEqual(result.fresh);
    const shot = await screenshotStats(page);
    expect(shot.variance).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a URL hash with bad fields shows a banner naming them and still renders', async () => {
    const hash = hashFor({ optimizer: { lr: -1 }, precision: 'f65', init: { ring: { count: 256 } } });
    const { page, errors } = await open(hash);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    const banner = await page.locator('.banner[data-topic="url"]').textContent();
    expect(banner).toContain('optimizer.lr');
    expect(banner).toContain('precision');
    expect(banner).toContain('default was used');
    const config = await page.evaluate(() => window.lab!.getConfig());
    expect(config.optimizer.lr).toBe(0.1);
    expect(config.precision).toBe('f32');
    expect(config.init).toEqual({ ring: { count: 256, radius: 1 } });
    await page.evaluate(() => window.lab!.step(100));
    const shot = await screenshotStats(page);
    save('e2e-bad-hash.png', shot.png);
    expect(shot.variance).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lab.setConfig rejects a bad config with the CLI message and keeps the running one', async () => {
    const { page, errors } = await open();
    const bad = {
      ...structuredClone(PLAYGROUND_DEFAULTS),
      optimizer: { ...PLAYGROUND_DEFAULTS.optimizer, momentum: 2 },
    };
    let expected = '';
    try {
      validateConfig(bad);
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toContain('optimizer.momentum');
    const result = await page.evaluate(async (config) => {
      const lab = window.lab!;
      const before = lab.getConfig();
      let message = '';
      try {
        await lab.setConfig(config);
      } catch (e) {
        message = (e as Error).message;
      }
      return { message, unchanged: JSON.stringify(before) === JSON.stringify(lab.getConfig()) };
    }, bad);
    expect(result.message).toBe(expected);
    expect(result.unchanged).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a bad value typed into the GUI shows a banner and keeps the running config', async () => {
    const { page, errors } = await open();
    const momentum = page.getByLabel('momentum γ');
    await momentum.fill('0.9'); // lr·weightDecay = 0.005 > (1 − √0.9)²: no real α
    await momentum.press('Enter');
    const banner = page.locator('.banner[data-topic="config"]');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('optimizer.weightDecay');
    expect(await momentum.inputValue()).toBe('0');
    expect(await page.evaluate(() => window.lab!.getConfig().optimizer.momentum)).toBe(0);
    const lr = page.getByLabel('lr η');
    await lr.fill('0.2');
    await lr.press('Enter');
    await page.waitForFunction(() => window.lab!.getConfig().optimizer.lr === 0.2, null, { timeout: 20_000 });
    // The page writes the readable form back (README "Links"): `#lr=0.2`, not `#c=<JSON>`.
    expect(await page.evaluate(() => location.hash)).toMatch(/^#(.*&)?lr=0\.2(&|$)/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU a banner says what is missing and how to get it', async () => {
    const { page, errors } = await open('', () => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    // Without navigator.gpu the page falls back to WebGL2 when this browser has it, else a plain message.
    const state = await page.evaluate(() => document.body.dataset.state);
    expect(['fallback', 'no-webgl']).toContain(state);
    const banner =
      (await page.locator(state === 'fallback' ? '#banners' : '#plain-message').textContent()) ?? '';
    expect(banner).toContain('navigator.gpu is missing');
    expect(banner).toContain('chrome://flags/#enable-unsafe-webgpu');
    expect(banner).toContain('--enable-unsafe-webgpu --enable-features=Vulkan');
    expect(await page.evaluate(() => window.lab!.available)).toBe(state === 'fallback');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-no-webgpu.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
