/**
 * Wires recording into the playground: the recorder over the App (appRecordHost), the "Record" GUI folder
 * and progress bar, keyboard shortcuts and presentation mode, and the `window.lab` calls
 * (record, recordVideo, recordTour, cancelRecording, snapshot, recordingSupport, presentation).
 * The App is seen through RecordableApp, so this file does not depend on App's internals.
 */

import type GUI from 'lil-gui';
import { FIGURES, type Figure } from '../playground/figures';
import { codecSupport, hasWebCodecs } from '../record/codecs';
import { hasMediaRecorder, realtimeMimeType } from '../record/realtime';
import { Recorder, type SnapshotOptions } from '../record/recorder';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type FrameLook,
  type RecordHost,
  type RecordOptions,
  type RecordResult,
  type TourRecordOptions,
} from '../record/types';
import { download } from '../ui/download';
import {
  Presentation,
  type PresentationHooks,
  type PresentationOptions,
  type PresentationState,
} from '../ui/presentation';
import { RecordPanel, type RecordSettings } from '../ui/recordPanel';
import { Shortcuts } from '../ui/shortcuts';

/** What recording needs of the App (its public API plus renderOffscreen and, optionally, setClearColor). */
export interface RecordableApp {
  step(n: number): Promise<void>;
  reset(): Promise<void>;
  renderOffscreen(width: number, height: number, look?: FrameLook): Promise<CanvasImageSource>;
  snapshot(): { step: number; config: { steps: number } } | null;
  playback: {
    stepsPerFrame: number;
    readonly playing: boolean;
    readonly view?: { theme: 'dark' | 'light' };
    play(): void;
    pause(): void;
  };
  tour: { readonly current: Figure | null; readonly isOpen: boolean };
  showFigure(f: Figure): Promise<void>;
  setClearColor?(c: GPUColorDict): void;
  /** What presentation mode drives: the view's theme, the canvas's fixed drawing size. */
  presentationHooks?(): PresentationHooks;
  /** True once the device is lost or destroyed (RecordHost.gpuLost). */
  readonly gpuLost?: boolean;
}

export function appRecordHost(app: RecordableApp): RecordHost {
  return {
    step: (n) => app.step(n),
    renderFrame: (w, h, look) => app.renderOffscreen(w, h, look),
    theme: () => app.playback.view?.theme ?? 'dark',
    progress: () => {
      const s = app.snapshot();
      return s ? { step: s.step, end: s.config.steps } : null;
    },
    stepsPerFrame: () => app.playback.stepsPerFrame,
    isPlaying: () => app.playback.playing,
    play: () => app.playback.play(),
    pause: () => app.playback.pause(),
    caption: () => {
      const f = app.tour.current;
      return f ? `${f.title} — ${f.caption}` : null;
    },
    figures: FIGURES,
    showFigure: (f) => app.showFigure(f),
    gpuLost: () => app.gpuLost === true,
  };
}

export interface RecordingSupport {
  /** Frame-exact export (VideoEncoder) is available; otherwise exports are real-time MediaRecorder captures. */
  webcodecs: boolean;
  /** VideoEncoder.isConfigSupported per codec at 1920×1080 (vp9, vp8, avc = H.264, av1). */
  codecs: Record<string, boolean>;
  /** MediaRecorder MIME types the fallback would use (null: none). */
  mediaRecorder: { webm: string | null; mp4: string | null } | null;
  /** Formats lab.record takes. */
  formats: ExportFormat[];
  /**
   * Transparent exports this browser can make: WebM needs WebCodecs with VP9 or VP8 (Mediabunny encodes
   * the alpha as a second VP9 stream); PNG needs a WebGPU canvas that can be switched to premultiplied
   * alpha (GPUCanvasContext.getConfiguration).
   */
  transparent: { webm: boolean; png: boolean };
}

export interface RecordingLab {
  /** Records `seconds` at `fps` off-screen at width × height; resolves with the video file. */
  record(o: RecordOptions): Promise<Blob>;
  /** record() with how it was made: mode, codec string, frames, export speed (frames/s). */
  recordVideo(o: RecordOptions): Promise<RecordResult>;
  /** Every tour figure in order into one video (captions burnt in unless captions: false). */
  recordTour(o: TourRecordOptions): Promise<Blob>;
  cancelRecording(): void;
  /** PNG of the current state at width × height (the visible canvas is untouched). */
  snapshot(o: SnapshotOptions): Promise<Blob>;
  recordingSupport(): Promise<RecordingSupport>;
  /** Presentation mode (GUI hidden, fixed resolution, caption size, theme); `{ on: false }` leaves it. */
  presentation(o?: PresentationOptions): Promise<PresentationState>;
}

export class Recording {
  readonly recorder: Recorder;
  readonly presentation: Presentation;
  private readonly panel: RecordPanel | null;
  private readonly shortcuts: Shortcuts;

  constructor(
    private readonly app: RecordableApp,
    canvas: HTMLCanvasElement,
    folder: GUI | null,
  ) {
    this.recorder = new Recorder(appRecordHost(app));
    this.presentation = new Presentation(canvas, app.presentationHooks?.());
    this.panel = folder
      ? new RecordPanel(
          folder,
          {
            record: (s) => void this.download(this.fromSettings(s, false)),
            recordTour: (s) => void this.download(this.fromSettings(s, true)),
            snapshot: (s) => void this.saveSnapshot(s),
            cancel: () => this.recorder.cancel(),
          },
          !hasWebCodecs(),
        )
      : null;
    this.shortcuts = new Shortcuts({
      togglePlay: () => (app.playback.playing ? app.playback.pause() : app.playback.play()),
      record: () => {
        if (this.recorder.recording) this.recorder.cancel();
        else if (this.panel) void this.download(this.fromSettings(this.panel.settings, false));
      },
      screenshot: () => {
        const s = this.panel?.settings;
        if (s) void this.saveSnapshot(s);
      },
      stepForward: () => void app.step(app.playback.stepsPerFrame),
      reset: () => void app.reset(),
      togglePresentation: () => this.presentation.toggle(),
      tourOpen: () => app.tour.isOpen,
    });
  }

  lab(): RecordingLab {
    const r = this.recorder;
    return {
      record: async (o) => (await r.record(o)).blob,
      recordVideo: (o) => r.record(o),
      recordTour: async (o) => (await r.recordTour(o)).blob,
      cancelRecording: () => r.cancel(),
      snapshot: (o) => r.snapshot(o),
      recordingSupport: async () => {
        const codecs = await codecSupport();
        const png =
          typeof GPUCanvasContext !== 'undefined' && 'getConfiguration' in GPUCanvasContext.prototype;
        return {
          webcodecs: hasWebCodecs(),
          codecs,
          mediaRecorder: hasMediaRecorder()
            ? { webm: realtimeMimeType('webm'), mp4: realtimeMimeType('mp4') }
            : null,
          formats: [...EXPORT_FORMATS],
          transparent: { webm: png && hasWebCodecs() && (codecs.vp9 || codecs.vp8), png },
        };
      },
      presentation: async (o) => this.presentation.apply(o),
    };
  }

  /** Takes the recording UI off the page; an export under way rejects with `reason`. */
  destroy(reason?: string): void {
    this.recorder.cancel(reason);
    this.shortcuts.destroy();
    this.panel?.destroy();
    this.presentation.destroy();
  }

  private fromSettings(s: RecordSettings, tour: boolean): Promise<RecordResult> {
    const [width, height] = RecordPanel.size(s);
    const common = {
      fps: s.fps,
      width,
      height,
      format: s.format,
      transparent: s.transparent,
      stepsPerFrame: s.stepsPerFrame > 0 ? s.stepsPerFrame : undefined,
      captions: s.captions,
      captionSize: this.presentation.state.captionSize * 2,
      // Presentation mode's theme when it is on; otherwise the view's own.
      theme: this.presentation.state.on ? this.presentation.state.theme : undefined,
      onProgress: (p: Parameters<RecordPanel['progress']>[0]) => this.panel?.progress(p),
    };
    return tour
      ? this.recorder.recordTour({ ...common, secondsPerFigure: s.secondsPerFigure })
      : this.recorder.record({ ...common, seconds: s.seconds });
  }

  /** Runs an export from the GUI and offers the file for download; failures are shown in the bar. */
  private async download(job: Promise<RecordResult>): Promise<void> {
    try {
      const r = await job;
      const ext = fileExtension(r.blob.type);
      const step = this.app.snapshot()?.step ?? 0;
      download(r.blob, `scaleinv-lab-step${step}.${ext}`);
      const speed = `${r.exportFps.toFixed(1)} frames/s`;
      this.panel?.done(`Saved ${r.frames} frames (${r.codec}, ${speed})${r.note ? ` — ${r.note}` : ''}`);
    } catch (e) {
      const err = e as Error;
      if (err.name !== 'AbortError') console.error('[record]', err);
      this.panel?.done(
        err.name === 'AbortError' ? 'Recording cancelled.' : `Recording failed: ${err.message}`,
      );
    }
  }

  private async saveSnapshot(s: RecordSettings): Promise<void> {
    const [width, height] = RecordPanel.size(s);
    try {
      const blob = await this.recorder.snapshot({ width, height, transparent: s.transparent });
      download(blob, `scaleinv-lab-${width}x${height}.png`);
    } catch (e) {
      this.panel?.done(`Snapshot failed: ${(e as Error).message}`);
    }
  }
}

/** The file extension for an export's MIME type. */
export function fileExtension(type: string): string {
  if (type.includes('gif')) return 'gif';
  if (type.includes('zip')) return 'zip';
  return type.includes('mp4') ? 'mp4' : 'webm';
}

/** Hooks recording into a started App; `folder` is the GUI's "Record" folder (null: no GUI). */
export function installRecording(
  app: RecordableApp,
  canvas: HTMLCanvasElement,
  folder: GUI | null,
): Recording {
  return new Recording(app, canvas, folder);
}

/** The lab calls, each waiting for the App (and its Recording) to be ready. */
export function recordingLab(
  withRecording: <T>(f: (r: Recording) => T | Promise<T>) => Promise<T>,
  now: () => Recording,
): RecordingLab {
  const w = withRecording;
  return {
    record: (o) => w((r) => r.lab().record(o)),
    recordVideo: (o) => w((r) => r.lab().recordVideo(o)),
    recordTour: (o) => w((r) => r.lab().recordTour(o)),
    cancelRecording: () => now().recorder.cancel(),
    snapshot: (o) => w((r) => r.lab().snapshot(o)),
    recordingSupport: () => w((r) => r.lab().recordingSupport()),
    presentation: (o) => w((r) => r.lab().presentation(o)),
  };
}
