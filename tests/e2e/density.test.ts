/**
 * End-to-end: the density view for large runs (issue 14, "millions, drawn"), Chromium WebGPU on SwiftShader.
 * - 1,048,576 random starts on seed-wells after 20 steps, in 1920×1080 `lab.snapshot`s of the plane and the
 *   polar view: the share of pixels that differ from the bare background (every run off, density off) with
 *   the density on (against the density's veil alone: it dims the background), against the paths alone
 *   (density off). The density must cover most of the annulus the starts span and 1.5 times what the paths
 *   do (their 32 MiB ring holds about 2 samples per trajectory); density 'auto' must give the
 *   density picture at this count. In the plane view (camera set, origin at the picture's centre) the
 *   brightest pixels must point at a minimum of f (src/core/basins.ts, an independent float64 search):
 *   that is where the runs pile up.
 * - trails: on the visible canvas, after a few frames of steps with trails on, more is covered than by the
 *   density alone at the same step.
 * - the time to draw a whole 1080p frame with paths against density at 4,096 and 262,144 trajectories (printed:
 *   part of the basis of DENSITY_AUTO_COUNT in src/render/density.ts).
 * The PNGs are kept under test-artifacts/density/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBasins } from '../../src/core/basins';
import { findPreset } from '../../src/core/presets';
import type { ViewState } from '../../src/playground/viewState';
import { ARTIFACTS, e2eAvailable, saveBase64, useE2eApp, writeReport } from './harness';

const available = e2eAvailable();
const PORT = 4293;
const OUT_DIR = '/tmp/scaleinv-e2e-density';
const DIR = join(ARTIFACTS, 'density');
const W = 1920;
const H = 1080;
const COUNT = 1_048_576;
const HALF_HEIGHT = 2.5;

interface Shots {
  /** Share of pixels differing from the background by more than 8 levels in some channel. */
  coverage: Record<string, number>;
  /** Angles (from the picture's centre, y up) of the brightest 0.05 % changed pixels of the density shot. */
  brightAngles: number[];
  png: Record<string, string>;
  /** Milliseconds per snapshot (a whole off-screen frame drawn from scratch at 1920×1080, PNG encoded). */
  ms: Record<string, number>;
  adapter: string;
}

/** Snapshots of the current run in `mode`: background, paths only, density on, density auto. */
async function shots(page: Page, mode: ViewState['mode']): Promise<Shots> {
  return page.evaluate(
    async ({ w, h, mode, halfHeight }) => {
      const lab = window.lab! as unknown as {
        snapshot(o: { width: number; height: number }): Promise<Blob>;
        setView(v: Partial<ViewState>): void;
        perf(): { adapter: string };
      };
      const { b64, delta } = window.__e2e;
      const decode = async (blob: Blob) => (await window.__e2e.decode(blob)).data;
      const runs = { weightDecay: true, projected: true, exponential: false };
      const none = { weightDecay: false, projected: false, exponential: false };
      const camera = mode === 'plane' ? { center: [0, 0] as [number, number], halfHeight } : null;
      const blobs: Record<string, Blob> = {};
      const take = async (name: string, v: Partial<ViewState>) => {
        lab.setView({ mode, camera, trails: false, ...v });
        blobs[name] = await lab.snapshot({ width: w, height: h });
      };
      const ms: Record<string, number> = {};
      for (const [name, v] of [
        ['background', { runs: none, density: 'off' }],
        ['veil', { runs: none, density: 'on' }],
        ['paths', { runs, density: 'off' }],
        ['density', { runs, density: 'on' }],
        ['auto', { runs, density: 'auto' }],
      ] as const) {
        const t0 = performance.now();
        await take(name, v);
        ms[name] = performance.now() - t0;
      }
      // The density dims the background under it (a veil): its pixels are compared with the veil alone.
      const bgs = { background: await decode(blobs.background), veil: await decode(blobs.veil) };
      const coverage: Record<string, number> = {};
      const png: Record<string, string> = {};
      let brightAngles: number[] = [];
      for (const name of Object.keys(blobs)) {
        png[name] = await b64(blobs[name]);
        if (name === 'background' || name === 'veil') continue;
        const px = await decode(blobs[name]);
        const bg = name === 'paths' ? bgs.background : bgs.veil;
        let changed = 0;
        const lum: [number, number][] = [];
        for (let p = 0; p < w * h; p++) {
          const i = 4 * p;
          if (delta(px, bg, i) > 8) {
            changed++;
            if (name === 'density') lum.push([px[i] + px[i + 1] + px[i + 2], p]);
          }
        }
        coverage[name] = changed / (w * h);
        if (name === 'density') {
          lum.sort((a, b) => b[0] - a[0]);
          brightAngles = lum
            .slice(0, Math.ceil(0.0005 * w * h))
            .map(([, p]) => Math.atan2(h / 2 - Math.floor(p / w), (p % w) - w / 2));
        }
      }
      return { coverage, brightAngles, png, ms, adapter: lab.perf().adapter };
    },
    { w: W, h: H, mode, halfHeight: HALF_HEIGHT },
  );
}

const save = (name: string, base64: string) => saveBase64(DIR, name, base64);

/** Smallest angular distance between a and b. */
function angleGap(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
}

describe.skipIf(!available)('density view (Chromium WebGPU on SwiftShader)', () => {
  const app = useE2eApp({ outDir: OUT_DIR, port: PORT });
  let page: Page;
  let errors: string[];
  const report: string[] = [];

  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    ({ page, errors } = await app.open());
  });

  afterAll(() => writeReport(DIR, report));

  it('1,048,576 starts after 20 steps: the density covers a large area, the paths little; plane and polar', async () => {
    const seconds = await page.evaluate(async (count) => {
      const lab = window.lab!;
      lab.pause();
      const t0 = performance.now();
      await lab.setConfig({
        ...lab.getConfig(),
        loss: { preset: 'seed-wells' },
        init: { random: { count, seed: 1, radius: [0.2, 2] } },
        steps: 400,
      });
      await lab.step(20);
      return (performance.now() - t0) / 1000;
    }, COUNT);
    report.push(
      `[density] ${COUNT} random starts, seed-wells, built and stepped 20 in ${seconds.toFixed(1)} s`,
    );

    const minima = findBasins(findPreset('seed-wells')!.loss).minima;
    for (const mode of ['plane', 'polar'] as const) {
      const t0 = Date.now();
      const s = await shots(page, mode);
      for (const [name, b64] of Object.entries(s.png)) save(`${mode}-${name}.png`, b64);
      const c = s.coverage;
      report.push(
        `[density] ${mode}, 1920×1080: coverage paths only ${(100 * c.paths).toFixed(2)} %, density on ` +
          `${(100 * c.density).toFixed(2)} %, auto ${(100 * c.auto).toFixed(2)} % ` +
          `(snapshot ms: ${Object.entries(s.ms)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ')}; all in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${s.adapter})`,
      );
      // A large area: after 20 steps the runs still spread over most of the annulus of starts (radius 0.2–2,
      // 28 % of the picture at this camera) besides the clumps; the paths' short strokes cover less.
      const px = (r: number) => (r / HALF_HEIGHT) * (H / 2);
      const annulus = (Math.PI * (px(2) ** 2 - px(0.2) ** 2)) / (W * H);
      expect(c.density).toBeGreaterThan(mode === 'plane' ? 0.5 * annulus : 0.1);
      expect(c.density).toBeGreaterThan(1.5 * c.paths);
      // auto switches the density on at this count (within a few pixels of the same picture).
      expect(Math.abs(c.auto - c.density)).toBeLessThan(0.001);
      if (mode === 'plane') {
        // The brightest cells lie towards a minimum of f (within 12°).
        const off = s.brightAngles.map((a) => Math.min(...minima.map((m) => angleGap(a, m))));
        const near = off.filter((d) => d < (12 * Math.PI) / 180).length / off.length;
        report.push(
          `[density] plane: ${(100 * near).toFixed(1)} % of the ${off.length} brightest pixels within 12° of a minimum of f ` +
            `(minima at ${minima.map((m) => ((m * 180) / Math.PI).toFixed(0)).join('°, ')}°)`,
        );
        expect(near).toBeGreaterThan(0.8);
      }
    }
    expect(errors).toEqual([]);
  }, 400_000);

  it('trails: a few frames of steps leave a fading trace that covers more than the density alone', async () => {
    const r = await page.evaluate(async () => {
      const lab = window.lab! as unknown as {
        screenshot(): Promise<Blob>;
        setView(v: Partial<ViewState>): void;
        step(n: number): Promise<void>;
      };
      const { decode, b64, changed } = window.__e2e;
      const frame = () => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      lab.setView({
        mode: 'plane',
        density: 'on',
        trails: false,
        camera: { center: [0, 0], halfHeight: 2.5 },
      });
      const none = { weightDecay: false, projected: false, exponential: false };
      // The reference: the density's veil with no run binned.
      lab.setView({ runs: none, density: 'on' });
      const bgBlob = await lab.screenshot();
      lab.setView({ runs: { weightDecay: true, projected: true, exponential: false }, density: 'on' });
      const denseBlob = await lab.screenshot();
      lab.setView({ trails: true });
      await frame();
      for (let k = 0; k < 6; k++) {
        await lab.step(4);
        await frame();
      }
      const trailBlob = await lab.screenshot();
      lab.setView({ trails: false });
      const endBlob = await lab.screenshot(); // the density alone at the same step
      const [bg, start, trail, dense] = await Promise.all(
        [bgBlob, denseBlob, trailBlob, endBlob].map(decode),
      );
      const cover = (x: ImageData) => changed(x.data, bg.data, 8) / (x.width * x.height);
      return {
        start: cover(start),
        dense: cover(dense),
        trail: cover(trail),
        size: `${bg.width}×${bg.height}`,
        png: { dense: await b64(denseBlob), trail: await b64(trailBlob) },
      };
    });
    save('canvas-density.png', r.png.dense);
    save('canvas-trails.png', r.png.trail);
    report.push(
      `[density] trails (visible canvas ${r.size}): coverage density ${(100 * r.dense).toFixed(2)} %, ` +
        `at the start ${(100 * r.start).toFixed(2)} %, after 6 frames of 4 steps ${(100 * r.dense).toFixed(2)} % ` +
        `alone and ${(100 * r.trail).toFixed(2)} % with trails`,
    );
    expect(r.trail).toBeGreaterThan(r.dense + 0.01);
    expect(errors).toEqual([]);
  }, 240_000);

  it('time to draw a whole 1080p frame, paths against density, at 4,096 and 262,144 trajectories (printed)', async () => {
    // The two ends of the range only: the printed times are for reading, not asserted (the suite's time).
    for (const count of [4096, 262144]) {
      const m = await page.evaluate(async (n) => {
        const lab = window.lab! as unknown as {
          pause(): void;
          getConfig(): object;
          setConfig(c: object): Promise<void>;
          setView(v: Partial<ViewState>): void;
          step(n: number): Promise<void>;
          snapshot(o: { width: number; height: number }): Promise<Blob>;
        };
        lab.pause();
        const seed = { random: { count: n, seed: 2, radius: [0.2, 2] } };
        await lab.setConfig({ ...lab.getConfig(), init: seed, steps: 400 });
        await lab.step(20);
        // A snapshot draws everything from scratch (as after a pan or zoom, and for exports): the ring's
        // paths, or the binning and the density pass. One of each; the PNG encoding is in both.
        const best: Record<string, number> = { off: Infinity, on: Infinity };
        for (let rep = 0; rep < 1; rep++)
          for (const density of ['off', 'on'] as const) {
            lab.setView({ density, trails: false, mode: 'plane', camera: null });
            const t0 = performance.now();
            await lab.snapshot({ width: 1920, height: 1080 });
            best[density] = Math.min(best[density], performance.now() - t0);
          }
        return best;
      }, count);
      expect(m.off).toBeGreaterThan(0);
      expect(m.on).toBeGreaterThan(0);
      report.push(
        `[density perf] ${count} trajectories, 20 steps, 1920×1080 snapshot: paths ${m.off.toFixed(0)} ms, ` +
          `density ${m.on.toFixed(0)} ms`,
      );
    }
    expect(errors).toEqual([]);
  }, 300_000);
});
