/**
 * What the recorder needs from the playground (the App supplies it through appRecordHost in devHook.ts),
 * and the options and progress reports of an export. Kept free of App types so the recorder can be
 * driven by any host (tests, the fallback later).
 */
import type { Figure } from '../playground/figures';

export type VideoFormat = 'webm' | 'mp4';

export interface RecordHost {
  /** Advances n steps, queued after pending work; resolves when the GPU is done. */
  step(n: number): Promise<void>;
  /** Draws the current state off-screen at width × height (the visible canvas is untouched). */
  renderFrame(width: number, height: number): Promise<CanvasImageSource>;
  /** Current step and the run's last step (null: nothing runs). */
  progress(): { step: number; end: number } | null;
  /** The loop's steps per frame (the default simulation speed of a video). */
  stepsPerFrame(): number;
  isPlaying(): boolean;
  play(): void;
  pause(): void;
  /** The tour's caption on show, or null. */
  caption(): string | null;
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
  format?: VideoFormat;
  /** Simulation steps per video frame (default: the loop's steps per frame). */
  stepsPerFrame?: number;
  /** Burn the tour's caption (or `captionText`) into the frames. */
  captions?: boolean;
  captionText?: string;
  /** Caption font size in pixels at 1080 lines (scaled with the height); default 40. */
  captionSize?: number;
  /** Colours of the caption band. */
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

/** How a video was made: frame-exact WebCodecs, or the real-time MediaRecorder fallback. */
export interface RecordResult {
  blob: Blob;
  mode: 'webcodecs' | 'mediarecorder';
  /** The encoder's codec string (e.g. vp09.00.31.08, avc1.640028). */
  codec: string;
  frames: number;
  exportFps: number;
  note?: string;
}

export function abortError(reason = 'the recording was cancelled'): DOMException {
  return new DOMException(reason, 'AbortError');
}
