/**
 * The playground without WebGPU: the float64 CPU integrator in a Web Worker, drawn with regl on WebGL2,
 * at most FALLBACK_MAX_TRAJECTORIES trajectories. Same controls, URL state and config rules as the WebGPU
 * app (src/app/app.ts). Worker requests (build, steps, stats) run one at a time through a queue; while
 * playing, a frame asks for `stepsPerFrame` steps only once the previous frame's answer has arrived, so
 * a slow CPU lowers the frame rate instead of piling up work.
 */

import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig } from '../core/config/types';
import { applyOrExplain, showUrlIssues, startOrFallBack } from '../playground/configBanners';
import { type Figure, findFigure } from '../playground/figures';
import { addFrame, type FrameTiming } from '../playground/loop';
import { OpQueue } from '../playground/opQueue';
import { strictPlayConfig } from '../playground/playConfig';
import type { RunStats } from '../playground/stats';
import { decodeHash, writeHash } from '../playground/urlState';
import { DEFAULT_VIEW, mergeView, type ViewState } from '../playground/viewState';
import { Camera } from '../render/camera';
import type { Banners } from '../ui/banner';
import { ControlPanel } from '../ui/gui';
import { Legend } from '../ui/legend';
import { Overlay } from '../ui/overlay';
import { Tour } from '../ui/tour';
import { FALLBACK_MAX_TRAJECTORIES, PATH_VERTEX_BUDGET, SOFTWARE_PATH_VERTEX_BUDGET } from './cpuBatch';
import { FallbackRenderer } from './fallbackRenderer';
import type { PathFrame } from './protocol';
import { WorkerClient } from './workerClient';

export interface FallbackDom {
  canvas: HTMLCanvasElement;
  gui: HTMLElement;
  legend: HTMLElement;
  overlay: HTMLElement;
  /** The WebGPU app's drift panel: emptied, the fallback has none yet. */
  drift?: HTMLElement;
}

/** Steps per worker request in lab.step (keeps each answer, and the page's progress, short). */
const STEP_CHUNK = 500;

export class FallbackApp {
  readonly camera = new Camera();
  readonly client = new WorkerClient();
  readonly timing: FrameTiming = {
    msPerFrame: Number.NaN,
    stepsPerSecond: 0,
    gpuMs: Number.NaN,
    gpuTimestampMs: Number.NaN,
    frames: 0,
  };
  stepsPerFrame = 10;
  private current: ExperimentConfig | null = null;
  private frame: PathFrame | null = null;
  private points: Float64Array = new Float64Array(0);
  private playingState = false;
  private inFlight = false;
  private dirty = true;
  private drawnRevision = -1;
  private lastDone: number | null = null;
  private readonly ops = new OpQueue();
  /** The URL's view; the fallback draws its camera, heatmap and weight-decay / projected runs only. */
  private viewState: ViewState = structuredClone(DEFAULT_VIEW);
  private panel!: ControlPanel;
  private tour!: Tour;
  private readonly legend: Legend;
  private readonly overlay: Overlay;

  private constructor(
    readonly renderer: FallbackRenderer,
    dom: FallbackDom,
    private readonly banners: Banners,
  ) {
    this.legend = new Legend(dom.legend);
    this.overlay = new Overlay(dom.overlay);
  }

  static async start(gl: WebGL2RenderingContext, dom: FallbackDom, banners: Banners): Promise<FallbackApp> {
    const app = new FallbackApp(new FallbackRenderer(dom.canvas, gl), dom, banners);
    app.panel = new ControlPanel(dom.gui, {
      current: () => app.config,
      isPlaying: () => app.playing,
      apply: (c) => app.applyFromGui(c),
      togglePlay: () => (app.playing ? app.pause() : app.play()),
      stepOnce: () => void app.step(app.stepsPerFrame),
      reset: () => void app.reset(),
      fitView: () => app.fitView(),
      setStepsPerFrame: (n) => {
        app.stepsPerFrame = n;
      },
      view: () => app.view,
      setView: (patch) => app.setView(patch),
      startTour: () => void app.tour.start(),
      showFigure: (id) => {
        const f = findFigure(id);
        if (f) void app.showFigure(f).catch((e: unknown) => app.applyError(e));
      },
    });
    app.tour = new Tour(document.body, (f) => app.showFigure(f));
    app.camera.attach(dom.canvas);
    new ResizeObserver(() => {
      app.dirty = true;
    }).observe(dom.canvas);
    await app.loadFromUrl(location.hash);
    window.addEventListener('hashchange', () => void app.loadFromUrl(location.hash));
    window.setInterval(() => app.updateOverlay(), 250);
    requestAnimationFrame(app.tick);
    app.play();
    return app;
  }

  get config(): ExperimentConfig {
    if (!this.current) throw new Error('no experiment is running (see the banner)');
    return structuredClone(this.current);
  }

  get playing(): boolean {
    return this.playingState;
  }

  /** Step of the frame last received from the worker. */
  get currentStep(): number {
    return this.frame?.step ?? 0;
  }

  get view(): ViewState {
    return structuredClone(this.viewState);
  }

  /** Merges `patch` (validated like the URL's view: a bad field throws naming it, nothing changes). */
  setView(patch: Partial<ViewState>): void {
    const view = mergeView(this.viewState, patch);
    this.viewState = view;
    if (view.camera) this.camera.fit(view.camera.halfHeight, view.camera.center[0], view.camera.center[1]);
    if (this.current) writeHash(this.current, view);
    this.dirty = true;
  }

  play(): void {
    if (this.playingState) return;
    this.playingState = true;
    this.lastDone = null;
    this.panel.setPlaying(true);
  }

  pause(): void {
    if (!this.playingState) return;
    this.playingState = false;
    this.lastDone = null;
    this.panel.setPlaying(false);
  }

  /** Same rules and messages as the WebGPU app; the run itself is float64 on the CPU. */
  setConfig(input: unknown): Promise<void> {
    let config: ExperimentConfig;
    try {
      config = strictPlayConfig(input);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.ops.run(() => this.build(config));
  }

  /** A figure of the seed post: its config (rebuild, step 0), then its view, then play. */
  async showFigure(f: Figure): Promise<void> {
    await this.setConfig(f.config);
    this.setView(f.view);
    this.play();
  }

  private applyError(e: unknown): void {
    this.banners.show('config', 'error', [`Not applied: ${(e as Error).message}`]);
  }

  private applyFromGui(candidate: unknown): Promise<boolean> {
    return applyOrExplain(this.banners, () => this.setConfig(candidate));
  }

  /** Lenient: bad fields fall back to defaults with a banner naming each; never throws. */
  private async loadFromUrl(hash: string): Promise<void> {
    const state = decodeHash(hash);
    this.viewState = state.view;
    showUrlIssues(this.banners, state.issues);
    await startOrFallBack(
      this.banners,
      state.config,
      (c) => this.ops.run(() => this.build(c)),
      () => this.current !== null,
    );
  }

  private async build(config: ExperimentConfig): Promise<void> {
    const { loss } = resolveLoss(config.loss);
    const budget = this.renderer.isSoftware ? SOFTWARE_PATH_VERTEX_BUDGET : PATH_VERTEX_BUDGET;
    const frame = await this.client.init(config, FALLBACK_MAX_TRAJECTORIES, budget);
    const initChanged = !this.current || JSON.stringify(this.current.init) !== JSON.stringify(config.init);
    this.current = config;
    this.points = frame.points ?? new Float64Array(0);
    this.renderer.setLoss(loss);
    this.legend.setRange(this.renderer.range.min, this.renderer.range.max);
    this.applyFrame(frame);
    writeHash(config, this.viewState);
    const cam = this.viewState.camera;
    if (cam) this.camera.fit(cam.halfHeight, cam.center[0], cam.center[1]);
    else if (initChanged) this.fitView();
    this.panel.sync(config, this.playing, this.stepsPerFrame);
    this.showRunNote(config, frame);
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

  private applyFrame(frame: PathFrame): void {
    this.frame = frame;
    this.renderer.setPaths(frame.wd, frame.ex, frame.count);
    this.dirty = true;
  }

  step(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0)
      return Promise.reject(new RangeError(`step(n): n must be a whole number ≥ 0, got ${n}`));
    return this.ops.run(async () => {
      for (let left = n; left > 0; left -= STEP_CHUNK) {
        this.applyFrame(await this.client.advance(Math.min(STEP_CHUNK, left)));
      }
    });
  }

  reset(): Promise<void> {
    return this.ops.run(async () => this.applyFrame(await this.client.reset()));
  }

  stats(): Promise<RunStats> {
    return this.ops.run(() => this.client.stats());
  }

  screenshot(): Promise<Blob> {
    return this.ops.run(() => {
      this.drawnRevision = this.camera.revision;
      return this.renderer.screenshot(this.camera, this.shown());
    });
  }

  /** Frames the start points (with a margin), centred on the origin. */
  fitView(): void {
    let r = 0;
    for (const v of this.points) r = Math.max(r, Math.abs(v));
    this.camera.fit(Math.max(0.05, 1.4 * r));
    this.dirty = true;
  }

  private readonly tick = (): void => {
    requestAnimationFrame(this.tick);
    if (this.inFlight) return;
    const end = this.current?.steps ?? 0;
    const steps = this.playingState && this.frame ? Math.min(this.stepsPerFrame, end - this.frame.step) : 0;
    if (this.playingState && this.frame && steps <= 0) this.pause();
    if (steps > 0) {
      this.inFlight = true;
      this.ops
        .run(() => this.client.advance(steps))
        .then((frame) => {
          this.applyFrame(frame);
          this.draw();
          this.measure(steps, frame.computeMs);
        })
        .catch((e: unknown) => {
          this.pause();
          this.banners.show('fallback-error', 'error', ['The CPU fallback stopped.', (e as Error).message]);
        })
        .finally(() => {
          this.inFlight = false;
        });
      return;
    }
    if (this.dirty || this.camera.revision !== this.drawnRevision) this.draw();
  };

  private draw(): void {
    this.dirty = false;
    this.drawnRevision = this.camera.revision;
    this.renderer.render(this.camera, this.shown());
  }

  private shown(): { heatmap: boolean; wd: boolean; ex: boolean } {
    const v = this.viewState;
    return { heatmap: v.heatmap, wd: v.runs.weightDecay, ex: v.runs.projected };
  }

  /** Frame time = interval between completed playing frames; gpuMs holds the worker's compute time. */
  private measure(steps: number, computeMs: number): void {
    const now = performance.now();
    const t = this.timing;
    t.gpuMs = computeMs;
    if (this.lastDone !== null && this.playingState) addFrame(t, now - this.lastDone, steps);
    this.lastDone = now;
  }

  private updateOverlay(): void {
    this.overlay.update({
      timing: this.timing,
      playing: this.playing,
      step: this.frame?.step ?? 0,
      end: this.current?.steps ?? 0,
      trajectories: this.frame?.count ?? 0,
      precision: 'f64 (CPU worker)',
      adapter: this.renderer.describe(),
      status: '',
    });
  }
}
