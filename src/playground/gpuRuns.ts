/**
 * The WebGPU playground's running experiment: the primary session, its drift recorder and the comparison
 * precisions stepped beside it (view.compare). Built all or nothing: a failure destroys what was made and
 * leaves the caller's running set alone.
 */
import type { ExperimentConfig } from '../core/config/types';
import type { GpuContext } from '../gpu/device';
import { Comparisons, type GpuPrecision } from './comparisons';
import { DriftRecorder } from './driftRecorder';
import { Session } from './session';

export class GpuRuns {
  private constructor(
    readonly session: Session,
    readonly recorder: DriftRecorder,
    private compare: Comparisons,
  ) {}

  static async create(
    ctx: GpuContext,
    config: ExperimentConfig,
    compare: readonly GpuPrecision[],
    twoProdFma: () => Promise<boolean>,
  ): Promise<GpuRuns> {
    const session = await Session.create(ctx, config, twoProdFma);
    let recorder: DriftRecorder | null = null;
    try {
      recorder = await DriftRecorder.create(ctx, session.engine, config.precision, { maxStep: config.steps });
      return new GpuRuns(session, recorder, await Comparisons.build(ctx, config, compare, twoProdFma));
    } catch (e) {
      recorder?.destroy();
      session.destroy();
      throw e;
    }
  }

  get config(): ExperimentConfig {
    return this.session.config;
  }

  /** Every drift recorder, the primary's first. */
  get recorders(): DriftRecorder[] {
    return [this.recorder, ...this.compare.runs.map((r) => r.recorder)];
  }

  /** GPU memory of every run (the overlay's figure). */
  get memoryBytes(): number {
    return this.session.memoryBytes + this.compare.runs.reduce((m, r) => m + r.session.memoryBytes, 0);
  }

  /** Submits `n` steps of every run (lock-step); the caller waits for the queue. */
  advance(n: number): void {
    this.session.engine.advance(n);
    this.compare.advance(n);
  }

  reset(): void {
    this.session.reset();
    this.compare.reset();
  }

  /** New comparison runs; every run restarts at step 0 so they stay in lock-step. */
  async setComparisons(
    ctx: GpuContext,
    precisions: readonly GpuPrecision[],
    twoProdFma: () => Promise<boolean>,
  ): Promise<void> {
    const next = await Comparisons.build(ctx, this.config, precisions, twoProdFma);
    this.compare.destroy();
    this.compare = next;
    this.session.reset();
    this.recorder.reset();
  }

  destroy(): void {
    this.compare.destroy();
    this.recorder.destroy();
    this.session.destroy();
  }
}
