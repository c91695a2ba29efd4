/**
 * The playground without WebGPU, composed: the same controller as the WebGPU app (play, pause, config
 * rules, URL state, loop; src/playground/controller.ts) over the CPU-worker backend drawn with WebGL2
 * (src/fallback/fallbackBackend.ts), with the same control panel, tour, legend and overlay.
 */
import { PlaygroundController } from '../playground/controller';
import type { Banners } from '../ui/banner';
import { ControlPanel } from '../ui/gui';
import { Legend } from '../ui/legend';
import { Overlay } from '../ui/overlay';
import { Tour } from '../ui/tour';
import { FallbackBackend } from './fallbackBackend';
import { FallbackRenderer } from './fallbackRenderer';

export interface FallbackDom {
  canvas: HTMLCanvasElement;
  gui: HTMLElement;
  legend: HTMLElement;
  overlay: HTMLElement;
  /** The WebGPU app's drift panel: emptied, the fallback has none yet. */
  drift?: HTMLElement;
}

const OVERLAY_MS = 250;

export class FallbackApp {
  private constructor(
    readonly backend: FallbackBackend,
    readonly controller: PlaygroundController,
  ) {}

  static async start(gl: WebGL2RenderingContext, dom: FallbackDom, banners: Banners): Promise<FallbackApp> {
    const renderer = new FallbackRenderer(dom.canvas, gl);
    const backend = new FallbackBackend(renderer, new Legend(dom.legend), banners);
    const controller = new PlaygroundController(backend, banners);
    const tour = new Tour(document.body, (f) => controller.showFigure(f));
    controller.ui = new ControlPanel(dom.gui, {
      ...controller.panelActions(),
      startTour: () => void tour.start(),
    });
    backend.camera.attach(dom.canvas);
    new ResizeObserver(() => controller.invalidate()).observe(dom.canvas);
    const overlay = new Overlay(dom.overlay);
    window.setInterval(
      () =>
        overlay.update({
          ...backend.overlayInfo(),
          timing: controller.loop.timing,
          playing: controller.playing,
        }),
      OVERLAY_MS,
    );
    await controller.startFromUrl();
    return new FallbackApp(backend, controller);
  }

  get renderer(): FallbackRenderer {
    return this.backend.renderer;
  }
}
