/**
 * The one way through the playground, for both backends: play, pause, config changes (validated, then
 * applied or explained in a banner while the running config stays), the view, URL persistence, the
 * stepping loop and the op queue. Rebuilds, steps and read-backs run one at a time through the queue, so
 * a run is never replaced under a pending operation; a config is swapped in only once its run is built.
 */
import type { ExperimentConfig } from '../core/config/types';
import { withPointAdded } from './addPoint';
import { type ControllerUi, type PlaygroundBackend, pageUrl, type UrlStore } from './backend';
import { applyOrExplain, type Banners, showUrlIssues, startOrFallBack } from './configBanners';
import { type Figure, findFigure } from './figures';
import { SimLoop } from './loop';
import { OpQueue } from './opQueue';
import { strictPlayConfig } from './playConfig';
import type { RunStats } from './stats';
import { decodeHash, encodeHash } from './urlState';
import { DEFAULT_VIEW, mergeView, type ViewState } from './viewState';

/** Enough to rebuild the same run elsewhere (after a device loss): config, view, step, play state. */
export interface PlaygroundSnapshot {
  config: ExperimentConfig;
  view: ViewState;
  step: number;
  playing: boolean;
}

/** The URL is rewritten at most this often while the camera moves. */
const HASH_DELAY_MS = 300;

const NO_UI: ControllerUi = { sync: () => undefined, syncView: () => undefined, setPlaying: () => undefined };

export class PlaygroundController {
  readonly loop: SimLoop;
  /** The control panel; set once it exists (it is built with this controller's actions). */
  ui: ControllerUi = NO_UI;
  private current: ExperimentConfig | null = null;
  private viewState: ViewState = structuredClone(DEFAULT_VIEW);
  private readonly ops = new OpQueue();
  private drawnRevision = -1;
  private hashTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while a click adds a point: the camera stays where the user was looking. */
  private keepCamera = false;
  private unwatchUrl: () => void = () => undefined;
  /** The URL asked for embed mode (`#embed=1`); kept in every hash written back. */
  private embed = false;

  constructor(
    private readonly backend: PlaygroundBackend,
    private readonly banners: Banners,
    private readonly url: UrlStore = pageUrl,
    requestFrame?: (tick: () => void) => void,
  ) {
    this.loop = new SimLoop(
      {
        progress: () => backend.progress(),
        needsDraw: () => backend.camera.revision !== this.drawnRevision,
        frame: (steps) => (backend.queueFrames ? this.ops.run(() => this.frame(steps)) : this.frame(steps)),
        onPlayStateChange: (playing) => this.ui.setPlaying(playing),
        onFrameError: (e) => {
          if (backend.onFrameError?.(e) === 'pause') this.loop.pause();
        },
      },
      requestFrame,
    );
  }

  get config(): ExperimentConfig {
    if (!this.current) throw new Error('no experiment is running (see the banner)');
    return structuredClone(this.current);
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** The view as drawn now: its camera is the live one (pans, zooms and fits included). */
  get view(): ViewState {
    return { ...structuredClone(this.viewState), camera: this.backend.camera.planeView() };
  }

  get playing(): boolean {
    return this.loop.playing;
  }

  get stepsPerFrame(): number {
    return this.loop.stepsPerFrame;
  }

  set stepsPerFrame(n: number) {
    this.loop.stepsPerFrame = n;
  }

  play(): void {
    this.loop.play();
  }

  pause(): void {
    this.loop.pause();
  }

  togglePlay(): void {
    if (this.loop.playing) this.loop.pause();
    else this.loop.play();
  }

  /** Asks for a redraw at the next frame. */
  invalidate(): void {
    this.loop.invalidate();
  }

  /** Runs `op` in turn with rebuilds, steps and read-backs (backend-specific operations). */
  serialized<T>(op: () => Promise<T> | T): Promise<T> {
    return this.ops.run(op);
  }

  /** First load: the URL's config and view (bad fields reported), then the loop; follows hash edits. */
  async startFromUrl(): Promise<void> {
    await this.loadFromUrl(this.url.read());
    this.unwatchUrl = this.url.watch((hash) => void this.loadFromUrl(hash));
    this.loop.start();
    this.loop.play();
  }

  /** Starts from a snapshot (after a device loss): same config and view, stepped back to the same step. */
  async startFrom(snapshot: PlaygroundSnapshot): Promise<void> {
    this.viewState = structuredClone(snapshot.view);
    this.embed = decodeHash(this.url.read()).embed;
    this.ui.syncView(snapshot.view);
    await this.ops.run(() => this.build(snapshot.config));
    await this.step(snapshot.step);
    this.unwatchUrl = this.url.watch((hash) => void this.loadFromUrl(hash));
    this.loop.start();
    if (snapshot.playing) this.loop.play();
  }

  snapshot(): PlaygroundSnapshot | null {
    const progress = this.backend.progress();
    if (!this.current || !progress) return null;
    return { config: this.config, view: this.view, step: progress.step, playing: this.loop.playing };
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

  /** A GUI change: applied, or explained in the "config" banner (the running config stays). */
  applyFromGui(candidate: unknown): Promise<boolean> {
    return applyOrExplain(this.banners, () => this.setConfig(candidate));
  }

  /**
   * Merges `patch` into the view (validated like the URL's: a bad field throws with its name, nothing is
   * changed). Takes effect at the next frame; the backend rebuilds only what the view needs.
   */
  setView(patch: Partial<ViewState>): void {
    const previous = this.viewState;
    const view = mergeView(previous, patch);
    this.viewState = view;
    this.ui.syncView(view);
    const rebuild = this.backend.viewChanged?.(view, previous);
    if (rebuild) {
      void this.ops
        .run(async () => {
          await rebuild();
          this.loop.invalidate();
        })
        .catch((e: unknown) => this.showError(e));
    }
    if (patch.camera) this.backend.camera.setPlaneView(patch.camera.center, patch.camera.halfHeight);
    this.saveHash();
    this.loop.invalidate();
  }

  /** A figure of the seed post: its config (rebuild, step 0), then its view (a rebuild refits), then play. */
  async showFigure(f: Figure): Promise<void> {
    await this.setConfig(f.config);
    // The figure's look, in the theme the user chose.
    this.setView({ ...f.view, theme: this.viewState.theme });
    this.loop.play();
  }

  step(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0)
      return Promise.reject(new RangeError(`step(n): n must be a whole number ≥ 0, got ${n}`));
    return this.ops.run(async () => {
      const chunk = this.backend.stepChunk;
      for (let left = n; left > 0; left -= chunk) await this.backend.advance(Math.min(chunk, left));
      this.loop.invalidate();
    });
  }

  reset(): Promise<void> {
    return this.ops.run(async () => {
      await this.backend.reset();
      this.loop.invalidate();
    });
  }

  stats(): Promise<RunStats> {
    return this.ops.run(() => {
      if (!this.current) throw new Error('no experiment is running (see the banner)');
      return this.backend.stats();
    });
  }

  screenshot(): Promise<Blob> {
    return this.ops.run(() => this.backend.screenshot(this.viewState));
  }

  /** Frames the start points (with a margin), centred on the origin. */
  fitView(): void {
    if (!this.current) return;
    let r = 0;
    for (const v of Array.from(this.backend.startPoints())) r = Math.max(r, Math.abs(v));
    this.backend.camera.fit(Math.max(0.05, 1.4 * r));
    this.loop.invalidate();
  }

  /**
   * Click to add a trajectory at the world point (wx, wy): it joins the config, so the URL still
   * reproduces the run, which restarts at step 0 with the camera left where it was.
   */
  addPointAt(wx: number, wy: number): Promise<boolean> {
    if (!this.current) return Promise.resolve(false);
    this.keepCamera = true;
    return this.applyFromGui(withPointAdded(this.config, [wx, wy])).finally(() => {
      this.keepCamera = false;
    });
  }

  /** The control panel's actions that every backend shares (src/ui/gui.ts's GuiActions). */
  panelActions() {
    return {
      current: () => this.config,
      isPlaying: () => this.loop.playing,
      apply: (c: unknown) => this.applyFromGui(c),
      togglePlay: () => this.togglePlay(),
      stepOnce: () => void this.step(this.loop.stepsPerFrame),
      reset: () => void this.reset(),
      fitView: () => this.fitView(),
      setStepsPerFrame: (n: number) => {
        this.loop.stepsPerFrame = n;
      },
      view: () => this.view,
      setView: (patch: Partial<ViewState>) => this.setView(patch),
      showFigure: (id: string) => {
        const f = findFigure(id);
        if (f) void this.showFigure(f).catch((e: unknown) => this.showError(e));
      },
    };
  }

  showError(e: unknown): void {
    this.banners.show('config', 'error', [`Not applied: ${(e as Error).message}`]);
  }

  /** Stops the loop, the URL writes and the hash listener. */
  dispose(): void {
    this.loop.stop();
    clearTimeout(this.hashTimer);
    this.unwatchUrl();
  }

  /** Lenient: bad fields fall back to defaults with a banner naming each; never throws. */
  private async loadFromUrl(hash: string): Promise<void> {
    const state = decodeHash(hash);
    this.embed = state.embed;
    this.viewState = state.view;
    this.ui.syncView(state.view);
    showUrlIssues(this.banners, state.issues);
    await startOrFallBack(
      this.banners,
      state.config,
      (c) => this.ops.run(() => this.build(c)),
      () => this.current !== null,
    );
  }

  private async build(config: ExperimentConfig): Promise<void> {
    const previous = this.current;
    await this.backend.build(config, this.viewState);
    this.current = config;
    this.url.write(encodeHash(config, this.viewState, { embed: this.embed }));
    const initChanged = !previous || JSON.stringify(previous.init) !== JSON.stringify(config.init);
    const cam = this.viewState.camera;
    // The URL's camera applies to the first run only; later an init change refits, unless a click added it.
    if (cam && !previous) this.backend.camera.setPlaneView(cam.center, cam.halfHeight);
    else if (initChanged && !this.keepCamera) {
      this.fitView();
      // The refit camera is what a link must reproduce: write it now, not after the next frame (which can
      // take longer than the hash delay on a software GPU).
      if (previous) this.url.write(encodeHash(config, this.view, { embed: this.embed }));
    }
    this.ui.sync(config, this.loop.playing, this.loop.stepsPerFrame);
    this.loop.invalidate();
  }

  private frame(steps: number) {
    const revision = this.backend.camera.revision;
    if (this.drawnRevision >= 0 && revision !== this.drawnRevision) this.saveHash();
    this.drawnRevision = revision;
    return this.backend.frame(steps, this.viewState);
  }

  /** Writes config + view (with the live camera) to the URL, at most every HASH_DELAY_MS while panning. */
  private saveHash(): void {
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => {
      if (this.current) this.url.write(encodeHash(this.current, this.view, { embed: this.embed }));
    }, HASH_DELAY_MS);
  }
}
