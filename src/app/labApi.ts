/**
 * The WebGPU app's `window.lab`: the playground's LabApi (src/playground/labApi.ts) on the running App, plus
 * the recording calls.
 */
import { controllerLab, type LabApi } from '../playground/labApi';
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
  const common = controllerLab(
    () => now().controller,
    (f) => later((app) => f(app.controller)),
    () => now().ctx.description,
  );
  return {
    available: true,
    mode: 'webgpu',
    ...recordingLab(
      (f) => later((app) => f(app.recording)),
      () => now().recording,
    ),
    ...common,
    // While a lost device is replaced, the config and view being restored.
    getConfig: () => (host.app ? common.getConfig() : structuredClone(host.snapshot!.config)),
    getView: () => (host.app ? common.getView() : structuredClone(host.snapshot!.view)),
    openPrecisionTab: () => now().precisionTab.setOpen(true),
    fitAction: () => later((app) => app.fitAction()),
    followAction: (on) => now().setFollowAction(on),
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
