/**
 * `window.lab` in the WebGL2 fallback: the LabApi of src/app/labApi.ts, plus `mode: 'webgl2'` (the
 * WebGPU app's lab has no mode field yet; read a missing mode as 'webgpu'). `available` stays true: the
 * playground runs, on the CPU. stats() is computed in the worker, in float64, and says precision "f64".
 */

import { PRESET_NAMES } from '../core/presets';
import { FIGURE_IDS, findFigure } from '../playground/figures';
import type { LabApi } from '../playground/labApi';
import type { FallbackApp } from './fallbackApp';

export interface FallbackLabApi extends LabApi {
  readonly mode: 'webgl2';
  /** Trajectories the fallback runs at most (larger configs run an evenly spread subset). */
  readonly maxTrajectories: number;
}

export function createFallbackLab(app: FallbackApp, maxTrajectories: number): FallbackLabApi {
  return {
    available: true,
    mode: 'webgl2',
    maxTrajectories,
    getConfig: () => app.config,
    getView: () => app.view,
    setView: (view) => app.setView(view),
    setConfig: (config) => app.setConfig(config),
    step: (n) => app.step(n),
    play: () => app.play(),
    pause: () => app.pause(),
    reset: () => app.reset(),
    stats: () => app.stats(),
    screenshot: () => app.screenshot(),
    perf: () => ({ ...app.timing, adapter: app.renderer.describe(), playing: app.playing }),
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
