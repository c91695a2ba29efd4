/**
 * The WebGPU playground's composition root: builds the renderer, the GPU backend and the playground
 * controller (src/playground/controller.ts: play, pause, config, URL, loop, op queue) and wires the page's
 * widgets to them: control panel, drift panel, Precision tab, tour, recording, overlay, click-to-add and
 * device-loss reporting. What the app does lives in those parts; this file only connects them.
 */
import type { Precision } from '../core/config/types';
import type { GpuContext } from '../gpu/device';
import { probeFor } from '../gpu/probeCache';
import { planePointAt } from '../playground/addPoint';
import type { PlaneView } from '../playground/backend';
import { PlaygroundController, type PlaygroundSnapshot } from '../playground/controller';
import type { Figure } from '../playground/figures';
import { actionFrame, actionTrack, extentAt, frameExtent } from '../playground/framing';
import { type PrecisionStudyResult, runPrecisionStudy } from '../playground/precisionStudy';
import type { FrameLook } from '../record/types';
import { Renderer } from '../render/renderer';
import type { Banners } from '../ui/banner';
import { DriftPanel } from '../ui/driftPanel';
import { ControlPanel } from '../ui/gui';
import { Legend } from '../ui/legend';
import { Overlay } from '../ui/overlay';
import { PrecisionTab } from '../ui/precisionTab';
import { applyPageTheme, type PresentationHooks } from '../ui/presentation';
import { Tour } from '../ui/tour';
import { installRecording, type Recording } from './devHook';
import { type DeviceWatch, watchDevice } from './deviceWatch';
import { GpuBackend } from './gpuBackend';

/** What survives a device loss: the app is rebuilt on a new device and brought back to this state. */
export type AppSnapshot = PlaygroundSnapshot;

export interface AppDom {
  canvas: HTMLCanvasElement;
  gui: HTMLElement;
  legend: HTMLElement;
  overlay: HTMLElement;
  drift: HTMLElement;
  precision: HTMLElement;
}

/** Path vertices per run and frame: software GPUs rasterise lines on the CPU. */
const SOFTWARE_VERTEX_BUDGET = 1 << 18;
const HARDWARE_VERTEX_BUDGET = 1 << 25;
/** Overlay refresh, and drift sampling on software GPUs (where each frame cannot afford one). */
const OVERLAY_MS = 250;
/** Fraction of the way the follow camera moves toward the fitted frame each frame. */
const FOLLOW_RATE = 0.12;

export class App {
  readonly controller: PlaygroundController;
  /** The Precision tab (GUI button, lab.openPrecisionTab / lab.study). */
  readonly precisionTab: PrecisionTab;
  /** The guided tour through the seed post's figures (GUI button, lab.loadFigure). */
  readonly tour: Tour;
  /** Video export, snapshots, presentation mode and shortcuts (src/app/devHook.ts). */
  readonly recording: Recording;
  private readonly panel: ControlPanel;
  private readonly watch: DeviceWatch;
  /** Undoes what start() attached to the page (listeners, timers, DOM), for dispose(). */
  private readonly cleanups: (() => void)[] = [];
  private disposed = false;
  /** Whether the camera eases toward the frame of the action so far, each frame (lab.followAction). */
  private following = false;

  private constructor(
    readonly ctx: GpuContext,
    readonly backend: GpuBackend,
    private readonly drift: DriftPanel,
    dom: AppDom,
    banners: Banners,
  ) {
    const controller = new PlaygroundController(backend, banners);
    this.controller = controller;
    this.watch = watchDevice(ctx.device, banners, () => controller.dispose());
    this.panel = new ControlPanel(dom.gui, {
      ...controller.panelActions(),
      startTour: () => void this.tour.start(),
      togglePrecision: () => this.precisionTab.toggle(),
      fitAction: () => {
        try {
          this.fitAction();
        } catch (e) {
          controller.showError(e);
        }
      },
    });
    backend.onFrame = (view) => {
      applyPageTheme(view.theme);
      this.followTick();
    };
    controller.ui = this.panel;
    drift.setMapSource(() => {
      const s = backend.running?.session;
      if (!s || !('grid' in s.config.init)) return null;
      const [nx, ny] = s.config.init.grid.count;
      return { metrics: s.engine.metrics, count: s.count, nx, ny, maxStep: s.config.steps };
    });
    this.precisionTab = new PrecisionTab(dom.precision, {
      run: (o) => runPrecisionStudy(ctx, controller.config, { ...o, probe: () => backend.precisionProbe() }),
      onHighlight: (i) => this.setHighlight(i),
      fileStem: () =>
        `study-${'preset' in controller.config.loss ? controller.config.loss.preset : 'custom'}`,
    });
    this.tour = new Tour(document.body, (f) => this.showFigure(f));
    this.recording = installRecording(this, dom.canvas, this.panel.addFolder('Record'));
    this.cleanups.push(
      () => this.precisionTab.destroy(),
      // dispose() runs only when the device is lost: an export under way says so.
      () =>
        this.recording.destroy(
          'the GPU device was lost during the recording; the playground has recovered: record again',
        ),
      backend.camera.attach(dom.canvas),
    );
    backend.camera.onPick = (x, y) => {
      const [wx, wy] = planePointAt(x, y, backend.camera.space);
      void controller.addPointAt(wx, wy);
    };
    const resize = new ResizeObserver(() => controller.invalidate());
    resize.observe(dom.canvas);
    const overlay = new Overlay(dom.overlay);
    const timer = window.setInterval(() => {
      overlay.update({
        ...backend.overlayInfo(),
        timing: controller.loop.timing,
        playing: controller.playing,
      });
      backend.sampleDrift();
    }, OVERLAY_MS);
    this.cleanups.push(
      () => resize.disconnect(),
      () => window.clearInterval(timer),
    );
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
    // Open where there is room for it beside the view; a click on its header opens it elsewhere.
    const drift = new DriftPanel(dom.drift, ctx.device, { open: window.innerHeight >= 900 });
    // One precision probe per device (src/gpu/probeCache.ts): df64 engines and the Precision tab share it.
    const backend = new GpuBackend(ctx, renderer, new Legend(dom.legend), drift, () => probeFor(ctx));
    const app = new App(ctx, backend, drift, dom, banners);
    if (restore) await app.controller.startFrom(restore);
    else await app.controller.startFromUrl();
    return app;
  }

  /** Called when the device is lost (not when dispose() destroys it); main.ts recovers. */
  set onDeviceLost(handler: ((reason: string) => void) | null) {
    this.watch.onLost = handler;
  }

  /** Play state and steps per frame, as recording and shortcuts drive them. */
  get playback(): PlaygroundController {
    return this.controller;
  }

  showFigure(f: Figure): Promise<void> {
    return this.controller.showFigure(f);
  }

  step(n: number): Promise<void> {
    return this.controller.step(n);
  }

  reset(): Promise<void> {
    return this.controller.reset();
  }

  snapshot(): AppSnapshot | null {
    return this.controller.snapshot();
  }

  /** Highlights trajectory `i` (null: none) on top of the paths, in every view mode. */
  setHighlight(i: number | null): void {
    this.backend.renderer.setHighlight(i);
    this.controller.invalidate();
  }

  /** Opens the Precision tab and runs its study on the current config (lab.study). */
  study(options: { precisions?: Precision[]; ddSubset?: number } = {}): Promise<PrecisionStudyResult> {
    this.precisionTab.setOpen(true);
    return this.precisionTab.run(options);
  }

  /** True from the moment the device is lost or destroyed (the recorder stops before its next frame). */
  get gpuLost(): boolean {
    return this.watch.lost;
  }

  /** Off-screen frame at width × height (video export, snapshots); the visible canvas is untouched. */
  renderOffscreen(width: number, height: number, look: FrameLook = {}): Promise<OffscreenCanvas> {
    if (this.watch.lost)
      return Promise.reject(
        new Error('the GPU device was lost; no frame can be drawn until the app has recovered'),
      );
    return this.controller.serialized(() => {
      this.followTick();
      return this.backend.renderOffscreen(
        { ...this.controller.view, ...look.view },
        width,
        height,
        look.transparent,
      );
    });
  }

  /**
   * "Fit the action": frames where the weight-decay run goes over the whole run (a float64 pre-run,
   * src/playground/framing.ts) with a margin; returns the camera set (null: nothing to frame).
   */
  fitAction(): PlaneView | null {
    const frame = actionFrame(this.controller.config, this.backend.camera.aspect);
    if (frame) this.controller.setView({ camera: frame });
    return frame;
  }

  /** Follow camera: each frame (visible or recorded) eases toward the frame of the paths so far. */
  setFollowAction(on: boolean): void {
    this.following = on;
    this.controller.invalidate();
  }

  private followTick(): void {
    if (!this.following || !this.controller.running) return;
    const track = actionTrack(this.controller.config);
    const at = this.backend.progress();
    const box = track && at ? extentAt(track, at.step) : null;
    if (box) this.backend.camera.easeTo(frameExtent(box, this.backend.camera.aspect), FOLLOW_RATE);
  }

  /** What presentation mode drives: view.theme and the visible canvas's fixed drawing size. */
  presentationHooks(): PresentationHooks {
    return {
      getTheme: () => this.controller.view.theme,
      setTheme: (theme) => this.controller.setView({ theme }),
      setFixedSize: (size) => {
        this.backend.renderer.setFixedSize(size);
        this.controller.invalidate();
      },
    };
  }

  /** Background colour where the heatmap is off (presentation themes). */
  setClearColor(color: GPUColorDict): void {
    this.backend.renderer.setClearColor(color);
    this.controller.invalidate();
  }

  /** Test hook (lab.debug.loseDevice): destroys the device, as a driver reset would lose it. */
  loseDevice(): void {
    this.watch.lost = true;
    this.ctx.device.destroy();
  }

  /** Stops everything and takes the app off the page (its device is lost or being replaced). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.watch.disposed = true;
    // Each step runs even if one before it throws: the recording's cleanup is what makes an export under
    // way reject, and a recovery that skipped it would leave that export hanging.
    const steps = [
      () => this.controller.dispose(),
      ...this.cleanups.splice(0),
      () => this.panel.destroy(),
      () => this.tour.destroy(),
      () => this.drift.destroy(),
      () => this.backend.dispose(),
    ];
    for (const step of steps) {
      try {
        step();
      } catch (e) {
        console.warn('[scaleinv-lab] while taking the app down:', e);
      }
    }
  }
}
