/**
 * What a playground backend does for the controller (src/playground/controller.ts): the WebGPU app
 * (src/app/gpuBackend.ts) and the WebGL2 + CPU-worker fallback (src/fallback/fallbackBackend.ts) each
 * implement it. The controller owns play/pause, config changes, the URL, the loop and the op queue; a
 * backend owns one running experiment and how it is stepped and drawn.
 */
import type { ExperimentConfig } from '../core/config/types';
import type { FrameWork } from './loop';
import type { RunStats } from './stats';
import type { ViewState } from './viewState';

export interface PlaneView {
  center: [number, number];
  halfHeight: number;
}

/** The camera as the controller moves it (src/render/camera.ts implements it). */
export interface ControllerCamera {
  /** Changes whenever the view moves (pan, zoom, resize, fit). */
  readonly revision: number;
  planeView(): PlaneView;
  setPlaneView(center: [number, number], halfHeight: number): void;
  /** Frames |x|, |y| ≤ extent around the origin. */
  fit(extent: number): void;
}

export interface PlaygroundBackend {
  readonly camera: ControllerCamera;
  /** Steps per advance() in lab.step: keeps each GPU submit or worker answer short. */
  readonly stepChunk: number;
  /** Whether animation frames take their turn in the op queue (a worker answers requests in order). */
  readonly queueFrames: boolean;
  /** Builds a run of `config` and swaps it in; on failure throws and the running one stays. */
  build(config: ExperimentConfig, view: ViewState): Promise<void>;
  /** Current step and the run's last step (null: nothing runs). */
  progress(): { step: number; end: number } | null;
  /** Start points of the running run, interleaved x, y (fitView frames them). */
  startPoints(): ArrayLike<number>;
  /** Advances `n` steps and resolves once they are done. */
  advance(n: number): Promise<void>;
  /** Back to step 0 of the same config. */
  reset(): Promise<void>;
  stats(): Promise<RunStats>;
  /** PNG of the canvas as drawn for `view`. */
  screenshot(view: ViewState): Promise<Blob>;
  /** One animation frame: `steps` steps (0: draw only), then draw `view`. */
  frame(steps: number, view: ViewState): Promise<FrameWork | undefined>;
  /** The view changed: work that rebuilds part of the run (e.g. comparison precisions), or null. */
  viewChanged?(view: ViewState, previous: ViewState): (() => Promise<void>) | null;
  /** An animation frame failed; 'pause' stops playing (a device loss is handled elsewhere). */
  onFrameError?(e: unknown): 'pause' | 'continue';
}

/** The controls that mirror the controller's state (src/ui/gui.ts's ControlPanel). */
export interface ControllerUi {
  sync(config: ExperimentConfig, playing: boolean, stepsPerFrame: number): void;
  syncView(view: ViewState): void;
  setPlaying(playing: boolean): void;
}

/** Where the playground's state lives between visits: location.hash in the page. */
export interface UrlStore {
  read(): string;
  /** Replaces the hash without a history entry or a hashchange event. */
  write(hash: string): void;
  /** Calls `onChange` when the user edits the hash; returns the unsubscribe. */
  watch(onChange: (hash: string) => void): () => void;
}

export const pageUrl: UrlStore = {
  read: () => location.hash,
  write: (hash) => history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`),
  watch: (onChange) => {
    const listener = () => onChange(location.hash);
    window.addEventListener('hashchange', listener);
    return () => window.removeEventListener('hashchange', listener);
  },
};
