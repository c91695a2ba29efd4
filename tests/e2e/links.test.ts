/**
 * End-to-end: readable links in Chromium (WebGPU on SwiftShader). A flat-key URL loads (the figure first,
 * the other keys on top, checked against the config and view written out by hand here) and survives a
 * reload; unknown keys and bad values are named in the url banner while the good keys apply; lab.setConfig
 * and lab.setView write the short form back into location.hash (not `#c=<JSON>`), keeping `embed=1`.
 * Builds its own copy of the app on its own port.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/core/config/types';
import { findFigure } from '../../src/playground/figures';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import { DEFAULT_VIEW, type ViewState } from '../../src/playground/viewState';
import { e2eAvailable, useE2eApp } from './harness';

const OUT_DIR = join(tmpdir(), 'scaleinv-lab-e2e-links');
const PORT = 4203;
const available = e2eAvailable();

/** The hash is written at most every 300 ms (controller.ts): wait past it. */
const HASH_WRITTEN_MS = 700;

describe.skipIf(!available)('readable links in Chromium (WebGPU on SwiftShader)', () => {
  const app = useE2eApp({ outDir: OUT_DIR, port: PORT });

  const urlBanner = (page: Page) => page.locator('.banner[data-topic="url"]');
  const state = (page: Page) =>
    page.evaluate(() => ({
      config: window.lab!.getConfig(),
      view: window.lab!.getView(),
      hash: location.hash,
    }));

  it('a flat-key URL loads as typed and a reload gives the same getConfig() and getView()', async () => {
    const hash =
      '#figure=projected&loss=rugged&lr=0.05&wd=0.05&momentum=0.9&init=ring:256&steps=800&precision=df64' +
      '&view=sideBySide&color=basin&runs=wd,exp&theme=light&lineWidth=4&camera=0.1,-0.2,1.3';
    const { page, errors } = await app.open(hash);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    expect(await urlBanner(page).count()).toBe(0);
    const f = findFigure('projected')!;
    const expectedConfig: ExperimentConfig = {
      ...f.config,
      loss: { preset: 'rugged' },
      optimizer: { ...f.config.optimizer, lr: 0.05, weightDecay: 0.05, momentum: 0.9 },
      init: { ring: { count: 256, radius: 1 } },
      steps: 800,
      precision: 'df64',
    };
    const expectedView: ViewState = {
      ...f.view,
      mode: 'sideBySide',
      colorBy: 'basin',
      runs: { weightDecay: true, projected: false, exponential: true },
      theme: 'light',
      lineWidth: 4,
      camera: { center: [0.1, -0.2], halfHeight: 1.3 },
    };
    await page.evaluate(() => window.lab!.step(50));
    await page.waitForTimeout(HASH_WRITTEN_MS);
    const before = await state(page);
    expect(before.config).toEqual(expectedConfig);
    expect(before.view).toEqual(expectedView);
    // What the page wrote back is the short form, and reads back to the same state.
    console.log(`[e2e links] written back: ${before.hash}`);
    expect(before.hash).not.toMatch(/(^#|&)[cv]=|%7B/);
    expect(before.hash).toContain('lr=0.05');
    expect(before.hash.length).toBeLessThan(hash.length);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60_000 });
    await page.waitForTimeout(HASH_WRITTEN_MS);
    const after = await state(page);
    expect(after.config).toEqual(before.config);
    expect(after.view).toEqual(before.view);
    expect(after.hash).toBe(before.hash);
    expect(await urlBanner(page).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('unknown keys and bad values are named in the banner, and the good keys still apply', async () => {
    const { page, errors } = await app.open('#lrr=0.3&steps=1234&momentun=0.5&view=polar&lr=abc&theme=light');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    const banner = (await urlBanner(page).textContent()) ?? '';
    console.log(`[e2e links] banner: ${banner}`);
    expect(banner).toContain("unknown key 'lrr' (did you mean 'lr'?)");
    expect(banner).toContain("unknown key 'momentun' (did you mean 'momentum'?)");
    expect(banner).toContain("lr: must be a number in (0, 100] (got 'abc')");
    const { config, view } = await state(page);
    expect(config).toEqual({ ...PLAYGROUND_DEFAULTS, steps: 1234 });
    expect({ mode: view.mode, theme: view.theme }).toEqual({ mode: 'polar', theme: 'light' });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('lab.setConfig and lab.setView write the short form into location.hash, keeping embed=1', async () => {
    const { page, errors } = await app.open('#embed=1');
    expect(await urlBanner(page).count()).toBe(0);
    const hash = await page.evaluate(async (wait) => {
      const lab = window.lab!;
      lab.pause();
      const c = lab.getConfig();
      await lab.setConfig({ ...c, steps: 1500, optimizer: { ...c.optimizer, lr: 0.2 } });
      lab.setView({ theme: 'light', colorBy: 'index', camera: { center: [0.5, -0.25], halfHeight: 2 } });
      await new Promise((r) => setTimeout(r, wait));
      return location.hash;
    }, HASH_WRITTEN_MS);
    // Only the non-default fields, in the documented order (README "Links").
    expect(hash).toBe('#lr=0.2&steps=1500&color=index&camera=0.5,-0.25,2&theme=light&embed=1');
    const { config, view } = await state(page);
    expect(config).toEqual({
      ...PLAYGROUND_DEFAULTS,
      steps: 1500,
      optimizer: { ...PLAYGROUND_DEFAULTS.optimizer, lr: 0.2 },
    });
    expect(view).toEqual({
      ...DEFAULT_VIEW,
      theme: 'light',
      colorBy: 'index',
      camera: { center: [0.5, -0.25], halfHeight: 2 },
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
