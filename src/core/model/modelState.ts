/**
 * What the model integrator (modelIntegrator.ts) carries from step to step: the plane's TrajectoryState
 * with d-vectors in place of (x, y). Scalings and events mean the same (src/core/integratorState.ts).
 */
import type { Arith } from '../arith';
import { noEvents, RENORM_MAX_SHIFT, type StepConstants, type TrajectoryEvents } from '../integratorState';
import { renormBandOf } from '../renormalize';
import { floorLog2 } from '../schedule';

export interface VectorRun<T> {
  w: T[];
  v: T[];
}

export interface ModelState<T> extends TrajectoryEvents {
  /** Weight-decay run, stored as 2^−wdScaleExp·(w, v). */
  wd: VectorRun<T>;
  wdScaleExp: number;
  /** Exponential run, stored as 2^−scaleExp·w̃ and 2^scaleExp·ṽ. */
  ex: VectorRun<T>;
  /** η̃·2^(−2·scaleExp − lrExp). */
  lr: T;
  lrExp: number;
  scaleExp: number;
  t: number;
  phase: number;
  index: number;
  /** The sharpness tracker's current direction (sharpness.ts), null before the first check. */
  sharpDir: Float64Array | null;
}

export function initialModelState<T>(
  A: Arith<T>,
  constants: StepConstants<T>,
  w0: ArrayLike<number>,
  index: number,
): ModelState<T> {
  const w = Array.from(w0, (c) => A.from(c));
  return {
    wd: { w: [...w], v: w.map(() => A.zero) },
    wdScaleExp: 0,
    ex: { w: [...w], v: w.map((c) => A.mul(constants.bufferInit, c)) },
    lr: constants.expLr0,
    lrExp: 0,
    scaleExp: 0,
    t: 0,
    phase: 0,
    index,
    sharpDir: null,
    ...noEvents(),
  };
}

/** The shift that brings the largest |component| back into the format's band, or 0 (renormalize.ts). */
export function vectorBandShift<T>(A: Arith<T>, xs: readonly T[]): number {
  let big = 0;
  for (const x of xs) big = Math.max(big, Math.abs(A.toNumber(x)));
  if (big === 0 || !Number.isFinite(big)) return 0;
  const k0 = floorLog2(big);
  const band = renormBandOf(A);
  if (k0 >= band.minLog2 && k0 <= band.maxLog2) return 0;
  return Math.max(-RENORM_MAX_SHIFT, Math.min(RENORM_MAX_SHIFT, k0));
}

export function scaleAll<T>(A: Arith<T>, xs: T[], e: number): void {
  for (let k = 0; k < xs.length; k++) xs[k] = A.scale2(xs[k], e);
}

/** The weight-decay run's band: w ← 2^−k w, v ← 2^−k v (∇L then carries 2^−2Kw). */
export function renormalizeModelWd<T>(A: Arith<T>, s: ModelState<T>): void {
  const k = vectorBandShift(A, s.wd.w);
  if (k === 0) return;
  scaleAll(A, s.wd.w, -k);
  scaleAll(A, s.wd.v, -k);
  s.wdScaleExp += k;
}

/** w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, η̃ ← 2^−2k η̃, then η̃'s own exponent J as in renormalizeExponential. */
export function renormalizeModelExp<T>(A: Arith<T>, s: ModelState<T>, flushing: boolean): void {
  const k = vectorBandShift(A, s.ex.w);
  if (k !== 0) shiftModelExp(A, s, k, -2 * k);
  const absorbed = s.expAbsorbedStep !== null && s.ex.v.every((c) => A.isZero(c));
  const j = flushing && !absorbed ? 0 : vectorBandShift(A, [s.lr]);
  if (j !== 0) {
    s.lr = A.scale2(s.lr, -j);
    s.lrExp += j;
  }
}

/** J back into the joint scaling (mergeLrExp of renormalize.ts). */
export function mergeModelLrExp<T>(A: Arith<T>, s: ModelState<T>): void {
  const k = Math.ceil(s.lrExp / 2);
  shiftModelExp(A, s, k, s.lrExp - 2 * k);
  s.lrExp = 0;
}

function shiftModelExp<T>(A: Arith<T>, s: ModelState<T>, k: number, lrShift: number): void {
  scaleAll(A, s.ex.w, -k);
  scaleAll(A, s.ex.v, k);
  s.lr = A.scale2(s.lr, lrShift);
  s.scaleExp += k;
}
