/**
 * Messages between the fallback's page and its worker. Every request carries an id; the worker answers
 * each one, in order, with the same id (a frame, stats, or an error message).
 */

import type { ExperimentConfig } from '../core/config/types';
import type { RunStats } from '../playground/stats';

export type WorkerRequest =
  | { id: number; type: 'init'; config: ExperimentConfig; maxTrajectories: number; pathBudget: number }
  | { id: number; type: 'advance'; steps: number }
  | { id: number; type: 'reset' }
  | { id: number; type: 'stats' };

/** Path line lists of both runs at one step: (x, y) float32 pairs, two vertices per segment. */
export interface PathFrame {
  step: number;
  /** Trajectories run (after the cap) and in the config (before it). */
  count: number;
  total: number;
  wd: Float32Array;
  ex: Float32Array;
  /** Milliseconds the worker spent integrating for this frame (0 for init and reset). */
  computeMs: number;
  /** Initial points of the run trajectories, interleaved (x, y) (init only). */
  points?: Float64Array;
}

export type WorkerReply =
  | { id: number; type: 'frame'; frame: PathFrame }
  | { id: number; type: 'stats'; stats: RunStats }
  | { id: number; type: 'error'; message: string };
