/**
 * End-to-end: themes, presentation mode's fixed resolution, and "fit the action" (issue 14).
 * - A 1920×1080 lab.snapshot of every tour figure in the dark and the light theme, kept under
 *   test-artifacts/themes/. Per picture: the mean luminance (light theme high, dark theme low), and, where the
 *   figure colours paths by run, pixels near the theme's weight-decay run colour (white on dark, near-black on
 *   light: colours the theme's heatmap never takes), so the paths are there and recoloured in both themes.
 * - Presentation mode at a fixed 1920×1080 in a 1280×800 window: the canvas's drawing buffer is 1920×1080,
 *   it is shown letterboxed without a CSS transform, and a mouse drag of N CSS pixels pans the camera by
 *   exactly N·(2·halfHeight / displayed height) world units (lab.getView().camera).
 * - lab.fitAction() frames the run: the projected figure's fitted half-height is smaller than its old
 *   hand-set one (1.0) and its path still lies inside the picture.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THEME_PALETTES } from '../../src/render/theme';
import { ARTIFACTS, e2eAvailable, saveBase64, useE2eApp, writeReport } from './harness';

const available = e2eAvailable();
const PORT = 4297;
const OUT_DIR = '/tmp/scaleinv-e2e-themes';
const DIR = join(ARTIFACTS, 'themes');
const W = 1920;
const H = 1080;
/** Steps a figure is run before its snapshot (the 4096-trajectory figure fewer: SwiftShader). */
const MAX_STEPS = { default: 3000, many: 600 };

interface Shot {
  png: string;
  meanLuminance: number;
  /** Pixels within RUN_TOLERANCE of the theme's weight-decay run colour. */
  runPixels: number;
  colorBy: string;
  weightDecayShown: boolean;
}

const RUN_TOLERANCE = 60;

describe.skipIf(!available)(
  'themes, presentation resolution, fit the action (Chromium WebGPU, SwiftShader)',
  () => {
    const app = useE2eApp({
      outDir: OUT_DIR,
      port: PORT,
      page: { viewport: { width: 1280, height: 800 }, state: 'ready' },
    });
    const report: string[] = [];

    beforeAll(() => {
      mkdirSync(DIR, { recursive: true });
    });

    afterAll(() => writeReport(DIR, report));

    /** Loads figure `id`, sets `theme`, runs it from step 0 (paused) and snapshots it at W×H. */
    async function shoot(page: Page, id: string, theme: 'dark' | 'light'): Promise<Shot> {
      const runRgb = THEME_PALETTES[theme].runs.weightDecay;
      return page.evaluate(
        async ({ id, theme, w, h, runRgb, tol, maxSteps }) => {
          const lab = window.lab! as unknown as Window['lab'] & {
            snapshot(o: { width: number; height: number }): Promise<Blob>;
          };
          await lab.loadFigure(id);
          lab.pause();
          lab.setView({ theme });
          await lab.reset();
          const c = lab.getConfig();
          const count = 'ring' in c.init ? c.init.ring.count : 1;
          await lab.step(Math.min(c.steps, count > 64 ? maxSteps.many : maxSteps.default));
          const blob = await lab.snapshot({ width: w, height: h });
          const d = (await window.__e2e.decode(blob)).data;
          const lin = (v: number) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          };
          let lum = 0;
          let runPixels = 0;
          for (let i = 0; i < d.length; i += 4) {
            lum += 0.2126 * lin(d[i]) + 0.7152 * lin(d[i + 1]) + 0.0722 * lin(d[i + 2]);
            const dist = Math.max(
              Math.abs(d[i] - runRgb[0]),
              Math.abs(d[i + 1] - runRgb[1]),
              Math.abs(d[i + 2] - runRgb[2]),
            );
            if (dist <= tol) runPixels++;
          }
          const v = lab.getView();
          return {
            png: await window.__e2e.b64(blob),
            meanLuminance: lum / (d.length / 4),
            runPixels,
            colorBy: v.colorBy,
            weightDecayShown: v.runs.weightDecay,
          };
        },
        { id, theme, w: W, h: H, runRgb, tol: RUN_TOLERANCE, maxSteps: MAX_STEPS },
      );
    }

    it('every tour figure at 1080p in both themes: light pictures light, dark ones dark, run colours drawn', async () => {
      const { page, errors } = await app.open();
      const figures = await page.evaluate(() => window.lab!.figures);
      expect(figures.length).toBeGreaterThanOrEqual(9);
      report.push(`[themes] adapter: ${await page.evaluate(() => window.lab!.perf().adapter)}`);
      for (const id of figures) {
        for (const theme of ['dark', 'light'] as const) {
          const shot = await shoot(page, id, theme);
          saveBase64(DIR, `${id}-${theme}.png`, shot.png);
          report.push(
            `[themes] ${id} ${theme}: mean luminance ${shot.meanLuminance.toFixed(3)}, ` +
              `weight-decay-colour pixels ${shot.runPixels}`,
          );
          // The dark colormap's brightest stop has luminance ≈ 0.16, the light one's darkest ≈ 0.42
          // (tests/render/theme.test.ts): a picture of mostly heatmap lies below 0.2, resp. above 0.4.
          if (theme === 'light') expect(shot.meanLuminance, `${id} light`).toBeGreaterThan(0.4);
          else expect(shot.meanLuminance, `${id} dark`).toBeLessThan(0.2);
          // Figures whose paths are coloured by run show the weight-decay colour; the others do not need it.
          if (shot.colorBy === 'run' && shot.weightDecayShown)
            expect(shot.runPixels, `${id} ${theme}: run-colour pixels`).toBeGreaterThan(300);
        }
      }
      // The whole page in the light theme (GUI, legend, drift panel), kept with the snapshots.
      await page.screenshot({ path: join(DIR, 'page-light.png') });
      // The page's chrome follows the theme (the legend's panel is light in the light theme).
      const legendBg = await page.evaluate(
        () => getComputedStyle(document.querySelector('.legend')!).backgroundColor,
      );
      report.push(`[themes] legend background in the light theme: ${legendBg}`);
      expect(await page.evaluate(() => document.body.classList.contains('theme-light'))).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    }, 900_000);

    it('presentation at a fixed 1920×1080 in a 1280×800 window: exact buffer, no CSS scale, exact pan', async () => {
      const { page, errors } = await app.open();
      await page.evaluate(async () => {
        const lab = window.lab! as unknown as Window['lab'] & { presentation(o: object): Promise<unknown> };
        lab.pause();
        lab.setView({ camera: { center: [0, 0], halfHeight: 1.5 } });
        await lab.presentation({ resolution: '1080p', theme: 'light' });
      });
      await page.waitForFunction(() => {
        const c = document.getElementById('view') as HTMLCanvasElement;
        return c.width === 1920 && c.height === 1080;
      });
      const box = await page.evaluate(() => {
        const c = document.getElementById('view') as HTMLCanvasElement;
        const r = c.getBoundingClientRect();
        return {
          x: r.x,
          y: r.y,
          w: r.width,
          h: r.height,
          transform: getComputedStyle(c).transform,
          theme: window.lab!.getView().theme,
        };
      });
      report.push(
        `[themes] presentation 1080p in 1280×800: canvas shown at ${box.w}×${box.h} CSS px, transform ${box.transform}`,
      );
      expect(box.theme).toBe('light');
      expect(box.w / box.h).toBeCloseTo(16 / 9, 2);
      expect(box.w).toBeLessThanOrEqual(1280 + 0.5);
      // No scale in the transform (a translate at most).
      if (box.transform !== 'none') {
        const m = box.transform
          .match(/matrix\(([^)]+)\)/)![1]
          .split(',')
          .map(Number);
        expect([m[0], m[1], m[2], m[3]]).toEqual([1, 0, 0, 1]);
      }
      const before = await page.evaluate(() => window.lab!.getView().camera!);
      const N = 200;
      const [x0, y0] = [box.x + box.w / 2, box.y + box.h / 2];
      await page.mouse.move(x0, y0);
      await page.mouse.down();
      await page.mouse.move(x0 + N / 2, y0, { steps: 4 });
      await page.mouse.move(x0 + N, y0, { steps: 4 });
      await page.mouse.up();
      const after = await page.evaluate(() => window.lab!.getView().camera!);
      const want = (N * 2 * before.halfHeight) / box.h;
      report.push(
        `[themes] drag ${N} CSS px: camera x moved ${(before.center[0] - after.center[0]).toFixed(6)}, expected ${want.toFixed(6)}`,
      );
      expect(before.center[0] - after.center[0]).toBeCloseTo(want, 6);
      expect(after.center[1]).toBeCloseTo(before.center[1], 9);
      // The old CSS-scaled canvas panned by N·2h/(1080/DPR): 1.5× too far here. Make sure that differs.
      expect(Math.abs((N * 2 * before.halfHeight) / 1080 - want)).toBeGreaterThan(0.1);
      await page.evaluate(async () => {
        const lab = window.lab! as unknown as { presentation(o: object): Promise<unknown> };
        await lab.presentation({ on: false, resolution: 'window', theme: 'dark' });
      });
      expect(errors).toEqual([]);
      await page.close();
    }, 240_000);

    it('lab.fitAction frames the projected figure tighter than its old hand-set camera', async () => {
      const { page, errors } = await app.open();
      const out = await page.evaluate(async () => {
        const lab = window.lab!;
        await lab.loadFigure('projected');
        lab.pause();
        lab.setView({ camera: { center: [0, 0], halfHeight: 1 } }); // the figure's camera before
        const fitted = await lab.fitAction!();
        return { fitted, view: lab.getView().camera };
      });
      report.push(`[themes] lab.fitAction on projected: ${JSON.stringify(out.fitted)}`);
      expect(out.fitted).not.toBeNull();
      expect(out.view!.halfHeight).toBeCloseTo(out.fitted!.halfHeight, 9);
      expect(out.fitted!.halfHeight).toBeLessThan(0.75);
      // The start (−0.7, 0.7) is in view.
      expect(Math.abs(0.7 - out.fitted!.center[1])).toBeLessThan(out.fitted!.halfHeight);
      expect(errors).toEqual([]);
      await page.close();
    }, 240_000);
  },
);
