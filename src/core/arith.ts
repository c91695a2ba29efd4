/**
 * One interface over the number systems the reference integrators run in, so that one algorithm serves
 * float64, the float32 mirror of the WGSL kernels, and double-double.
 */
import { DD, ddAdd, ddDiv, ddIsFinite, ddMul, ddNeg, ddSqrt, ddSub, ddToF32, ddToNumber } from './dd';

export type CpuPrecision = 'f64' | 'f32' | 'dd';

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

const fr = Math.fround;

/**
 * float32 mirror: every operation rounded to float32. Rounding an exact float64 result of two float32
 * operands to float32 is correctly rounded for + - * / sqrt (float64 has more than 2*24+2 bits).
 */
export const F32: Arith<number> = {
  name: 'f32',
  mantissaBits: 24,
  fromDD: ddToF32,
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
  zero: DD_ZERO,
};

export function arithFor(precision: CpuPrecision): Arith<unknown> {
  switch (precision) {
    case 'f64':
      return F64 as Arith<unknown>;
    case 'f32':
      return F32 as Arith<unknown>;
    case 'dd':
      return DDA as Arith<unknown>;
  }
}
