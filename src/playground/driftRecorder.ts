/**
 * Records the drift of one running engine over time for the drift panel: at each sample the GPU reduces
 * the metric buffer (the engine's one GapReducer, shared with the session: angle-gap median / p95 / max and
 * counts of diverged, overflowed and absorbed runs; DivergenceHistogramReducer: the divergence-step
 * histogram) and only those few numbers come back. Points are kept in columns, ready for
 * uPlot, and thinned evenly so that a long run keeps at most MAX_POINTS of them.
 */
import type { GpuContext } from '../gpu/device';
import { type DivergenceHistogram, DivergenceHistogramReducer } from '../gpu/divergenceHistogram';
import type { TrajectoryEngine } from '../gpu/engine';
import type { GapReducer } from '../gpu/reduce';

export const MAX_POINTS = 4000;

/** Columns of the recorded points, by ascending step (NaN gaps: no trajectory with a finite gap). */
export interface DriftSeries {
  precision: string;
  step: Float64Array;
  median: Float64Array;
  p95: Float64Array;
  max: Float64Array;
  diverged: Float64Array;
  overflowed: Float64Array;
  /** Weight-decay / exponential runs absorbed at an exact stationary point at that step. */
  absorbedWd: Float64Array;
  absorbedExp: Float64Array;
}

export interface DriftPoint {
  step: number;
  median: number;
  p95: number;
  max: number;
  diverged: number;
  overflowed: number;
  absorbedWd: number;
  absorbedExp: number;
}

export interface DriftHistogram extends DivergenceHistogram {
  precision: string;
  /** The engine step the histogram describes. */
  step: number;
}

export interface DriftRecorderOptions {
  /** Histogram bins over the divergence steps (default 64, at most 256). */
  bins?: number;
  /** Upper end of the histogram's step range, e.g. the run's last step; default: the current step. */
  maxStep?: number;
  /** Most points kept (default MAX_POINTS); older ones are thinned evenly beyond it. */
  maxPoints?: number;
}

const COLUMNS = [
  'step',
  'median',
  'p95',
  'max',
  'diverged',
  'overflowed',
  'absorbedWd',
  'absorbedExp',
] as const;

export class DriftRecorder {
  private readonly cols: Record<(typeof COLUMNS)[number], number[]> = {
    step: [],
    median: [],
    p95: [],
    max: [],
    diverged: [],
    overflowed: [],
    absorbedWd: [],
    absorbedExp: [],
  };
  /** Smallest step distance between kept points; doubles-ish at each thinning. */
  private spacing = 0;
  private latest: DriftHistogram | null = null;
  /** Bumped by reset() and destroy(): a sample in flight from before is then dropped. */
  private generation = 0;
  private destroyed = false;
  private pending: Promise<void> | null = null;

  private constructor(
    private readonly engine: TrajectoryEngine,
    readonly precision: string,
    private readonly gaps: GapReducer,
    private readonly hist: DivergenceHistogramReducer,
    private readonly maxStep: number | undefined,
    private readonly maxPoints: number,
  ) {}

  static async create(
    ctx: GpuContext,
    engine: TrajectoryEngine,
    precision: string,
    options: DriftRecorderOptions = {},
  ): Promise<DriftRecorder> {
    const gaps = await engine.gapReducer();
    const hist = await DivergenceHistogramReducer.create(
      ctx,
      engine.metrics,
      engine.count,
      options.bins ?? 64,
    );
    return new DriftRecorder(
      engine,
      precision,
      gaps,
      hist,
      options.maxStep,
      Math.max(4, options.maxPoints ?? MAX_POINTS),
    );
  }

  /** Whether a sample is still waiting for the GPU (the caller skips this frame's sample then). */
  get busy(): boolean {
    return this.pending !== null;
  }

  get length(): number {
    return this.cols.step.length;
  }

  /**
   * Reduces the metrics at the engine's current step on the GPU and appends the point. Does nothing when
   * the step has not changed since the last point, or while a previous sample is pending. A step lower
   * than the last point's (the engine was reset) starts a new series.
   */
  sample(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    if (this.pending) return this.pending;
    const step = this.engine.step;
    const n = this.length;
    if (n > 0 && step < this.cols.step[n - 1]) this.reset();
    if (this.length > 0 && step === this.cols.step[this.length - 1]) return Promise.resolve();
    const generation = this.generation;
    const maxStep = Math.max(1, this.maxStep ?? step);
    // Both reductions are submitted now, synchronously, so both see the metrics of `step`.
    const work = Promise.all([this.gaps.summarize(), this.hist.compute(maxStep)]).then(([s, h]) => {
      if (generation !== this.generation) return;
      this.push({
        step,
        median: s.angleGap.median,
        p95: s.angleGap.p95,
        max: s.angleGap.max,
        diverged: s.diverged,
        overflowed: s.overflowed,
        absorbedWd: s.absorbed.wd,
        absorbedExp: s.absorbed.exp,
      });
      this.latest = { ...h, precision: this.precision, step };
    });
    this.pending = work.finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private push(p: DriftPoint): void {
    const c = this.cols;
    const n = c.step.length;
    // Within `spacing` of the last kept point, the new point replaces the live tip instead of adding one.
    const replaceTip = n >= 2 && p.step - c.step[n - 2] < this.spacing;
    for (const k of COLUMNS) {
      if (replaceTip) c[k][n - 1] = p[k];
      else c[k].push(p[k]);
    }
    if (c.step.length > this.maxPoints) this.thin();
  }

  /** Keeps every other point (and the newest); new points then come at the thinned density. */
  private thin(): void {
    const c = this.cols;
    const n = c.step.length;
    for (const k of COLUMNS) {
      const col = c[k];
      const kept = col.filter((_, i) => i % 2 === 0 || i === n - 1);
      c[k] = kept;
    }
    const m = c.step.length;
    this.spacing = (c.step[m - 1] - c.step[0]) / Math.max(1, m - 1);
  }

  /** The recorded points as columns (copies, so the chart may keep them). */
  series(): DriftSeries {
    const c = this.cols;
    return {
      precision: this.precision,
      step: Float64Array.from(c.step),
      median: Float64Array.from(c.median),
      p95: Float64Array.from(c.p95),
      max: Float64Array.from(c.max),
      diverged: Float64Array.from(c.diverged),
      overflowed: Float64Array.from(c.overflowed),
      absorbedWd: Float64Array.from(c.absorbedWd),
      absorbedExp: Float64Array.from(c.absorbedExp),
    };
  }

  /** The divergence-step histogram of the latest sample (null before the first). */
  histogram(): DriftHistogram | null {
    return this.latest;
  }

  /** Forgets every point (a sample in flight is dropped). */
  reset(): void {
    this.generation++;
    for (const k of COLUMNS) this.cols[k] = [];
    this.spacing = 0;
    this.latest = null;
  }

  /** Frees the histogram's buffers; the engine and its gap reducer are not the recorder's and stay alive. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.reset();
    this.hist.destroy();
  }
}
