/**
 * "Fit the action": a camera that frames where the paths go over the whole run, not just where they start.
 * A quick CPU pre-run (the reference integrator, src/core/integrator.ts: the f32 mirror of the GPU kernel
 * for f32 runs, float64 otherwise) of a subset of the trajectories over all the config's steps (or from
 * `fromStep` on) gives the bounding box of the weight-decay run (the projected
 * run lies on it, up to the rounding the playground is about); the raw exponential run is left out: it
 * leaves any view on purpose (the seed's figure). The box gets a margin and becomes a camera for a given
 * aspect ratio. Work is capped (MAX_WORK trajectory-steps), so this stays fast for any config: beyond the
 * cap fewer, evenly spread trajectories are run.
 */
import type { Arith, CpuPrecision } from '../core/arith';
import { arithFor } from '../core/arithFor';
import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig } from '../core/config/types';
import { initialPoints } from '../core/init';
import { Integrator } from '../core/integrator';
import { toExponential } from '../core/schedule';
import type { PlaneView } from './backend';

export interface Extent {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Most trajectory-steps a pre-run takes (about 0.1–0.3 s of float64 on one core). */
export const MAX_WORK = 100_000;
/** Trajectories a pre-run takes at most, evenly spread over the config's. */
export const MAX_TRAJECTORIES = 256;
/** Margin around the box, as a fraction of its larger side, on each side. */
export const FIT_MARGIN = 0.08;
/** Smallest half-height a fit gives (a run that never moves still gets a readable view). */
export const MIN_HALF_HEIGHT = 0.02;

/** The boxes the weight-decay run has covered by each checkpoint step (cumulative), from a pre-run. */
export interface ActionTrack {
  /** Steps between checkpoints; checkpoint k holds the box of steps 0..k·every. */
  every: number;
  steps: number;
  /** x0, x1, y0, y1 per checkpoint. */
  boxes: Float64Array;
}

/** Checkpoints a track keeps at most (the follow camera needs no finer steps). */
const MAX_CHECKPOINTS = 1024;

let cached: { key: string; track: ActionTrack | null } | null = null;

/**
 * The boxes the weight-decay run covers up to each checkpoint step, from a float64 pre-run of up to
 * MAX_TRAJECTORIES trajectories (fewer when steps are many). Null when no trajectory gives a finite point.
 * The last config's track is kept (a follow camera asks every frame).
 */
export function actionTrack(config: ExperimentConfig, maxWork = MAX_WORK, fromStep = 0): ActionTrack | null {
  const key = `${maxWork}|${fromStep}|${JSON.stringify(config)}`;
  if (cached?.key !== key) cached = { key, track: computeTrack(config, maxWork, fromStep) };
  return cached.track;
}

/**
 * The CPU arithmetic for the pre-run: the f32 mirror for f32 (bit for bit the GPU kernel, so the box is
 * where the drawn paths go, rounding included), float64 for the wider formats (double-double and mp would
 * be far slower and differ from float64 by less than a pixel at any sensible zoom).
 */
function arithOf(config: ExperimentConfig): Arith<unknown> {
  const cpu: CpuPrecision = config.precision === 'f32' ? 'f32' : 'f64';
  return arithFor(cpu);
}

function computeTrack(config: ExperimentConfig, maxWork: number, fromStep: number): ActionTrack | null {
  const points = initialPoints(config.init);
  const n = points.length / 2;
  if (n === 0) return null;
  const steps = Math.max(0, config.steps);
  const take = Math.max(1, Math.min(n, MAX_TRAJECTORIES, Math.floor(maxWork / Math.max(1, steps))));
  const { loss } = resolveLoss(config.loss);
  // The run's own numerics: w_t = 2^wdScaleExp·(x, y) as stored.
  const A = arithOf(config);
  const integrator = new Integrator(
    A,
    loss,
    toExponential(config.optimizer),
    config.driftTolerance,
    config.numerics,
  );
  const every = Math.max(1, Math.ceil(steps / MAX_CHECKPOINTS));
  const count = Math.floor(steps / every) + 1;
  const boxes = new Float64Array(4 * count);
  for (let k = 0; k < count; k++) boxes.set([Infinity, -Infinity, Infinity, -Infinity], 4 * k);
  const add = (k: number, x: number, y: number) => {
    if (!(Number.isFinite(x) && Number.isFinite(y))) return;
    const o = 4 * k;
    boxes[o] = Math.min(boxes[o], x);
    boxes[o + 1] = Math.max(boxes[o + 1], x);
    boxes[o + 2] = Math.min(boxes[o + 2], y);
    boxes[o + 3] = Math.max(boxes[o + 3], y);
  };
  for (let j = 0; j < take; j++) {
    const i = Math.floor((j * n) / take);
    const s = integrator.init(points[2 * i], points[2 * i + 1]);
    if (fromStep <= 0) add(0, A.toNumber(s.wd.x), A.toNumber(s.wd.y));
    for (let t = 1; t <= steps; t++) {
      integrator.step(s);
      if (t < fromStep) continue;
      const scale = 2 ** s.wdScaleExp;
      add(Math.ceil(t / every), A.toNumber(s.wd.x) * scale, A.toNumber(s.wd.y) * scale);
    }
  }
  // Cumulative: checkpoint k covers every step up to k·every.
  for (let k = 1; k < count; k++) {
    const o = 4 * k;
    boxes[o] = Math.min(boxes[o], boxes[o - 4]);
    boxes[o + 1] = Math.max(boxes[o + 1], boxes[o - 3]);
    boxes[o + 2] = Math.min(boxes[o + 2], boxes[o - 2]);
    boxes[o + 3] = Math.max(boxes[o + 3], boxes[o - 1]);
  }
  return boxes[4 * (count - 1)] <= boxes[4 * (count - 1) + 1] ? { every, steps, boxes } : null;
}

/** The box covered up to `step` (clamped to the run), or null if nothing finite was covered by then. */
export function extentAt(track: ActionTrack, step: number): Extent | null {
  const count = track.boxes.length / 4;
  const k = Math.min(count - 1, Math.max(0, Math.ceil(Math.min(step, track.steps) / track.every)));
  const [x0, x1, y0, y1] = track.boxes.subarray(4 * k, 4 * k + 4);
  return x0 <= x1 ? { x0, x1, y0, y1 } : null;
}

/** The box the weight-decay run covers over the whole run (see actionTrack). */
export function actionExtent(config: ExperimentConfig, maxWork = MAX_WORK, fromStep = 0): Extent | null {
  const track = actionTrack(config, maxWork, fromStep);
  return track ? extentAt(track, track.steps) : null;
}

/**
 * The camera (centre, half-height) showing `box` with FIT_MARGIN on each side in a view of width/height
 * `aspect`, whichever axis is tighter.
 */
export function frameExtent(box: Extent, aspect: number, margin = FIT_MARGIN): PlaneView {
  if (!(aspect > 0 && Number.isFinite(aspect))) throw new RangeError(`aspect must be > 0, got ${aspect}`);
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const pad = margin * Math.max(w, h);
  const halfHeight = Math.max(MIN_HALF_HEIGHT, h / 2 + pad, (w / 2 + pad) / aspect);
  return { center: [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2], halfHeight };
}

/** actionExtent then frameExtent: the "fit the action" camera for `config` at `aspect` (null: nothing). */
export function actionFrame(config: ExperimentConfig, aspect: number, fromStep = 0): PlaneView | null {
  const box = actionExtent(config, MAX_WORK, fromStep);
  return box ? frameExtent(box, aspect) : null;
}
