/**
 * bf16/f16 rounding (src/core/lowFloat.ts) against references that share none of its code: f16 against a
 * hand-written binary16 decoder, @stdlib/number-float64-base-to-float16 and an exact float64 integer-grid
 * rounding with explicit ties-to-even; bf16 against the same kind of float64 grid reference. Stochastic
 * rounding: only the two neighbours, the exact threshold on r, and the mean of many roundings (a sabotaged
 * rounding must fail the same check). srBits: determinism, key sensitivity, uniform top bits.
 */
import float64ToFloat16 from '@stdlib/number-float64-base-to-float16';
import { describe, expect, it } from 'vitest';
import {
  LOW_FORMATS,
  type LowFormat,
  roundBF16,
  roundF16,
  roundLow,
  srBits,
  stochasticRoundLow,
} from '../../src/core/lowFloat';
import { bits, f32, rng } from './f32Bits';

/** Same f32 value, sign of zero included; any NaN equals any NaN. */
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** IEEE binary16 bit pattern -> value, written out from the format's definition. */
function decodeF16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return e === 0 ? s * m * 2 ** -24 : s * (1024 + m) * 2 ** (e - 25);
}

/** Exponent of the binade of a > 0 (2^e <= a < 2^(e+1)), by comparison only. */
function binade(a: number): number {
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  return e;
}

/** The format's quantum (spacing) at magnitude a > 0. */
function quantum(format: LowFormat, a: number): number {
  const { mantissaBits, minNormal } = LOW_FORMATS[format];
  return 2 ** (binade(Math.max(a, minNormal)) - (mantissaBits - 1));
}

/** Exact round-to-nearest-even onto the format's grid in float64 (a / q is exact: q is a power of two). */
function refRound(format: LowFormat, x: number): number {
  if (Number.isNaN(x) || !Number.isFinite(x) || x === 0) return x;
  const spec = LOW_FORMATS[format];
  const a = Math.abs(x);
  if (!spec.subnormals && a < spec.minNormal) return x < 0 ? -0 : 0;
  const q = quantum(format, a);
  const n = Math.floor(a / q);
  const rem = a / q - n;
  const k = rem > 0.5 || (rem === 0.5 && n % 2 === 1) ? n + 1 : n;
  const r = k * q > spec.maxFinite ? Number.POSITIVE_INFINITY : k * q;
  return x < 0 ? -r : r;
}

/** f16 inputs a test should see rounded like `want`: "label: got ≠ want" for each that is not. */
function f16Mismatches(cases: Array<[number, number]>): string[] {
  const bad: string[] = [];
  for (const [x, want] of cases) {
    for (const [name, got] of [
      ['roundF16', roundF16(x)],
      ['stdlib', float64ToFloat16(x)],
      ['grid ref', refRound('f16', x)],
    ] as const) {
      if (!same(got, want)) bad.push(`${name}(${x}): ${got} ≠ ${want}`);
    }
  }
  return bad;
}

/** Every positive finite f16 value in order, then 65536 (the first value past the top, for midpoints). */
const F16_UP = [...Array.from({ length: 0x7c00 }, (_, h) => decodeF16(h)), 65536];

describe('roundF16', () => {
  it('every one of the 65536 f16 bit patterns rounds to itself (NaN to NaN)', () => {
    const cases: Array<[number, number]> = [];
    for (let h = 0; h < 0x10000; h++) cases.push([decodeF16(h), decodeF16(h)]);
    expect(f16Mismatches(cases).slice(0, 5)).toEqual([]);
  });

  it('every midpoint goes to the even neighbour, one f32 ulp either side to the nearer one', () => {
    const cases: Array<[number, number]> = [];
    for (let i = 0; i + 1 < F16_UP.length; i++) {
      const [lo, hi] = [F16_UP[i], F16_UP[i + 1]];
      const mid = (lo + hi) / 2;
      expect(Math.fround(mid)).toBe(mid); // 12 significant bits: exact in f32
      const hiOrInf = hi > 65504 ? Number.POSITIVE_INFINITY : hi;
      const even = i % 2 === 0 ? lo : hiOrInf; // the pattern's last bit is the value's last mantissa bit
      for (const s of [1, -1]) {
        cases.push([s * mid, s * even]);
        cases.push([s * f32(bits(mid) - 1), s * lo]);
        cases.push([s * f32(bits(mid) + 1), s * hiOrInf]);
      }
    }
    expect(cases.length).toBe(6 * 0x7c00);
    expect(f16Mismatches(cases).slice(0, 5)).toEqual([]);
  });

  it('overflow threshold, subnormals, zeros, NaN and Inf', () => {
    const inf = Number.POSITIVE_INFINITY;
    const cases: Array<[number, number]> = [
      [65504, 65504],
      [Math.fround(65519.99), 65504],
      [65520, inf],
      [65536, inf],
      [f32(0x7f7fffff), inf],
      [-65520, -inf],
      [-Math.fround(65519.99), -65504],
      [2 ** -24, 2 ** -24],
      [2 ** -25, 0], // tie between 0 and the smallest subnormal: even is 0
      [Math.fround(2 ** -25 * (1 + 2 ** -20)), 2 ** -24],
      [-(2 ** -26), -0],
      [3 * 2 ** -25, 2 * 2 ** -24], // tie between 1 and 2 quanta
      [2 ** -14 - 2 ** -25, 2 ** -14], // tie between the largest subnormal (odd) and the smallest normal
      [0, 0],
      [-0, -0],
      [f32(0x00000001), 0], // an f32 subnormal
      [f32(0x80400000), -0],
      [Number.NaN, Number.NaN],
      [inf, inf],
      [-inf, -inf],
    ];
    expect(f16Mismatches(cases)).toEqual([]);
    expect(roundLow('f16', 1 + 2 ** -11)).toBe(1);
  });

  it('random f32 across the range agree with both references', () => {
    const next = rng(7);
    const cases: Array<[number, number]> = [];
    for (let i = 0; i < 100_000; i++) {
      const x = f32(next());
      cases.push([x, refRound('f16', x)]);
    }
    expect(f16Mismatches(cases).slice(0, 5)).toEqual([]);
  });
});

/** f32 bit patterns for bf16: every high half with low halves 0000, 7FFF, 8000, 8001, FFFF; then random. */
function bf16DenseBits(randomCount: number, seed: number): Uint32Array {
  const lows = [0x0000, 0x7fff, 0x8000, 0x8001, 0xffff];
  const out = new Uint32Array(0x10000 * lows.length + randomCount);
  let j = 0;
  for (let hi = 0; hi < 0x10000; hi++) for (const lo of lows) out[j++] = ((hi << 16) | lo) >>> 0;
  const next = rng(seed);
  while (j < out.length) out[j++] = next();
  return out;
}

describe('roundBF16', () => {
  it('a dense f32 sample (every exponent, ties, ±1 around ties, random) matches the grid reference', () => {
    const xs = bf16DenseBits(200_000, 11);
    const bad: string[] = [];
    for (const b of xs) {
      const x = f32(b);
      const [got, want] = [roundBF16(x), refRound('bf16', x)];
      if (!same(got, want)) bad.push(`0x${b.toString(16)}: ${got} ≠ ${want}`);
    }
    expect(xs.length).toBe(527_680);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('ties to even, overflow to Inf, flushed subnormals, NaN/Inf', () => {
    const max = LOW_FORMATS.bf16.maxFinite;
    const inf = Number.POSITIVE_INFINITY;
    const cases: Array<[number, number]> = [
      [1 + 2 ** -8, 1],
      [1 + 3 * 2 ** -8, 1 + 2 ** -6],
      [-(1 + 2 ** -8 + 2 ** -23), -(1 + 2 ** -7)],
      [max, max],
      [f32(0x7f7f7fff), max],
      [f32(0x7f7f8000), inf], // tie between max (odd) and 2^128
      [f32(0xff7fffff), -inf],
      [2 ** -126, 2 ** -126],
      [f32(0x007fffff), 0], // f32 subnormal: flushed
      [f32(0x80000001), -0],
      [-0, -0],
      [Number.NaN, Number.NaN],
      [-inf, -inf],
    ];
    for (const [x, want] of cases) {
      expect(same(roundBF16(x), want), `${x}`).toBe(true);
      expect(same(refRound('bf16', x), want), `ref ${x}`).toBe(true);
      expect(same(roundLow('bf16', x), want)).toBe(true);
    }
  });
});

/** The toward-zero and away-from-zero neighbours of f32 x in the format (past maxFinite: Inf). */
function neighbours(format: LowFormat, x: number): [number, number] {
  const a = Math.abs(x);
  const q = quantum(format, a);
  const cap = (v: number) => (v > LOW_FORMATS[format].maxFinite ? Number.POSITIVE_INFINITY : v);
  const lo = Math.floor(a / q) * q;
  return [Math.sign(x) * cap(lo), Math.sign(x) * cap(lo === a ? a : lo + q)];
}

type Rounder = (format: LowFormat, x: number, r: number) => number;

/** Mean of n stochastic roundings (r from a test generator) within 5 standard errors of x? */
function meanCheck(round: Rounder, format: LowFormat, x: number, n: number, seed: number) {
  const [lo, hi] = neighbours(format, x);
  const p = (x - lo) / (hi - lo);
  const next = rng(seed);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += round(format, x, next());
  const se = Math.abs(hi - lo) * Math.sqrt((p * (1 - p)) / n);
  return { ok: Math.abs(sum / n - x) <= 5 * se, z: (sum / n - x) / se };
}

/** f32 values at fractions 0.1, 0.5, 0.9 of a quantum (nearest f32) in several binades of each format. */
const SR_CASES: Array<[LowFormat, number]> = (
  [
    ['f16', 1],
    ['f16', -1000],
    ['f16', 3 * 2 ** -20], // f16 subnormal range
    ['f16', 0], // between 0 and 2^-24
    ['f16', 40000],
    ['bf16', 1],
    ['bf16', -3e20],
    ['bf16', 1e-30],
  ] as Array<[LowFormat, number]>
).flatMap(([format, base]) => {
  const q = quantum(format, Math.abs(base) || 2 ** -30);
  const lo = Math.sign(base || 1) * Math.floor(Math.abs(base) / q) * q;
  return [0.1, 0.5, 0.9].map(
    (f) => [format, Math.fround(lo + Math.sign(lo || 1) * f * q)] as [LowFormat, number],
  );
});

describe('stochasticRoundLow', () => {
  it('returns one of the two neighbours; r at the threshold decides exactly (2^-24 resolution)', () => {
    const next = rng(3);
    const bad: string[] = [];
    let checked = 0;
    for (let i = 0; i < 60_000; i++) {
      const format: LowFormat = i % 2 ? 'f16' : 'bf16';
      // Magnitudes 2^-30..2^20 for f16, the whole f32 range for bf16.
      const x =
        format === 'f16' ? f32((next() & 0x80000000) | (0x30800000 + (next() % 0x19000000))) : f32(next());
      if (!Number.isFinite(x) || Math.abs(x) < 2 ** -126) continue;
      const [lo, hi] = neighbours(format, x);
      const got = stochasticRoundLow(format, x, next());
      if (!same(got, lo) && !same(got, hi)) bad.push(`${format} ${x}: ${got} not in {${lo}, ${hi}}`);
      // P(away) = ceil(f * 2^24) / 2^24: r >> 8 = k - 1 goes away, r >> 8 = k stays.
      const k = Math.ceil((Math.abs(x - lo) / Math.abs(hi - lo || 1)) * 2 ** 24);
      if (lo === x || Math.abs(hi) === Number.POSITIVE_INFINITY) continue;
      if (!same(stochasticRoundLow(format, x, ((k - 1) << 8) | 0xff), hi)) bad.push(`${format} ${x} k-1`);
      if (k < 2 ** 24 && !same(stochasticRoundLow(format, x, k << 8), lo)) bad.push(`${format} ${x} k`);
      checked++;
    }
    expect(checked).toBeGreaterThan(50_000);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('representable values, zeros, NaN and Inf come back unchanged; overflow gives Inf', () => {
    const next = rng(5);
    for (let h = 0; h < 0x7c00; h += 7) {
      const v = decodeF16(h);
      expect(same(stochasticRoundLow('f16', -v, next()), -v)).toBe(true);
      const b = f32((next() & 0xffff0000) >>> 0); // a bf16 value (or NaN/Inf, or a flushed subnormal)
      const want = Math.abs(b) < 2 ** -126 ? (b < 0 || Object.is(b, -0) ? -0 : 0) : b;
      expect(same(stochasticRoundLow('bf16', b, next()), want), `${b}`).toBe(true);
    }
    for (const format of ['f16', 'bf16'] as const) {
      for (const v of [
        0,
        -0,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        1,
        -(2 ** -14),
      ]) {
        expect(same(stochasticRoundLow(format, v, 0xffffffff), v)).toBe(true);
      }
    }
    expect(stochasticRoundLow('f16', 65505, 0xffffffff)).toBe(65504);
    expect(stochasticRoundLow('f16', -65505, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(stochasticRoundLow('f16', 70000, 0xffffffff)).toBe(Number.POSITIVE_INFINITY);
    expect(stochasticRoundLow('bf16', f32(0x7f7f0001), 0)).toBe(Number.POSITIVE_INFINITY);
    expect(stochasticRoundLow('bf16', f32(0x7f7f0001), 0xffffffff)).toBe(LOW_FORMATS.bf16.maxFinite);
    expect(stochasticRoundLow('bf16', f32(0x80000001), 0)).toBe(-0);
  });

  it('the mean of 20000 roundings is within 5 standard errors of x; sabotaged roundings fail', () => {
    const towardZero: Rounder = (format, x) => neighbours(format, x)[0];
    const p04: Rounder = (format, x, r) => neighbours(format, x)[r < 0.4 * 2 ** 32 ? 1 : 0];
    SR_CASES.forEach(([format, x], i) => {
      const label = `${format} ${x}`;
      const real = meanCheck(stochasticRoundLow, format, x, 20_000, 100 + i);
      expect(real.ok, `${label}: z = ${real.z}`).toBe(true);
      expect(meanCheck(towardZero, format, x, 20_000, 100 + i).ok, label).toBe(false);
      expect(meanCheck(p04, format, x, 20_000, 100 + i).ok, label).toBe(false);
    });
    expect(SR_CASES.length).toBe(24);
  });
});

describe('srBits', () => {
  it('is deterministic and changes when any one key changes', () => {
    const next = rng(9);
    for (let i = 0; i < 2000; i++) {
      const k = [next(), next(), i, i % 7];
      const h = srBits(k[0], k[1], k[2], k[3]);
      expect(srBits(k[0], k[1], k[2], k[3])).toBe(h);
      expect(h).toBe(h >>> 0);
      for (let j = 0; j < 4; j++) {
        for (const change of [1, 0x80000000, next() | 1]) {
          const k2 = [...k];
          k2[j] = (k2[j] ^ change) >>> 0;
          expect(srBits(k2[0], k2[1], k2[2], k2[3])).not.toBe(h);
        }
      }
    }
  });

  it('its top 4 bits are uniform over 10^5 consecutive (trajectory, step) keys (chi-square, 15 dof)', () => {
    const chi2 = (gen: (i: number) => number) => {
      const bins = new Array(16).fill(0);
      const n = 100_000;
      for (let i = 0; i < n; i++) bins[gen(i) >>> 28]++;
      return bins.reduce((s, c) => s + (c - n / 16) ** 2 / (n / 16), 0);
    };
    const good = chi2((i) => srBits(42, i % 1000, Math.floor(i / 1000), 3));
    expect(good).toBeLessThan(60); // P(chi2_15 > 60) ~ 1e-7
    // Test of the test: a generator that never sets the top bit fails it.
    expect(chi2((i) => srBits(42, i % 1000, Math.floor(i / 1000), 3) >>> 1)).toBeGreaterThan(60);
  });
});
