/**
 * The playground: owns the GPU context, the renderer, the camera, the running session and the loop, and
 * applies config changes. Changes that rebuild the engine, steps and read-backs run one at a time through
 * a queue, so a session is never replaced or destroyed under a pending operation. A config is swapped in
 * only once its new engine is built: a failure leaves the previous one running.
 */

import type { ExperimentConfig, Precision } from '../core/config/types';
import type { GpuContext } from '../gpu/device';
import { type ProbeReport, runPrecisionProbe } from '../gpu/probe';
import { Comparisons } from '../playground/comparisons';
import { applyOrExplain, showUrlIssues, startOrFallBack } from '../playground/configBanners';
import { DriftRecorder } from '../playground/driftRecorder';
import { type Figure, findFigure } from '../playground/figures';
import { SimLoop } from '../playground/loop';
import { OpQueue } from '../playground/opQueue';
import { strictPlayConfig } from '../playground/playConfig';
import { type PrecisionStudyResult, runPrecisionStudy } from '../playground/precisionStudy';
import { Session } from '../playground/session';
import { type RunStats, runStats } from '../playground/stats';
import { decodeHash, writeHash } from '../playground/urlState';
import { DEFAULT_VIEW, mergeView, type ViewState } from '../playground/viewState';
import { Camera } from '../render/camera';
import { Renderer } from '../render/renderer';
import type { Banners } from '../ui/banner';
import { DriftPanel } from '../ui/driftPanel';
import { ControlPanel } from '../ui/gui';
import { Legend } from '../ui/legend';
import { Overlay } from '../ui/overlay';
import { PrecisionTab } from '../ui/precisionTab';
import { Tour } from '../ui/tour';
import { installRecording, type Recording } from './devHook';

/** What survives a device loss: the app is rebuilt on a new device and brought back to this state. */
export interface AppSnapshot {
  config: ExperimentConfig;
  view: ViewState;
  step: number;
  playing: boolean;
}

export interface AppDom {
  canvas: HTMLCanvasElement;
  gui: HTMLElement;
  legend: HTMLElement;
  overlay: HTMLElement;
  drift: HTMLElement;
  precision: HTMLElement;
}

/** Steps per submit in lab.step / the step button (keeps each submit short on software GPUs). */
const STEP_CHUNK = 1000;
/** Path vertices per run and frame: software GPUs rasterise lines on the CPU. */
const SOFTWARE_VERTEX_BUDGET = 1 << 18;
const HARDWARE_VERTEX_BUDGET = 1 << 25;

export class App {
  readonly camera = new Camera();
  readonly loop: SimLoop;
  private session: Session | null = null;
  private readonly ops = new OpQueue();
  private probe: Promise<ProbeReport> | null = null;
  private status = '';
  private drawnRevision = -1;
  /** How the run is drawn (URL `v=`); changed by setView, the GUI and figures. */
  private viewState: ViewState = structuredClone(DEFAULT_VIEW);
  private hashTimer = 0;
  /** Undoes what start() attached to the page (listeners, timers, DOM), for dispose(). */
  private readonly cleanups: (() => void)[] = [];
  private disposed = false;
  /** Called when the device is lost (not when dispose() destroys it); main.ts recovers. */
  onDeviceLost: ((reason: string) => void) | null = null;
  /** Set while a click adds a point: the camera stays where the user was looking. */
  private keepCamera = false;
  private panel!: ControlPanel;
  private drift!: DriftPanel;
  /** The Precision tab (GUI button, lab.openPrecisionTab / lab.study). */
  precisionTab!: PrecisionTab;
  private recorder: DriftRecorder | null = null;
  /** Other precisions stepped beside the primary (view.compare). */
  private compare = Comparisons.none();
  /** The guided tour through the seed post's figures (GUI button, lab.loadFigure). */
  tour!: Tour;
  /** Video export, snapshots, presentation mode and shortcuts (src/app/devHook.ts). */
  recording!: Recording;
  private readonly legend: Legend;
  private readonly overlay: Overlay;

  private constructor(
    readonly ctx: GpuContext,
    private readonly renderer: Renderer,
    private readonly dom: AppDom,
    private readonly banners: Banners,
  ) {
    this.legend = new Legend(dom.legend);
    this.overlay = new Overlay(dom.overlay);
    this.loop = new SimLoop({
      device: ctx.device,
      progress: () => (this.session ? { step: this.session.step, end: this.session.config.steps } : null),
      advance: (n) => {
        this.session?.engine.advance(n);
        this.compare.advance(n);
        // Software GPUs pay ~80 ms per sample of 40k trajectories: sample on the 250 ms timer there.
        if (!ctx.isSoftware) this.sampleDrift();
      },
      viewChanged: () => this.camera.revision !== this.drawnRevision,
      render: () => {
        if (this.drawnRevision >= 0 && this.camera.revision !== this.drawnRevision) this.saveHash();
        this.drawnRevision = this.camera.revision;
        const source = this.session?.pathSource() ?? null;
        this.renderer.render(this.camera, source, this.viewState);
        this.legend.setKey(this.renderer.legendFor(this.viewState, source));
      },
      onPlayStateChange: (playing) => this.panel.setPlaying(playing),
    });
  }

  /**
   * Builds the playground on `ctx`. With `restore` (after a device loss) it starts from that config and
   * view and steps back to the same step (the integration is deterministic, so the state is the same);
   * otherwise from the URL.
   */
  static async start(ctx: GpuContext, dom: AppDom, banners: Banners, restore?: AppSnapshot): Promise<App> {
    const renderer = await Renderer.create(
      ctx.device,
      dom.canvas,
      ctx.maxInvocationsPerDispatch,
      ctx.isSoftware ? SOFTWARE_VERTEX_BUDGET : HARDWARE_VERTEX_BUDGET,
    );
    const app = new App(ctx, renderer, dom, banners);
    app.watchDevice();
    app.panel = new ControlPanel(dom.gui, {
      current: () => app.config,
      isPlaying: () => app.loop.playing,
      apply: (c) => app.applyFromGui(c),
      togglePlay: () => (app.loop.playing ? app.loop.pause() : app.loop.play()),
      stepOnce: () => void app.step(app.loop.stepsPerFrame),
      reset: () => void app.reset(),
      fitView: () => app.fitView(),
      setStepsPerFrame: (n) => {
        app.loop.stepsPerFrame = n;
      },
      view: () => app.view,
      startTour: () => void app.tour.start(),
      showFigure: (id) => {
        const f = findFigure(id);
        if (f) void app.showFigure(f).catch((e: unknown) => app.showError(e));
      },
      setView: (patch) => app.setView(patch),
      togglePrecision: () => app.precisionTab.toggle(),
    });
    // Open where there is room for it beside the view; a click on its header opens it elsewhere.
    app.drift = new DriftPanel(dom.drift, ctx.device, { open: window.innerHeight >= 900 });
    app.drift.setMapSource(() => {
      const s = app.session;
      if (!s || !('grid' in s.config.init)) return null;
      const [nx, ny] = s.config.init.grid.count;
      return { metrics: s.engine.metrics, count: s.count, nx, ny, maxStep: s.config.steps };
    });
    app.precisionTab = new PrecisionTab(dom.precision, {
      run: (o) => runPrecisionStudy(app.ctx, app.config, { ...o, probe: () => app.precisionProbe() }),
      onHighlight: (i) => app.setHighlight(i),
      fileStem: () => `study-${'preset' in app.config.loss ? app.config.loss.preset : 'custom'}`,
    });
    app.cleanups.push(() => app.precisionTab.destroy());
    app.tour = new Tour(document.body, (f) => app.showFigure(f));
    app.recording = installRecording(app, dom.canvas, app.panel.addFolder('Record'));
    // dispose() runs only when the device is lost: an export under way says so.
    app.cleanups.push(() =>
      app.recording.destroy(
        'the GPU device was lost during the recording; the playground has recovered: record again',
      ),
    );
    app.cleanups.push(app.camera.attach(dom.canvas));
    app.camera.onPick = (x, y) => app.addTrajectoryAt(x, y);
    if (restore) {
      app.viewState = structuredClone(restore.view);
      app.panel.syncView(restore.view);
      await app.ops.run(() => app.build(restore.config));
      if (restore.view.camera)
        app.camera.setPlaneView(restore.view.camera.center, restore.view.camera.halfHeight);
      await app.step(restore.step);
    } else {
      await app.loadFromUrl(location.hash);
    }
    const onHash = () => void app.loadFromUrl(location.hash);
    window.addEventListener('hashchange', onHash);
    const timer = window.setInterval(() => {
      app.updateOverlay();
      app.sampleDrift();
    }, 250);
    app.cleanups.push(
      () => window.removeEventListener('hashchange', onHash),
      () => window.clearInterval(timer),
    );
    app.loop.start();
    if (!restore || restore.playing) app.loop.play();
    return app;
  }

  get config(): ExperimentConfig {
    if (!this.session) throw new Error('no experiment is running (see the banner)');
    return structuredClone(this.session.config);
  }

  /** The view as drawn now: its camera is the live one (pans, zooms and fits included). */
  get view(): ViewState {
    return { ...structuredClone(this.viewState), camera: this.camera.planeView() };
  }

  /**
   * Merges `patch` into the view (validated like the URL's: a bad field throws with its name, nothing is
   * changed). Takes effect at the next frame; no rebuild.
   */
  setView(patch: Partial<ViewState>): void {
    const view = mergeView(this.viewState, patch);
    const compareChanged = JSON.stringify(view.compare) !== JSON.stringify(this.viewState.compare);
    this.viewState = view;
    this.panel.syncView(view);
    if (compareChanged)
      void this.ops.run(() => this.rebuildComparisons()).catch((e: unknown) => this.showError(e));
    if (patch.camera) this.camera.setPlaneView(patch.camera.center, patch.camera.halfHeight);
    this.saveHash();
    this.loop.invalidate();
  }

  /** Writes config + view (with the current camera) to the URL, at most every 300 ms while panning. */
  private saveHash(): void {
    window.clearTimeout(this.hashTimer);
    this.hashTimer = window.setTimeout(() => {
      if (!this.session) return;
      const camera = this.camera.planeView();
      writeHash(this.session.config, { ...this.viewState, camera });
    }, 300);
  }

  /** Loads a figure: its config (rebuild, step 0), then its view (after: a rebuild refits the camera). */
  async showFigure(f: Figure): Promise<void> {
    await this.setConfig(f.config);
    this.setView(f.view);
    this.loop.play();
  }

  /** New comparison runs for view.compare; every run restarts at step 0 so they stay in lock-step. */
  private async rebuildComparisons(): Promise<void> {
    const s = this.session;
    if (!s) return;
    const next = await Comparisons.build(this.ctx, s.config, this.viewState.compare, () => this.twoProdFma());
    this.compare.destroy();
    this.compare = next;
    s.reset();
    this.recorder?.reset();
    this.drift.clear();
    this.loop.invalidate();
  }

  /**
   * One drift sample per precision (GPU reductions, a few bytes read back each); skipped while the previous
   * one is pending.
   */
  private sampleDrift(): void {
    const primary = this.recorder;
    if (!primary || primary.busy) return;
    const recorders = [primary, ...this.compare.runs.map((r) => r.recorder)];
    Promise.all(recorders.map((r) => r.sample())).then(
      () => {
        if (primary !== this.recorder) return; // the session was replaced meanwhile
        this.drift.update(new Map(recorders.map((r) => [r.precision, r.series()])));
        const hists = recorders.flatMap((r) => {
          const h = r.histogram();
          return h ? [[r.precision, h] as const] : [];
        });
        this.drift.updateHistogram(new Map(hists));
      },
      (e: Error) => {
        // A sample in flight when the session is replaced or the device is lost fails by design; the loss
        // itself is reported (and recovered from) by watchDevice, which may hear of it a little later.
        const lost = Promise.race([
          this.ctx.device.lost.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 1000)),
        ]);
        void lost.then((wasLost) => {
          if (!wasLost && !this.disposed && primary === this.recorder) console.error(`[drift] ${e.message}`);
        });
      },
    );
  }

  /**
   * Click to add a trajectory: the point joins the config (init.points, or init.extra beside a generated
   * init) and the run restarts from step 0, so the URL still reproduces it. Polar clicks give (θ, ln r).
   */
  addTrajectoryAt(x: number, y: number): void {
    if (!this.session) return;
    const [wx, wy] =
      this.camera.space === 'polar' ? [Math.exp(y) * Math.cos(x), Math.exp(y) * Math.sin(x)] : [x, y];
    const config = this.config;
    const p: [number, number] = [wx, wy];
    const init = config.init;
    if ('points' in init) init.points.push(p);
    else init.extra = [...(init.extra ?? []), p];
    this.keepCamera = true;
    void this.applyFromGui(config).finally(() => {
      this.keepCamera = false;
    });
  }

  private showError(e: unknown): void {
    this.banners.show('config', 'error', [`Not applied: ${(e as Error).message}`]);
  }

  /** Validates (throws ConfigError, the CLI's messages), rebuilds, restarts at step 0, keeps play/pause. */
  setConfig(input: unknown): Promise<void> {
    let config: ExperimentConfig;
    try {
      config = strictPlayConfig(input);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.ops.run(() => this.build(config));
  }

  private applyFromGui(candidate: unknown): Promise<boolean> {
    return applyOrExplain(this.banners, () => this.setConfig(candidate));
  }

  /** Lenient: bad fields fall back to defaults with a banner naming each; never throws. */
  private async loadFromUrl(hash: string): Promise<void> {
    const state = decodeHash(hash);
    this.viewState = state.view;
    this.panel.syncView(state.view);
    showUrlIssues(this.banners, state.issues);
    await startOrFallBack(
      this.banners,
      state.config,
      (c) => this.ops.run(() => this.build(c)),
      () => this.session !== null,
    );
  }

  private async build(config: ExperimentConfig): Promise<void> {
    this.status = `building ${config.precision} engine…`;
    try {
      const session = await Session.create(this.ctx, config, () => this.twoProdFma());
      let recorder: DriftRecorder;
      try {
        recorder = await DriftRecorder.create(this.ctx, session.engine, config.precision, {
          maxStep: config.steps,
        });
      } catch (e) {
        session.destroy();
        throw e;
      }
      let compare: Comparisons;
      try {
        compare = await Comparisons.build(this.ctx, config, this.viewState.compare, () => this.twoProdFma());
      } catch (e) {
        recorder.destroy();
        session.destroy();
        throw e;
      }
      this.compare.destroy();
      this.compare = compare;
      await this.renderer.setLoss(session.loss);
      const old = this.session;
      const initChanged = !old || JSON.stringify(old.config.init) !== JSON.stringify(config.init);
      this.session = session;
      this.recorder?.destroy();
      this.recorder = recorder;
      old?.destroy();
      this.drift.clear();
      const { min, max } = this.renderer.heatmap.valueRange;
      this.legend.setRange(min, max);
      writeHash(config, this.viewState);
      this.renderer.fitCanvas(this.camera);
      const cam = this.viewState.camera;
      if (cam && !old) this.camera.setPlaneView(cam.center, cam.halfHeight);
      else if (initChanged && !this.keepCamera) this.fitView();
      this.panel.sync(config, this.loop.playing, this.loop.stepsPerFrame);
      this.loop.invalidate();
    } finally {
      this.status = '';
    }
  }

  /** df64's TwoProd variant, from the precision probe (run once); throws when df64 is not usable. */
  private async twoProdFma(): Promise<boolean> {
    this.status = 'checking df64 on this GPU…';
    this.probe ??= runPrecisionProbe(this.ctx, { pairs: 20000 });
    const report = await this.probe;
    if (!report.df64Usable) throw new Error(`df64 is not usable on this GPU: ${report.reason}`);
    return report.chosenTwoProd === 'fma';
  }

  /** df64's precision probe, run once per app (the study's df64 bits and TwoProd variant come from it). */
  precisionProbe(): Promise<ProbeReport> {
    this.probe ??= runPrecisionProbe(this.ctx, { pairs: 20000 });
    return this.probe;
  }

  /** Highlights trajectory `i` (null: none) on top of the paths, in every view mode. */
  setHighlight(i: number | null): void {
    this.renderer.setHighlight(i);
    this.loop.invalidate();
  }

  /** Opens the Precision tab and runs its study on the current config (lab.study). */
  study(options: { precisions?: Precision[]; ddSubset?: number } = {}): Promise<PrecisionStudyResult> {
    this.precisionTab.setOpen(true);
    return this.precisionTab.run(options);
  }

  step(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0)
      return Promise.reject(new RangeError(`step(n): n must be a whole number ≥ 0, got ${n}`));
    return this.ops.run(async () => {
      for (let left = n; left > 0; left -= STEP_CHUNK) {
        this.session?.engine.advance(Math.min(STEP_CHUNK, left));
        this.compare.advance(Math.min(STEP_CHUNK, left));
        await this.ctx.device.queue.onSubmittedWorkDone();
      }
      this.loop.invalidate();
    });
  }

  reset(): Promise<void> {
    return this.ops.run(() => {
      this.session?.reset();
      this.compare.reset();
      this.loop.invalidate();
    });
  }

  stats(): Promise<RunStats> {
    return this.ops.run(async () => {
      const s = this.session;
      if (!s) throw new Error('no experiment is running (see the banner)');
      return runStats(s.step, s.config.precision, await s.reducer.summarize());
    });
  }

  /** PNG of the canvas as drawn now. */
  screenshot(): Promise<Blob> {
    return this.ops.run(() =>
      this.renderer.screenshot(this.camera, this.session?.pathSource() ?? null, this.viewState),
    );
  }

  /** Off-screen frame at width × height (video export, snapshots); the visible canvas is untouched. */
  renderOffscreen(width: number, height: number): Promise<OffscreenCanvas> {
    return this.ops.run(() =>
      this.renderer.renderOffscreen(
        this.camera,
        this.session?.pathSource() ?? null,
        this.viewState,
        width,
        height,
      ),
    );
  }

  /** Background colour where the heatmap is off (presentation themes). */
  setClearColor(color: GPUColorDict): void {
    this.renderer.setClearColor(color);
    this.loop.invalidate();
  }

  /** Frames the start points (with a margin), centred on the origin. */
  fitView(): void {
    if (!this.session) return;
    let r = 0;
    const pts = this.session.points;
    for (const v of pts) r = Math.max(r, Math.abs(v));
    this.camera.fit(Math.max(0.05, 1.4 * r));
    this.loop.invalidate();
  }

  /** Config, view (with the live camera), step and play state: enough to rebuild the same run elsewhere. */
  snapshot(): AppSnapshot | null {
    if (!this.session) return null;
    return { config: this.config, view: this.view, step: this.session.step, playing: this.loop.playing };
  }

  /** Stops everything and takes the app off the page (its device is lost or being replaced). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.loop.stop();
    window.clearTimeout(this.hashTimer);
    for (const undo of this.cleanups.splice(0)) undo();
    this.panel.destroy();
    this.tour.destroy();
    this.drift.destroy();
    this.compare.destroy();
    this.recorder?.destroy();
    this.session?.destroy();
    this.session = null;
  }

  /** Test hook (lab.debug.loseDevice): destroys the device, as a driver reset would lose it. */
  loseDevice(): void {
    this.ctx.device.destroy();
  }

  private watchDevice(): void {
    const device = this.ctx.device;
    device.lost.then((info) => {
      if (this.disposed) return;
      this.loop.stop();
      const reason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
      if (this.onDeviceLost) this.onDeviceLost(reason);
      else this.banners.show('gpu', 'error', ['The GPU device was lost; reload the page.', reason]);
    });
    device.addEventListener('uncapturederror', (ev) => {
      const message = (ev as GPUUncapturedErrorEvent).error.message;
      console.error(`[gpu] uncaptured error: ${message}`);
      this.banners.show('gpu-error', 'error', ['GPU error', message]);
    });
    const resize = new ResizeObserver(() => this.loop.invalidate());
    resize.observe(this.dom.canvas);
    this.cleanups.push(() => resize.disconnect());
  }

  private updateOverlay(): void {
    const s = this.session;
    this.overlay.update({
      timing: this.loop.timing,
      playing: this.loop.playing,
      step: s?.step ?? 0,
      end: s?.config.steps ?? 0,
      trajectories: s?.count ?? 0,
      precision: s?.config.precision ?? '–',
      memoryBytes: (s?.memoryBytes ?? 0) + this.compare.runs.reduce((m, r) => m + r.session.memoryBytes, 0),
      adapter: this.ctx.description,
      status: this.status,
    });
  }
}
