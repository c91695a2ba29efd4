/**
 * `mp`: the arbitrary-precision reference format (issue 12), on decimal.js.
 *
 * A number is a decimal.js Decimal rounded to nearest (ties to even) at D = ⌈bits·log10 2⌉ + 1 significant
 * decimal digits after every operation, so each + − × ÷ √ is correctly rounded at D digits: at least `bits`
 * bits (relative error ≤ ½·10^(1−D) < 2^−bits). The exponent range (±9e15 decimal orders) is unlimited in
 * practice, which is why mp runs never renormalise: nothing over- or underflows, and a power-of-two scaling
 * is not exact in decimal (2^−k has k decimal digits) but one more rounding.
 *
 * Inputs (float64 and double-double values) are converted exactly, through BigInt, then rounded once.
 */
import Decimal from 'decimal.js';
import type { Arith } from './arith';
import type { DD } from './dd';

export const MP_DEFAULT_BITS = 256;
export const MP_MIN_BITS = 64;
export const MP_MAX_BITS = 4096;

/** Significant decimal digits that carry at least `bits` bits. */
export function mpDigits(bits: number): number {
  return Math.ceil(bits * Math.log10(2)) + 1;
}

/** A decimal.js constructor rounding to `digits` significant digits, half to even, no practical range limit. */
export function mpDecimal(digits: number): typeof Decimal {
  return Decimal.clone({
    precision: digits,
    rounding: Decimal.ROUND_HALF_EVEN,
    minE: -9e15,
    maxE: 9e15,
  });
}

const view = new DataView(new ArrayBuffer(8));

/** A finite float64 as m·2^e with integer m (exact). */
function binaryParts(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  return [negative ? -mant : mant, biased === 0 ? -1074 : biased - 1075];
}

/** The exact decimal string of m·2^e: 2^−k = 5^k·10^−k, so no digit is lost. */
function exactString(m: bigint, e: number): string {
  if (e >= 0) return (m << BigInt(e)).toString();
  return `${(m * 5n ** BigInt(-e)).toString()}e${e}`;
}

/** hi + lo of float64 values, exactly, as a decimal string (non-finite values as themselves). */
export function exactSumString(hi: number, lo: number): string {
  if (!Number.isFinite(hi) || !Number.isFinite(lo)) return String(hi + lo);
  if (lo === 0) {
    const [m, e] = binaryParts(hi);
    return exactString(m, e);
  }
  const [mh, eh] = binaryParts(hi);
  const [ml, el] = binaryParts(lo);
  const e = Math.min(eh, el);
  return exactString((mh << BigInt(eh - e)) + (ml << BigInt(el - e)), e);
}

/** The exact value 2^e (an unrounded Decimal: multiplying by it rounds once). */
function exactPow2(D: typeof Decimal, e: number): Decimal {
  return new D(exactString(1n, e));
}

export interface MpArith extends Arith<Decimal> {
  readonly digits: number;
  /** Round a Decimal of any precision (e.g. a constant computed with guard digits) into this format. */
  fromDecimal(x: Decimal): Decimal;
}

/**
 * The mp format at `bits` bits (default 256). The same operation order as every other format: the
 * integrator is generic, only each operation's rounding differs.
 */
export function mpArith(bits: number = MP_DEFAULT_BITS): MpArith {
  if (!Number.isInteger(bits) || bits < MP_MIN_BITS || bits > MP_MAX_BITS) {
    throw new RangeError(`mp bits ${bits} must be an integer in [${MP_MIN_BITS}, ${MP_MAX_BITS}]`);
  }
  const digits = mpDigits(bits);
  const D = mpDecimal(digits);
  const round = (exact: string) => new D(exact).toSignificantDigits(digits, Decimal.ROUND_HALF_EVEN);
  const one = new D(1);
  return {
    name: 'mp',
    mantissaBits: bits,
    digits,
    fromDecimal: (x) => new D(x).toSignificantDigits(digits, Decimal.ROUND_HALF_EVEN),
    fromDD: (x: DD) => round(exactSumString(x.hi, x.lo)),
    from: (x) => round(exactSumString(x, 0)),
    toNumber: (a) => a.toNumber(),
    add: (a, b) => a.plus(b),
    sub: (a, b) => a.minus(b),
    mul: (a, b) => a.times(b),
    div: (a, b) => a.div(b),
    neg: (a) => a.neg(),
    invSqrt: (a) => one.div(a.sqrt()),
    isFinite: (a) => a.isFinite(),
    // One correctly rounded multiplication by the exact 2^e (not exact: see the header).
    scale2: (a, e) => a.times(exactPow2(D, e)),
    isZero: (a) => a.isZero(),
    // Stored positions keep MP_STATE_GUARD_DIGITS fewer digits than the operations (docs/numerics.md, "Why
    // df64 and dd were absorbed"): at full width a converging run lands on points where the computed
    // gradient is exactly 0, which exact arithmetic never reaches (seed-wells, λ 0.05: 9 of 24 starts at
    // full width, 0 with 2 digits fewer).
    roundState: (a) => a.toSignificantDigits(digits - MP_STATE_GUARD_DIGITS, Decimal.ROUND_HALF_EVEN),
    zero: new D(0),
  };
}

/** Decimal digits a stored mp position gives up against its operations (about 6.6 bits). */
export const MP_STATE_GUARD_DIGITS = 2;

const LOG2_10 = Math.log2(10);

/**
 * (x, y) as float64 (x', y') and k with (x, y) ≈ 2^k·(x', y'): mp values leave float64's range (w̃ grows
 * like α^−t without renormalisation), the run output keeps them as a mantissa pair and an exponent.
 */
export function mpSamplePair(A: MpArith, x: Decimal, y: Decimal): [number, number, number] {
  if (!x.isFinite() || !y.isFinite()) return [Number.NaN, Number.NaN, 0];
  const [[sx, sy], k] = mpSampleVector(A, [x, y]);
  return [sx, sy, k];
}

/**
 * Finite mp values as float64 values v' and k with v ≈ 2^k·v', k = 0 while the largest is within float64's
 * range (the pair above, and a model's weight vector).
 */
export function mpSampleVector(A: MpArith, xs: readonly Decimal[]): [number[], number] {
  let e = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (!x.isZero()) e = Math.max(e, x.e);
  if (!Number.isFinite(e) || Math.abs(e) < 300) return [xs.map((x) => x.toNumber()), 0];
  const k = Math.floor(e * LOG2_10);
  // A rounded 2^−k is plenty for a float64 sample (the exact one has |k| digits).
  const s = A.from(2).pow(-k);
  return [xs.map((x) => x.times(s).toNumber()), k];
}
