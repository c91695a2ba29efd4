/**
 * The integrator's exact power-of-two rescalings (docs/numerics.md). Scaling by 2^k changes no rounding, so
 * the rescaled runs take the same steps as the plain ones while keeping every stored number in range.
 */
import type { Arith } from './arith';
import { RENORM_BAND, RENORM_MAX_SHIFT, type TrajectoryState } from './integratorState';
import { floorLog2 } from './schedule';

/** The renormalisation band of a format: its own (f16), else RENORM_BAND. */
export function renormBandOf<T>(A: Arith<T> | null): { readonly minLog2: number; readonly maxLog2: number } {
  return A?.renormBand ?? RENORM_BAND;
}

/** Binary exponent of the larger |component|: the shift that brings it back into the format's band, or 0. */
export function bandShift<T>(A: Arith<T>, x: T, y: T): number {
  const big = Math.max(Math.abs(A.toNumber(x)), Math.abs(A.toNumber(y)));
  if (big === 0 || !Number.isFinite(big)) return 0;
  const k0 = floorLog2(big);
  const band = renormBandOf(A);
  if (k0 >= band.minLog2 && k0 <= band.maxLog2) return 0;
  return Math.max(-RENORM_MAX_SHIFT, Math.min(RENORM_MAX_SHIFT, k0));
}

/** The weight-decay run's own band: w ← 2^−k w and v ← 2^−k v; ∇L picks up 2^−2Kw in the step. */
export function renormalizeWd<T>(A: Arith<T>, s: TrajectoryState<T>): void {
  const w = s.wd;
  const k = bandShift(A, w.x, w.y);
  if (k === 0) return;
  w.x = A.scale2(w.x, -k);
  w.y = A.scale2(w.y, -k);
  w.vx = A.scale2(w.vx, -k);
  w.vy = A.scale2(w.vy, -k);
  s.wdScaleExp += k;
}

/**
 * w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, η̃ ← 2^−2k η̃ leaves every later rounding unchanged, since ∇L(2^−k w̃) = 2^k ∇L(w̃)
 * exactly in binary floating point. Then lr's own exponent moves into J when lr leaves the band: keyed to
 * |w̃| alone, the first rescaling cannot keep η̃ in range when w̃ stops growing (an absorbed or stuck run),
 * since its invariant is η̃/|w̃|².
 * In a flushing format (the float32 mirror and the kernel) that is only done while the run is absorbed
 * (ṽ exactly 0, so η̃ is not used): the kernel then needs no per-step scaling, which costs ~25% of its f32
 * speed on SwiftShader. With gradual underflow (f64, dd) a buffer decaying under momentum can stick at a
 * subnormal and never reach 0 while η̃ grows (measured: γ 0.9, ηλ 0.001, step 31820 in f64), so there J
 * moves whenever lr leaves the band and every update is scaled by 2^J.
 */
export function renormalizeExponential<T>(A: Arith<T>, s: TrajectoryState<T>, flushing: boolean): void {
  const e = s.ex;
  const k = bandShift(A, e.x, e.y);
  if (k !== 0) shiftExponential(A, s, k, -2 * k);
  const absorbed = s.expAbsorbedStep !== null && A.isZero(e.vx) && A.isZero(e.vy);
  const j = flushing && !absorbed ? 0 : bandShift(A, s.lr, A.zero);
  if (j !== 0) {
    s.lr = A.scale2(s.lr, -j);
    s.lrExp += j;
  }
}

/**
 * J back into the joint scaling: k = ⌈J/2⌉ and η̃ ← 2^(J−2k) η̃. If w̃ cannot be that small in the format,
 * the effective step η̃/|w̃|² is out of its range, and the underflow to zero is reported as such.
 */
export function mergeLrExp<T>(A: Arith<T>, s: TrajectoryState<T>): void {
  const k = Math.ceil(s.lrExp / 2);
  shiftExponential(A, s, k, s.lrExp - 2 * k);
  s.lrExp = 0;
}

/** The exponential run's exact rescaling: w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, lr ← 2^lrShift lr, K += k. */
function shiftExponential<T>(A: Arith<T>, s: TrajectoryState<T>, k: number, lrShift: number): void {
  const e = s.ex;
  e.x = A.scale2(e.x, -k);
  e.y = A.scale2(e.y, -k);
  e.vx = A.scale2(e.vx, k);
  e.vy = A.scale2(e.vy, k);
  s.lr = A.scale2(s.lr, lrShift);
  s.scaleExp += k;
}
