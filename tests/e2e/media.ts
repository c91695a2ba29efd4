/**
 * For the end-to-end tests of exported files (exports, record): their page, and Debian's ffprobe and ffmpeg
 * to check what it wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { RecordingLab } from '../../src/app/devHook';
import type { WebGpuLab } from '../../src/app/labApi';
import type { ViewState } from '../../src/playground/viewState';
import type { RecordOptions } from '../../src/record/types';
import type { E2eApp, OpenedPage } from './harness';

type Config = Parameters<WebGpuLab['setConfig']>[0];
/** window.lab with the recording calls (labApi.ts spreads recordingLab into it). */
type Lab = WebGpuLab & RecordingLab;

/** A page of `app` paused on `config` (and `view`); logs the adapter and what this browser can record. */
export async function openRecorder(
  app: E2eApp,
  tag: string,
  config: Config,
  view?: Partial<ViewState>,
): Promise<OpenedPage> {
  const opened = await app.open('', { state: 'ready' });
  const { page } = opened;
  await page.evaluate(
    async ({ c, v }) => {
      window.lab!.pause();
      await window.lab!.setConfig(c);
      if (v) window.lab!.setView(v);
    },
    { c: config, v: view },
  );
  const support = await page.evaluate(() => (window.lab as Lab).recordingSupport());
  console.log(`${tag} adapter: ${await page.evaluate(() => window.lab!.perf().adapter)}`);
  console.log(`${tag} support: ${JSON.stringify(support)}`);
  return opened;
}

export interface Recorded {
  base64: string;
  type: string;
  mode: string;
  codec: string;
  frames: number;
  exportFps: number;
  wallMs: number;
  bytes: number;
  /** The visible canvas's drawing buffer before and after (an off-screen export must not resize it). */
  canvasBefore: [number, number];
  canvasAfter: [number, number];
}

/**
 * Pauses, resets to step 0 (the same state every time), exports with lab.recordVideo (10 steps a frame
 * unless told) and returns the file as base64 with how it was made.
 */
export function recordFile(page: Page, o: Omit<RecordOptions, 'signal' | 'onProgress'>): Promise<Recorded> {
  return page.evaluate(async (o) => {
    const lab = window.lab as Lab;
    const canvas = document.getElementById('view') as HTMLCanvasElement;
    const canvasBefore: [number, number] = [canvas.width, canvas.height];
    lab.pause();
    await lab.reset();
    const t0 = performance.now();
    const r = await lab.recordVideo({ stepsPerFrame: 10, ...o });
    const wallMs = performance.now() - t0;
    return {
      base64: await window.__e2e.b64(r.blob),
      type: r.blob.type,
      mode: r.mode,
      codec: r.codec,
      frames: r.frames,
      exportFps: r.exportFps,
      wallMs,
      bytes: r.blob.size,
      canvasBefore,
      canvasAfter: [canvas.width, canvas.height] as [number, number],
    };
  }, o);
}

function hasTool(name: string): boolean {
  return spawnSync(name, ['-version'], { stdio: 'ignore' }).status === 0;
}

/** The requirement to pass e2eAvailable for a test file that needs ffprobe and ffmpeg. */
export function needsFfmpeg(file: string): { ok: boolean; why: string } {
  return {
    ok: hasTool('ffprobe') && hasTool('ffmpeg'),
    why: `${file} needs ffmpeg/ffprobe (apt-get install ffmpeg)`,
  };
}

export interface Probe {
  codec: string;
  width: number;
  height: number;
  /** Frames ffprobe counts by decoding (not the container's claim). */
  frames: number;
  /** Only where the file declares one (a WebM with alpha: '1'). */
  alphaMode?: string;
}

export function probe(file: string): Probe {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,nb_read_frames:stream_tags=alpha_mode',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const s = JSON.parse(out).streams[0];
  const p = { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames) };
  return s.tags?.alpha_mode ? { ...p, alphaMode: s.tags.alpha_mode } : p;
}

/**
 * Decodes an image or video to raw frames with ffmpeg, one Buffer per frame: RGBA by default or packed
 * RGB; `decoder` goes before -i (e.g. libvpx-vp9, which keeps the alpha).
 */
export function rawFrames(
  file: string,
  w: number,
  h: number,
  o: { pixFmt?: 'rgba' | 'rgb24'; decoder?: string } = {},
): Buffer[] {
  const pixFmt = o.pixFmt ?? 'rgba';
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      ...(o.decoder ? ['-c:v', o.decoder] : []),
      '-i',
      file,
      '-f',
      'rawvideo',
      '-pix_fmt',
      pixFmt,
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  const size = w * h * (pixFmt === 'rgba' ? 4 : 3);
  expect(raw.length % size).toBe(0);
  return Array.from({ length: raw.length / size }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}
