/**
 * The "Record" GUI folder (format: WebM, MP4, GIF or a zip of PNGs; transparent background; size, fps,
 * seconds, steps per frame, captions; record, record the tour, PNG snapshot) and the progress bar shown while an export runs (frames, ETA, export speed, cancel).
 * Without WebCodecs the folder says that exports fall back to real-time MediaRecorder capture.
 */
import type GUI from 'lil-gui';
import { formatDuration } from '../record/progress';
import { EXPORT_FORMATS, type ExportFormat, type RecordProgress } from '../record/types';

export const SIZES: Record<string, [number, number]> = {
  '640×360': [640, 360],
  '720p': [1280, 720],
  '1080p': [1920, 1080],
  '4K': [3840, 2160],
};

export interface RecordSettings {
  format: ExportFormat;
  /** Paths over a transparent background (WebM and PNG zip, and the PNG snapshot). */
  transparent: boolean;
  size: string;
  fps: number;
  seconds: number;
  /** 0: the loop's steps per frame. */
  stepsPerFrame: number;
  captions: boolean;
  secondsPerFigure: number;
}

export interface RecordPanelActions {
  record(s: RecordSettings): void;
  recordTour(s: RecordSettings): void;
  snapshot(s: RecordSettings): void;
  cancel(): void;
}

export class RecordPanel {
  readonly settings: RecordSettings = {
    format: 'webm',
    transparent: false,
    size: '1080p',
    fps: 30,
    seconds: 10,
    stepsPerFrame: 0,
    captions: true,
    secondsPerFigure: 4,
  };
  private readonly bar: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly text: HTMLElement;

  constructor(folder: GUI, actions: RecordPanelActions, realtimeOnly: boolean) {
    const s = this.settings;
    folder.add(s, 'format', [...EXPORT_FORMATS]).name('format');
    folder.add(s, 'transparent').name('transparent (webm, png)');
    folder.add(s, 'size', Object.keys(SIZES)).name('size');
    folder.add(s, 'fps', [24, 30, 60]).name('fps');
    folder.add(s, 'seconds', 1, 120, 1).name('seconds');
    folder.add(s, 'stepsPerFrame', 0, 1000, 1).name('steps / frame (0: live)');
    folder.add(s, 'captions').name('burn in captions');
    folder.add(s, 'secondsPerFigure', 1, 20, 1).name('tour: s / figure');
    const buttons = {
      record: () => actions.record(s),
      tour: () => actions.recordTour(s),
      snapshot: () => actions.snapshot(s),
    };
    folder.add(buttons, 'record').name('● record (R)');
    folder.add(buttons, 'tour').name('record the tour');
    folder.add(buttons, 'snapshot').name('PNG snapshot at size');
    if (realtimeOnly) {
      const note = document.createElement('div');
      note.className = 'record-note';
      note.style.cssText = 'padding:4px 8px;color:#e0b040;font-size:11px;white-space:normal';
      note.textContent =
        'No WebCodecs here: videos are captured in real time with MediaRecorder (frame timing follows the clock, not frame-exact).';
      folder.$children.append(note);
    }
    folder.close();

    this.bar = document.createElement('div');
    this.bar.className = 'record-progress';
    this.bar.hidden = true;
    this.bar.style.cssText =
      'position:absolute;left:50%;top:8px;transform:translateX(-50%);z-index:25;width:min(30em,80vw);' +
      'padding:6px 10px;background:#0d0d14e0;border-radius:6px;font:12px/1.5 system-ui,sans-serif';
    const track = document.createElement('div');
    track.style.cssText = 'height:6px;background:#ffffff22;border-radius:3px;overflow:hidden;margin:4px 0';
    this.fill = document.createElement('div');
    this.fill.style.cssText = 'height:100%;width:0;background:#e05555';
    track.append(this.fill);
    this.text = document.createElement('span');
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'record-cancel';
    cancel.textContent = 'cancel';
    cancel.style.cssText = 'float:right;font:inherit';
    cancel.addEventListener('click', () => actions.cancel());
    this.bar.append(cancel, this.text, track);
    document.body.append(this.bar);
  }

  /** Size in pixels of the chosen setting. */
  static size(s: RecordSettings): [number, number] {
    return SIZES[s.size] ?? SIZES['1080p'];
  }

  progress(p: RecordProgress): void {
    this.bar.hidden = false;
    this.bar.classList.add('active');
    const f = p.frames > 0 ? p.frame / p.frames : 0;
    this.fill.style.width = `${(100 * f).toFixed(1)}%`;
    this.text.textContent = `Recording ${p.label} · ETA ${formatDuration(p.etaMs)} · ${p.exportFps.toFixed(1)} frames/s`;
  }

  /** Hides the bar, or shows `message` in it for a few seconds. */
  done(message?: string): void {
    this.bar.classList.remove('active');
    if (!message) {
      this.bar.hidden = true;
      return;
    }
    this.text.textContent = message;
    this.bar.hidden = false;
    window.setTimeout(() => {
      if (!this.bar.classList.contains('active')) this.bar.hidden = true;
    }, 6000);
  }

  destroy(): void {
    this.bar.remove();
  }
}
