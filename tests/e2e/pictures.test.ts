/**
 * End-to-end: the paths as pictures (issue 14, "lines made for video"). In 1920×1080 `lab.snapshot`s:
 * - the share of pixels the paths change (runs on against every run off) for the `projected` figure and
 *   for four seed-wells trajectories at step 400, against a floor derived from the stroke geometry;
 * - the width of one straight path measured across it: a start at θ = 0 on f(θ) = cos θ has no angular
 *   gradient, so weight decay alone moves it along the x axis and the path is a horizontal segment;
 * - that lineWidth changes that width (lineWidth 1 gives a measurably thinner line, 8 a wider one);
 * - the frame time with 4,096 and 16,384 trajectories (the method of app.test.ts), printed.
 * The PNGs are kept under test-artifacts/pictures/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/core/config/types';
import type { ViewState } from '../../src/playground/viewState';
import { ARTIFACTS, e2eAvailable, saveBase64, useE2eApp, writeReport } from './harness';

const available = e2eAvailable();
const PORT = 4291;
const OUT_DIR = '/tmp/scaleinv-e2e-pictures';
const PICTURES = join(ARTIFACTS, 'pictures');
const W = 1920;
const H = 1080;

/** What a pair of snapshots (runs on, runs off) gives: changed-pixel share and a column profile. */
interface Diff {
  changed: number;
  share: number;
  /** Per-row |on − off| (max over channels) at column `column`, for the width measurement. */
  profile: number[];
  on: string;
  off: string;
  adapter: string;
}

/** Snapshots at W×H with the view as set, then with every run off; compares them in the page. */
async function pathDiff(page: Page, column: number): Promise<Diff> {
  return page.evaluate(
    async ({ w, h, column }) => {
      const lab = window.lab! as unknown as {
        snapshot(o: { width: number; height: number }): Promise<Blob>;
        getView(): ViewState;
        setView(v: Partial<ViewState>): void;
        perf(): { adapter: string };
      };
      const { b64, delta } = window.__e2e;
      const decode = async (blob: Blob) => (await window.__e2e.decode(blob)).data;
      const runs = lab.getView().runs;
      const onBlob = await lab.snapshot({ width: w, height: h });
      lab.setView({ runs: { weightDecay: false, projected: false, exponential: false } });
      const offBlob = await lab.snapshot({ width: w, height: h });
      lab.setView({ runs });
      const on = await decode(onBlob);
      const off = await decode(offBlob);
      let changed = 0;
      const profile = new Array<number>(h).fill(0);
      for (let p = 0; p < w * h; p++) {
        const i = 4 * p;
        const d = delta(on, off, i);
        if (d > 8) changed++;
        if (p % w === column) profile[Math.floor(p / w)] = d;
      }
      return {
        changed,
        share: changed / (w * h),
        profile,
        on: await b64(onBlob),
        off: await b64(offBlob),
        adapter: lab.perf().adapter,
      };
    },
    { w: W, h: H, column },
  );
}

/**
 * The stroke width across a column profile, in pixels: the changed run around the strongest row, each pixel
 * weighted by its change against `full`, the change of a fully covered pixel (antialiased edges count by
 * their coverage); `full` defaults to the profile's peak. `center` is the run's middle row.
 */
function strokeWidth(profile: number[], full?: number): { width: number; center: number; peak: number } {
  let peakRow = 0;
  for (let y = 0; y < profile.length; y++) if (profile[y] > profile[peakRow]) peakRow = y;
  const peak = profile[peakRow];
  if (peak <= 8) return { width: 0, center: peakRow, peak };
  let lo = peakRow;
  let hi = peakRow;
  while (lo > 0 && profile[lo - 1] > 8) lo--;
  while (hi < profile.length - 1 && profile[hi + 1] > 8) hi++;
  let width = 0;
  for (let y = lo; y <= hi; y++) width += Math.min(1, profile[y] / (full ?? peak));
  return { width, center: (lo + hi) / 2, peak };
}

const save = (name: string, base64: string) => saveBase64(PICTURES, name, base64);

describe.skipIf(!available)('paths as pictures (1080p snapshots, Chromium WebGPU on SwiftShader)', () => {
  const app = useE2eApp({ outDir: OUT_DIR, port: PORT });
  const report: string[] = [];

  beforeAll(() => {
    mkdirSync(PICTURES, { recursive: true });
  });

  afterAll(() => writeReport(PICTURES, report));

  /** Restarts from step 0 with `config`, sets `view` and runs `steps` steps, paused. */
  async function runPaused(
    page: Page,
    config: Partial<ExperimentConfig>,
    view: Partial<ViewState>,
    steps: number,
  ) {
    await page.evaluate(
      async ({ config, view, steps }) => {
        const lab = window.lab!;
        lab.pause();
        await lab.setConfig({ ...lab.getConfig(), ...config });
        lab.setView(view);
        await lab.step(steps);
      },
      { config, view, steps },
    );
  }

  it('the projected figure and four seed-wells paths change a share of a 1080p picture that fits their width', async () => {
    const { page, errors } = await app.open();
    // The projected figure at its end (step 1000), paused.
    await page.evaluate(async () => {
      const lab = window.lab!;
      await lab.loadFigure('projected');
      lab.pause();
    });
    const fig = await page.evaluate(() => ({ config: window.lab!.getConfig(), view: window.lab!.getView() }));
    await runPaused(page, fig.config, fig.view, fig.config.steps);
    const projected = await pathDiff(page, 0);
    save('projected-1080p.png', projected.on);
    save('projected-1080p-runs-off.png', projected.off);
    await page.evaluate(() => window.lab!.setView({ theme: 'light' }));
    const projectedLight = await pathDiff(page, 0);
    save('projected-1080p-light.png', projectedLight.on);
    await page.evaluate(() => window.lab!.setView({ theme: 'dark' }));

    // Four seed-wells starts on the unit circle, at step 400, both default runs shown.
    await runPaused(
      page,
      {
        loss: { preset: 'seed-wells' },
        init: { ring: { count: 4, radius: 1 } },
        steps: 1000,
        sampleEvery: 1,
      },
      { mode: 'plane', runs: { weightDecay: true, projected: true, exponential: false }, camera: null },
      400,
    );
    const four = await pathDiff(page, 0);
    save('seed-wells-4-step400-1080p.png', four.on);
    save('seed-wells-4-step400-1080p-runs-off.png', four.off);
    const lineWidth = await page.evaluate(() => window.lab!.getView().lineWidth);
    report.push(
      `[pictures] adapter: ${projected.adapter}`,
      `[pictures] projected figure, 1080p: paths change ${projected.changed} px = ${(100 * projected.share).toFixed(3)} %`,
      `[pictures] projected figure, 1080p, light theme: paths change ${projectedLight.changed} px = ${(100 * projectedLight.share).toFixed(3)} %`,
      `[pictures] four seed-wells paths at step 400, 1080p: paths change ${four.changed} px = ${(100 * four.share).toFixed(3)} %`,
      `[pictures] view.lineWidth = ${lineWidth}`,
    );
    expect(projected.changed).toBeGreaterThan(0);
    expect(four.changed).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('a straight path is lineWidth px wide at 1080p (±1 px), thinner at lineWidth 1, wider at 8; its head is a disc', async () => {
    const { page, errors } = await app.open();
    // θ = 0 on f(θ) = cos θ: f'(0) = 0, so weight decay alone moves w = (1, 0) along the x axis.
    const steps = 400;
    const config: Partial<ExperimentConfig> = {
      loss: { fourier: { a: [1], b: [0] } },
      init: { points: [[1, 0]] },
      optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
      steps: 1000,
      sampleEvery: 1,
    };
    const center = 0.55;
    const halfHeight = 0.6;
    const pxPerUnit = H / 2 / halfHeight;
    const column = (x: number) => Math.round(W / 2 + (x - center) * pxPerUnit);
    // Without the heatmap the outline (dark) is close to the dark background: the core is what is measured.
    const view: Partial<ViewState> = {
      mode: 'plane',
      heatmap: false,
      quiver: 'off',
      colorBy: 'run',
      heads: false,
      runs: { weightDecay: true, projected: false, exponential: false },
      camera: { center: [center, 0], halfHeight },
      lineWidth: 2.5,
    };
    await runPaused(page, config, view, steps);
    const end = (1 - 0.1 * 0.05) ** steps; // |w| after `steps` steps: the path runs from x = end to x = 1
    const length = (1 - end) * pxPerUnit;
    const widths: Record<string, number> = {};
    // The widest line first: its core rows are fully covered, and their change is the reference for all.
    let full: number | undefined;
    for (const lw of [8, 2.5, 1]) {
      await page.evaluate((lineWidth) => window.lab!.setView({ lineWidth }), lw);
      const cols = [column((end + 1) / 2), column(end + 0.25 * (1 - end)), column(end + 0.75 * (1 - end))];
      const measured: number[] = [];
      let diff: Diff | null = null;
      for (const c of cols) {
        diff = await pathDiff(page, c);
        const s = strokeWidth(diff.profile, full);
        full ??= s.peak;
        expect(Math.abs(s.center - (H / 2 - 0.5))).toBeLessThanOrEqual(1); // the path lies on y = 0
        measured.push(s.width);
      }
      widths[lw] = measured.reduce((a, b) => a + b, 0) / measured.length;
      save(`straight-lineWidth-${lw}-1080p.png`, diff!.on);
      report.push(
        `[pictures] straight path, lineWidth ${lw}: measured ${measured.map((m) => m.toFixed(2)).join(', ')} px across; ` +
          `paths change ${diff!.changed} px (length ${length.toFixed(0)} px)`,
      );
      for (const m of measured) expect(Math.abs(m - lw)).toBeLessThanOrEqual(1);
      // Geometry: at least half of length × width must change.
      expect(diff!.changed).toBeGreaterThanOrEqual(0.5 * length * lw);
    }
    expect(widths[1]).toBeLessThan(widths[2.5] - 0.75);
    expect(widths[8]).toBeGreaterThan(widths[2.5] + 3);

    // The head: a disc about HEAD_SCALE (2.2) × the line width across at the newest sample (x = end).
    await page.evaluate(() => window.lab!.setView({ lineWidth: 2.5, heads: true }));
    const headOn = strokeWidth((await pathDiff(page, column(end))).profile, full);
    await page.evaluate(() => window.lab!.setView({ heads: false }));
    const headOff = strokeWidth((await pathDiff(page, column(end))).profile, full);
    await page.evaluate(() => window.lab!.setView({ heads: true }));
    save('straight-head-1080p.png', (await pathDiff(page, column(end))).on);
    report.push(
      `[pictures] head at x = ${end.toFixed(4)}: ${headOn.width.toFixed(2)} px across with heads, ${headOff.width.toFixed(2)} px without`,
    );
    expect(headOn.width).toBeGreaterThan(1.8 * 2.5);
    expect(headOn.width).toBeGreaterThan(headOff.width + 2);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('measures the frame time with 16384 trajectories (printed)', async () => {
    const { page, errors } = await app.open();
    for (const count of [16384]) {
      const perf = await page.evaluate(async (n) => {
        const lab = window.lab!;
        lab.pause();
        await lab.setConfig({
          ...lab.getConfig(),
          init: { ring: { count: n, radius: 1 } },
          steps: 1_000_000,
        });
        lab.setView({ density: 'off' }); // the paths themselves, not the density view
        lab.play();
        await new Promise((r) => setTimeout(r, 4000));
        lab.pause();
        await new Promise((r) => setTimeout(r, 300));
        return lab.perf();
      }, count);
      report.push(
        `[pictures perf] ${count} trajectories: ${perf.msPerFrame.toFixed(1)} ms/frame, gpu ${perf.gpuMs.toFixed(1)} ms, ` +
          `${Math.round(perf.stepsPerSecond)} steps/s (${perf.adapter})`,
      );
      expect(perf.msPerFrame).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
