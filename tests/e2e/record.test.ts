/**
 * End-to-end: video export in headless Chromium on SwiftShader's WebGPU, checked with Debian's ffprobe and
 * ffmpeg. lab.record writes a 2 s 30 fps 640×360 WebM (VP9) with exactly 60 frames; two exports of the same
 * state decode to the same frames (max / mean pixel difference measured and logged); an MP4 (H.264) export
 * decodes cleanly (skipped loudly, with the reason, where this Chromium cannot encode H.264); cancelling
 * leaves the app running. Logs the export speed. Builds and serves its own copy (own port), so it does not
 * race app.test.ts. Videos go to test-artifacts/.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordingLab } from '../../src/app/devHook';
import type { WebGpuLab as LabApi } from '../../src/app/labApi';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import { ARTIFACTS, e2eAvailable, saveBase64, useE2eApp } from './harness';
import { needsFfmpeg, openRecorder, probe, type Recorded, rawFrames, recordFile } from './media';

const OUT_DIR = join(tmpdir(), 'scaleinv-lab-e2e-record');
const PORT = 4187;
const W = 640;
const H = 360;

const available = e2eAvailable(needsFfmpeg('record.test.ts'));

/** window.lab with the recording calls (labApi.ts spreads recordingLab into it). Types only: erased. */
type Lab = LabApi & RecordingLab;

/** A run small enough that a frame is cheap on SwiftShader, long enough that the paths keep moving. */
const CONFIG = { ...structuredClone(PLAYGROUND_DEFAULTS), init: { ring: { count: 1024, radius: 1 } } };

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

/** Records from step 0 at W×H (recordFile: the same state every time). */
const record = (page: Page, o: { seconds: number; fps: number; format: 'webm' | 'mp4' }) =>
  recordFile(page, { ...o, width: W, height: H });

const saveVideo = (name: string, r: Recorded) => saveBase64(ARTIFACTS, name, r.base64);

describe.skipIf(!available)('video export in Chromium (WebGPU on SwiftShader)', () => {
  const app = useE2eApp({ outDir: OUT_DIR, port: PORT });
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors } = await openRecorder(app, '[e2e record]', CONFIG));
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
      const p = probe(f);
      console.log(`[e2e record] ffprobe ${f}: ${JSON.stringify(p)}`);
      expect(p).toEqual({ codec: 'vp9', width: W, height: H, frames: 60 });
    }

    const fa = rawFrames(fileA, W, H, { pixFmt: 'rgb24' });
    const fb = rawFrames(fileB, W, H, { pixFmt: 'rgb24' });
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
    const p = probe(file);
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
    expect(typeof out.againSize, `the export after recovery: ${out.againSize}`).toBe('number');
    expect(out.againSize).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  // Last: it replaces the App (the device is lost), which the other tests share.
  it('a device lost during a recording: the export rejects with a message, the app recovers, a new export works', async () => {
    const dbg: string[] = [];
    const t0 = Date.now();
    page.on('console', (m) =>
      dbg.push(`${((Date.now() - t0) / 1000).toFixed(1)} ${m.type()} ${m.text().slice(0, 160)}`),
    );
    page.on('crash', () => dbg.push('CRASH'));
    const watchdog = setTimeout(async () => {
      console.log(`[dbg] HANG; last console:\n${dbg.slice(-40).join('\n')}`);
      const alive = await Promise.race([
        page.evaluate(() => `alive: ${document.body.dataset.state}`).catch((e) => `evaluate failed: ${e}`),
        new Promise((r) => setTimeout(() => r('renderer unresponsive'), 5000)),
      ]);
      console.log(`[dbg] ${alive}`);
    }, 120_000);
    const out = await page.evaluate(async () => {
      const lab = window.lab as Lab;
      // Each phase has its own deadline, so a hang names the phase and the page's state instead of
      // timing the whole test out.
      const within = <T>(what: string, ms: number, work: Promise<T>): Promise<T> =>
        Promise.race([
          work,
          new Promise<never>((_, reject) =>
            setTimeout(
              () =>
                reject(
                  new Error(
                    `${what}: no answer in ${ms / 1000} s (state ${document.body.dataset.state}; banners: ${document.getElementById('banners')?.textContent ?? ''})`,
                  ),
                ),
              ms,
            ),
          ),
        ]);
      lab.pause();
      let lost = false;
      const outcome = await within(
        'the export after the loss',
        60_000,
        lab
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
          ),
      ).catch((e: Error) => `hung: ${e.message}`);
      // lab.step waits for the recovered App.
      const stepped = await within('lab.step after the loss', 60_000, lab.step(10)).then(
        () => 'ok',
        (e: Error) => e.message,
      );
      const again = await within(
        'the export after recovery',
        40_000,
        lab.record({ seconds: 0.2, fps: 30, width: 320, height: 180 }),
      ).then(
        (b) => b.size,
        (e: Error) => e.message,
      );
      return {
        outcome,
        stepped,
        state: document.body.dataset.state,
        againSize: again,
        recoveries: lab.debug!.recoveries(),
      };
    });
    clearTimeout(watchdog);
    console.log(`[e2e record] device lost while recording: ${JSON.stringify(out)}`);
    expect(out.outcome).toMatch(/device was lost during the recording/);
    expect(out.stepped).toBe('ok');
    expect(out.state).toBe('ready');
    expect(out.recoveries).toBe(1);
    expect(typeof out.againSize, `the export after recovery: ${out.againSize}`).toBe('number');
    expect(out.againSize).toBeGreaterThan(0);
    expect(errors.filter((e) => !/lost|destroy/i.test(e))).toEqual([]);
  });
});
