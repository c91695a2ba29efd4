/**
 * End-to-end: the Precision tab in Chromium on SwiftShader's WebGPU. Runs f32 + df64 + f64 on 128
 * trajectories of the rugged preset through lab.study, checks the divergence order, checks the f64 numbers
 * against `scaleinv-lab study --precisions f64` run here, highlights a path by clicking its table row
 * (screenshot difference), sorts, exports CSV / JSON / PNG and cancels a dd run. Builds its own copy of the
 * app on its own port (no race with the other e2e files). Screenshots go to test-artifacts/.
 *
 * The config's start points are given explicitly, computed here: Chromium's Math.cos/sin differ from Node's
 * in the last bit (tests/e2e/fallback.test.ts), and a ring computed in the page would start the chaotic
 * runs from slightly different points than the CLI's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { initialPoints } from '../../src/core/init';
import { studyCsvHeader } from '../../src/core/study/csv';
import type { StudyResult } from '../../src/core/study/types';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import { ARTIFACTS, e2eAvailable, ROOT, saveBase64, useE2eApp } from './harness';

/** The lab calls this file uses (src/app/labApi.ts: optional there, absent in the CPU fallback). */
interface PrecisionLab {
  openPrecisionTab(): void;
  study(options?: { precisions?: string[]; ddSubset?: number }): Promise<StudyResult>;
}

const OUT_DIR = join(tmpdir(), 'scaleinv-lab-e2e-precision');
const PORT = 4191;

const available = e2eAvailable();

const ring = initialPoints({ ring: { count: 128, radius: 1 } });
const CONFIG = validateConfig({
  ...structuredClone(PLAYGROUND_DEFAULTS),
  loss: { preset: 'rugged' },
  optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
  init: { points: Array.from({ length: 128 }, (_, i) => [ring[2 * i], ring[2 * i + 1]]) },
  steps: 600,
  sampleEvery: 2,
  driftTolerance: 1e-3,
});

/** Keeps lab.screenshot()'s pixels in the page as window.__shots[name]; saves the PNG to test-artifacts. */
async function grab(page: Page, name: string): Promise<void> {
  const png = await page.evaluate(async (key) => {
    const blob = await window.lab!.screenshot();
    const w = window as unknown as { __shots?: Record<string, Uint8ClampedArray> };
    w.__shots ??= {};
    w.__shots[key] = (await window.__e2e.decode(blob)).data;
    return window.__e2e.b64(blob);
  }, name);
  saveBase64(ARTIFACTS, `e2e-precision-${name}.png`, png);
}

/** Pixels that differ (any channel by > 24) between two grabs, and the highlight-coloured pixels of each. */
async function compare(page: Page, a: string, b: string) {
  return page.evaluate(
    ([ka, kb]) => {
      const shots = (window as unknown as { __shots: Record<string, Uint8ClampedArray> }).__shots;
      const [pa, pb] = [shots[ka], shots[kb]];
      // HIGHLIGHT_COLOR (1, 0.16, 0.78): strong red and blue, little green.
      const magenta = (p: Uint8ClampedArray, i: number) => p[i] > 190 && p[i + 1] < 110 && p[i + 2] > 140;
      let ma = 0;
      let mb = 0;
      for (let i = 0; i < pa.length; i += 4) {
        if (magenta(pa, i)) ma++;
        if (magenta(pb, i)) mb++;
      }
      return { changed: window.__e2e.changed(pa, pb, 24), magentaA: ma, magentaB: mb };
    },
    [a, b],
  );
}

describe.skipIf(!available)('Precision tab in Chromium (WebGPU on SwiftShader)', () => {
  const app = useE2eApp({ outDir: OUT_DIR, port: PORT });
  let page: Page;
  let errors: string[];
  let study: StudyResult;

  beforeAll(async () => {
    const viewport = { width: 1280, height: 800 };
    ({ page, errors } = await app.open('', { viewport, acceptDownloads: true, state: 'ready' }));
    await page.evaluate(async (c) => {
      const l = window.lab!;
      l.pause();
      await l.setConfig(c);
      await l.step(600); // paths to highlight
    }, CONFIG);
  });

  it('opens from the GUI button and from lab.openPrecisionTab()', async () => {
    expect(await page.locator('.ptab').isVisible()).toBe(false);
    await page.getByText('Precision study (f32').click();
    expect(await page.locator('.ptab').isVisible()).toBe(true);
    await page.locator('.ptab-close').click();
    expect(await page.locator('.ptab').isVisible()).toBe(false);
    await page.evaluate(() => (window.lab as unknown as PrecisionLab).openPrecisionTab());
    expect(await page.locator('.ptab').isVisible()).toBe(true);
  });

  it('runs f32, df64 and f64: divergence ordered f32 < df64 ≤ f64', async () => {
    const { result, ms } = await page.evaluate(async () => {
      const t0 = performance.now();
      const result = await (window.lab as unknown as PrecisionLab).study({
        precisions: ['f32', 'df64', 'f64'],
      });
      return { result, ms: performance.now() - t0 };
    });
    study = result;
    const times = study.runs.map((r) => `${r.precision} ${r.seconds.toFixed(2)} s`).join(', ');
    console.log(
      `[e2e precision] study of 128 × 600 steps on ${study.adapter}: ${(ms / 1000).toFixed(1)} s (${times})`,
    );
    expect(study.runs.map((r) => [r.precision, r.backend, r.trajectories])).toEqual([
      ['f32', 'gpu', 128],
      ['df64', 'gpu', 128],
      ['f64', 'cpu', 128],
    ]);
    const median = Object.fromEntries(study.aggregate.rows.map((r) => [r.precision, r.medianDivergence]));
    console.log(`[e2e precision] median divergence steps: ${JSON.stringify(median)}`);
    expect(median.f32).not.toBeNull();
    expect(median.f32!).toBeLessThan(median.df64 ?? Infinity);
    expect(median.df64 ?? Infinity).toBeLessThanOrEqual(median.f64 ?? Infinity);
    expect(await page.locator('.ptab-table tbody tr').count()).toBe(50);
    expect(await page.locator('.ptab-summary').textContent()).toMatch(/steps per bit/);
    expect(await page.locator('.ptab .uplot').count()).toBe(2);
  });

  it('its f64 numbers are those of `scaleinv-lab study --precisions f64`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scaleinv-lab-precision-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(CONFIG));
    const r = spawnSync(
      process.execPath,
      ['bin/scaleinv-lab.mjs', 'study', file, '--precisions', 'f64', '--out', join(dir, 'out')],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const cli = JSON.parse(readFileSync(join(dir, 'out', 'study.json'), 'utf8')) as StudyResult;
    const pick = (s: StudyResult) =>
      s.trajectories.map((t) => [t.init, t.divergenceStep.f64, t.overflowStep.f64, t.crossingStep.f64]);
    expect(pick(study)).toEqual(pick(cli));
    expect(study.trajectories.filter((t) => typeof t.divergenceStep.f64 === 'number').length).toBeGreaterThan(
      10,
    );
    expect(study.aggregate.rows.find((x) => x.precision === 'f64')).toEqual(cli.aggregate.rows[0]);
    // Lyapunov: the twin's angle goes through Math.atan2, whose last bit differs between Chromium and Node.
    cli.trajectories.forEach((t, i) => {
      const mine = study.trajectories[i].lyapunov;
      if (t.lyapunov === null) expect(mine).toBeNull();
      else expect(Math.abs(mine! - t.lyapunov)).toBeLessThanOrEqual(1e-9 * Math.abs(t.lyapunov));
    });
  });

  it('clicking a row highlights that path (and clicking it again removes it); headers sort', async () => {
    await grab(page, 'before');
    const row = page.locator('.ptab-table tbody tr[data-index="5"]');
    await row.click();
    expect(await row.getAttribute('class')).toContain('selected');
    await grab(page, 'highlighted');
    await row.click();
    await grab(page, 'after');
    const on = await compare(page, 'before', 'highlighted');
    const off = await compare(page, 'before', 'after');
    console.log(`[e2e precision] highlight: ${JSON.stringify(on)}; removed: ${JSON.stringify(off)}`);
    expect(on.changed).toBeGreaterThan(100);
    expect(on.magentaB - on.magentaA).toBeGreaterThan(100);
    expect(off.changed).toBeLessThan(on.changed / 10);

    // The other view modes draw it too (polar: θ against ln|w|; side by side: both panes).
    for (const mode of ['polar', 'sideBySide']) {
      await page.evaluate((m) => window.lab!.setView({ mode: m as 'polar' }), mode);
      await grab(page, `${mode}-before`);
      await row.click();
      await grab(page, `${mode}-highlighted`);
      await row.click();
      const m = await compare(page, `${mode}-before`, `${mode}-highlighted`);
      console.log(`[e2e precision] highlight in ${mode}: ${JSON.stringify(m)}`);
      expect(m.magentaB - m.magentaA).toBeGreaterThan(100);
    }
    await page.evaluate(() => window.lab!.setView({ mode: 'plane' }));

    await page.locator('.ptab-table th[data-key="div:f32"]').click();
    const firstTwo = await page
      .locator('.ptab-table tbody tr')
      .evaluateAll((trs) => trs.slice(0, 2).map((tr) => Number(tr.getAttribute('data-index'))));
    const f32 = study.trajectories.map((t) => t.divergenceStep.f32 ?? Infinity);
    const min = Math.min(...f32);
    expect(firstTwo.map((i) => f32[i])[0]).toBe(min);
  });

  it('exports CSV (the CLI header), JSON (the study) and PNG', async () => {
    const save = async (what: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`.ptab-export button[data-export="${what}"]`).click(),
      ]);
      return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
    };
    const csv = await save('csv');
    const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
    expect(csv.name).toBe('study-rugged.csv');
    expect(lines[0]).toBe(studyCsvHeader(['f32', 'df64', 'f64']).join(','));
    expect(lines.length).toBe(129);
    const json = await save('json');
    expect(JSON.parse(json.bytes.toString('utf8'))).toEqual(study);
    const png = await save('png');
    expect([...png.bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    expect(png.bytes.length).toBeGreaterThan(5000);
    await page.locator('.ptab').evaluate((e) => e.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-precision-page.png') });
  });

  it('cancels a running study', async () => {
    const outcome = await page.evaluate(async () => {
      const p = (window.lab as unknown as PrecisionLab).study({ precisions: ['f64', 'dd'], ddSubset: 128 });
      const status = document.querySelector('.ptab-status')!;
      // Cancel while dd runs (128 × 600 dd steps take about a second).
      for (let i = 0; i < 200 && !/\] dd:/.test(status.textContent ?? ''); i++)
        await new Promise((r) => setTimeout(r, 20));
      (document.querySelector('.ptab-cancel') as HTMLButtonElement).click();
      return p.then(
        () => 'finished',
        (e: Error) => e.name,
      );
    });
    expect(outcome).toBe('AbortError');
    expect(await page.locator('.ptab-status').textContent()).toBe('Cancelled.');
    expect(await page.locator('.ptab-run').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
