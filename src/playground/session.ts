/**
 * One running experiment: a validated config, its trajectory engine and the path ring's shape. Building
 * a session is the expensive part of a config change (shader compile, buffers); everything else reads it.
 * The engine is built by the GPU layer's one config path (src/gpu/configRun.ts).
 */

import type { ExperimentConfig } from '../core/config/types';
import type { FourierLoss } from '../core/loss';
import { createEngineFor } from '../gpu/configRun';
import type { GpuContext } from '../gpu/device';
import type { TrajectoryEngine } from '../gpu/engine';
import { RING_RECORD, ringSlotAtStart } from '../gpu/layout';
import { batchMemoryBytes } from '../gpu/limits';
import type { PathSource } from '../gpu/pathSource';
import type { GapReducer } from '../gpu/reduce';

/** GPU memory the path ring may take; the ring gets as many slots as fit, within the bounds below. */
const HISTORY_BUDGET_BYTES = 32 * 1024 * 1024;
const MAX_HISTORY_SLOTS = 4096;
const MIN_HISTORY_SLOTS = 2;

/** Ring slots for `count` trajectories: enough for the whole run when it fits the budget. */
export function historySlots(count: number, steps: number, sampleEvery: number): number {
  const fit = Math.floor(HISTORY_BUDGET_BYTES / (RING_RECORD.bytes * count));
  const whole = Math.floor(steps / sampleEvery) + 1;
  return Math.max(MIN_HISTORY_SLOTS, Math.min(fit, whole, MAX_HISTORY_SLOTS));
}

export class Session {
  /** Increases at every reset: the renderer's accumulated trails are then stale. */
  private generation = 0;

  private constructor(
    private readonly ctx: GpuContext,
    readonly config: ExperimentConfig,
    readonly loss: FourierLoss,
    readonly engine: TrajectoryEngine,
    readonly points: Float64Array,
    readonly historyLength: number,
    /** Drift summary on the GPU (lab.stats, the drift panel): the engine's one reducer. */
    readonly reducer: GapReducer,
  ) {}

  /**
   * Builds the engine for a validated GPU config. `twoProdFma` is asked only for df64 (it runs the
   * precision probe once); it throws when df64 is not usable on this device.
   */
  static async create(
    ctx: GpuContext,
    config: ExperimentConfig,
    twoProdFma: () => Promise<boolean>,
  ): Promise<Session> {
    const { engine, loss, points, setup } = await createEngineFor(ctx, config, {
      twoProdFma: config.precision === 'df64' ? await twoProdFma() : false,
      ringSlots: (count) => historySlots(count, config.steps, config.sampleEvery),
    });
    let reducer: GapReducer;
    try {
      reducer = await engine.gapReducer();
    } catch (e) {
      engine.destroy();
      throw e;
    }
    const session = new Session(ctx, config, loss, engine, points, setup.historyLength ?? 0, reducer);
    session.writeFirstSample();
    return session;
  }

  /** GPU memory of this run's buffers (state, metrics, path ring), as the engine allocated them. */
  get memoryBytes(): number {
    return batchMemoryBytes({
      count: this.count,
      trajectoryBytes: this.engine.trajectoryBytes,
      metricBytes: this.engine.metricBytes,
      historyLength: this.historyLength,
    });
  }

  get count(): number {
    return this.engine.count;
  }

  get step(): number {
    return this.engine.step;
  }

  /** Back to step 0 (the ring's sample 0 is rewritten; older samples are no longer drawn). */
  reset(): void {
    this.generation++;
    this.engine.reset();
    this.writeFirstSample();
  }

  /** The kernel writes samples for t ≥ 1 only: sample 0 (slot 0) is the initial points, in both runs. */
  private writeFirstSample(): void {
    this.ctx.device.queue.writeBuffer(this.engine.history, 0, ringSlotAtStart(this.points));
  }

  pathSource(): PathSource {
    return {
      history: this.engine.history,
      metrics: this.engine.metrics,
      count: this.count,
      historyLength: this.historyLength,
      sampleEvery: this.config.sampleEvery,
      step: this.engine.step,
      generation: this.generation,
      schedule: this.engine.setup.schedule,
      endStep: this.config.steps,
    };
  }

  /** Frees the engine and with it the reducer (the engine owns the one reduction of its metrics). */
  destroy(): void {
    this.engine.destroy();
  }
}
