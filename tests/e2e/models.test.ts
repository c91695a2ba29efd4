/**
 * End-to-end: the models page (models.html, issue 16) in Chromium with WebGPU on SwiftShader. Its first run
 * is the default preset (BN logistic regression, d 8, n 256) with 4,096 seeds, cut to 48 steps so that the
 * suite stays short on SwiftShader (the default 200 steps take 70–110 s there): f32 on the GPU driver, f64
 * in CPU workers on the first 64. Checks that the slice canvas is painted (its pixels changed
 * from the blank page, with a heatmap and paths, not one colour), that the three charts exist, and that
 * modelsLab.stats() reports 4,096 f32 seeds; prints the run's times and the adapter. A bad link value must
 * be named in a banner while the page still runs; a lost GPU device moves the run to the CPU workers; a
 * browser without WebGPU gets a banner and the CPU subset. Builds and serves its own copy. The slice's PNG
 * goes to test-artifacts/. The 4,096-seed run's time is the GPU driver's (src/gpu/model/) on SwiftShader.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eAvailable, saveBase64, useE2eApp } from './harness';

const PORT = 4311;
const available = e2eAvailable();

/**
 * Keeps the slice canvas's pixels in the page under `name` (no megabytes through the protocol); returns
 * its size, its luminance variance (a blank or one-colour canvas is ~0) and, when asked, its PNG (base64).
 */
function grabCanvas(page: Page, name: string, png = false) {
  return page.evaluate(
    async ([key, withPng]) => {
      const canvas = document.getElementById('slice') as HTMLCanvasElement;
      const blob = await new Promise<Blob>((res, rej) =>
        canvas.toBlob((b) => (b ? res(b) : rej(new Error('no PNG'))), 'image/png'),
      );
      const img = await window.__e2e.decode(blob);
      (window as unknown as Record<string, Uint8ClampedArray>)[key] = img.data;
      const px = img.data;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < px.length; i += 4) {
        const l = 0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2];
        sum += l;
        sq += l * l;
      }
      const n = px.length / 4;
      return {
        w: img.width,
        h: img.height,
        variance: sq / n - (sum / n) ** 2,
        png: withPng ? await window.__e2e.b64(blob) : '',
      };
    },
    [name, png] as const,
  );
}

/** Pixels that differ by more than 24 in a channel between two grabs (all of them if the size changed). */
function changedPixels(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(
    ([x, y]) => {
      const w = window as unknown as Record<string, Uint8ClampedArray>;
      return w[x].length === w[y].length ? window.__e2e.changed(w[x], w[y], 24) : w[y].length / 4;
    },
    [a, b] as const,
  );
}

describe.skipIf(!available)('models page in Chromium (WebGPU on SwiftShader)', () => {
  const app = useE2eApp({
    outDir: () => mkdtempSync(join(tmpdir(), 'scaleinv-models-')),
    port: PORT,
    setups: ['webgpu', 'webgl2'],
  });

  it('runs 4,096 seeds of the default preset, paints the slice and the charts', {
    timeout: 240_000,
  }, async () => {
    const t0 = Date.now();
    const { page, errors } = await app.open('models.html#steps=48&cpuSeeds=64');
    const state = await page.evaluate(() => document.body.dataset.state);
    // Blank before the first run has drawn anything but its "Running…" note.
    await grabCanvas(page, 'before');
    await page.evaluate(() => window.modelsLab!.ready);
    const ready = Date.now() - t0;
    const stats = await page.evaluate(() => window.modelsLab!.stats());
    const after = await grabCanvas(page, 'after', true);
    saveBase64(ARTIFACTS, 'e2e-models-slice.png', after.png);
    const lines = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#models-stats > div'), (d) => d.textContent).join('\n'),
    );
    console.log(
      `[e2e models] page state ${state}; adapter ${stats?.adapter}; ${ready} ms to ready (run ${stats?.seconds.toFixed(1)} s, drawing ${stats?.drawSeconds.toFixed(2)} s)`,
    );
    console.log(`[e2e models] ${lines.replace(/\n/g, '\n[e2e models] ')}`);
    expect(errors).toEqual([]);
    expect(stats).not.toBeNull();
    const s = stats!;
    expect(await page.evaluate(() => window.modelsLab!.state().seeds)).toBe(4096);
    if (state === 'ready') {
      // WebGPU: f32 ran every seed on the GPU driver.
      expect(s.backend).toBe('webgpu');
      expect(s.precisions.f32.seeds).toBe(4096);
      expect(s.precisions.f32.backend).toBe('gpu');
      console.log(
        `[e2e models] 4096 seeds × 48 steps f32 on the GPU: ${s.precisions.f32.seconds.toFixed(2)} s`,
      );
    } else {
      console.warn('[e2e models] no WebGPU in this browser: f32 ran on the CPU subset only');
      expect(s.precisions.f32.requested).toBe(4096);
    }
    expect(s.precisions.f64.seeds).toBe(64);
    for (const p of Object.values(s.precisions)) {
      const counted = Object.values(p.causes).reduce((a, b) => a + b, 0);
      expect(counted).toBe(p.seeds);
    }
    // The canvas changed from the blank page and holds a picture (heatmap + paths), not one colour.
    expect(await changedPixels(page, 'before', 'after')).toBeGreaterThan(0.3 * after.w * after.h);
    expect(after.variance).toBeGreaterThan(25);
    const rendered = await page.evaluate(() => window.modelsLab!.rendered());
    expect(rendered.picture).toBe(true);
    expect(rendered.charts).toBe(3);
    expect(await page.locator('#models-charts .uplot').count()).toBe(3);
    expect(await page.locator('#models-charts canvas').count()).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('names a bad link value in a banner and still runs the rest', async () => {
    const { page, errors } = await app.open('models.html#lr=abc&seedz=5&seeds=64&steps=40&cpuSeeds=32');
    const banner = (await page.locator('.banner[data-topic="url"]').textContent()) ?? '';
    expect(banner).toContain('lr: must be a number in (0, 100]');
    expect(banner).toContain("'abc'");
    expect(banner).toContain("did you mean 'seeds'");
    await page.evaluate(() => window.modelsLab!.ready);
    const s = await page.evaluate(() => window.modelsLab!.state());
    expect(s.seeds).toBe(64);
    expect(s.lr).toBe(0.2); // the preset's: the bad value was ignored, and said so
    expect(await page.evaluate(() => window.modelsLab!.stats()?.precisions.f64.seeds)).toBe(32);
    // A bad value through the API is refused with its name, and nothing runs.
    const refused = await page.evaluate(() =>
      window.modelsLab!.run({ weightDecay: 50 }).then(
        () => 'ran',
        (e: Error) => e.message,
      ),
    );
    expect(refused).toContain('weightDecay');
    expect((await page.locator('.banner[data-topic="config"]').textContent()) ?? '').toContain('weightDecay');
    // A lost GPU device: a message, and the run repeated on the CPU workers.
    if ((await page.evaluate(() => document.body.dataset.state)) === 'ready') {
      await page.evaluate(() => window.modelsLab!.debug.loseDevice());
      await page.waitForFunction(() => document.body.dataset.state === 'cpu');
      await page.evaluate(() => window.modelsLab!.idle());
      expect((await page.locator('.banner[data-topic="gpu"]').textContent()) ?? '').toContain(
        'GPU device was lost',
      );
      const after = await page.evaluate(() => window.modelsLab!.stats()!);
      expect(after.backend).toBe('cpu');
      expect(after.precisions.f32.backend).toBe('cpu');
      expect(after.precisions.f32.seeds).toBe(32);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU: a banner, and the CPU workers run the subset', async () => {
    const { page, errors } = await app.open('models.html#seeds=64&cpuSeeds=24&steps=60', {
      setup: 'webgl2',
      state: 'cpu',
    });
    const banner = (await page.locator('.banner[data-topic="gpu"]').textContent()) ?? '';
    expect(banner).toContain('WebGPU is not available');
    expect(banner).toContain('runs on the CPU instead');
    await page.evaluate(() => window.modelsLab!.ready);
    const s = await page.evaluate(() => window.modelsLab!.stats()!);
    expect(s.backend).toBe('cpu');
    expect([s.precisions.f32.seeds, s.precisions.f64.seeds]).toEqual([24, 24]);
    expect(s.notes.join(' ')).toContain('first 24 of 64 seeds');
    const shot = await grabCanvas(page, 'cpu');
    expect(shot.variance).toBeGreaterThan(25);
    expect(await page.evaluate(() => window.modelsLab!.rendered().charts)).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  });
});
