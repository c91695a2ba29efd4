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
  readonly zero: T;
}

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
