/**
 * One interface over the number systems the reference integrators run in, so that one algorithm serves
 * float64, the float32 mirror of the WGSL kernels, and double-double.
 */

import { DD, ddAdd, ddDiv, ddIsFinite, ddMul, ddNeg, ddSqrt, ddSub, ddToF32, ddToNumber } from './dd';
import { floorLog2 } from './schedule';

/** 'mp': arbitrary precision on decimal.js (src/core/mp.ts). */
export type CpuPrecision = 'f64' | 'f32' | 'dd' | 'mp' | 'bf16' | 'f16';

export interface Arith<T> {
  readonly name: CpuPrecision;
  /** Significand bits of the format (24, 53, ~106). */
  readonly mantissaBits: number;
  /** Round an exactly known value (given as double-double) into this format. */
  fromDD(x: DD): T;
  from(x: number): T;
  toNumber(a: T): number;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  /** 1/sqrt(a); the WGSL kernels use inverseSqrt, which the f32 mirror can only approximate. */
  invSqrt(a: T): T;
  isFinite(a: T): boolean;
  /**
   * a·2^e by three multiplications with powers of two of at most 2^±SCALE_STEP (the WGSL kernel's
   * r_pow2_scale3): exact, except where the true value leaves the format's range.
   */
  scale2(a: T, e: number): T;
  /** Whether a is exactly zero. */
  isZero(a: T): boolean;
  /**
   * Rounds a stored position to the bits the format's operations deliver, for double-word formats whose
   * storage holds more (docs/numerics.md, "Why df64 and dd were absorbed"); absent: every bit is kept.
   */
  roundState?(a: T): T;
  /**
   * Whether results below the smallest normal number are flushed to zero (the float32 mirror, as GPUs do).
   * Then a decaying buffer reaches exactly 0; with gradual underflow it can stick at a subnormal value, which
   * changes how the integrator keeps η̃ in range (src/core/renormalize.ts).
   */
  readonly flushesSubnormals?: boolean;
  /**
   * The format the GPU kernel makes its comparisons in (the crossing and divergence tests, f''), where that
   * is wider than the format's own operations: f32 for the emulated bf16 and f16 (src/core/lowArith.ts).
   */
  readonly wide?: Arith<T>;
  /**
   * Stochastic rounding of a wide (f32) result into the format with 32 random bits (bf16, f16:
   * src/core/lowFloat.ts); absent where the format has none.
   */
  stochasticRound?(wide: T, bits: number): T;
  /**
   * The format the gradient is computed in, when it is not this one: mixed precision keeps the state in
   * f32 (master weights) and computes the gradient in bf16 or f16 from the state rounded into it.
   */
  readonly gradient?: Arith<T>;
  /** Renormalisation band of a stored position (binary exponents); absent: RENORM_BAND. */
  readonly renormBand?: { readonly minLog2: number; readonly maxLog2: number };
  readonly zero: T;
}

/** Three chunks a·2^e1·2^e2·2^e3, each |e_i| ≤ step, e1 + e2 + e3 = clamp(e, ±3·step). */
export function pow2Chunks(e: number, step: number): [number, number, number] {
  const e1 = Math.max(-step, Math.min(step, e));
  const e2 = Math.max(-step, Math.min(step, e - e1));
  const e3 = Math.max(-step, Math.min(step, e - e1 - e2));
  return [e1, e2, e3];
}

/** float32 and df64 chunks: 2^±120 stays a normal float32. */
export const F32_SCALE_STEP = 120;
const F64_SCALE_STEP = 1000;

export const F64: Arith<number> = {
  name: 'f64',
  mantissaBits: 53,
  fromDD: (x) => x.hi + x.lo,
  from: (x) => x,
  toNumber: (a) => a,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  invSqrt: (a) => 1 / Math.sqrt(a),
  isFinite: (a) => Number.isFinite(a),
  scale2: (a, e) => {
    const [e1, e2, e3] = pow2Chunks(e, F64_SCALE_STEP);
    return a * 2 ** e1 * 2 ** e2 * 2 ** e3;
  },
  isZero: (a) => a === 0,
  zero: 0,
};

const F32_MIN_NORMAL = 2 ** -126;

/**
 * Round to float32 and flush a subnormal result to a signed zero, as GPUs do (measured on SwiftShader:
 * 1e-38·0.01 gives 0, not 1e-40). A float32 mirror that kept subnormals would part from the kernel exactly
 * where a component underflows, which is where absorbed runs come from (docs/numerics.md).
 */
export function fr(x: number): number {
  const r = Math.fround(x);
  return Math.abs(r) < F32_MIN_NORMAL ? r * 0 : r;
}

/**
 * float32 mirror: every operation rounded to float32. Rounding an exact float64 result of two float32
 * operands to float32 is correctly rounded for + - * / sqrt (float64 has more than 2*24+2 bits).
 */
export const F32: Arith<number> = {
  name: 'f32',
  mantissaBits: 24,
  flushesSubnormals: true,
  fromDD: (x) => fr(ddToF32(x)),
  from: (x) => fr(x),
  toNumber: (a) => a,
  add: (a, b) => fr(a + b),
  sub: (a, b) => fr(a - b),
  mul: (a, b) => fr(a * b),
  div: (a, b) => fr(a / b),
  neg: (a) => -a,
  invSqrt: (a) => fr(1 / fr(Math.sqrt(a))),
  isFinite: (a) => Number.isFinite(a),
  scale2: (a, e) => {
    const [e1, e2, e3] = pow2Chunks(e, F32_SCALE_STEP);
    return fr(fr(fr(a * 2 ** e1) * 2 ** e2) * 2 ** e3);
  },
  isZero: (a) => a === 0,
  zero: 0,
};

/** Bits a stored dd position keeps: 4 under what dd's own multiply, divide and sqrt deliver (~104). */
export const DD_STATE_BITS = 100;
/**
 * Bits a stored df64 position keeps on the GPU (shaders/real_df64.wgsl, set by the engine): 4 under what
 * df64's operations deliver (~46, the probe). docs/numerics.md, "Why df64 and dd were absorbed".
 */
export const DF64_STATE_BITS = 42;

/** hi + lo rounded (to nearest even) to `bits` significant bits relative to hi: exact power-of-two steps. */
export function ddRoundToBits(a: DD, bits: number): DD {
  if (a.hi === 0 || !Number.isFinite(a.hi)) return a;
  const e = floorLog2(Math.abs(a.hi));
  if (e < -900 || e > 900) return a;
  const scaled = a.lo * 2 ** (bits - 1 - e);
  let r = Math.round(scaled);
  if (r - scaled === 0.5 && r % 2 !== 0) r -= 1; // Math.round rounds ties up: make them even
  return new DD(a.hi, r * 2 ** (e + 1 - bits));
}

const DD_ZERO = new DD(0, 0);
const DD_ONE = new DD(1, 0);

export const DDA: Arith<DD> = {
  name: 'dd',
  mantissaBits: 106,
  fromDD: (x) => x,
  from: (x) => new DD(x, 0),
  toNumber: ddToNumber,
  add: ddAdd,
  sub: ddSub,
  mul: ddMul,
  div: ddDiv,
  neg: ddNeg,
  invSqrt: (a) => ddDiv(DD_ONE, ddSqrt(a)),
  isFinite: ddIsFinite,
  scale2: (a, e) => {
    const [e1, e2, e3] = pow2Chunks(e, F64_SCALE_STEP);
    const f = (x: number) => x * 2 ** e1 * 2 ** e2 * 2 ** e3;
    return new DD(f(a.hi), f(a.lo));
  },
  isZero: (a) => a.hi === 0 && a.lo === 0,
  roundState: (a) => ddRoundToBits(a, DD_STATE_BITS),
  zero: DD_ZERO,
};
