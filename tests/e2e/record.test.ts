/**
 * End-to-end: video export in headless Chromium on SwiftShader's WebGPU, checked with Debian's ffprobe and
 * ffmpeg. lab.record writes a 2 s 30 fps 640×360 WebM (VP9) with exactly 60 frames; two exports of the same
 * state decode to the same frames (max / mean pixel difference measured and logged); an MP4 (H.264) export
 * decodes cleanly (skipped loudly, with the reason, where this Chromium cannot encode H.264); cancelling
 * leaves the app running. Logs the export speed. Builds and serves its own copy (own port), so it does not
 * race app.test.ts. Videos go to test-artifacts/.
 */
import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingLab } from '../../src/app/devHook';
import type { WebGpuLab as LabApi } from '../../src/app/labApi';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import {
  ARTIFACTS,
  baseUrl,
  buildApp,
  e2eAvailable,
  launchBrowser,
  startPreview,
  stopPreview,
} from './harness';

const OUT_DIR = join(tmpdir(), 'scaleinv-lab-e2e-record');
const PORT = 4187;
const W = 640;
const H = 360;

function hasTool(name: string): boolean {
  return spawnSync(name, ['-version'], { stdio: 'ignore' }).status === 0;
}

const available = e2eAvailable({
  ok: hasTool('ffprobe') && hasTool('ffmpeg'),
  why: 'record.test.ts needs ffmpeg/ffprobe (apt-get install ffmpeg)',
});

/** window.lab with the recording calls (labApi.ts spreads recordingLab into it). Types only: erased. */
type Lab = LabApi & RecordingLab;

/** A run small enough that a frame is cheap on SwiftShader, long enough that the paths keep moving. */
const CONFIG = { ...structuredClone(PLAYGROUND_DEFAULTS), init: { ring: { count: 1024, radius: 1 } } };

interface Probe {
  codec: string;
  width: number;
  height: number;
  frames: number;
}

function ffprobe(file: string): Probe {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const s = JSON.parse(out).streams[0];
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames) };
}

/** Decodes every frame to packed RGB (ffmpeg), one Buffer per frame. */
function decodeFrames(file: string, w: number, h: number): Buffer[] {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    {
      maxBuffer: 1 << 30,
    },
  );
  const size = w * h * 3;
  expect(raw.length % size).toBe(0);
  return Array.from({ length: raw.length / size }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

function diff(a: Buffer, b: Buffer): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}

interface Recorded {
  base64: string;
  type: string;
  codec: string;
  mode: string;
  frames: number;
  exportFps: number;
  wallMs: number;
  canvasBefore: [number, number];
  canvasAfter: [number, number];
}

/** Pauses, resets to step 0 (same state every time), records, and returns the file as base64. */
async function record(
  page: Page,
  o: { seconds: number; fps: number; format: 'webm' | 'mp4' },
): Promise<Recorded> {
  return page.evaluate(
    async ({ o, w, h }) => {
      const lab = window.lab as Lab;
      const canvas = document.getElementById('view') as HTMLCanvasElement;
      const canvasBefore: [number, number] = [canvas.width, canvas.height];
      lab.pause();
      await lab.reset();
      const t0 = performance.now();
      const r = await lab.recordVideo({ ...o, width: w, height: h, stepsPerFrame: 10 });
      const wallMs = performance.now() - t0;
      const bytes = new Uint8Array(await r.blob.arrayBuffer());
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return {
        base64: btoa(bin),
        type: r.blob.type,
        codec: r.codec,
        mode: r.mode,
        frames: r.frames,
        exportFps: r.exportFps,
        wallMs,
        canvasBefore,
        canvasAfter: [canvas.width, canvas.height] as [number, number],
      };
    },
    { o, w: W, h: H },
  );
}

function saveVideo(name: string, r: Recorded): string {
  const file = join(ARTIFACTS, name);
  writeFileSync(file, Buffer.from(r.base64, 'base64'));
  return file;
}

describe.skipIf(!available)('video export in Chromium (WebGPU on SwiftShader)', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    buildApp({ outDir: OUT_DIR });
    server = await startPreview(30_000, { outDir: OUT_DIR, port: PORT });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1024, height: 640 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseUrl(PORT));
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    await page.evaluate(async (c) => {
      window.lab!.pause();
      await window.lab!.setConfig(c);
    }, CONFIG);
    const support = await page.evaluate(() => (window.lab as Lab).recordingSupport());
    console.log(`[e2e record] adapter: ${await page.evaluate(() => window.lab!.perf().adapter)}`);
    console.log(`[e2e record] support: ${JSON.stringify(support)}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    stopPreview(server);
  });

  it('records a 2 s 30 fps 640×360 WebM with exactly 60 VP9 frames, twice to the same frames', async () => {
    const a = await record(page, { seconds: 2, fps: 30, format: 'webm' });
    const b = await record(page, { seconds: 2, fps: 30, format: 'webm' });
    console.log(
      `[e2e record] WebM export: ${a.frames} frames in ${(a.wallMs / 1000).toFixed(2)} s = ` +
        `${((1000 * a.frames) / a.wallMs).toFixed(2)} frames/s (recorder says ${a.exportFps.toFixed(2)}), ` +
        `mode ${a.mode}, codec ${a.codec}`,
    );
    expect(a.mode).toBe('webcodecs');
    expect(a.type).toContain('webm');
    // The visible canvas is not resized by an off-screen export.
    expect(a.canvasAfter).toEqual(a.canvasBefore);
    expect(a.canvasBefore).not.toEqual([W, H]);

    const fileA = saveVideo('record-a.webm', a);
    const fileB = saveVideo('record-b.webm', b);
    for (const f of [fileA, fileB]) {
      const p = ffprobe(f);
      console.log(`[e2e record] ffprobe ${f}: ${JSON.stringify(p)}`);
      expect(p).toEqual({ codec: 'vp9', width: W, height: H, frames: 60 });
    }

    const fa = decodeFrames(fileA, W, H);
    const fb = decodeFrames(fileB, W, H);
    expect(fa.length).toBe(60);
    expect(fb.length).toBe(60);
    let max = 0;
    let meanSum = 0;
    for (let i = 0; i < 60; i++) {
      const d = diff(fa[i], fb[i]);
      max = Math.max(max, d.max);
      meanSum += d.mean;
    }
    const sameFile = a.base64 === b.base64;
    console.log(
      `[e2e record] two exports of the same state: max |Δ| ${max}, mean |Δ| ${(meanSum / 60).toFixed(4)} ` +
        `(0..255 per channel); files ${sameFile ? 'byte-identical' : 'differ'}`,
    );
    // The comparison can fail: the run moves, so the first and last frames differ clearly.
    const motion = diff(fa[0], fa[59]);
    console.log(`[e2e record] frame 0 vs 59: max |Δ| ${motion.max}, mean |Δ| ${motion.mean.toFixed(4)}`);
    expect(motion.mean).toBeGreaterThan(0.05);
    expect(meanSum / 60).toBeLessThan(0.5);
    expect(max).toBeLessThan(48);
    expect(errors).toEqual([]);
  });

  it('writes an MP4 (H.264) that ffmpeg decodes', async (ctx) => {
    const support = await page.evaluate(() => (window.lab as Lab).recordingSupport());
    if (!support.codecs.avc) {
      const why = 'this Chromium cannot encode H.264 (VideoEncoder.isConfigSupported avc1 → false)';
      console.warn(`[e2e record] SKIPPED MP4 export: ${why}`);
      // lab.record must then reject saying so, not write something else.
      const message = await page.evaluate(() =>
        (window.lab as Lab).record({ seconds: 1, fps: 30, width: 640, height: 360, format: 'mp4' }).then(
          () => 'resolved',
          (e: Error) => e.message,
        ),
      );
      expect(message).toMatch(/H\.264/);
      ctx.skip(why);
      return;
    }
    const r = await record(page, { seconds: 1, fps: 30, format: 'mp4' });
    const file = saveVideo('record.mp4', r);
    const p = ffprobe(file);
    console.log(`[e2e record] MP4: ${JSON.stringify(p)}, codec string ${r.codec}`);
    expect(r.type).toContain('mp4');
    expect(p).toEqual({ codec: 'h264', width: W, height: H, frames: 30 });
    // Plays back: a full decode reports no error.
    const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
    expect(decode.status).toBe(0);
    expect(decode.stderr.trim()).toBe('');
  });

  it('snapshots at a chosen size; GUI folder, shortcut list and presentation mode', async () => {
    const out = await page.evaluate(async () => {
      const lab = window.lab as Lab;
      const canvas = document.getElementById('view') as HTMLCanvasElement;
      const before = [canvas.width, canvas.height];
      const png = await lab.snapshot({
        width: 1280,
        height: 720,
        captions: true,
        captionText: 'snapshot test',
      });
      const bmp = await createImageBitmap(png);
      const titles = [...document.querySelectorAll('.lil-gui .lil-title')].map((t) => t.textContent);
      window.dispatchEvent(new KeyboardEvent('keydown', { key: '?' }));
      const help = !(document.querySelector('.shortcut-help') as HTMLElement).hidden;
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
      const state = await lab.presentation({ resolution: '720p', theme: 'light' });
      const guiHidden = getComputedStyle(document.getElementById('gui')!).display === 'none';
      await lab.presentation({ on: false, theme: 'dark', resolution: 'window' });
      const guiBack = getComputedStyle(document.getElementById('gui')!).display !== 'none';
      return {
        type: png.type,
        size: [bmp.width, bmp.height],
        canvasSame: before[0] === canvas.width && before[1] === canvas.height,
        titles,
        help,
        state,
        guiHidden,
        guiBack,
      };
    });
    console.log(`[e2e record] snapshot / UI: ${JSON.stringify(out)}`);
    expect(out.type).toBe('image/png');
    expect(out.size).toEqual([1280, 720]);
    expect(out.canvasSame).toBe(true);
    expect(out.titles).toContain('Record');
    expect(out.help).toBe(true);
    expect(out.state).toMatchObject({ on: true, resolution: '720p', theme: 'light' });
    expect(out.guiHidden).toBe(true);
    expect(out.guiBack).toBe(true);
    expect(errors).toEqual([]);
  });

  it('cancelling rejects with AbortError and leaves the app running', async () => {
    const out = await page.evaluate(async () => {
      const lab = window.lab as Lab;
      lab.pause();
      await lab.reset();
      const ac = new AbortController();
      let seen = 0;
      const outcome = await lab
        .record({
          seconds: 20,
          fps: 30,
          width: 640,
          height: 360,
          stepsPerFrame: 10,
          signal: ac.signal,
          onProgress: (p) => {
            seen = p.frame;
            if (p.frame >= 5) ac.abort();
          },
        })
        .then(
          () => 'resolved',
          (e: Error) => e.name,
        );
      const before = (await lab.stats()).step;
      await lab.step(10);
      const after = (await lab.stats()).step;
      // A new export works after a cancelled one.
      const again = await lab.record({ seconds: 0.2, fps: 30, width: 320, height: 180 });
      return { outcome, seen, before, after, againSize: again.size };
    });
    console.log(`[e2e record] cancel: ${JSON.stringify(out)}`);
    expect(out.outcome).toBe('AbortError');
    expect(out.seen).toBeLessThan(600);
    expect(out.after).toBe(out.before + 10);
    expect(out.againSize).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  // Last: it replaces the App (the device is lost), which the other tests share.
  it('a device lost during a recording: the export rejects with a message, the app recovers, a new export works', async () => {
    const out = await page.evaluate(async () => {
      const lab = window.lab as Lab;
      lab.pause();
      let lost = false;
      const outcome = await lab
        .record({
          seconds: 10,
          fps: 30,
          width: 320,
          height: 180,
          onProgress: (p) => {
            if (p.frame >= 3 && !lost) {
              lost = true;
              lab.debug!.loseDevice();
            }
          },
        })
        .then(
          () => 'resolved',
          (e: Error) => `${e.name}: ${e.message}`,
        );
      await lab.step(10); // waits for the recovered App
      const again = await lab.record({ seconds: 0.2, fps: 30, width: 320, height: 180 });
      return {
        outcome,
        state: document.body.dataset.state,
        againSize: again.size,
        recoveries: lab.debug!.recoveries(),
      };
    });
    console.log(`[e2e record] device lost while recording: ${JSON.stringify(out)}`);
    expect(out.outcome).toMatch(/device was lost during the recording/);
    expect(out.state).toBe('ready');
    expect(out.recoveries).toBe(1);
    expect(out.againSize).toBeGreaterThan(0);
    expect(errors.filter((e) => !/lost|destroy/i.test(e))).toEqual([]);
  });
});
