/**
 * The angle between two vectors of ℝ^P without cancellation: with â = a/|a| and b̂ = b/|b|,
 *   δ = 2·atan2(|â − b̂|, |â + b̂|),
 * accurate to a few units of the format's last place in absolute terms for every δ, where arccos(â·b̂)
 * loses everything below √ε (about 1e−8 in float64) because â·b̂ rounds to 1 (docs/math.md §7).
 * Each vector is first scaled by an exact power of two so that its sum of squares cannot overflow.
 */
import { type Arith, F64 } from '../arith';
import { floorLog2 } from '../schedule';

/** |â − b̂|² and |â + b̂|², computed in A and returned as float64 (both lie in [0, 4]). */
export function angleGapInFormat<T>(
  A: Arith<T>,
  a: readonly T[],
  b: readonly T[],
): { d2: number; s2: number } {
  const ua = unit(A, a);
  const ub = unit(A, b);
  let d2 = A.zero;
  let s2 = A.zero;
  for (let k = 0; k < ua.length; k++) {
    const dk = A.sub(ua[k], ub[k]);
    const sk = A.add(ua[k], ub[k]);
    d2 = k === 0 ? A.mul(dk, dk) : A.add(d2, A.mul(dk, dk));
    s2 = k === 0 ? A.mul(sk, sk) : A.add(s2, A.mul(sk, sk));
  }
  return { d2: A.toNumber(d2), s2: A.toNumber(s2) };
}

/** a/|a| in A, after scaling a by 2^−⌊log2 max|a_k|⌋ (exact); a zero vector stays zero. */
function unit<T>(A: Arith<T>, a: readonly T[]): T[] {
  let big = 0;
  for (const x of a) big = Math.max(big, Math.abs(A.toNumber(x)));
  const e = big > 0 && Number.isFinite(big) ? floorLog2(big) : 0;
  const scaled = e === 0 ? [...a] : a.map((x) => A.scale2(x, -e));
  let n2 = A.mul(scaled[0], scaled[0]);
  for (let k = 1; k < scaled.length; k++) n2 = A.add(n2, A.mul(scaled[k], scaled[k]));
  if (A.isZero(n2)) return scaled;
  const inv = A.invSqrt(n2);
  return scaled.map((x) => A.mul(x, inv));
}

/** δ > tol ⇔ |â − b̂|² > tan²(tol/2)·|â + b̂|² (a NaN or opposite vectors count as beyond). */
export function gapExceeds(d2: number, s2: number, tan2HalfTol: number): boolean {
  if (!(s2 > 0)) return true;
  return !(d2 <= tan2HalfTol * s2);
}

/** The angle between two float64 vectors (radians), by the same formula in float64. */
export function vectorAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { d2, s2 } = angleGapInFormat(F64, Array.from(a), Array.from(b));
  return 2 * Math.atan2(Math.sqrt(d2), Math.sqrt(s2));
}
