/**
 * The stepping loop, shared by the WebGPU app and the WebGL2 fallback: each animation frame advances the
 * run by `stepsPerFrame` steps while playing and draws. A new frame starts only once the previous one's
 * work is done (GPU queue drained, or the worker's answer arrived), so a slow device lowers the frame
 * rate instead of piling up work. While paused, frames are drawn only when something changed. Frame time
 * is the interval between completed playing frames.
 */

export interface FrameTiming {
  /** Smoothed milliseconds per frame while playing (NaN before the first measured frame). */
  msPerFrame: number;
  stepsPerSecond: number;
  /** Milliseconds of the last frame's work: submit → GPU done, or the worker's compute time. */
  gpuMs: number;
  /** GPU time of the last frame from timestamp queries (NaN where the device lacks timestamp-query). */
  gpuTimestampMs: number;
  frames: number;
}

/** What a backend reports of one frame's work (absent fields: the loop measures start → done). */
export interface FrameWork {
  workMs?: number;
  gpuTimestampMs?: number;
}

export interface LoopHost {
  /** Current step and the run's last step (null: nothing to run). */
  progress(): { step: number; end: number } | null;
  /** Whether something must be redrawn although no step is taken (the view moved). */
  needsDraw(): boolean;
  /** Advances `steps` (0: draw only) and draws; resolves once that work is done. */
  frame(steps: number): Promise<FrameWork | undefined>;
  onPlayStateChange(playing: boolean): void;
  /** A frame failed (the device was lost, the worker stopped); the host decides whether to pause. */
  onFrameError(e: unknown): void;
}

const SMOOTHING = 0.15;

export function emptyTiming(): FrameTiming {
  return {
    msPerFrame: Number.NaN,
    stepsPerSecond: 0,
    gpuMs: Number.NaN,
    gpuTimestampMs: Number.NaN,
    frames: 0,
  };
}

/** Folds one completed frame (dt ms since the previous one, `steps` steps) into the smoothed timing. */
export function addFrame(t: FrameTiming, dt: number, steps: number): void {
  t.msPerFrame = Number.isNaN(t.msPerFrame) ? dt : t.msPerFrame + SMOOTHING * (dt - t.msPerFrame);
  const rate = (1000 * steps) / Math.max(dt, 1e-3);
  t.stepsPerSecond = t.frames === 0 ? rate : t.stepsPerSecond + SMOOTHING * (rate - t.stepsPerSecond);
  t.frames++;
}

export class SimLoop {
  stepsPerFrame = 10;
  readonly timing: FrameTiming = emptyTiming();
  private playingState = false;
  private dirty = true;
  private inFlight = false;
  private stopped = false;
  private lastDone: number | null = null;

  constructor(
    private readonly host: LoopHost,
    /** requestAnimationFrame in the page; tests drive frames by hand. */
    private readonly requestFrame: (tick: () => void) => void = (t) => requestAnimationFrame(t),
  ) {}

  get playing(): boolean {
    return this.playingState;
  }

  start(): void {
    this.requestFrame(this.tick);
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
    this.requestFrame(this.tick);
    if (this.inFlight) return;
    const progress = this.host.progress();
    let steps = 0;
    if (this.playingState && progress) {
      steps = Math.min(this.stepsPerFrame, progress.end - progress.step);
      if (steps <= 0) this.pause();
      steps = Math.max(steps, 0);
    }
    if (steps === 0 && !this.dirty && !this.host.needsDraw()) return;
    this.dirty = false;
    this.inFlight = true;
    const started = performance.now();
    let work: Promise<FrameWork | undefined>;
    try {
      work = this.host.frame(steps);
    } catch (e) {
      work = Promise.reject(e);
    }
    work.then(
      (w) => this.frameDone(started, steps, w),
      (e: unknown) => {
        this.inFlight = false;
        this.host.onFrameError(e);
      },
    );
  };

  private frameDone(started: number, steps: number, work: FrameWork | undefined): void {
    this.inFlight = false;
    const now = performance.now();
    this.timing.gpuMs = work?.workMs ?? now - started;
    this.timing.gpuTimestampMs = work?.gpuTimestampMs ?? Number.NaN;
    if (steps === 0 || !this.playingState) {
      this.lastDone = null;
      return;
    }
    if (this.lastDone !== null) addFrame(this.timing, now - this.lastDone, steps);
    this.lastDone = now;
  }
}
