/** Progress, ETA and export speed of a frame-by-frame export. */
import type { RecordProgress } from './types';

export class ProgressClock {
  private readonly start = performance.now();

  constructor(
    readonly frames: number,
    private readonly report?: (p: RecordProgress) => void,
  ) {}

  /** Reports `done` frames finished (of `frames`). */
  tick(done: number, label = `frame ${done}/${this.frames}`): RecordProgress {
    const p = estimate(done, this.frames, performance.now() - this.start, label);
    this.report?.(p);
    return p;
  }
}

/** Linear ETA: the frames left at the mean time per frame so far. */
export function estimate(done: number, frames: number, elapsedMs: number, label: string): RecordProgress {
  const perFrame = done > 0 ? elapsedMs / done : Number.NaN;
  return {
    frame: done,
    frames,
    elapsedMs,
    etaMs: done > 0 ? perFrame * Math.max(0, frames - done) : Number.NaN,
    exportFps: done > 0 && elapsedMs > 0 ? (1000 * done) / elapsedMs : 0,
    label,
  };
}

/** "1:05" style duration for the panel (– when unknown). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
