/**
 * The WebGL2 fallback's backend for the playground controller: the float64 CPU integrator in a Web Worker
 * (at most FALLBACK_MAX_TRAJECTORIES trajectories), drawn with regl. The worker answers one request at a
 * time, so animation frames take their turn in the controller's op queue: while playing, a frame asks for
 * its steps only once the previous answer has arrived, and a slow CPU lowers the frame rate.
 */
import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig } from '../core/config/types';
import type { PlaygroundBackend } from '../playground/backend';
import type { Banners } from '../playground/configBanners';
import type { FrameWork } from '../playground/loop';
import type { RunStats } from '../playground/stats';
import type { ViewState } from '../playground/viewState';
import { Camera } from '../render/camera';
import type { Legend } from '../ui/legend';
import type { OverlayState } from '../ui/overlay';
import { FALLBACK_MAX_TRAJECTORIES, PATH_VERTEX_BUDGET, SOFTWARE_PATH_VERTEX_BUDGET } from './cpuBatch';
import type { FallbackRenderer } from './fallbackRenderer';
import type { PathFrame } from './protocol';
import { WorkerClient } from './workerClient';

/** Steps per worker request in lab.step (keeps each answer, and the page's progress, short). */
const STEP_CHUNK = 500;

export class FallbackBackend implements PlaygroundBackend {
  readonly camera = new Camera();
  readonly client = new WorkerClient();
  readonly stepChunk = STEP_CHUNK;
  readonly queueFrames = true;
  private frameData: PathFrame | null = null;
  private end = 0;
  private points: Float64Array = new Float64Array(0);
  /** The worker's compute time for the last frame that stepped (the overlay's "GPU" figure). */
  private workMs = Number.NaN;

  constructor(
    readonly renderer: FallbackRenderer,
    private readonly legend: Legend,
    private readonly banners: Banners,
  ) {}

  async build(config: ExperimentConfig): Promise<void> {
    const { loss } = resolveLoss(config.loss);
    const budget = this.renderer.isSoftware ? SOFTWARE_PATH_VERTEX_BUDGET : PATH_VERTEX_BUDGET;
    const frame = await this.client.init(config, FALLBACK_MAX_TRAJECTORIES, budget);
    this.end = config.steps;
    this.points = frame.points ?? new Float64Array(0);
    this.renderer.setLoss(loss);
    this.legend.setRange(this.renderer.range.min, this.renderer.range.max);
    this.frameData = frame;
    this.renderer.setPaths(frame.wd, frame.ex, frame.count);
    this.showRunNote(config, frame);
  }

  progress(): { step: number; end: number } | null {
    return this.frameData ? { step: this.frameData.step, end: this.end } : null;
  }

  startPoints(): ArrayLike<number> {
    return this.points;
  }

  async advance(n: number): Promise<void> {
    this.applyFrame(await this.client.advance(n));
  }

  async reset(): Promise<void> {
    this.applyFrame(await this.client.reset());
  }

  stats(): Promise<RunStats> {
    return this.client.stats();
  }

  screenshot(view: ViewState): Promise<Blob> {
    return this.renderer.screenshot(this.camera, shown(view));
  }

  async frame(steps: number, view: ViewState): Promise<FrameWork> {
    if (steps > 0) {
      const frame = await this.client.advance(steps);
      this.applyFrame(frame);
      this.workMs = frame.computeMs;
    }
    this.renderer.render(this.camera, shown(view));
    return { workMs: this.workMs };
  }

  onFrameError(e: unknown): 'pause' {
    this.banners.show('fallback-error', 'error', ['The CPU fallback stopped.', (e as Error).message]);
    return 'pause';
  }

  /** The overlay's figures, less the loop's timing and play state. */
  overlayInfo(): Omit<OverlayState, 'timing' | 'playing'> {
    return {
      step: this.frameData?.step ?? 0,
      end: this.end,
      trajectories: this.frameData?.count ?? 0,
      precision: 'f64 (CPU worker)',
      adapter: this.renderer.describe(),
      status: '',
    };
  }

  private applyFrame(frame: PathFrame): void {
    this.frameData = frame;
    this.renderer.setPaths(frame.wd, frame.ex, frame.count);
  }

  /** What the fallback runs differently from the config: the cap and the precision. */
  private showRunNote(config: ExperimentConfig, frame: PathFrame): void {
    const lines = [
      `CPU fallback: every number is float64 on the CPU (the config's precision ${config.precision} is not ` +
        'used; lab.stats() reports precision "f64").',
    ];
    if (frame.total > frame.count) {
      lines.push(
        `This configuration has ${frame.total} trajectories; the fallback runs ${frame.count} of them ` +
          `(evenly spread), at most ${FALLBACK_MAX_TRAJECTORIES}.`,
      );
    }
    this.banners.show('fallback', 'info', lines);
  }
}

/** What the fallback draws of a view: its camera, heatmap and weight-decay / projected runs only. */
function shown(v: ViewState): { heatmap: boolean; wd: boolean; ex: boolean } {
  return { heatmap: v.heatmap, wd: v.runs.weightDecay, ex: v.runs.projected };
}
