/**
 * "Fit the action" (src/playground/framing.ts). The box is checked against the float64 run of the CLI's CPU
 * path (cpuRecords: renormalised storage, its own sampling) rather than the pre-run's own loop; the frame
 * is checked geometrically; and the `projected` figure's escape from the dent (the stretch of the path from
 * leaving the dent at 113° to arriving in the well at −47°) is measured in pixels at 1080p with the
 * hand-set camera it had (half-height 1.0) and with the fitted one. Sabotage: a frame of the start point
 * alone does not contain the escape.
 */
import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/core/config/types';
import { cpuRecords } from '../../src/core/run/cpuRun';
import { FIGURE_ASPECT, FIGURES, findFigure } from '../../src/playground/figures';
import {
  actionExtent,
  actionTrack,
  type Extent,
  extentAt,
  FIT_MARGIN,
  frameExtent,
} from '../../src/playground/framing';

/** w_t of every sample of every trajectory, from the CLI's CPU run in the config's precision (f32: the mirror). */
function samples(config: ExperimentConfig): [number, number][] {
  const recs = cpuRecords({ ...config, sampleEvery: 1 }, null);
  const out: [number, number][] = [];
  for (const r of recs) {
    for (let k = 0; k < r.wd.length / 2; k++) {
      const s = 2 ** (r.wdScaleLog2?.[k] ?? 0);
      out.push([r.wd[2 * k] * s, r.wd[2 * k + 1] * s]);
    }
  }
  return out;
}

function boxOf(pts: [number, number][]): Extent {
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

const PX_1080 = 1080;

describe('fit the action', () => {
  it('the pre-run box is the box of the CLI CPU run (every sample, f32 mirror)', () => {
    const f = findFigure('gd-weight-decay')!;
    const got = actionExtent(f.config)!;
    const want = boxOf(samples(f.config));
    for (const k of ['x0', 'x1', 'y0', 'y1'] as const) expect(got[k]).toBeCloseTo(want[k], 9);
  });

  it('the frame holds the box with the margin and is tight on one axis, at any aspect', () => {
    const box = { x0: -0.7, x1: 0.3, y0: -0.2, y1: 0.8 };
    for (const aspect of [0.5, 1, 16 / 9, 3]) {
      const { center, halfHeight } = frameExtent(box, aspect);
      const hw = halfHeight * aspect;
      const pad = FIT_MARGIN * 1;
      expect(center[0] - hw).toBeLessThanOrEqual(box.x0 - pad + 1e-12);
      expect(center[0] + hw).toBeGreaterThanOrEqual(box.x1 + pad - 1e-12);
      expect(center[1] - halfHeight).toBeLessThanOrEqual(box.y0 - pad + 1e-12);
      expect(center[1] + halfHeight).toBeGreaterThanOrEqual(box.y1 + pad - 1e-12);
      const slack = Math.min(hw - (0.5 + pad), halfHeight - (0.5 + pad));
      expect(Math.abs(slack)).toBeLessThan(1e-12);
    }
    expect(() => frameExtent(box, 0)).toThrow(/aspect/);
  });

  it('the track grows with the steps and ends at the whole-run box', () => {
    const f = findFigure('projected')!;
    const track = actionTrack(f.config)!;
    const start = extentAt(track, 0)!;
    expect(start.x1 - start.x0).toBe(0);
    const half = extentAt(track, f.config.steps / 2)!;
    const end = extentAt(track, f.config.steps)!;
    expect(half.x1 - half.x0).toBeLessThanOrEqual(end.x1 - end.x0);
    expect(end).toEqual(actionExtent(f.config));
    const want = boxOf(samples({ ...f.config, steps: f.config.steps / 2 }));
    expect(half.x0).toBeLessThanOrEqual(want.x0 + 1e-9);
  });

  it('projected figure: the run after the split (f32 2-cycle) is far wider at 1080p with the fitted camera', () => {
    const f = findFigure('projected')!;
    expect(f.config.precision).toBe('f32');
    const pts = samples(f.config);
    const SPLIT = 400; // the caption: the two runs part near step 400
    const tail = boxOf(pts.slice(SPLIT));
    const size = Math.max(tail.x1 - tail.x0, tail.y1 - tail.y0);
    const HAND_SET = 1.0; // the figure's camera before "fit the action"
    const cam = f.view.camera!;
    const before = (size * PX_1080) / (2 * HAND_SET);
    const after = (size * PX_1080) / (2 * cam.halfHeight);
    const whole = frameExtent(actionExtent(f.config)!, FIGURE_ASPECT);
    const wholePx = (size * PX_1080) / (2 * whole.halfHeight);
    console.log(
      `projected: steps ${SPLIT}–${f.config.steps} span ${size.toFixed(4)} world units: ${before.toFixed(0)} px at ` +
        `half-height ${HAND_SET}; ${wholePx.toFixed(0)} px framing the whole run (half-height ` +
        `${whole.halfHeight.toFixed(3)}); ${after.toFixed(0)} px at the figure's fitted ${cam.halfHeight.toFixed(4)} ` +
        `(centre ${cam.center.map((c) => c.toFixed(4)).join(', ')})`,
    );
    expect(after / before).toBeGreaterThan(5);
    expect(wholePx / before).toBeGreaterThan(1.5);
    // The run after the split is inside the fitted 16:9 view.
    const hw = cam.halfHeight * FIGURE_ASPECT;
    expect(tail.x0).toBeGreaterThan(cam.center[0] - hw);
    expect(tail.x1).toBeLessThan(cam.center[0] + hw);
    expect(tail.y0).toBeGreaterThan(cam.center[1] - cam.halfHeight);
    expect(tail.y1).toBeLessThan(cam.center[1] + cam.halfHeight);
    // Sabotage: framing the start alone (zero steps) leaves the end of the run out of view.
    const startOnly = frameExtent(actionExtent({ ...f.config, steps: 0 })!, FIGURE_ASPECT);
    const inside =
      tail.x1 < startOnly.center[0] + startOnly.halfHeight * FIGURE_ASPECT &&
      tail.y0 > startOnly.center[1] - startOnly.halfHeight;
    expect(inside).toBe(false);
  });

  it('fitted figures keep every sample of their run in view; the others keep their hand-set cameras', () => {
    for (const f of FIGURES) {
      const g = findFigure(f.id)!;
      if (f.frame !== 'action') {
        expect(g.view.camera).toEqual(f.view.camera);
        continue;
      }
      const cam = g.view.camera!;
      const aspect = g.view.mode === 'sideBySide' ? FIGURE_ASPECT / 2 : FIGURE_ASPECT;
      const box = actionExtent(g.config, undefined, g.id === 'projected' ? 300 : 0)!;
      expect(box.x0).toBeGreaterThan(cam.center[0] - cam.halfHeight * aspect);
      expect(box.x1).toBeLessThan(cam.center[0] + cam.halfHeight * aspect);
      expect(box.y0).toBeGreaterThan(cam.center[1] - cam.halfHeight);
      expect(box.y1).toBeLessThan(cam.center[1] + cam.halfHeight);
    }
    expect(FIGURES.filter((f) => f.frame === 'action').map((f) => f.id)).toContain('projected');
  });
});
