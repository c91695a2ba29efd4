/**
 * Extra precisions run beside the primary one on the same initial points ("precisions to run"): each is a
 * full session (engine + drift recorder) stepped in lock-step with the primary, so the drift panel can
 * draw one set of curves per precision. Only the primary's paths are drawn.
 */
import type { ExperimentConfig } from '../core/config/types';
import type { GpuContext } from '../gpu/device';
import type { GpuPrecision } from '../gpu/layout';
import { DriftRecorder } from './driftRecorder';
import { Session } from './session';

export type { GpuPrecision };

export interface ComparisonRun {
  precision: GpuPrecision;
  session: Session;
  recorder: DriftRecorder;
}

export class Comparisons {
  private constructor(readonly runs: ComparisonRun[]) {}

  static none(): Comparisons {
    return new Comparisons([]);
  }

  /** Sessions for each of `precisions` other than the config's own (built in order; all or nothing). */
  static async build(
    ctx: GpuContext,
    config: ExperimentConfig,
    precisions: readonly GpuPrecision[],
    twoProdFma: () => Promise<boolean>,
  ): Promise<Comparisons> {
    const runs: ComparisonRun[] = [];
    try {
      for (const precision of precisions) {
        if (precision === config.precision || runs.some((r) => r.precision === precision)) continue;
        const session = await Session.create(ctx, { ...config, precision }, twoProdFma);
        try {
          const recorder = await DriftRecorder.create(ctx, session.engine, precision, {
            maxStep: config.steps,
          });
          runs.push({ precision, session, recorder });
        } catch (e) {
          session.destroy();
          throw e;
        }
      }
    } catch (e) {
      new Comparisons(runs).destroy();
      throw e;
    }
    return new Comparisons(runs);
  }

  get precisions(): GpuPrecision[] {
    return this.runs.map((r) => r.precision);
  }

  advance(n: number): void {
    for (const r of this.runs) r.session.engine.advance(n);
  }

  reset(): void {
    for (const r of this.runs) r.session.reset();
  }

  destroy(): void {
    for (const r of this.runs) {
      r.recorder.destroy();
      r.session.destroy();
    }
    this.runs.length = 0;
  }
}
