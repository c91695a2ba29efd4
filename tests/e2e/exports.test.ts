/**
 * End-to-end: the export formats of issue 14 in headless Chromium on SwiftShader's WebGPU, checked with
 * Debian's ffprobe/ffmpeg and fflate. GIF: ffprobe counts exactly fps × seconds frames at the size asked
 * (20 at 320×180; 10 at 640×360, timed for the export speed). PNG zip: fps × seconds PNGs of the right
 * size, zero-padded names. Transparent WebM: decoded with libvpx-vp9 to yuva420p, alpha 0 in the background
 * and 255 on paths, or the clear error where this Chromium cannot. Transparent PNG snapshot: alpha 0 where
 * an opaque heatmap-off snapshot shows the bare clear colour, alpha 255 (and the same colour) on the paths.
 * Bad options are rejected with messages naming them, and the export's lineWidth leaves the view alone.
 * Builds and serves its own copy (own port). Files go to test-artifacts/.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordingLab } from '../../src/app/devHook';
import type { WebGpuLab as LabApi } from '../../src/app/labApi';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import { ARTIFACTS, e2eAvailable, saveBase64, useE2eApp } from './harness';
import { needsFfmpeg, openRecorder, probe, rawFrames, recordFile } from './media';

const OUT_DIR = join(tmpdir(), 'scaleinv-lab-e2e-exports');
const PORT = 4219;

const available = e2eAvailable(needsFfmpeg('exports.test.ts'));

type Lab = LabApi & RecordingLab;

/** Few trajectories (paths drawn fully opaque), a weight-decay run only: path pixels are clear-cut. */
const CONFIG = { ...structuredClone(PLAYGROUND_DEFAULTS), init: { ring: { count: 16, radius: 1 } } };

const save = (name: string, base64: string) => saveBase64(ARTIFACTS, name, base64);

/** The pixel format ffmpeg decodes a video's first stream to with `decoder` (libvpx-vp9 keeps the alpha). */
function decodedPixelFormat(file: string, decoder: string): string {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-c:v', decoder, '-i', file, '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const line = r.stderr.split('\n').find((l) => /Stream #0:0.*Video: vp9/.test(l)) ?? '';
  return /\b(yuva?\d{3}p\w*)/.exec(line)?.[1] ?? `unknown (${line.trim()})`;
}

/** Marks every pixel within `r` pixels (square) of a marked one. */
function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (mask[y * w + x])
        for (let d = Math.max(0, x - r); d <= Math.min(w - 1, x + r); d++) rows[y * w + d] = 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (rows[y * w + x])
        for (let d = Math.max(0, y - r); d <= Math.min(h - 1, y + r); d++) out[d * w + x] = 1;
  return out;
}

/** Width and height from a PNG's IHDR. */
function pngSize(png: Uint8Array): [number, number] {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect(Array.from(png.subarray(0, 8))).toEqual(sig);
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

describe.skipIf(!available)('export formats in Chromium (WebGPU on SwiftShader)', () => {
  const app = useE2eApp({ outDir: OUT_DIR, port: PORT });
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const runs = { weightDecay: true, projected: false, exponential: false };
    ({ page, errors } = await openRecorder(app, '[e2e exports]', CONFIG, { runs }));
  });

  it('GIF: ffprobe counts exactly fps × seconds frames at the size asked', async () => {
    const small = await recordFile(page, { format: 'gif', seconds: 2, fps: 10, width: 320, height: 180 });
    const p = probe(save('export-320x180.gif', small.base64));
    // ffprobe's count, not the recorder's: asking for 20 and finding 19 (or 21) fails.
    console.log(`[e2e exports] GIF 320×180: ${JSON.stringify(p)}, ${small.bytes} bytes, ${small.mode}`);
    expect(small.type).toBe('image/gif');
    expect(p).toEqual({ codec: 'gif', width: 320, height: 180, frames: 20 });

    const big = await recordFile(page, { format: 'gif', seconds: 1, fps: 10, width: 640, height: 360 });
    const q = probe(save('export-640x360.gif', big.base64));
    const fps = (1000 * big.frames) / big.wallMs;
    console.log(
      `[e2e exports] GIF 640×360: ${JSON.stringify(q)}, ${big.bytes} bytes, ${big.frames} frames in ` +
        `${(big.wallMs / 1000).toFixed(2)} s = ${fps.toFixed(2)} frames/s`,
    );
    expect(q).toEqual({ codec: 'gif', width: 640, height: 360, frames: 10 });
    // The same frames as WebM, for the speed of rendering alone against rendering + GIF encoding.
    const webm = await recordFile(page, { format: 'webm', seconds: 1, fps: 10, width: 640, height: 360 });
    console.log(
      `[e2e exports] WebM 640×360 (same frames): ${webm.bytes} bytes, ` +
        `${((1000 * webm.frames) / webm.wallMs).toFixed(2)} frames/s`,
    );
    // The frames move: the first and last decoded frames differ.
    const frames = rawFrames(join(ARTIFACTS, 'export-320x180.gif'), 320, 180);
    expect(frames).toHaveLength(20);
    let changed = 0;
    for (let i = 0; i < frames[0].length; i += 4) if (frames[0][i] !== frames[19][i]) changed++;
    expect(changed).toBeGreaterThan(50);
    expect(errors).toEqual([]);
  });

  it('PNG zip: exactly fps × seconds PNGs of the size asked, names zero-padded in order', async () => {
    const z = await recordFile(page, { format: 'png-zip', seconds: 1, fps: 12, width: 320, height: 180 });
    save('export-320x180.zip', z.base64);
    const files = unzipSync(new Uint8Array(Buffer.from(z.base64, 'base64')));
    const names = Object.keys(files).sort();
    console.log(
      `[e2e exports] PNG zip: ${names.length} files (${names[0]} … ${names.at(-1)}), ${z.bytes} bytes`,
    );
    expect(z.type).toBe('application/zip');
    expect(names).toHaveLength(12);
    expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `frame-${String(i).padStart(4, '0')}.png`));
    for (const n of names) expect(pngSize(files[n])).toEqual([320, 180]);
    expect(errors).toEqual([]);
  });

  it('transparent PNG snapshot: alpha 0 on the background, 255 on the paths', async () => {
    const W = 1280;
    const H = 720;
    const shots = await page.evaluate(
      async ({ W, H }) => {
        const lab = window.lab as Lab;
        lab.pause();
        await lab.reset();
        await lab.step(300);
        const { b64 } = window.__e2e;
        const before = lab.getView();
        const clear = await b64(await lab.snapshot({ width: W, height: H, transparent: true, lineWidth: 8 }));
        const thin = await b64(await lab.snapshot({ width: W, height: H, transparent: true, lineWidth: 2 }));
        const light = await b64(await lab.snapshot({ width: 320, height: 180, theme: 'light' }));
        const dark = await b64(await lab.snapshot({ width: 320, height: 180 }));
        const after = lab.getView();
        // The reference: the same picture, opaque, heatmap off (only the clear colour behind the paths).
        lab.setView({ heatmap: false });
        const opaque = await b64(await lab.snapshot({ width: W, height: H, lineWidth: 8 }));
        lab.setView({ heatmap: before.heatmap });
        return {
          clear,
          thin,
          light,
          dark,
          opaque,
          lineBefore: before.lineWidth,
          lineAfter: after.lineWidth,
          heatmapAfter: after.heatmap,
          themeBefore: before.theme,
          themeAfter: after.theme,
        };
      },
      { W, H },
    );
    // The export's lineWidth and transparency never touch the view.
    expect(shots.lineAfter).toBe(shots.lineBefore);
    expect(shots.heatmapAfter).toBe(true);
    expect(shots.themeAfter).toBe(shots.themeBefore);
    // The export's lineWidth is drawn: wider lines cover more pixels.
    const covered = (px: Buffer) => {
      let c = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) c++;
      return c;
    };
    const [thin] = rawFrames(save('snapshot-transparent-thin.png', shots.thin), W, H);
    // The export's theme is drawn: the light snapshot is brighter on average than the dark one.
    const mean = (px: Buffer) => {
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) sum += px[i] + px[i + 1] + px[i + 2];
      return sum / ((3 * px.length) / 4);
    };
    const [light] = rawFrames(save('snapshot-light-320.png', shots.light), 320, 180);
    const [dark] = rawFrames(save('snapshot-dark-320.png', shots.dark), 320, 180);
    console.log(
      `[e2e exports] theme export: mean level light ${mean(light).toFixed(1)}, dark ${mean(dark).toFixed(1)}`,
    );
    expect(mean(light)).toBeGreaterThan(mean(dark) + 40);
    const [a] = rawFrames(save('snapshot-transparent.png', shots.clear), W, H);
    const [b] = rawFrames(save('snapshot-opaque-no-heatmap.png', shots.opaque), W, H);
    // The clear colour is the opaque picture's most common pixel.
    const counts = new Map<number, number>();
    for (let i = 0; i < b.length; i += 4) {
      const k = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const [bg] = [...counts.entries()].sort((x, y) => y[1] - x[1])[0];
    const bgRgb = [bg >> 16, (bg >> 8) & 255, bg & 255];
    // Background: the bare clear colour, more than 4 px from anything drawn (the paths' faint antialiased
    // rims and dark outlines can match the clear colour in the opaque picture yet carry some alpha).
    const n = W * H;
    const dist = (i: number) =>
      Math.abs(b[i] - bgRgb[0]) + Math.abs(b[i + 1] - bgRgb[1]) + Math.abs(b[i + 2] - bgRgb[2]);
    const drawn = new Uint8Array(n);
    for (let k = 0; k < n; k++) drawn[k] = dist(4 * k) > 0 ? 1 : 0;
    const near = dilate(drawn, W, H, 4);
    let background = 0;
    let backgroundClear = 0;
    let paths = 0;
    let pathsOpaque = 0;
    let colourErr = 0;
    for (let k = 0; k < n; k++) {
      const i = 4 * k;
      const d = dist(i);
      if (!near[k]) {
        background++;
        if (a[i + 3] === 0) backgroundClear++;
      } else if (d > 120) {
        paths++;
        if (a[i + 3] === 255) {
          pathsOpaque++;
          colourErr = Math.max(
            colourErr,
            Math.abs(a[i] - b[i]),
            Math.abs(a[i + 1] - b[i + 1]),
            Math.abs(a[i + 2] - b[i + 2]),
          );
        }
      }
    }
    console.log(
      `[e2e exports] transparent snapshot: clear colour rgb(${bgRgb}); background ${background} px ` +
        `(${((100 * background) / n).toFixed(1)} %), of them alpha 0: ${backgroundClear}; path pixels ${paths}, ` +
        `of them alpha 255: ${pathsOpaque}, max colour |Δ| there ${colourErr}`,
    );
    const wide = covered(a);
    console.log(`[e2e exports] covered pixels: lineWidth 8 → ${wide}, lineWidth 2 → ${covered(thin)}`);
    expect(wide).toBeGreaterThan(2 * covered(thin));
    expect(background).toBeGreaterThan(n / 2);
    expect(backgroundClear).toBe(background);
    expect(paths).toBeGreaterThan(500);
    expect(pathsOpaque).toBeGreaterThan(0.5 * paths);
    expect(colourErr).toBeLessThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  it('transparent WebM: VP9 with an alpha channel (yuva420p), or a clear error', async () => {
    const support = await page.evaluate(() => (window.lab as Lab).recordingSupport());
    // For the record: what this browser's own VideoEncoder says about alpha (Mediabunny does not rely on it:
    // it encodes the alpha plane with a second encoder), and the pixel format of a canvas frame.
    const native = await page.evaluate(async () => {
      const ask = async (codec: string) => {
        try {
          const config = { codec, width: 320, height: 180, bitrate: 1e6, alpha: 'keep' as const };
          return (await VideoEncoder.isConfigSupported(config)).supported === true;
        } catch (e) {
          return `${(e as Error).name}`;
        }
      };
      const c = document.createElement('canvas');
      c.width = 16;
      c.height = 16;
      c.getContext('2d', { alpha: true })!.fillRect(0, 0, 8, 8);
      const f = new VideoFrame(c, { timestamp: 0, alpha: 'keep' });
      const format = f.format;
      f.close();
      return { vp9: await ask('vp09.00.10.08'), vp8: await ask('vp8'), canvasFrameFormat: format };
    });
    console.log(`[e2e exports] native VideoEncoder alpha 'keep': ${JSON.stringify(native)}`);
    if (!support.transparent.webm) {
      const message = await page.evaluate(() =>
        (window.lab as Lab)
          .record({ format: 'webm', transparent: true, seconds: 0.5, fps: 10, width: 320, height: 180 })
          .then(
            () => 'resolved',
            (e: Error) => e.message,
          ),
      );
      console.warn(`[e2e exports] transparent WebM not supported here: ${message}`);
      expect(message).toMatch(/WebCodecs|VP9|getConfiguration/);
      return;
    }
    const v = await recordFile(page, {
      format: 'webm',
      transparent: true,
      seconds: 1,
      fps: 10,
      width: 320,
      height: 180,
    });
    const file = save('export-transparent.webm', v.base64);
    const p = probe(file);
    const pixFmt = decodedPixelFormat(file, 'libvpx-vp9');
    console.log(
      `[e2e exports] transparent WebM: ${JSON.stringify(p)}, libvpx-vp9 decodes to ${pixFmt}, ` +
        `codec ${v.codec}, ${v.bytes} bytes`,
    );
    expect(p).toEqual({ codec: 'vp9', width: 320, height: 180, frames: 10, alphaMode: '1' });
    expect(pixFmt).toBe('yuva420p');
    const frames = rawFrames(file, 320, 180, { decoder: 'libvpx-vp9' });
    expect(frames).toHaveLength(10);
    const last = frames[9];
    let clear = 0;
    let solid = 0;
    for (let i = 3; i < last.length; i += 4) {
      if (last[i] <= 8) clear++;
      else if (last[i] >= 247) solid++;
    }
    console.log(`[e2e exports] transparent WebM last frame: alpha ≈ 0 ${clear} px, alpha ≈ 255 ${solid} px`);
    expect(clear).toBeGreaterThan(last.length / 8);
    expect(solid).toBeGreaterThan(20);
    expect(errors).toEqual([]);
  });

  it('bad options are rejected with messages naming them', async () => {
    const messages = await page.evaluate(async () => {
      const lab = window.lab as Lab;
      const base = { seconds: 0.5, fps: 10, width: 320, height: 180 };
      const msg = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: Error) => e.message,
        );
      return {
        format: await msg(lab.record({ ...base, format: 'avi' as 'gif' })),
        mp4: await msg(lab.record({ ...base, format: 'mp4', transparent: true })),
        gifFps: await msg(lab.record({ ...base, format: 'gif', fps: 60 })),
        lineWidth: await msg(lab.record({ ...base, format: 'gif', lineWidth: 99 })),
        theme: await msg(lab.snapshot({ width: 320, height: 180, theme: 'sepia' as 'dark' })),
        // The Record folder's format menu.
        panel: [...document.querySelectorAll('.lil-gui select')]
          .map((sel) => [...(sel as HTMLSelectElement).options].map((o) => o.textContent))
          .find((opts) => opts.includes('gif')),
      };
    });
    console.log(`[e2e exports] messages: ${JSON.stringify(messages)}`);
    expect(messages.format).toMatch(/format must be one of "webm", "mp4", "gif", "png-zip" \(got "avi"\)/);
    expect(messages.mp4).toMatch(/transparent is not possible with format "mp4"/);
    expect(messages.gifFps).toMatch(/at most 50 fps/);
    expect(messages.lineWidth).toMatch(/lineWidth must be .* \[0\.5, 16\]/);
    expect(messages.theme).toMatch(/theme must be one of "dark", "light"/);
    expect(messages.panel).toEqual(['webm', 'mp4', 'gif', 'png-zip']);
    expect(errors).toEqual([]);
  });
});
