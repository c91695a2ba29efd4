/**
 * End-to-end: the page's layout (src/ui/layout.css). At 1024×640, 1920×1080 and 3840×2160, with the drift
 * panel open, the Precision tab open, the tour running (caption shown), the overlay and the legend
 * visible, every panel's bounding box lies inside the viewport and clear of every other (and the docked
 * ones clear of the canvas). A layout sabotaged by one CSS rule fails the same check. Also: the keyboard
 * reaches the tour right after a click on the GUI's Tour button, the divergence legend's end labels stay
 * apart, and embed mode (?embed) shows the canvas alone with wheel zoom working.
 * Screenshots: test-artifacts/layout/.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eAvailable, type OpenedPage, useE2eApp } from './harness';

const available = e2eAvailable();
const PORT = 4187;
const OUT = join(ARTIFACTS, 'layout');

interface Box {
  name: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The panels that must keep clear of each other, by selector. */
const PANELS: Record<string, string> = {
  gui: '#gui',
  overlay: '#overlay',
  drift: '.drift-panel',
  precision: '.ptab',
  legend: '#legend',
  tour: '.tour',
  intro: '#intro',
  banners: '#banners',
};
/** Panels that may lie over the canvas (in its corners); the others are docked beside it. */
const OVER_CANVAS = new Set(['legend', 'intro']);

/** Bounding boxes (CSS px) of the visible panels and of the canvas. */
function boxes(page: Page): Promise<Box[]> {
  return page.evaluate(
    (panels) => {
      const out: Box[] = [];
      for (const [name, sel] of Object.entries({ ...panels, canvas: '#view' })) {
        const e = document.querySelector(sel);
        if (!e) continue;
        const r = e.getBoundingClientRect();
        const style = getComputedStyle(e);
        if (r.width <= 0 || r.height <= 0 || style.visibility === 'hidden' || style.display === 'none')
          continue;
        out.push({ name, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom });
      }
      return out;
    },
    PANELS as Record<string, string>,
  );
}

/** Pairs of boxes that overlap (by more than a rounding error), and boxes outside the viewport. */
function layoutProblems(list: Box[], width: number, height: number): string[] {
  const eps = 0.5;
  const problems: string[] = [];
  for (const b of list) {
    if (b.x0 < -eps || b.y0 < -eps || b.x1 > width + eps || b.y1 > height + eps)
      problems.push(`${b.name} leaves the ${width}×${height} viewport: ${JSON.stringify(b)}`);
  }
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [a, b] = [list[i], list[j]];
      const canvasPair = a.name === 'canvas' || b.name === 'canvas';
      if (canvasPair && (OVER_CANVAS.has(a.name) || OVER_CANVAS.has(b.name))) continue;
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w > eps && h > eps)
        problems.push(`${a.name} overlaps ${b.name} by ${w.toFixed(1)}×${h.toFixed(1)} px`);
    }
  }
  return problems;
}

const fmt = (b: Box) =>
  `${b.name} [${b.x0.toFixed(0)}, ${b.y0.toFixed(0)}]–[${b.x1.toFixed(0)}, ${b.y1.toFixed(0)}]`;

describe.skipIf(!available)('layout in Chromium (WebGPU on SwiftShader)', () => {
  const app = useE2eApp({ outDir: () => mkdtempSync(join(tmpdir(), 'scaleinv-layout-')), port: PORT });
  const url = app.url;

  beforeAll(() => {
    mkdirSync(OUT, { recursive: true });
  });

  async function open(width: number, height: number, path = ''): Promise<OpenedPage> {
    // Uncaught exceptions only (console errors are not checked here).
    const opened = await app.open(path, {
      viewport: { width, height },
      consoleErrors: false,
      state: 'ready',
    });
    const { page } = opened;
    // A small, paused run: the layout is what is looked at (SwiftShader draws 4K on the CPU).
    await page.evaluate(async () => {
      const lab = window.lab!;
      lab.pause();
      await lab.setConfig({ ...lab.getConfig(), init: { ring: { count: 256, radius: 1 } } });
      await lab.step(100);
    });
    return opened;
  }

  /** Drift panel open, Precision tab open, tour started by a click on the GUI's button. */
  async function everythingOpen(page: Page): Promise<void> {
    if (await page.locator('.drift-panel.collapsed').count()) await page.locator('.drift-head').click();
    await page.locator('#gui button', { hasText: 'Precision study' }).click();
    await page.locator('#gui button', { hasText: '▸ Tour' }).click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.tour')?.dataset.figure);
  }

  for (const [width, height] of [
    [1024, 640],
    [1920, 1080],
    [3840, 2160],
  ] as const) {
    it(`at ${width}×${height} every panel is inside the viewport and clear of the others`, async () => {
      const { page, errors } = await open(width, height);
      await everythingOpen(page);
      await page.waitForTimeout(600); // overlay refresh (250 ms) and drift redraw
      await page.screenshot({ path: join(OUT, `layout-${width}x${height}.png`) });
      const list = await boxes(page);
      console.log(`[layout] ${width}×${height}: ${list.map(fmt).join('; ')}`);
      const names = list.map((b) => b.name);
      for (const must of ['gui', 'overlay', 'drift', 'precision', 'legend', 'tour', 'canvas'])
        expect(names, `${must} is visible`).toContain(must);
      expect(layoutProblems(list, width, height)).toEqual([]);
      // The canvas's drawing buffer follows its (docked, smaller) CSS box.
      await page.evaluate(() => window.lab!.step(1));
      const canvas = await page.evaluate(() => {
        const c = document.getElementById('view') as HTMLCanvasElement;
        return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight, dpr: devicePixelRatio };
      });
      expect(canvas.w).toBe(Math.round(canvas.cw * canvas.dpr));
      expect(canvas.h).toBe(Math.round(canvas.ch * canvas.dpr));

      // Sabotage: one rule that moves the legend over the GUI must fail the same check.
      const style = await page.addStyleTag({
        content: '#legend { position: fixed !important; right: 0; top: 0; }',
      });
      const broken = layoutProblems(await boxes(page), width, height);
      expect(broken.some((p) => p.includes('legend') && p.includes('gui'))).toBe(true);
      await style.evaluate((e) => (e as HTMLElement).remove());
      expect(layoutProblems(await boxes(page), width, height)).toEqual([]);

      // Side by side (the legend grows two pane captions): still clear of the drift panel and the rest.
      await page.evaluate(() => window.lab!.setView({ mode: 'sideBySide' }));
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(OUT, `layout-side-by-side-${width}x${height}.png`) });
      const side = await boxes(page);
      console.log(`[layout] ${width}×${height} side by side: ${side.map(fmt).join('; ')}`);
      expect(layoutProblems(side, width, height)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('→ moves the tour right after a click on the Tour button (the button had the focus)', async () => {
    const { page, errors } = await open(1024, 640);
    await page.locator('#gui button', { hasText: '▸ Tour' }).click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.tour')?.dataset.figure);
    const first = await page.evaluate(() => document.querySelector<HTMLElement>('.tour')!.dataset.figure);
    const ids = await page.evaluate(() => [...window.lab!.figures]);
    expect(first).toBe(ids[0]);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (id) => document.querySelector<HTMLElement>('.tour')?.dataset.figure === id,
      ids[1],
      { timeout: 10_000 },
    );
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(
      (id) => document.querySelector<HTMLElement>('.tour')?.dataset.figure === id,
      ids[0],
      { timeout: 10_000 },
    );
    // Focus inside a GUI text field: the keys are typed, the tour stays.
    await page.locator('#gui input[type="text"]').first().focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.querySelector<HTMLElement>('.tour')!.dataset.figure)).toBe(
      ids[0],
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the divergence legend shows its end labels apart ("0" and the end step, not "03000")', async () => {
    const { page, errors } = await open(1024, 640);
    await page.evaluate(async () => {
      const lab = window.lab!;
      await lab.setConfig({ ...lab.getConfig(), steps: 3000 });
      lab.setView({ colorBy: 'divergence' });
    });
    await page.waitForSelector('.legend-scale-ends span');
    const ends = await page.$$eval('.legend-scale-ends span', (spans) =>
      spans.map((s) => {
        const r = s.getBoundingClientRect();
        return { text: s.textContent, x0: r.left, x1: r.right };
      }),
    );
    expect(ends.map((e) => e.text)).toEqual(['0', '3000']);
    expect(ends[1].x0 - ends[0].x1).toBeGreaterThan(20);
    await page.locator('#legend').screenshot({ path: join(OUT, 'legend-divergence.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('?embed shows the canvas alone, and wheel zoom still changes the camera', async () => {
    const { page, errors } = await open(800, 450, '?embed');
    await page.screenshot({ path: join(OUT, 'embed-800x450.png') });
    const visible = await boxes(page);
    expect(visible.map((b) => b.name)).toEqual(['canvas']);
    expect(await page.locator('.lil-gui').first().isVisible()).toBe(false);
    const c = visible[0];
    expect([c.x0, c.y0, c.x1, c.y1]).toEqual([0, 0, 800, 450]);
    const before = await page.evaluate(() => JSON.stringify(window.lab!.getView().camera));
    await page.mouse.move(400, 225);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((b) => JSON.stringify(window.lab!.getView().camera) !== b, before, {
      timeout: 10_000,
    });
    // #embed=1 in the hash does the same (and stays in the hash the page writes back).
    await page.goto(`${url}#embed=1&loss=rugged`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    expect((await boxes(page)).map((b) => b.name)).toEqual(['canvas']);
    // ?embed=legend keeps the legend.
    await page.goto(`${url}?embed=legend`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    expect((await boxes(page)).map((b) => b.name).sort()).toEqual(['canvas', 'legend']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
