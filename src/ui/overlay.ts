/** The frame-time overlay: ms per frame, steps per second, the step counter and what is running where. */
import type { FrameTiming } from '../playground/loop';

export interface OverlayState {
  timing: FrameTiming;
  playing: boolean;
  step: number;
  end: number;
  trajectories: number;
  precision: string;
  /** GPU memory of the running batches (shown from 16 MiB up: "large runs"). */
  memoryBytes?: number;
  adapter: string;
  status: string;
}

function si(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return v.toFixed(0);
}

export class Overlay {
  private last = '';

  constructor(private readonly root: HTMLElement) {
    root.classList.add('overlay');
  }

  update(s: OverlayState): void {
    const t = s.timing;
    const frame =
      s.playing && Number.isFinite(t.msPerFrame) ? `${t.msPerFrame.toFixed(1)} ms/frame` : '– ms/frame';
    const rate = s.playing ? `${si(t.stepsPerSecond)} steps/s` : 'paused';
    const work = s.playing ? ` (${si(t.stepsPerSecond * s.trajectories)} trajectory-steps/s)` : '';
    // GPU time per frame: from timestamp queries where the device has them, else submit → done.
    const gpu = Number.isFinite(t.gpuTimestampMs)
      ? `GPU ${t.gpuTimestampMs.toFixed(1)} ms/frame (timestamps)`
      : Number.isFinite(t.gpuMs)
        ? `GPU ${t.gpuMs.toFixed(1)} ms/frame (submit → done)`
        : 'GPU –';
    const lines = [
      `${frame} · ${rate}${work}`,
      gpu,
      `step ${s.step} / ${s.end} · ${s.trajectories} trajectories · ${s.precision}` +
        ((s.memoryBytes ?? 0) >= 16 * 2 ** 20
          ? ` · ${((s.memoryBytes ?? 0) / 2 ** 20).toFixed(0)} MiB GPU memory`
          : ''),
      s.status || s.adapter,
    ];
    const text = lines.join('\n');
    if (text === this.last) return;
    this.last = text;
    this.root.textContent = text;
  }
}
