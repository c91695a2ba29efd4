/**
 * The angle between two vectors of ℝ^P (src/core/model/vectorGap.ts) against decimal.js at 60 digits.
 * b is a rotated by an exact angle δ in decimal (toward a random direction orthogonal to a), then rounded
 * to the format; the reference is the exact angle between the ROUNDED vectors,
 *   δ* = atan2(√(|a|²|b|² − (a·b)²), a·b)   (60 digits of the exact binary inputs),
 * so the check measures vectorAngle's own error. δ runs from 1e−16 to π − 1e−6 (10^(−16 + i/2) up to 1,
 * 8 of them below 1e−12, then on to π) for P ∈ {2, 3, 8, 64}; a third of the pairs again with components
 * near 1e300, near 1e−300, and one of each.
 * Bounds: f64 |δ − δ*| ≤ 4e−16 + ½·ulp(δ) (the result's own rounding: ulp(3.14) = 4.4e−16; measured max
 * 4.0e−16); f32 ≤ 2^−21 = 4 ulps of 1 (measured 2.7e−7 at P = 64: each normalisation's f32 inverse square
 * root is off by up to ~1.5 ulp); dd ≤ 1e−30 + 5e−16·δ (d2 and s2 come back as float64).
 * Sabotages: arccos(â·b̂) misses by up to 2.6e−8 below δ = 1e−8; float64 arithmetic fails dd's bound.
 */
import type Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { DDA, F32, F64 } from '../../../src/core/arith';
import { DD } from '../../../src/core/dd';
import { angleGapInFormat, gapExceeds, vectorAngle } from '../../../src/core/model/vectorGap';
import { decimalAt, exactOf, normal } from './modelReference';

const D = decimalAt(60);
const PI = D.acos(-1);
const dec = (x: number) => exactOf(D, x).toSignificantDigits(60);

/** δ* between two vectors of decimals. */
function exactAngle(a: Decimal[], b: Decimal[]): Decimal {
  let aa = new D(0);
  let bb = new D(0);
  let ab = new D(0);
  a.forEach((v, k) => {
    aa = aa.plus(v.times(v));
    bb = bb.plus(b[k].times(b[k]));
    ab = ab.plus(v.times(b[k]));
  });
  const cross = aa.times(bb).minus(ab.times(ab));
  return D.atan2(cross.isNegative() ? new D(0) : cross.sqrt(), ab);
}

/** (cos δ·â + sin δ·u)·scale with u ⊥ â a random unit vector, in decimals (not yet rounded). */
function rotate(a: number[], delta: Decimal, g: () => number, scale: number): Decimal[] {
  const A = a.map(dec);
  const norm = A.reduce((s, v) => s.plus(v.times(v)), new D(0)).sqrt();
  const ah = A.map((v) => v.div(norm));
  let u = a.map(() => new D(g()));
  const p = u.reduce((s, v, i) => s.plus(v.times(ah[i])), new D(0));
  u = u.map((v, i) => v.minus(p.times(ah[i])));
  const nu = u.reduce((s, v) => s.plus(v.times(v)), new D(0)).sqrt();
  const c = D.cos(delta);
  const s = D.sin(delta);
  return ah.map((v, i) => v.times(c).plus(u[i].div(nu).times(s)).times(scale));
}

const GAPS: Decimal[] = [
  ...Array.from({ length: 33 }, (_, i) => new D(10).pow(-16 + i / 2)), // 1e−16 … 1 (8 below 1e−12)
  ...[1.5, 2, 2.5, 3, 3.1].map((t) => new D(t)),
  ...[1, 2, 3, 4, 5, 6].map((e) => PI.minus(new D(10).pow(-e))),
];
const DIMS = [2, 3, 8, 64];

interface Pair {
  a: number[];
  b: number[];
  delta: Decimal;
  exact: Decimal;
}

/** Every gap in every dimension, as float64 pairs, with δ* of the rounded pair. */
function pairs(seed: number): Pair[] {
  const g = normal(seed);
  const out: Pair[] = [];
  for (const P of DIMS) {
    for (const delta of GAPS) {
      const a = Array.from({ length: P }, g);
      const b = rotate(a, delta, g, 0.5 + 3 * Math.abs(g())).map((v) => v.toNumber());
      out.push({ a, b, delta, exact: exactAngle(a.map(dec), b.map(dec)) });
    }
  }
  return out;
}

const PAIRS = pairs(31);
const ulp = (x: number) => 2 ** (Math.floor(Math.log2(x)) - 52);
const f64Bound = (delta: number) => 4e-16 + ulp(delta) / 2;

/** The sabotage: arccos of the dot product of the normalised vectors, in float64. */
function arccosAngle(a: number[], b: number[]): number {
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  const c = a.reduce((s, v, k) => s + (v / na) * (b[k] / nb), 0);
  return Math.acos(Math.max(-1, Math.min(1, c)));
}

describe('vectorAngle (float64) against the exact angle of the rounded vectors', () => {
  it('includes gaps below 1e−12 (the case this formula exists for)', () => {
    expect(PAIRS.filter((p) => p.exact.lt(1e-12)).length).toBeGreaterThanOrEqual(4 * 8);
    expect(PAIRS.some((p) => p.exact.lt(1e-15))).toBe(true);
    expect(PAIRS.some((p) => PI.minus(p.exact).lt(2e-6))).toBe(true);
  });

  it('|δ − δ*| ≤ 4e−16 + ½·ulp(δ) for every gap from 1e−16 to π − 1e−6', () => {
    let worst = 0;
    for (const p of PAIRS) {
      const got = vectorAngle(p.a, p.b);
      const err = Math.abs(new D(got).minus(p.exact).toNumber());
      worst = Math.max(worst, err);
      expect(err, `P ${p.a.length}, δ ${p.delta.toNumber()}`).toBeLessThanOrEqual(
        f64Bound(p.exact.toNumber()),
      );
    }
    expect(worst).toBeGreaterThan(0); // the reference resolves the code's rounding
  });

  it('sabotage: arccos(â·b̂) fails the same bound by ~1e−8 below δ = 1e−8', () => {
    let worst = 0;
    for (const p of PAIRS.filter((q) => q.exact.lt(1e-8))) {
      const err = Math.abs(new D(arccosAngle(p.a, p.b)).minus(p.exact).toNumber());
      worst = Math.max(worst, err / f64Bound(Math.max(p.exact.toNumber(), 1e-300)));
    }
    expect(worst).toBeGreaterThan(1e6);
  });

  it('huge (1e300) and tiny (1e−300) components: no overflow, the same accuracy', () => {
    const scalings: [number, number][] = [
      [996, 996],
      [-1000, -1000],
      [1000, -1000],
    ];
    for (const [ea, eb] of scalings) {
      for (const p of PAIRS.filter((_, i) => i % 3 === 0)) {
        const a = p.a.map((v) => v * 2 ** ea);
        const b = p.b.map((v) => v * 2 ** eb);
        expect(a.concat(b).every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
        // Recomputed: a component may have lost bits to a subnormal, which changes δ*.
        const exact = exactAngle(a.map(dec), b.map(dec));
        const got = vectorAngle(a, b);
        expect(Number.isFinite(got)).toBe(true);
        expect(Math.abs(new D(got).minus(exact).toNumber())).toBeLessThanOrEqual(f64Bound(exact.toNumber()));
      }
    }
    // The naive formula overflows there (|a|² = Infinity): the scaling inside vectorAngle matters.
    const big = PAIRS[10].a.map((v) => v * 2 ** 996);
    expect(Math.hypot(...big) ** 2).toBe(Number.POSITIVE_INFINITY);
  });

  it('zero and identical vectors', () => {
    expect(vectorAngle([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(vectorAngle([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(Math.abs(vectorAngle([1, 0], [-1, 0]) - Math.PI)).toBeLessThanOrEqual(4.5e-16);
    expect(Math.abs(vectorAngle([1, 0, 0], [0, 1e-300, 0]) - Math.PI / 2)).toBeLessThanOrEqual(4.5e-16);
  });
});

describe('angleGapInFormat in f32 and dd', () => {
  const angle = ({ d2, s2 }: { d2: number; s2: number }) => 2 * Math.atan2(Math.sqrt(d2), Math.sqrt(s2));

  it('f32: |δ − δ*| ≤ 2^−21 (4 ulps of 1 in f32) for the pairs rounded to float32', () => {
    for (const p of PAIRS) {
      const a = p.a.map((v) => F32.from(v));
      const b = p.b.map((v) => F32.from(v));
      const exact = exactAngle(a.map(dec), b.map(dec));
      const got = angle(angleGapInFormat(F32, a, b));
      expect(Math.abs(new D(got).minus(exact).toNumber())).toBeLessThanOrEqual(2 ** -21);
    }
  });

  it('dd: |δ − δ*| ≤ 1e−30 + 5e−16·δ; float64 arithmetic on the same vectors fails it', () => {
    const g = normal(32);
    let f64Fails = 0;
    for (const P of [3, 8]) {
      for (const delta of GAPS) {
        const a0 = Array.from({ length: P }, g);
        const bDec = rotate(a0, delta, g, 1.7);
        const toDD = (v: Decimal) => {
          const hi = v.toNumber();
          return new DD(hi, v.minus(dec(hi)).toNumber());
        };
        // a with a low word too: a0·(1 + 1e−17·π) in decimal, split into hi + lo.
        const a = a0.map((v) => toDD(dec(v).times(new D(1).plus(new D(Math.PI).times('1e-17')))));
        const b = bDec.map(toDD);
        const exactDD = exactAngle(
          a.map((v) => dec(v.hi).plus(dec(v.lo))),
          b.map((v) => dec(v.hi).plus(dec(v.lo))),
        );
        const bound = 1e-30 + 5e-16 * exactDD.toNumber();
        const got = angle(angleGapInFormat(DDA, a, b));
        expect(Math.abs(new D(got).minus(exactDD).toNumber()), `δ ${delta.toNumber()}`).toBeLessThanOrEqual(
          bound,
        );
        const f64 = vectorAngle(
          a.map((v) => v.hi),
          b.map((v) => v.hi),
        );
        if (Math.abs(new D(f64).minus(exactDD).toNumber()) > bound) f64Fails++;
      }
    }
    expect(f64Fails).toBeGreaterThan(10);
  });
});

describe('gapExceeds', () => {
  it('δ > tol ⇔ gapExceeds(d2, s2, tan²(tol/2)), for tol 1e−6 relative either side of δ*', () => {
    // tol < π: a tolerance beyond π is not an angle (the config caps driftTolerance at 1.5).
    for (const p of PAIRS.filter((q) => q.exact.gt(1e-6) && q.exact.lt(3.1))) {
      const { d2, s2 } = angleGapInFormat(F64, p.a, p.b);
      const exact = p.exact.toNumber();
      for (const [tol, beyond] of [
        [exact * (1 - 1e-6), true],
        [exact * (1 + 1e-6), false],
      ] as [number, boolean][]) {
        expect(gapExceeds(d2, s2, Math.tan(tol / 2) ** 2)).toBe(beyond);
        // Sabotage: tan²(tol) in place of tan²(tol/2) misses the gaps just beyond tol.
        if (beyond && exact < 2) expect(gapExceeds(d2, s2, Math.tan(tol) ** 2)).toBe(false);
      }
    }
  });

  it('NaN and opposite vectors count as beyond', () => {
    expect(gapExceeds(Number.NaN, 1, 1e-6)).toBe(true);
    expect(gapExceeds(1, Number.NaN, 1e-6)).toBe(true);
    const { d2, s2 } = angleGapInFormat(F64, [1, -2], [-1, 2]);
    expect(s2).toBe(0);
    expect(gapExceeds(d2, s2, 1e300)).toBe(true);
  });
});
