/**
 * The CPU export writers and option checks (src/record/gifWriter.ts, zipWriter.ts, options.ts), in Node:
 * the GIF is walked block by block by an independent reader here (frame count, size, per-frame delays,
 * palettes) and, where ffmpeg is installed, decoded to check the count and the colours; the zip is read
 * back with fflate's unzipSync and each entry's PNG header checked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { GIF_MAX_FPS, GifWriter, gifDelay } from '../../src/record/gifWriter';
import { checkFormat, frameLook } from '../../src/record/options';
import { frameName, PngZipWriter } from '../../src/record/zipWriter';

interface GifInfo {
  width: number;
  height: number;
  frames: number;
  /** Per-frame delay in hundredths of a second. */
  delays: number[];
  /** Frames that carry a local colour table. */
  localPalettes: number;
  loops: boolean;
}

/** Walks a GIF89a's blocks (header, screen descriptor, extensions, images, trailer). */
function readGif(b: Uint8Array): GifInfo {
  const ascii = String.fromCharCode(...b.subarray(0, 6));
  if (ascii !== 'GIF89a') throw new Error(`not a GIF89a: ${ascii}`);
  const u16 = (o: number) => b[o] | (b[o + 1] << 8);
  const info: GifInfo = {
    width: u16(6),
    height: u16(8),
    frames: 0,
    delays: [],
    localPalettes: 0,
    loops: false,
  };
  let p = 13;
  if (b[10] & 0x80) p += 3 * (1 << ((b[10] & 7) + 1));
  const skipSubBlocks = () => {
    while (b[p] !== 0) p += b[p] + 1;
    p++;
  };
  for (;;) {
    const tag = b[p++];
    if (tag === 0x3b) return info;
    if (tag === 0x21) {
      const label = b[p++];
      if (label === 0xf9) info.delays.push(u16(p + 2));
      if (label === 0xff && String.fromCharCode(...b.subarray(p + 1, p + 12)) === 'NETSCAPE2.0')
        info.loops = true;
      skipSubBlocks();
    } else if (tag === 0x2c) {
      const packed = b[p + 8];
      p += 9;
      if (packed & 0x80) {
        info.localPalettes++;
        p += 3 * (1 << ((packed & 7) + 1));
      }
      p++; // LZW minimum code size
      skipSubBlocks();
      info.frames++;
    } else {
      throw new Error(`unexpected GIF block 0x${tag.toString(16)} at ${p - 1}`);
    }
  }
}

/** Frame k of a test animation: a gradient and a bright square that moves with k. */
function frame(w: number, h: number, k: number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = 4 * (y * w + x);
      const inSquare = x >= 4 * k && x < 4 * k + 8 && y >= 8 && y < 16;
      px[i] = inSquare ? 250 : Math.round((255 * x) / w);
      px[i + 1] = inSquare ? 220 : 40;
      px[i + 2] = inSquare ? 30 : Math.round((255 * y) / h);
      px[i + 3] = 255;
    }
  return px;
}

async function encodeGif(w: number, h: number, fps: number, frames: number): Promise<Uint8Array> {
  const gif = new GifWriter(w, h, fps);
  for (let k = 0; k < frames; k++) gif.add(frame(w, h, k));
  expect(gif.frameCount).toBe(frames);
  return new Uint8Array(await gif.finish().arrayBuffer());
}

const hasFfmpeg = spawnSync('ffprobe', ['-version'], { stdio: 'ignore' }).status === 0;

describe('GIF writer (gifenc)', () => {
  it('delays add up to the duration: 30 fps is 3, 4, 3, 3, 4, 3, … hundredths', () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => gifDelay(i, 30))).toEqual([3, 4, 3, 3, 4, 3]);
    for (const fps of [1, 7, 10, 24, 25, 30, 50]) {
      const n = 3 * fps + 1;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += gifDelay(i, fps);
      expect(sum).toBe(Math.round((100 * n) / fps));
    }
  });

  it('writes exactly the frames given, at the size given, with a palette per frame and looping', async () => {
    const bytes = await encodeGif(64, 36, 10, 20);
    const info = readGif(bytes);
    expect(info).toMatchObject({ width: 64, height: 36, frames: 20, loops: true });
    expect(info.delays).toEqual(Array(20).fill(10));
    // The first frame's palette is the global table; each later frame has its own.
    expect(info.localPalettes).toBe(19);
    // The reader can fail: one frame fewer is told apart.
    const fewer = readGif(await encodeGif(64, 36, 10, 19));
    expect(fewer.frames).toBe(19);
    expect(fewer.frames).not.toBe(20);
  });

  it.skipIf(!hasFfmpeg)('ffprobe counts the frames and ffmpeg decodes the colours closely', async () => {
    const w = 64;
    const h = 36;
    const bytes = await encodeGif(w, h, 25, 12);
    const file = join(mkdtempSync(join(tmpdir(), 'gif-test-')), 'a.gif');
    writeFileSync(file, bytes);
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-count_frames',
          '-show_entries',
          'stream=width,height,nb_read_frames',
          '-of',
          'json',
          file,
        ],
        { encoding: 'utf8' },
      ),
    ).streams[0];
    expect(probe).toMatchObject({ width: w, height: h, nb_read_frames: '12' });
    const raw = execFileSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      file,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]);
    expect(raw.length).toBe(12 * w * h * 3);
    let maxErr = 0;
    let sum = 0;
    for (let k = 0; k < 12; k++) {
      const src = frame(w, h, k);
      for (let i = 0; i < w * h; i++)
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(raw[(k * w * h + i) * 3 + c] - src[4 * i + c]);
          maxErr = Math.max(maxErr, d);
          sum += d;
        }
    }
    const mean = sum / (12 * w * h * 3);
    console.log(`[gif test] |Δ| after quantisation: max ${maxErr}, mean ${mean.toFixed(2)} (0..255)`);
    // 2,300 colours in 256 palette entries: a few levels on average, never a wrong hue.
    expect(mean).toBeLessThan(4);
    expect(maxErr).toBeLessThanOrEqual(24);
  });

  it('rejects a frame of the wrong size and a frame rate GIF cannot time', () => {
    const gif = new GifWriter(8, 8, 10);
    expect(() => gif.add(new Uint8ClampedArray(8 * 7 * 4))).toThrow(/expected 256/);
    expect(() => new GifWriter(8, 8, GIF_MAX_FPS + 10)).toThrow(/fps in 1\.\.50/);
    expect(() => gif.finish()).toThrow(/no frames/);
  });
});

describe('PNG zip writer (fflate)', () => {
  it('names frames zero-padded, in order', () => {
    expect(frameName(0, 20)).toBe('frame-0000.png');
    expect(frameName(19, 20)).toBe('frame-0019.png');
    expect(frameName(12345, 20000)).toBe('frame-12345.png');
    expect(frameName(7, 20000)).toBe('frame-00007.png');
  });

  it('holds exactly the frames added, byte for byte', async () => {
    // Minimal fake "PNGs": the signature and a frame number (the writer stores bytes as given).
    const png = (k: number) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, k]);
    const zip = new PngZipWriter(20);
    for (let k = 0; k < 20; k++) zip.add(png(k));
    const files = unzipSync(new Uint8Array(await zip.finish().arrayBuffer()));
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(20);
    expect(names[0]).toBe('frame-0000.png');
    expect(names[19]).toBe('frame-0019.png');
    names.forEach((n, k) => {
      expect(Array.from(files[n])).toEqual(Array.from(png(k)));
    });
    expect(() => zip.add(png(20))).toThrow(/more than the 20 frames/);
  });
});

describe('export options', () => {
  it('names the formats and the impossible combinations', () => {
    expect(checkFormat({})).toBe('webm');
    expect(checkFormat({ format: 'gif', fps: 30 })).toBe('gif');
    expect(checkFormat({ format: 'png-zip', transparent: true })).toBe('png-zip');
    expect(() => checkFormat({ format: 'avi' })).toThrow(
      'format must be one of "webm", "mp4", "gif", "png-zip" (got "avi")',
    );
    expect(() => checkFormat({ format: 'mp4', transparent: true })).toThrow(/not possible with format "mp4"/);
    expect(() => checkFormat({ format: 'gif', transparent: true })).toThrow(/"gif"/);
    expect(() => checkFormat({ format: 'gif', fps: 60 })).toThrow(/at most 50 fps/);
  });

  it('checks the look and keeps only what was asked', () => {
    expect(frameLook({})).toEqual({ transparent: false, view: {} });
    expect(frameLook({ transparent: true, lineWidth: 6, theme: 'light' })).toEqual({
      transparent: true,
      view: { lineWidth: 6, theme: 'light' },
    });
    expect(() => frameLook({ lineWidth: 40 })).toThrow(
      /lineWidth must be a number of CSS pixels in \[0\.5, 16\]/,
    );
    expect(() => frameLook({ theme: 'blue' as 'dark' })).toThrow(/theme must be one of "dark", "light"/);
    expect(() => frameLook({ transparent: 'yes' as unknown as boolean })).toThrow(
      /transparent must be true or false/,
    );
  });
});
