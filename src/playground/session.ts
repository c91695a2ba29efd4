/**
 * One running experiment: a validated config, its trajectory engine and the path ring's shape. Building
 * a session is the expensive part of a config change (shader compile, buffers); everything else reads it.
 */

import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig } from '../core/config/types';
import { initialPoints } from '../core/init';
import type { FourierLoss } from '../core/loss';
import { toExponential } from '../core/schedule';
import type { GpuContext } from '../gpu/device';
import { TrajectoryEngine } from '../gpu/engine';
import { batchMemoryBytes } from '../gpu/limits';
import type { PathSource } from '../gpu/pathSource';
import { GapReducer } from '../gpu/reduce';

/** GPU memory the path ring may take; the ring gets as many slots as fit, within the bounds below. */
const HISTORY_BUDGET_BYTES = 32 * 1024 * 1024;
const MAX_HISTORY_SLOTS = 4096;
const MIN_HISTORY_SLOTS = 2;

/** Ring slots for `count` trajectories: enough for the whole run when it fits the budget. */
export function historySlots(count: number, steps: number, sampleEvery: number): number {
  const fit = Math.floor(HISTORY_BUDGET_BYTES / (16 * count));
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
    /** Drift summary on the GPU (lab.stats, the drift panel). */
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
    if (config.precision !== 'f32' && config.precision !== 'df64') {
      throw new Error(`precision ${config.precision} does not run on the GPU (use f32 or df64)`);
    }
    const { loss } = resolveLoss(config.loss);
    const points = initialPoints(config.init);
    const count = points.length / 2;
    const historyLength = historySlots(count, config.steps, config.sampleEvery);
    const engine = await TrajectoryEngine.create(ctx, {
      precision: config.precision,
      loss,
      schedule: toExponential(config.optimizer),
      tolerance: config.driftTolerance,
      points,
      historyLength,
      sampleEvery: config.sampleEvery,
      numerics: config.numerics,
      twoProdFma: config.precision === 'df64' ? await twoProdFma() : false,
    });
    let reducer: GapReducer;
    try {
      reducer = await GapReducer.create(ctx, engine.metrics, engine.count);
    } catch (e) {
      engine.destroy();
      throw e;
    }
    const session = new Session(ctx, config, loss, engine, points, historyLength, reducer);
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
    const n = this.count;
    const rec = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) {
      const x = this.points[2 * i];
      const y = this.points[2 * i + 1];
      rec.set([x, y, x, y], 4 * i);
    }
    this.ctx.device.queue.writeBuffer(this.engine.history, 0, rec);
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

  destroy(): void {
    this.reducer.destroy();
    this.engine.destroy();
  }
}
