/**
 * What a view of the trajectories reads: an engine's buffers and how its history ring is filled. The engine
 * fills it (src/playground/session.ts), the renderers draw from it (src/render/paths.ts).
 */
import type { ExponentialSchedule } from '../core/schedule';

/** What the paths are drawn from: an engine's buffers and how its ring is filled. */
export interface PathSource {
  history: GPUBuffer;
  metrics: GPUBuffer;
  count: number;
  historyLength: number;
  sampleEvery: number;
  /** Current step of the engine. */
  step: number;
  /** Changes when the engine is reset (paths drawn before are then stale). */
  generation: number;
  /** The run's exponential schedule (log2 c_t for the raw run w̃ = p/c_t); without it w̃ is not drawn. */
  schedule?: ExponentialSchedule;
  /** Last step of the run (config.steps): divergence colours span [0, endStep]; default: the current step. */
  endStep?: number;
}

/** Index of the newest sample in the ring at `step` (sample k was taken at step k·sampleEvery). */
export function newestSample(src: PathSource): number {
  return Math.floor(src.step / src.sampleEvery);
}

/** Oldest sample still in the ring at `step`. */
export function oldestSample(src: PathSource): number {
  return Math.max(0, newestSample(src) - src.historyLength + 1);
}
