/**
 * The simulation loop: each animation frame advances the engine by `stepsPerFrame` steps while playing
 * and draws. A new frame is submitted only when the GPU has finished the previous one, so a slow GPU
 * lowers the frame rate instead of piling up work. While paused, frames are drawn only when something
 * changed. Frame time is the interval between completed frames while playing.
 */

import { FrameTimer } from '../gpu/frameTimer';

export interface LoopHost {
  device: GPUDevice;
  /** Current step and the run's last step (null: nothing to run). */
  progress(): { step: number; end: number } | null;
  advance(steps: number): void;
  /** Whether the view moved since the last frame drawn. */
  viewChanged(): boolean;
  render(): void;
  onPlayStateChange(playing: boolean): void;
}

export interface FrameTiming {
  /** Smoothed milliseconds per frame while playing (NaN before the first measured frame). */
  msPerFrame: number;
  stepsPerSecond: number;
  /** Milliseconds from submit to completion of the last frame. */
  gpuMs: number;
  /** GPU time of the last frame from timestamp queries (NaN where the device lacks timestamp-query). */
  gpuTimestampMs: number;
  frames: number;
}

const SMOOTHING = 0.15;

/** Folds one completed frame (dt ms since the previous one, `steps` steps) into the smoothed timing. */
export function addFrame(t: FrameTiming, dt: number, steps: number): void {
  t.msPerFrame = Number.isNaN(t.msPerFrame) ? dt : t.msPerFrame + SMOOTHING * (dt - t.msPerFrame);
  const rate = (1000 * steps) / Math.max(dt, 1e-3);
  t.stepsPerSecond = t.frames === 0 ? rate : t.stepsPerSecond + SMOOTHING * (rate - t.stepsPerSecond);
  t.frames++;
}

export class SimLoop {
  stepsPerFrame = 10;
  private playingState = false;
  private dirty = true;
  private inFlight = false;
  private stopped = false;
  private lastDone: number | null = null;
  readonly timing: FrameTiming = {
    msPerFrame: Number.NaN,
    stepsPerSecond: 0,
    gpuMs: Number.NaN,
    gpuTimestampMs: Number.NaN,
    frames: 0,
  };
  private readonly timer: FrameTimer;

  constructor(private readonly host: LoopHost) {
    this.timer = new FrameTimer(host.device);
  }

  get playing(): boolean {
    return this.playingState;
  }

  start(): void {
    requestAnimationFrame(this.tick);
  }

  stop(): void {
    this.stopped = true;
  }

  play(): void {
    if (this.playingState) return;
    this.playingState = true;
    this.lastDone = null;
    this.host.onPlayStateChange(true);
  }

  pause(): void {
    if (!this.playingState) return;
    this.playingState = false;
    this.lastDone = null;
    this.host.onPlayStateChange(false);
  }

  /** Asks for a redraw at the next frame (view, config or state changed). */
  invalidate(): void {
    this.dirty = true;
  }

  private readonly tick = (): void => {
    if (this.stopped) return;
    requestAnimationFrame(this.tick);
    if (this.inFlight) return;
    const progress = this.host.progress();
    let steps = 0;
    if (this.playingState && progress) {
      steps = Math.min(this.stepsPerFrame, progress.end - progress.step);
      if (steps <= 0) this.pause();
    }
    if (steps === 0 && !this.dirty && !this.host.viewChanged()) return;
    const timed = this.timer.begin();
    if (steps > 0) this.host.advance(steps);
    this.dirty = false;
    this.host.render();
    if (timed) this.timer.end();
    this.timing.gpuTimestampMs = this.timer.lastMs;
    this.inFlight = true;
    const submitted = performance.now();
    const measured = steps > 0;
    this.host.device.queue.onSubmittedWorkDone().then(
      () => this.frameDone(submitted, measured ? steps : 0),
      () => {
        this.inFlight = false;
      },
    );
  };

  private frameDone(submitted: number, steps: number): void {
    this.inFlight = false;
    const now = performance.now();
    this.timing.gpuMs = now - submitted;
    if (steps === 0) {
      this.lastDone = null;
      return;
    }
    if (this.lastDone !== null) addFrame(this.timing, now - this.lastDone, steps);
    this.lastDone = now;
  }
}
