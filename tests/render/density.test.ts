/**
 * The density view's host-side choices (src/render/density.ts): when `density: 'auto'` switches on, the grid
 * of cells for a pane, and which runs are binned into which pane.
 */
import { describe, expect, it } from 'vitest';
import { toExponential } from '../../src/core/schedule';
import type { PathSource } from '../../src/gpu/pathSource';
import { DEFAULT_VIEW, type ViewState } from '../../src/playground/viewState';
import {
  DENSITY_AUTO_COUNT,
  DENSITY_CELL_CSS,
  densityGrid,
  densityLayers,
  densityShown,
} from '../../src/render/density';
import { zoomShift } from '../../src/render/rawRun';

const schedule = toExponential({ lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 1 });
const source = (withSchedule: boolean): PathSource => ({
  history: {} as GPUBuffer,
  metrics: {} as GPUBuffer,
  count: 100,
  historyLength: 8,
  sampleEvery: 2,
  step: 40,
  generation: 0,
  ...(withSchedule ? { schedule } : {}),
});

describe('density view choices', () => {
  it("'on' and 'off' are obeyed; 'auto' switches on at DENSITY_AUTO_COUNT trajectories", () => {
    expect(densityShown({ density: 'on' }, 1)).toBe(true);
    expect(densityShown({ density: 'off' }, 10_000_000)).toBe(false);
    expect(densityShown({ density: 'auto' }, DENSITY_AUTO_COUNT - 1)).toBe(false);
    expect(densityShown({ density: 'auto' }, DENSITY_AUTO_COUNT)).toBe(true);
    expect(densityShown({ density: 'auto' }, 1_048_576)).toBe(true);
    expect(densityShown({ density: 'auto' }, 4)).toBe(false);
  });

  it('cells are DENSITY_CELL_CSS CSS pixels, scaled to the pixel ratio, covering the whole pane', () => {
    expect(densityGrid(1920, 1080, 1)).toEqual([1920 / DENSITY_CELL_CSS, 1080 / DENSITY_CELL_CSS]);
    const [gw, gh] = densityGrid(1921, 1081, 1.5); // 3-pixel cells
    expect([gw, gh]).toEqual([Math.ceil(1921 / 3), Math.ceil(1081 / 3)]);
    expect(densityGrid(1, 1, 3)).toEqual([1, 1]);
  });

  it('bins the plane runs in pane 0 and, side by side, the zooming raw run in pane 1', () => {
    const view = (patch: Partial<ViewState>): ViewState => ({ ...DEFAULT_VIEW, ...patch });
    expect(densityLayers(view({}), source(true))).toEqual({
      layers: [
        { run: 'weightDecay', shift: 0 },
        { run: 'projected', shift: 0 },
      ],
      panes: [0, 0],
    });
    const sbs = densityLayers(view({ mode: 'sideBySide' }), source(true));
    expect(sbs.panes).toEqual([0, 0, 1]);
    expect(sbs.layers[2]).toEqual({ run: 'exponential', shift: zoomShift(schedule, 20, 2) });
    expect(densityLayers(view({ mode: 'sideBySide' }), source(false)).panes).toEqual([0, 0]);
    const raw = view({ runs: { weightDecay: false, projected: false, exponential: true } });
    expect(densityLayers(raw, source(true)).layers).toEqual([{ run: 'exponential', shift: 0 }]);
    expect(densityLayers(raw, source(false)).layers).toEqual([]);
  });
});
