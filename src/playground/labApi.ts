/**
 * `window.lab`: the scripting API, as both the WebGPU playground and the WebGL2 fallback offer it. Every
 * method returns plain data or a promise; setConfig rejects with the same message as the CLI's ConfigError
 * for a bad config. The WebGPU app adds the recording calls (src/app/labApi.ts).
 */
import type { ExperimentConfig, Precision } from '../core/config/types';
import { PRESET_NAMES } from '../core/presets';
import type { StudyResult } from '../core/study/types';
import type { PlaygroundController } from './controller';
import { FIGURE_IDS, findFigure } from './figures';
import type { FrameTiming } from './loop';
import type { RunStats } from './stats';
import { decodeHash } from './urlState';
import type { ViewState } from './viewState';

export interface LabApi {
  /** False when the page has no WebGPU (every other call then rejects, saying why). */
  available: boolean;
  /** Which renderer runs: WebGPU (the full playground) or the reduced WebGL2 + CPU fallback. */
  mode?: 'webgpu' | 'webgl2';
  getConfig(): ExperimentConfig;
  /** How the run is drawn (mode, quiver, colours, runs shown, camera); part of the URL. */
  getView(): ViewState;
  /** Merges a partial view; throws naming a bad field. */
  setView(view: Partial<ViewState>): void;
  setConfig(config: unknown): Promise<void>;
  step(n: number): Promise<void>;
  play(): void;
  pause(): void;
  reset(): Promise<void>;
  stats(): Promise<RunStats>;
  screenshot(): Promise<Blob>;
  /** Frame time and simulation rate as shown in the overlay, plus the adapter. */
  perf(): FrameTiming & { adapter: string; playing: boolean };
  presets: readonly string[];
  loadPreset(name: string): Promise<void>;
  /** The seed post's figures in tour order, and loading one (config, view, camera). */
  figures: readonly string[];
  loadFigure(id: string): Promise<void>;
  /**
   * "Fit the action": sets the camera to frame where the weight-decay run goes over the whole run (a
   * float64 pre-run, src/playground/framing.ts) with a margin; resolves with that camera.
   */
  fitAction?(): Promise<{ center: [number, number]; halfHeight: number } | null>;
  /** Follow camera: every frame (on screen and in recordings) eases toward the frame of the paths so far. */
  followAction?(on: boolean): void;
  /** Opens the Precision tab (as the GUI's "Precision study" button does). */
  openPrecisionTab?(): void;
  /**
   * Runs the Precision tab's study on the current config (f32/df64 on the GPU, f64/dd in a worker; dd on the
   * first ddSubset trajectories, default 64) and resolves with what the CLI writes as study.json.
   */
  study?(options?: { precisions?: Precision[]; ddSubset?: number }): Promise<StudyResult>;
  /** Highlights trajectory i's path (null: none), as a click on its row in the Precision tab does. */
  highlight?(i: number | null): void;
  /** Test hooks: lose the GPU device on purpose (the app recovers), and count recoveries. */
  debug?: { loseDevice(): void; recoveries(): number };
}

/** The API on a page without WebGPU: the config can be read, nothing can run. */
export function unavailableLab(reason: string): LabApi {
  const fail = () => Promise.reject(new Error(`WebGPU is not available: ${reason}`));
  return {
    available: false,
    getConfig: () => decodeHash(location.hash).config,
    getView: () => decodeHash(location.hash).view,
    setView: () => undefined,
    setConfig: fail,
    step: fail,
    play: () => undefined,
    pause: () => undefined,
    reset: fail,
    stats: fail,
    screenshot: fail,
    perf: () => ({
      msPerFrame: Number.NaN,
      stepsPerSecond: 0,
      gpuMs: Number.NaN,
      gpuTimestampMs: Number.NaN,
      frames: 0,
      adapter: 'none',
      playing: false,
    }),
    presets: PRESET_NAMES,
    loadPreset: fail,
    figures: FIGURE_IDS,
    loadFigure: fail,
  };
}

/**
 * The LabApi calls every backend answers the same way, over a controller. `now` gives the running one or
 * throws (while a lost device is being replaced); `later` waits for it.
 */
export function controllerLab(
  now: () => PlaygroundController,
  later: <T>(f: (c: PlaygroundController) => T | Promise<T>) => Promise<T>,
  adapter: () => string,
): Omit<LabApi, 'available' | 'mode'> {
  return {
    getConfig: () => now().config,
    getView: () => now().view,
    setView: (view) => now().setView(view),
    setConfig: (config) => later((c) => c.setConfig(config)),
    step: (n) => later((c) => c.step(n)),
    play: () => now().play(),
    pause: () => now().pause(),
    reset: () => later((c) => c.reset()),
    stats: () => later((c) => c.stats()),
    screenshot: () => later((c) => c.screenshot()),
    perf: () => {
      const c = now();
      return { ...c.loop.timing, adapter: adapter(), playing: c.playing };
    },
    presets: PRESET_NAMES,
    loadPreset: (name) => later((c) => c.setConfig({ ...c.config, loss: { preset: name } })),
    figures: FIGURE_IDS,
    loadFigure: (id) => {
      const f = findFigure(id);
      return f
        ? later((c) => c.showFigure(f))
        : Promise.reject(new Error(`unknown figure "${id}" (one of ${FIGURE_IDS.join(', ')})`));
    },
  };
}
