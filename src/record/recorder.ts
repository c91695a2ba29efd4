/**
 * Deterministic video export. The live loop is paused for the whole export; each video frame is drawn
 * off-screen at the export's size after exactly `stepsPerFrame` simulation steps (fewer at the run's end),
 * so a 2 s 30 fps export has 60 frames however slowly the frames render, and two exports from the same
 * state draw the same frames. Frames go through WebCodecs + Mediabunny (writer.ts), or, without WebCodecs,
 * a real-time MediaRecorder capture (realtime.ts); GIF and PNG-zip frames are encoded on the CPU as they come
 * (sinks.ts). The export's look (transparent background, line width, theme: options.ts) is drawn into its
 * frames only; the view on screen is not changed. A tour export is one segment per figure.
 */
import type { Figure } from '../playground/figures';
import { hasWebCodecs } from './codecs';
import { type CaptionStyle, Compositor } from './compositor';
import { checkFormat, frameLook } from './options';
import { ProgressClock } from './progress';
import { recordRealtime } from './realtime';
import { compositorOptions, createSink } from './sinks';
import {
  abortError,
  GPU_LOST_DURING_RECORDING,
  type RecordHost,
  type RecordOptions,
  type RecordResult,
  type TourRecordOptions,
} from './types';

/** A stretch of frames: optionally loading a figure first, with one caption. */
interface Segment {
  figure?: Figure;
  frames: number;
  caption: string | null;
}

type CommonOptions = Omit<RecordOptions, 'seconds' | 'captionText'>;

export interface SnapshotOptions {
  width: number;
  height: number;
  captions?: boolean;
  captionText?: string;
  captionSize?: number;
  /** The snapshot's theme (default: the view's). */
  theme?: 'dark' | 'light';
  /** Paths over a transparent background (no heatmap, alpha 0 behind the paths). */
  transparent?: boolean;
  /** Path width in CSS pixels at 1080 lines for this snapshot (default: the view's). */
  lineWidth?: number;
}

const MAX_FPS = 120;
const MAX_FRAMES = 120 * 60 * 10;

export class Recorder {
  private active: AbortController | null = null;

  constructor(private readonly host: RecordHost) {}

  get recording(): boolean {
    return this.active !== null;
  }

  /** Why the last export was cancelled, when not by the user (e.g. the GPU device was lost). */
  private cancelReason: string | undefined;

  /** Cancels the export under way (its promise rejects with an AbortError saying `reason`); no-op when idle. */
  cancel(reason?: string): void {
    this.cancelReason = reason;
    this.active?.abort();
  }

  /** Records `seconds` of the run from its current state. */
  async record(o: RecordOptions): Promise<RecordResult> {
    const frames = frameCount(o.seconds, o.fps);
    const caption = o.captions ? (o.captionText ?? this.host.caption()) : null;
    return this.run(o, [{ frames, caption }]);
  }

  /** Every figure of the tour (or `only` those) in order, `secondsPerFigure` each, into one video. */
  async recordTour(o: TourRecordOptions): Promise<RecordResult> {
    const figures = o.only ? this.host.figures.filter((f) => o.only!.includes(f.id)) : this.host.figures;
    if (figures.length === 0) throw new Error('no figures to record');
    const frames = frameCount(o.secondsPerFigure ?? 4, o.fps);
    const n = figures.length;
    return this.run(
      o,
      figures.map((f, i) => ({
        figure: f,
        frames,
        caption: o.captions === false ? null : `${i + 1} / ${n} · ${f.title} — ${f.caption}`,
      })),
    );
  }

  /** A PNG of the current state at width × height (the visible canvas is untouched). */
  async snapshot(o: SnapshotOptions): Promise<Blob> {
    checkSize(o.width, o.height);
    const look = frameLook(o);
    const frame = await this.host.renderFrame(o.width, o.height, look);
    const comp = new Compositor(o.width, o.height, { alpha: look.transparent });
    const caption = o.captions ? (o.captionText ?? this.host.caption()) : null;
    comp.draw(frame, caption, this.style(o));
    return comp.png();
  }

  private async run(o: CommonOptions, segments: Segment[]): Promise<RecordResult> {
    checkSize(o.width, o.height);
    const format = checkFormat(o);
    const look = frameLook(o);
    const transparent = look.transparent === true;
    const spf = o.stepsPerFrame ?? this.host.stepsPerFrame();
    if (!Number.isInteger(spf) || spf < 0) throw new RangeError(`stepsPerFrame must be a whole number ≥ 0`);
    if (this.active) throw new Error('a recording is already running (cancel it first)');
    const ac = new AbortController();
    this.cancelReason = undefined;
    if (o.signal?.aborted) throw abortError();
    o.signal?.addEventListener('abort', () => ac.abort(), { once: true });
    const host = this.host;
    const { width, height } = o;
    const comp = new Compositor(width, height, compositorOptions({ format, transparent }));
    const captionStyle = this.style(o);
    const total = segments.reduce((s, g) => s + g.frames, 0);
    const clock = new ProgressClock(total, o.onProgress);
    const at: [Segment, number, number][] = segments.flatMap((seg, si) =>
      Array.from({ length: seg.frames }, (_, k) => [seg, k, si] as [Segment, number, number]),
    );
    const label = (i: number) => {
      const [seg, , si] = at[Math.min(i, total - 1)];
      const where = seg.figure ? `figure ${si + 1}/${segments.length} (${seg.figure.id}) · ` : '';
      return `${where}frame ${i}/${total}`;
    };
    // A lost device stops the export before its frames are touched again (RecordHost.gpuLost), with the
    // app's reason once it has one.
    const stopIfLost = () => {
      if (ac.signal.aborted || host.gpuLost?.())
        throw abortError(this.cancelReason ?? GPU_LOST_DURING_RECORDING);
    };
    const drawFrame = async (i: number) => {
      const [seg, k] = at[i];
      if (seg.figure && k === 0) {
        await host.showFigure(seg.figure);
        host.pause(); // showFigure plays; the export steps on its own
      } else if (i > 0) {
        await this.advance(spf);
      }
      stopIfLost();
      const frame = await host.renderFrame(width, height, look);
      stopIfLost();
      comp.draw(frame, seg.caption, captionStyle);
    };
    this.active = ac;
    // Every await below races this: after a device loss the GPU work it waits for may never settle, and
    // the export must still reject (with the reason) instead of hanging.
    const aborted = new Promise<never>((_, reject) =>
      ac.signal.addEventListener('abort', () => reject(abortError(this.cancelReason)), { once: true }),
    );
    aborted.catch(() => undefined);
    const orAbort = <T>(work: Promise<T>): Promise<T> => Promise.race([work, aborted]);
    const wasPlaying = host.isPlaying();
    host.pause();
    try {
      clock.tick(0, label(0));
      if ((format === 'webm' || format === 'mp4') && !hasWebCodecs()) {
        if (transparent)
          throw new Error(
            "a transparent WebM needs WebCodecs' VideoEncoder, which this browser lacks (MediaRecorder drops alpha); export png-zip instead",
          );
        const note = 'WebCodecs is missing: real-time MediaRecorder capture (frame timing follows the clock)';
        console.warn(`[record] ${note}`);
        const { blob, mimeType } = await recordRealtime(comp.canvas, {
          format,
          fps: o.fps,
          frames: total,
          bitrate: o.bitrate,
          signal: ac.signal,
          drawFrame,
          onFrame: (i) => clock.tick(i + 1, label(i + 1)),
        });
        const p = clock.tick(total, 'done');
        return { blob, mode: 'mediarecorder', codec: mimeType, frames: total, exportFps: p.exportFps, note };
      }
      const writer = await createSink(comp, {
        format,
        width,
        height,
        fps: o.fps,
        frames: total,
        bitrate: o.bitrate,
        transparent,
      });
      try {
        for (let i = 0; i < total; i++) {
          if (ac.signal.aborted) throw abortError(this.cancelReason);
          await orAbort(drawFrame(i));
          stopIfLost();
          await orAbort(writer.add());
          clock.tick(i + 1, label(i + 1));
        }
        clock.tick(total, 'finalizing');
        const blob = await orAbort(writer.finalize());
        const p = clock.tick(total, 'done');
        return { blob, mode: writer.mode, codec: writer.codec, frames: total, exportFps: p.exportFps };
      } catch (e) {
        const settle = new Promise((r) => setTimeout(r, 2000));
        await Promise.race([writer.cancel().catch(() => undefined), settle]);
        throw e;
      }
    } finally {
      this.active = null;
      if (wasPlaying) host.play();
    }
  }

  /** Caption colours: the export's theme, else the view's. */
  private style(o: { captionSize?: number; theme?: 'dark' | 'light' }): CaptionStyle {
    return { size: o.captionSize ?? 40, theme: o.theme ?? this.host.theme?.() ?? 'dark' };
  }

  /** n steps, stopping at the run's last step (later frames repeat the final state). */
  private async advance(n: number): Promise<void> {
    const p = this.host.progress();
    const steps = p ? Math.max(0, Math.min(n, p.end - p.step)) : 0;
    if (steps > 0) await this.host.step(steps);
  }
}

function frameCount(seconds: number, fps: number): number {
  if (!(Number.isInteger(fps) && fps >= 1 && fps <= MAX_FPS))
    throw new RangeError(`fps must be a whole number in 1..${MAX_FPS}, got ${fps}`);
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new RangeError(`seconds must be > 0, got ${seconds}`);
  const frames = Math.round(seconds * fps);
  if (frames < 1 || frames > MAX_FRAMES) throw new RangeError(`${frames} frames: must be 1..${MAX_FRAMES}`);
  return frames;
}

/** Even sizes: H.264 and VP9's 4:2:0 chroma need them. */
function checkSize(width: number, height: number): void {
  const ok = (v: number) => Number.isInteger(v) && v >= 16 && v <= 8192 && v % 2 === 0;
  if (!ok(width) || !ok(height))
    throw new RangeError(`width and height must be even whole numbers in 16..8192, got ${width}×${height}`);
}
