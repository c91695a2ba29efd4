/**
 * exp(x) in each format (src/core/model/expInFormat.ts) against decimal.js exp at 40 significant digits of
 * the EXACT input (the x of the format, converted bit for bit), over a dense sweep of [−30, 30]:
 *   f64 ≤ 2 ulp, dd ≤ 1e−30 relative and ≤ 4 units of 2^−106, the f32 mirror ≤ 2 ulp of f32,
 *   f16 ≤ 1.5 ulp of f16 (its whole range, subnormal results included), bf16 ≤ 3 ulp of bf16 (the reduction's
 *   product k·ln2_lo is itself rounded to 8 bits, up to |k|·|ln2_lo|·2^−9 ≈ 0.006 at |x| = 30: the 2.2 ulp
 *   measured there), mp ≤ 2^−250 relative at 256 bits (reference at 100 digits).
 * Sabotage: the same polynomial one degree too low fails every one of these bounds (mp: 200 bits fails).
 * Measured maxima (this sweep): f64 0.94 ulp (sabotage 2.25), f32 1.04 (2.53), bf16 2.24 (4.94),
 * f16 1.05 (2.04), dd 2.9·2^−106 (8.6·2^−106), mp 2^−260.5 (200 bits: 2^−204).
 */
import type Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { type Arith, DDA, F32, F64 } from '../../../src/core/arith';
import { DD, twoSum } from '../../../src/core/dd';
import { lowArith } from '../../../src/core/lowArith';
import { type ExpConstants, expConstants, expDegree, expInFormat } from '../../../src/core/model/expInFormat';
import { mpArith } from '../../../src/core/mp';
import { decimalAt, exactOf } from './modelReference';

const D40 = decimalAt(40);

/** The sweep: x_i = −30 + 0.02·i, nudged off the grid by a deterministic irrational offset. */
function sweep(lo: number, hi: number, count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => lo + ((hi - lo) * i) / (count - 1) + 0.003 * Math.sin(7 * i),
  );
}

/** floor(log2 r) for a positive Decimal r, exactly (Math.log2 may be off by one next to a power of two). */
function binade(r: Decimal): number {
  let e = Math.floor(Math.log2(r.toNumber()));
  const two = new D40(2);
  while (two.pow(e).gt(r)) e--;
  while (two.pow(e + 1).lte(r)) e++;
  return e;
}

/** exp(x) and the format's last place there: p significant bits, floored at the subnormal spacing if any. */
interface Ref {
  exp: Decimal;
  ulp: Decimal;
}

function reference(x: Decimal, p: number, minUlpLog2 = -Infinity): Ref {
  const exp = x.exp();
  return { exp, ulp: new D40(2).pow(Math.max(binade(exp) - (p - 1), minUlpLog2)) };
}

/** |got − exp(x)| in units of the format's last place at exp(x). */
function ulpError(got: number, ref: Ref): number {
  return exactOf(D40, got).minus(ref.exp).abs().div(ref.ulp).toNumber();
}

interface Case {
  name: string;
  A: Arith<number>;
  bits: number;
  lo: number;
  hi: number;
  bound: number;
  minUlpLog2?: number;
}

const CASES: Case[] = [
  { name: 'f64', A: F64, bits: 53, lo: -30, hi: 30, bound: 2 },
  { name: 'f32 mirror', A: F32, bits: 24, lo: -30, hi: 30, bound: 2 },
  { name: 'bf16', A: lowArith('bf16'), bits: 8, lo: -30, hi: 30, bound: 3 },
  // f16: exp(11.09) is its largest finite value; below exp(−9.7) the results are subnormal (spacing 2^−24).
  { name: 'f16', A: lowArith('f16'), bits: 11, lo: -17, hi: 11, bound: 1.5, minUlpLog2: -24 },
];

/** The largest ulp error of exp over the case's sweep, with the given constants. */
function maxUlpError(c: Case, consts: ExpConstants<number>, refs: Map<number, Ref>): number {
  let max = 0;
  for (const [x, ref] of refs) max = Math.max(max, ulpError(expInFormat(c.A, consts, x), ref));
  return max;
}

/** The same constants, but the Taylor polynomial one degree too low. */
function degreeTooLow<T>(c: ExpConstants<T>): ExpConstants<T> {
  return { ...c, coeffs: c.coeffs.slice(0, -1) };
}

describe('expInFormat against decimal.js exp', () => {
  it.each(CASES)('$name: within $bound ulp over the sweep; one degree too low is not', (c) => {
    // Reference at the format's own x (rounded into the format first, as the gradient passes it).
    const refs = new Map<number, Ref>();
    for (const x of sweep(c.lo, c.hi, 3001)) {
      const xf = c.A.from(x);
      if (!refs.has(xf)) refs.set(xf, reference(exactOf(D40, xf), c.bits, c.minUlpLog2));
    }
    const consts = expConstants(c.A);
    const good = maxUlpError(c, consts, refs);
    const bad = maxUlpError(c, degreeTooLow(consts), refs);
    expect(good).toBeLessThanOrEqual(c.bound);
    expect(bad).toBeGreaterThan(c.bound);
  });

  it('dd: relative error ≤ 1e−30 and ≤ 4·2^−106 over the sweep; one degree too low exceeds 4·2^−106', () => {
    const consts = expConstants(DDA);
    const low = degreeTooLow(consts);
    // x with a non-zero low word (a dd input that float64 cannot hold), hi + lo normalised by twoSum.
    const xs = sweep(-30, 30, 2001).map((v, i) => {
      const [hi, lo] = twoSum(v, v * 1e-17 * Math.cos(3 * i));
      return new DD(hi, lo);
    });
    let max = 0;
    let maxLow = 0;
    for (const x of xs) {
      const ref = exactOf(D40, x.hi).plus(exactOf(D40, x.lo)).exp();
      const rel = (y: DD) => exactOf(D40, y.hi).plus(exactOf(D40, y.lo)).minus(ref).div(ref).abs().toNumber();
      max = Math.max(max, rel(expInFormat(DDA, consts, x)));
      maxLow = Math.max(maxLow, rel(expInFormat(DDA, low, x)));
    }
    expect(max).toBeLessThanOrEqual(1e-30);
    expect(max).toBeLessThanOrEqual(4 * 2 ** -106);
    expect(maxLow).toBeGreaterThan(4 * 2 ** -106);
  });

  it('mp at 256 bits: relative error ≤ 2^−250 against exp at 100 digits; mp at 200 bits is not', () => {
    const D100 = decimalAt(100);
    const worst = (bits: number) => {
      const M = mpArith(bits);
      const consts = expConstants(M);
      let max = 0;
      for (const x of sweep(-30, 30, 41)) {
        // An x with more digits than float64 holds: x + x·π·1e−30, formed in the format.
        const xm = M.add(M.from(x), M.mul(M.from(x), M.fromDecimal(new D100(Math.PI).times('1e-30'))));
        const ref = new D100(xm).exp();
        max = Math.max(max, new D100(expInFormat(M, consts, xm)).minus(ref).div(ref).abs().toNumber());
      }
      return max;
    };
    expect(worst(256)).toBeLessThanOrEqual(2 ** -250);
    expect(worst(200)).toBeGreaterThan(2 ** -250);
  });

  it('expDegree is the smallest N with (ln2/2)^(N+1)/(N+1)! < 2^−(bits+2) (checked in decimal)', () => {
    const half = new D40(2).ln().div(2);
    const term = (n: number) => {
      let t = new D40(1);
      for (let j = 1; j <= n; j++) t = t.times(half).div(j);
      return t;
    };
    for (const bits of [8, 11, 24, 53, 106]) {
      const N = expDegree(bits);
      const target = new D40(2).pow(-(bits + 2));
      expect(term(N + 1).lt(target), `bits ${bits}: N = ${N} too low`).toBe(true);
      expect(term(N).gte(target), `bits ${bits}: N = ${N} not the smallest`).toBe(true);
    }
  });

  it('special values: NaN stays NaN, ±Infinity gives Infinity and 0, f32 over- and underflow', () => {
    const c64 = expConstants(F64);
    expect(expInFormat(F64, c64, Number.NaN)).toBeNaN();
    expect(expInFormat(F64, c64, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(expInFormat(F64, c64, Number.NEGATIVE_INFINITY)).toBe(0);
    expect(expInFormat(F64, c64, 0)).toBe(1);
    const c32 = expConstants(F32);
    expect(expInFormat(F32, c32, 89)).toBe(Number.POSITIVE_INFINITY); // e^89 > f32 max 3.4e38
    expect(expInFormat(F32, c32, -104)).toBe(0); // e^−104 < 2^−149
    const f16 = lowArith('f16');
    expect(expInFormat(f16, expConstants(f16), f16.from(11.1))).toBe(Number.POSITIVE_INFINITY); // > 65504
  });

  // KNOWN BUG (reported, not fixed here): expInFormat clamps k to ±300, which is right for f32 and the
  // 16-bit formats (they over/underflow long before) but not for f64 and dd, whose range reaches 2^±1022:
  // for |x| > 208 the reduction leaves |r| ≫ ln2/2 and the polynomial is evaluated far outside its
  // interval (f64: exp(300) = 1.3e106 instead of 1.9e130, exp(−300) = −2.4e−75 < 0). Flip to `it` when fixed.
  it('f64 and dd beyond |x| = 208: still within 2 ulp (f64) and positive', () => {
    const c64 = expConstants(F64);
    for (const x of [250, 300, 500, 700, -250, -300, -500, -700]) {
      const got = expInFormat(F64, c64, x);
      expect(got).toBeGreaterThan(0);
      expect(ulpError(got, reference(exactOf(D40, x), 53, -1074))).toBeLessThanOrEqual(2);
    }
    const cdd = expConstants(DDA);
    const y = expInFormat(DDA, cdd, new DD(-10000, 0));
    expect(y.hi).toBe(0);
  });
});
