/**
 * exp(x) in any number format with + − × and exact power-of-two scaling only, so that the float32 mirror
 * and the WGSL kernel (shaders/model_step.wgsl) perform the same operations and round the same way; a
 * library exp differs between JavaScript and GPUs in the last bits. Cody–Waite reduction
 *   k = ⌊x·log2 e + ½⌋,  r = (x − k·ln2_hi) − k·ln2_lo,  exp(x) = 2^k·Σ_{j≤N} r^j/j!
 * with ln2_hi short enough (mantissaBits − 8 bits up to f32, − 12 beyond) that k·ln2_hi is exact for every k
 * whose 2^k the format can hold, and N the smallest
 * degree whose truncation error at |r| ≤ ln2/2 is below the format's precision. mp uses decimal.js's own
 * correctly rounded exp (its precision would need a very long series).
 */
import type Decimal from 'decimal.js';
import type { Arith } from '../arith';
import { DD, ddDiv, ddSub } from '../dd';

/** ln 2 to double-double precision. */
const LN2 = new DD(Math.LN2, 2.3190468138462996e-17);
const LOG2E = new DD(Math.LOG2E, 2.0355273740931033e-17);

/** Polynomial degree for a format of `bits` significant bits: (ln2/2)^(N+1)/(N+1)! < 2^−(bits+2). */
export function expDegree(bits: number): number {
  const r = Math.LN2 / 2;
  let term = 1;
  for (let n = 1; n < 200; n++) {
    term *= r / n;
    if (term < 2 ** -(bits + 2)) return n - 1;
  }
  return 200;
}

/** The constants of exp in a format: log2 e, ½, ln2 split, and the Taylor coefficients 1/j!. */
export interface ExpConstants<T> {
  log2e: T;
  half: T;
  ln2Hi: T;
  ln2Lo: T;
  /** 1/j! for j = 0..N. */
  coeffs: T[];
}

/** The constants as double-double values, rounded per format by `expConstants` (and the WGSL generator). */
export function expConstantsDD(bits: number): { log2e: DD; ln2Hi: DD; ln2Lo: DD; coeffs: DD[] } {
  const ln2Hi = new DD(roundToBits(LN2.hi, Math.max(3, Math.min(bits - (bits <= 24 ? 8 : 12), 53))), 0);
  const coeffs: DD[] = [];
  let fact = 1;
  for (let j = 0; j <= expDegree(bits); j++) {
    if (j > 0) fact *= j; // exact up to 22!; beyond, 1/j! is far below any format's last bit of 1
    coeffs.push(ddDiv(new DD(1, 0), new DD(fact, 0)));
  }
  return { log2e: LOG2E, ln2Hi, ln2Lo: ddSub(LN2, ln2Hi), coeffs };
}

/** x rounded to `bits` significant bits (to nearest). */
function roundToBits(x: number, bits: number): number {
  const e = Math.floor(Math.log2(Math.abs(x)));
  const q = 2 ** (bits - 1 - e);
  return Math.round(x * q) / q;
}

export function expConstants<T>(A: Arith<T>): ExpConstants<T> {
  const c = expConstantsDD(A.mantissaBits);
  return {
    log2e: A.fromDD(c.log2e),
    half: A.from(0.5),
    ln2Hi: A.fromDD(c.ln2Hi),
    ln2Lo: A.fromDD(c.ln2Lo),
    coeffs: c.coeffs.map((x) => A.fromDD(x)),
  };
}

/** exp(x) in A by the fixed operation sequence above (the kernel's r_exp). */
export function expInFormat<T>(A: Arith<T>, c: ExpConstants<T>, x: T): T {
  if (A.name === 'mp') return (x as unknown as Decimal).exp() as unknown as T;
  const kv = Math.floor(A.toNumber(A.add(A.mul(x, c.log2e), c.half)));
  if (Number.isNaN(kv)) return x;
  if (!Number.isFinite(kv)) return A.toNumber(x) > 0 ? A.div(A.from(1), A.zero) : A.zero;
  // Beyond the limit the result over- or underflows the format (±300 for the f32-range formats, whose
  // ln2_hi has bits − 8 bits; ±1100 for f64 and dd, whose ln2_hi has bits − 12): k·ln2_hi stays exact.
  const limit = A.mantissaBits <= 24 ? 300 : 1100;
  if (kv > limit) return A.div(A.from(1), A.zero);
  if (kv < -limit) return A.zero;
  const k = kv;
  const kf = A.from(k);
  const r = A.sub(A.sub(x, A.mul(kf, c.ln2Hi)), A.mul(kf, c.ln2Lo));
  const n = c.coeffs.length - 1;
  let p = c.coeffs[n];
  for (let j = n - 1; j >= 0; j--) p = A.add(A.mul(p, r), c.coeffs[j]);
  return A.scale2(p, k);
}
