/**
 * `window.lab`: the scripting API (first version). Every method returns plain data or a promise;
 * setConfig rejects with the same message as the CLI's ConfigError for a bad config.
 */
import type { ExperimentConfig } from '../core/config/types';
import { PRESET_NAMES } from '../core/presets';
import type { App } from './app';
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
}

declare global {
  interface Window {
    lab?: LabApi;
  }
}

export function createLab(app: App): LabApi {
  return {
    available: true,
    mode: 'webgpu',
    getConfig: () => app.config,
    getView: () => app.view,
    setView: (view) => app.setView(view),
    setConfig: (config) => app.setConfig(config),
    step: (n) => app.step(n),
    play: () => app.loop.play(),
    pause: () => app.loop.pause(),
    reset: () => app.reset(),
    stats: () => app.stats(),
    screenshot: () => app.screenshot(),
    perf: () => ({ ...app.loop.timing, adapter: app.ctx.description, playing: app.loop.playing }),
    presets: PRESET_NAMES,
    loadPreset: (name) => app.setConfig({ ...app.config, loss: { preset: name } }),
    figures: FIGURE_IDS,
    loadFigure: (id) => {
      const f = findFigure(id);
      return f
        ? app.showFigure(f)
        : Promise.reject(new Error(`unknown figure "${id}" (one of ${FIGURE_IDS.join(', ')})`));
    },
  };
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
