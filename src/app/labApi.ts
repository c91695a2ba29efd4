/**
 * The WebGPU app's `window.lab`: the playground's LabApi (src/playground/labApi.ts) on the running App, plus
 * the recording calls.
 */
import { PRESET_NAMES } from '../core/presets';
import { FIGURE_IDS, findFigure } from '../playground/figures';
import type { LabApi } from '../playground/labApi';
import type { App, AppSnapshot } from './app';
import { type RecordingLab, recordingLab } from './devHook';

export type WebGpuLab = LabApi & Partial<RecordingLab>;

declare global {
  interface Window {
    lab?: WebGpuLab;
  }
}

/**
 * Where the lab finds the running App. After a device loss main.ts builds a new App: until it is ready,
 * `app` is null, `snapshot` holds what is being restored and `ready()` resolves with the new App, so calls
 * made meanwhile wait instead of failing.
 */
export interface AppHost {
  app: App | null;
  snapshot: AppSnapshot | null;
  ready(): Promise<App>;
}

export function createLab(host: AppHost): WebGpuLab {
  const now = (): App => {
    if (host.app) return host.app;
    throw new Error('the GPU device is being recovered; try again in a moment (async calls wait for it)');
  };
  const later = async <T>(f: (app: App) => T | Promise<T>): Promise<T> => f(await host.ready());
  return {
    available: true,
    mode: 'webgpu',
    ...recordingLab(
      (f) => later((app) => f(app.recording)),
      () => now().recording,
    ),
    getConfig: () => (host.app ? host.app.config : structuredClone(host.snapshot!.config)),
    getView: () => (host.app ? host.app.view : structuredClone(host.snapshot!.view)),
    setView: (view) => now().setView(view),
    setConfig: (config) => later((app) => app.setConfig(config)),
    step: (n) => later((app) => app.step(n)),
    play: () => now().loop.play(),
    pause: () => now().loop.pause(),
    reset: () => later((app) => app.reset()),
    stats: () => later((app) => app.stats()),
    screenshot: () => later((app) => app.screenshot()),
    perf: () => {
      const app = now();
      return { ...app.loop.timing, adapter: app.ctx.description, playing: app.loop.playing };
    },
    presets: PRESET_NAMES,
    loadPreset: (name) => later((app) => app.setConfig({ ...app.config, loss: { preset: name } })),
    figures: FIGURE_IDS,
    loadFigure: (id) => {
      const f = findFigure(id);
      return f
        ? later((app) => app.showFigure(f))
        : Promise.reject(new Error(`unknown figure "${id}" (one of ${FIGURE_IDS.join(', ')})`));
    },
    openPrecisionTab: () => now().precisionTab.setOpen(true),
    study: (options) => later(async (app) => (await app.study(options)).study),
    highlight: (i) => now().setHighlight(i),
    debug: {
      loseDevice: () => now().loseDevice(),
      recoveries: () => recoveries,
    },
  };
}

/** How many times the device was lost and the app rebuilt (main.ts counts; lab.debug reads). */
let recoveries = 0;
export function countRecovery(): void {
  recoveries++;
}
