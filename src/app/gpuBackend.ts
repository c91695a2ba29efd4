/**
 * The WebGPU backend of the playground controller: the running GpuRuns (primary session, drift recorder,
 * comparison precisions), drawn by the Renderer with its legend, sampled into the drift panel. Steps are
 * submitted whole and waited for on the queue; frames are not queued (a frame's submit is synchronous).
 */
import type { ExperimentConfig } from '../core/config/types';
import type { GpuContext } from '../gpu/device';
import { FrameTimer } from '../gpu/frameTimer';
import type { ProbeReport } from '../gpu/probe';
import type { PlaygroundBackend } from '../playground/backend';
import { DriftSampler } from '../playground/driftSampler';
import { GpuRuns } from '../playground/gpuRuns';
import type { FrameWork } from '../playground/loop';
import { type RunStats, runStats } from '../playground/stats';
import type { ViewState } from '../playground/viewState';
import { Camera } from '../render/camera';
import type { Renderer } from '../render/renderer';
import type { DriftPanel } from '../ui/driftPanel';
import type { Legend } from '../ui/legend';
import type { OverlayState } from '../ui/overlay';

/** Steps per submit in lab.step / the step button (keeps each submit short on software GPUs). */
const STEP_CHUNK = 1000;

export class GpuBackend implements PlaygroundBackend {
  readonly camera = new Camera();
  readonly stepChunk = STEP_CHUNK;
  readonly queueFrames = false;
  /** What is being built, for the overlay ('' when idle). */
  status = '';
  /** Called at the start of each visible frame (the page theme, the follow camera). */
  onFrame: ((view: ViewState) => void) | null = null;
  private runs: GpuRuns | null = null;
  private disposed = false;
  private readonly timer: FrameTimer;
  private readonly sampler: DriftSampler;

  constructor(
    readonly ctx: GpuContext,
    readonly renderer: Renderer,
    private readonly legend: Legend,
    private readonly drift: DriftPanel,
    /** df64's precision probe, run once per device. */
    readonly precisionProbe: () => Promise<ProbeReport>,
  ) {
    this.timer = new FrameTimer(ctx.device);
    this.sampler = new DriftSampler(drift, ctx.device.lost);
  }

  /** The running experiment (null before the first build and after dispose). */
  get running(): GpuRuns | null {
    return this.runs;
  }

  async build(config: ExperimentConfig, view: ViewState): Promise<void> {
    this.status = `building ${config.precision} engine…`;
    try {
      const runs = await GpuRuns.create(this.ctx, config, view.compare, () => this.twoProdFma());
      try {
        await this.renderer.setLoss(runs.session.loss);
      } catch (e) {
        runs.destroy();
        throw e;
      }
      const old = this.runs;
      this.runs = runs;
      old?.destroy();
      this.drift.clear();
      const { min, max } = this.renderer.heatmap.valueRange;
      this.legend.setRange(min, max);
      this.renderer.fitCanvas(this.camera);
    } finally {
      this.status = '';
    }
  }

  progress(): { step: number; end: number } | null {
    const s = this.runs?.session;
    return s ? { step: s.step, end: s.config.steps } : null;
  }

  startPoints(): ArrayLike<number> {
    return this.runs?.session.points ?? [];
  }

  async advance(n: number): Promise<void> {
    this.runs?.advance(n);
    await this.ctx.device.queue.onSubmittedWorkDone();
  }

  async reset(): Promise<void> {
    this.runs?.reset();
  }

  async stats(): Promise<RunStats> {
    const s = this.runs?.session;
    if (!s) throw new Error('no experiment is running (see the banner)');
    return runStats(s.step, s.config.precision, await s.reducer.summarize());
  }

  screenshot(view: ViewState): Promise<Blob> {
    return this.renderer.screenshot(this.camera, this.pathSource(), view);
  }

  /** Off-screen frame at width × height (video export, snapshots); the visible canvas is untouched. */
  renderOffscreen(
    view: ViewState,
    width: number,
    height: number,
    transparent = false,
  ): Promise<OffscreenCanvas> {
    const source = this.pathSource();
    return this.renderer.renderOffscreen(this.camera, source, view, width, height, undefined, transparent);
  }

  async frame(steps: number, view: ViewState): Promise<FrameWork> {
    this.onFrame?.(view);
    const timed = this.timer.begin();
    if (steps > 0) {
      this.runs?.advance(steps);
      // Software GPUs pay ~80 ms per sample of 40k trajectories: they sample on the 250 ms timer only.
      if (!this.ctx.isSoftware) this.sampleDrift();
    }
    const source = this.pathSource();
    this.renderer.render(this.camera, source, view);
    this.legend.setKey(this.renderer.legendFor(view, source));
    if (timed) this.timer.end();
    const gpuTimestampMs = this.timer.lastMs;
    await this.ctx.device.queue.onSubmittedWorkDone();
    return { gpuTimestampMs };
  }

  /** A change of view.compare rebuilds the comparison runs (every run restarts at step 0). */
  viewChanged(view: ViewState, previous: ViewState): (() => Promise<void>) | null {
    if (JSON.stringify(view.compare) === JSON.stringify(previous.compare)) return null;
    return async () => {
      if (!this.runs) return;
      await this.runs.setComparisons(this.ctx, view.compare, () => this.twoProdFma());
      this.drift.clear();
    };
  }

  /** One drift sample per precision into the drift panel (skipped while one is pending). */
  sampleDrift(): void {
    const runs = this.runs;
    if (runs) this.sampler.sample(runs.recorders, () => !this.disposed && this.runs === runs);
  }

  /** The overlay's figures, less the loop's timing and play state. */
  overlayInfo(): Omit<OverlayState, 'timing' | 'playing'> {
    const s = this.runs?.session;
    return {
      step: s?.step ?? 0,
      end: s?.config.steps ?? 0,
      trajectories: s?.count ?? 0,
      precision: s?.config.precision ?? '–',
      memoryBytes: this.runs?.memoryBytes ?? 0,
      adapter: this.ctx.description,
      status: this.status,
    };
  }

  dispose(): void {
    this.disposed = true;
    this.runs?.destroy();
    this.runs = null;
  }

  private pathSource() {
    return this.runs?.session.pathSource() ?? null;
  }

  /** df64's TwoProd variant, from the precision probe; throws when df64 is not usable. */
  private async twoProdFma(): Promise<boolean> {
    this.status = 'checking df64 on this GPU…';
    const report = await this.precisionProbe();
    if (!report.df64Usable) throw new Error(`df64 is not usable on this GPU: ${report.reason}`);
    return report.chosenTwoProd === 'fma';
  }
}
