/**
 * What the recorder needs from the playground (the App supplies it through appRecordHost in devHook.ts),
 * and the options and progress reports of an export. Kept free of App types so the recorder can be
 * driven by any host (tests, the fallback later).
 */
import type { Figure } from '../playground/figures';

export type VideoFormat = 'webm' | 'mp4';
/** Every export format: videos, an animated GIF, and a zip of one PNG per frame. */
export const EXPORT_FORMATS = ['webm', 'mp4', 'gif', 'png-zip'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** How an export frame looks, beyond the view on screen: applied to the export only, never to the view. */
export interface FrameLook {
  /** Leave the background out (heatmap off, clear colour alpha 0): paths over transparency. */
  transparent?: boolean;
  /** View fields drawn in the export instead of the view's own. */
  view?: { lineWidth?: number; theme?: 'dark' | 'light' };
}

export interface RecordHost {
  /** Advances n steps, queued after pending work; resolves when the GPU is done. */
  step(n: number): Promise<void>;
  /**
   * Draws the current state off-screen at width × height (the visible canvas is untouched), as `look` says
   * (a transparent background, a line width or theme of the export's own).
   */
  renderFrame(width: number, height: number, look?: FrameLook): Promise<CanvasImageSource>;
  /** Current step and the run's last step (null: nothing runs). */
  progress(): { step: number; end: number } | null;
  /** The loop's steps per frame (the default simulation speed of a video). */
  stepsPerFrame(): number;
  isPlaying(): boolean;
  play(): void;
  pause(): void;
  /** The view's theme (caption colours when an export names none); default dark. */
  theme?(): 'dark' | 'light';
  /** The tour's caption on show, or null. */
  caption(): string | null;
  /**
   * True from the moment the GPU device is lost or destroyed. The export then stops before it touches a
   * frame again: drawing a WebGPU canvas whose device is gone into the 2-D compositor can block the page.
   */
  gpuLost?(): boolean;
  figures: readonly Figure[];
  /** Loads a figure (config, view, camera); may start playing: the recorder pauses again. */
  showFigure(f: Figure): Promise<void>;
}

export interface RecordProgress {
  /** Frames finished so far, and in all. */
  frame: number;
  frames: number;
  elapsedMs: number;
  /** Estimated milliseconds left (NaN before the first frame). */
  etaMs: number;
  /** Export speed: frames finished per second of wall time. */
  exportFps: number;
  /** What is happening ("frame 12/60", "figure 3/9: …", "finalizing"). */
  label: string;
}

export interface RecordOptions {
  seconds: number;
  fps: number;
  width: number;
  height: number;
  /** 'webm' (default), 'mp4', 'gif' (at most 50 fps) or 'png-zip' (one PNG per frame in a zip). */
  format?: ExportFormat;
  /** Paths over a transparent background (no heatmap): 'webm' (VP9 with alpha) and 'png-zip' only. */
  transparent?: boolean;
  /** Path width in CSS pixels at 1080 lines for this export only (0.5–16; default: the view's). */
  lineWidth?: number;
  /** Simulation steps per video frame (default: the loop's steps per frame). */
  stepsPerFrame?: number;
  /** Burn the tour's caption (or `captionText`) into the frames. */
  captions?: boolean;
  captionText?: string;
  /** Caption font size in pixels at 1080 lines (scaled with the height); default 40. */
  captionSize?: number;
  /** The export's theme (the picture and the caption band) for this export only; default: the view's. */
  theme?: 'dark' | 'light';
  /** Bits per second (default: Mediabunny's QUALITY_HIGH for the size). */
  bitrate?: number;
  signal?: AbortSignal;
  onProgress?: (p: RecordProgress) => void;
}

export interface TourRecordOptions extends Omit<RecordOptions, 'seconds' | 'captionText'> {
  /** Seconds per figure (default 4). */
  secondsPerFigure?: number;
  /** Figure ids to include, in tour order (default: all). */
  only?: string[];
}

/**
 * How a file was made: frame-exact WebCodecs, the real-time MediaRecorder fallback, the GIF encoder
 * (gifenc), or PNGs zipped (fflate).
 */
export interface RecordResult {
  blob: Blob;
  mode: 'webcodecs' | 'mediarecorder' | 'gifenc' | 'png-zip';
  /** The encoder's codec string (e.g. vp09.00.31.08, avc1.640028; 'gif'; 'png'). */
  codec: string;
  frames: number;
  exportFps: number;
  note?: string;
}

/** Why an export stopped when the GPU device was lost under it. */
export const GPU_LOST_DURING_RECORDING =
  'the GPU device was lost during the recording; the playground recovers on its own: record again once it has';

export function abortError(reason = 'the recording was cancelled'): DOMException {
  return new DOMException(reason, 'AbortError');
}
