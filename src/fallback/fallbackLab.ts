/**
 * `window.lab` in the WebGL2 fallback: the LabApi of src/playground/labApi.ts (controllerLab, as the WebGPU app's), plus `mode: 'webgl2'` (the
 * WebGPU app's lab has no mode field yet; read a missing mode as 'webgpu'). `available` stays true: the
 * playground runs, on the CPU. stats() is computed in the worker, in float64, and says precision "f64".
 */

import { controllerLab, type LabApi } from '../playground/labApi';
import type { FallbackApp } from './fallbackApp';

export interface FallbackLabApi extends LabApi {
  readonly mode: 'webgl2';
  /** Trajectories the fallback runs at most (larger configs run an evenly spread subset). */
  readonly maxTrajectories: number;
}

export function createFallbackLab(app: FallbackApp, maxTrajectories: number): FallbackLabApi {
  const c = app.controller;
  return {
    available: true,
    mode: 'webgl2',
    maxTrajectories,
    ...controllerLab(
      () => c,
      async (f) => f(c),
      () => app.renderer.describe(),
    ),
  };
}
