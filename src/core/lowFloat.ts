/**
 * Rounding to two emulated low-precision formats, bf16 and f16 (IEEE binary16), for the CPU mirror of the
 * GPU kernels: every operation runs in f32 and its result is rounded to the format. shaders/round_low.wgsl
 * holds the same algorithms; the two must agree bit for bit on every f32 input (tests/gpu/lowFloat.gpu.test.ts).
 *
 * Inputs are f32 values (a JS number is first rounded with Math.fround). Subnormal f32 inputs are flushed to
 * a signed zero, as GPU f32 arithmetic does, so bf16 has no subnormals here (its would-be subnormals are f32
 * subnormals); f16 keeps its own subnormals (multiples of 2^-24 below 2^-14), which are normal f32 values.
 * NaN stays NaN (payload not kept), ±Inf and signed zeros are kept.
 */
import { f16round } from '@petamoriken/float16';

export type LowFormat = 'bf16' | 'f16';

export interface LowFormatSpec {
  /** Significant bits, the implicit leading bit included. */
  mantissaBits: number;
  /** Largest finite value; anything that rounds above it becomes ±Inf. */
  maxFinite: number;
  /** Smallest positive normal value. */
  minNormal: number;
  /** Whether values below minNormal are kept (f16) or flushed to ±0 (bf16, as f32 on GPUs). */
  subnormals: boolean;
}

export const LOW_FORMATS: Record<LowFormat, LowFormatSpec> = {
  bf16: { mantissaBits: 8, maxFinite: (2 - 2 ** -7) * 2 ** 127, minNormal: 2 ** -126, subnormals: false },
  f16: { mantissaBits: 11, maxFinite: 65504, minNormal: 2 ** -14, subnormals: true },
};

// f32 bit views (one shared scratch word: these functions are synchronous).
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

function bitsOf(x: number): number {
  F32[0] = x;
  return U32[0];
}

function fromBits(b: number): number {
  U32[0] = b;
  return F32[0];
}

const SIGN = 0x80000000;
const ABS = 0x7fffffff;
const INF_BITS = 0x7f800000; // |x| bits at or above this: Inf or NaN
const MIN_NORMAL_BITS = 0x00800000; // below this: ±0 or an f32 subnormal (flushed)
const F16_MIN_NORMAL_BITS = 0x38800000; // 2^-14
const F16_MAX_BITS = 0x477fe000; // 65504
const TWO_24 = 2 ** 24;
const TWO_M24 = 2 ** -24;

/** Round to nearest f16, ties to even; |result| > 65504 is ±Inf. The library rounds exactly from float64. */
export function roundF16(x: number): number {
  return f16round(Math.fround(x));
}

/**
 * Round to nearest bf16, ties to even, on the f32 bits: add 0x7FFF plus the lowest kept bit, then clear the
 * 16 dropped bits. A carry out of the mantissa bumps the exponent, and out of the largest binade gives Inf.
 */
export function roundBF16(x: number): number {
  const b = bitsOf(x);
  const a = b & ABS;
  if (a >= INF_BITS) return x;
  const s = b & SIGN;
  if (a < MIN_NORMAL_BITS) return fromBits(s);
  return fromBits((s | ((a + 0x7fff + ((a >>> 16) & 1)) & 0xffff0000)) >>> 0);
}

export function roundLow(format: LowFormat, x: number): number {
  return format === 'f16' ? roundF16(x) : roundBF16(x);
}

/**
 * Stochastic rounding of a normal f32 magnitude `a` (bits) that drops its low `d` bits (d <= 24): the dropped
 * fraction f = (a & mask) / 2^d is exactly an integer k / 2^24, and it rounds away from zero when
 * k > (r >>> 8), i.e. with probability exactly f. Returns the magnitude bits (a carry may reach Inf).
 */
function srDrop(a: number, d: number, r: number): number {
  const mask = (1 << d) - 1;
  const frac = a & mask;
  const lo = a - frac;
  return frac << (24 - d) > r >>> 8 ? lo + mask + 1 : lo;
}

/**
 * Stochastic rounding to f16 in its subnormal range (2^-126 <= a < 2^-14, quantum 2^-24): t = a * 2^24,
 * its fraction f = t - floor(t) and u = (r >>> 8) * 2^-24 are exact in f32 (and float64); it rounds away
 * when f > u, i.e. with probability ceil(f * 2^24) / 2^24 (2^-24 resolution). Returns the magnitude.
 */
function srF16Subnormal(a: number, r: number): number {
  const t = a * TWO_24;
  const fl = Math.floor(t);
  const up = t - fl > (r >>> 8) * TWO_M24 ? 1 : 0;
  return (fl + up) * TWO_M24;
}

/**
 * Stochastic rounding: returns the neighbour toward zero (lo) or the next one away from zero (hi) of the
 * f32 value x in `format`, hi with probability (|x| - |lo|) / (|hi| - |lo|), drawn from the uniform u32 `r`
 * (its top 24 bits). The probability is exact in the normal range of both formats and has resolution
 * 2^-24 in f16's subnormal range. Representable values come back unchanged; past maxFinite gives ±Inf.
 */
export function stochasticRoundLow(format: LowFormat, x: number, r: number): number {
  const b = bitsOf(x);
  const a = b & ABS;
  if (a >= INF_BITS) return x;
  const s = b & SIGN;
  if (a < MIN_NORMAL_BITS) return fromBits(s);
  if (format === 'bf16') return fromBits((s | srDrop(a, 16, r >>> 0)) >>> 0);
  if (a < F16_MIN_NORMAL_BITS) {
    const m = srF16Subnormal(fromBits(a), r >>> 0);
    return s ? -m : m;
  }
  const m = srDrop(a, 13, r >>> 0);
  return fromBits((s | (m > F16_MAX_BITS ? INF_BITS : m)) >>> 0);
}

/** Wellons' lowbias32: a 32-bit integer bijection with strong avalanche (multiply, xor, shift only). */
function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Counter-based random bits for stochastic rounding: a chain of lowbias32 over the four u32 keys (each key
 * is xored into the state, then mixed). Every round is a bijection, so with three keys fixed the map from the
 * fourth is one too: two calls that differ in a single key never collide. Same integer ops as sr_bits (WGSL).
 */
export function srBits(seed: number, trajectory: number, step: number, op: number): number {
  let h = lowbias32((seed ^ 0x9e3779b9) >>> 0);
  h = lowbias32((h ^ trajectory) >>> 0);
  h = lowbias32((h ^ step) >>> 0);
  return lowbias32((h ^ op) >>> 0);
}
