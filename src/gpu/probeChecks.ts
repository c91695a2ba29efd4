/**
 * The probe's verdicts, computed on the host from the kernel's outputs: exactness of the error-free
 * transforms (TwoSum, TwoProd) against float64 (where every f32 sum error and product is exact), signs of
 * compiler damage to plain f32 expressions, and the bits each df64 operation reaches against the
 * double-double reference of src/core/dd.ts (docs/math.md).
 */
import { DD, DD_ONE, ddAdd, ddDiv, ddMul, ddSqrt, ddSub, twoSum } from '../core/dd';

export type Df64Op = 'add' | 'mul' | 'div' | 'sqrt' | 'inv_sqrt';

export interface Df64OpMeasurement {
  op: Df64Op;
  bits: number;
  maxRelError: number;
  /** Index of the worst sample, and its inputs (hi, lo of a and b) and result. */
  worst: { index: number; a: [number, number]; b: [number, number]; result: [number, number] } | null;
  samples: number;
}

/** Bits reported when every sample was exact (the reference's own precision). */
export const EXACT_BITS = 106;

/** Exact value hi + lo of two floats (float32 or float64) as a canonical double-double. */
export function exactSum(hi: number, lo: number): DD {
  const [s, e] = twoSum(hi, lo);
  return new DD(s, e);
}

export function countTwoSumFailures(pairs: Float32Array, out: Float32Array, n: number): number {
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const want = exactSum(pairs[2 * i], pairs[2 * i + 1]);
    const got = exactSum(out[2 * i], out[2 * i + 1]);
    // s must also be the rounded sum, not just any split of the exact value.
    const sOk = out[2 * i] === Math.fround(pairs[2 * i] + pairs[2 * i + 1]);
    if (!sOk || got.hi !== want.hi || got.lo !== want.lo) failures++;
  }
  return failures;
}

export function countTwoProdFailures(pairs: Float32Array, out: Float32Array, n: number): number {
  let failures = 0;
  for (let i = 0; i < n; i++) {
    // Every float32 product is exact in float64 (24 + 24 <= 53 bits), and so is ab - p.
    const ab = pairs[2 * i] * pairs[2 * i + 1];
    const p = out[2 * i];
    const e = out[2 * i + 1];
    if (p !== Math.fround(ab) || e !== ab - p) failures++;
  }
  return failures;
}

export interface DamageResult {
  findings: string[];
  fmaFused: boolean;
}

export function analyseDamage(pairs: Float32Array, out: Float32Array, n: number): DamageResult {
  const f = Math.fround;
  let reassoc = 0;
  let splitDamaged = 0;
  let contracted = 0;
  let fmaFusedCount = 0;
  let fmaPlainCount = 0;
  let fmaOther = 0;
  let informative = 0;
  for (let i = 0; i < n; i++) {
    const a = pairs[2 * i];
    const b = pairs[2 * i + 1];
    const s = f(a + b);
    if (out[4 * i] !== f(f(s - a) - b)) reassoc++;
    const ab = a * b; // exact in float64
    const p = f(ab);
    const residual = ab - p; // exact, and representable in f32
    const d1 = out[4 * i + 1];
    if (residual !== 0) {
      informative++;
      if (d1 === residual) fmaFusedCount++;
      else if (d1 === 0) fmaPlainCount++;
      else fmaOther++;
    } else if (d1 !== 0) fmaOther++;
    const t = f(4097 * a);
    if (out[4 * i + 2] !== f(t - f(t - a))) splitDamaged++;
    if (out[4 * i + 3] !== 0) contracted++;
  }
  const findings: string[] = [];
  if (reassoc > 0) {
    findings.push(
      `((a + b) - a) - b differs from IEEE f32 evaluation in ${reassoc}/${n} pairs (reassociation or excess precision)`,
    );
  }
  if (splitDamaged > 0) {
    findings.push(
      `t - (t - a), t = 4097a, differs from IEEE f32 evaluation in ${splitDamaged}/${n} pairs (reassociation)`,
    );
  }
  if (contracted > 0) {
    findings.push(
      `a*b - p (p = a*b) is non-zero in ${contracted}/${n} pairs: the compiler contracts into fma`,
    );
  }
  const fmaFused = informative > 0 && fmaFusedCount === informative && fmaOther === 0;
  if (!fmaFused) {
    if (fmaPlainCount === informative && fmaOther === 0) {
      findings.push(
        `fma() is not fused: fma(a, b, -a*b) returned 0 for ${fmaPlainCount}/${informative} inexact products`,
      );
    } else {
      findings.push(
        `fma(a, b, -a*b) is inconsistent: fused in ${fmaFusedCount}, 0 in ${fmaPlainCount}, other in ${fmaOther} of ${n} pairs`,
      );
    }
  }
  return { findings, fmaFused };
}

function reference(op: Df64Op, a: DD, b: DD): DD {
  switch (op) {
    case 'add':
      return ddAdd(a, b);
    case 'mul':
      return ddMul(a, b);
    case 'div':
      return ddDiv(a, b);
    case 'sqrt':
      return ddSqrt(a);
    case 'inv_sqrt':
      return ddDiv(DD_ONE, ddSqrt(a));
  }
}

export function errorToBits(maxRelError: number): number {
  if (Number.isNaN(maxRelError)) return 0;
  if (maxRelError === 0) return EXACT_BITS;
  return Math.min(EXACT_BITS, Math.max(0, -Math.log2(maxRelError)));
}

export function measureOp(op: Df64Op, inputs: Float32Array, out: Float32Array, n: number): Df64OpMeasurement {
  let maxRel = 0;
  let worst = -1;
  for (let i = 0; i < n; i++) {
    const a = exactSum(inputs[4 * i], inputs[4 * i + 1]);
    const b = exactSum(inputs[4 * i + 2], inputs[4 * i + 3]);
    const ref = reference(op, a, b);
    const got = exactSum(out[2 * i], out[2 * i + 1]);
    let rel: number;
    if (!Number.isFinite(got.hi) || !Number.isFinite(got.lo)) rel = Number.POSITIVE_INFINITY;
    else if (ref.hi === 0) rel = got.hi === 0 ? 0 : Number.POSITIVE_INFINITY;
    else rel = Math.abs(ddSub(got, ref).hi / ref.hi);
    if (worst < 0 || rel > maxRel) {
      maxRel = rel;
      worst = i;
    }
  }
  return {
    op,
    bits: errorToBits(maxRel),
    maxRelError: maxRel,
    worst:
      worst < 0
        ? null
        : {
            index: worst,
            a: [inputs[4 * worst], inputs[4 * worst + 1]],
            b: [inputs[4 * worst + 2], inputs[4 * worst + 3]],
            result: [out[2 * worst], out[2 * worst + 1]],
          },
    samples: n,
  };
}
