/**
 * The CPU mirror of the GPU's emulated low-precision formats, bf16 and f16: every operation is computed as
 * the kernel computes it, in f32 (fr: correctly rounded, subnormal results flushed), and its result is then
 * rounded to the format (src/core/lowFloat.ts; shaders/round_low.wgsl on the GPU). Rounding the f32 result
 * again gives the correctly rounded result for + − × ÷ √, because f32's 24 bits are at least 2p + 2 for
 * bf16's p = 8 and exactly that for f16's p = 11 (docs/numerics.md, "Double rounding through f32").
 */
import { type Arith, F32, F32_SCALE_STEP, fr, pow2Chunks } from './arith';
import { ddToF32 } from './dd';
import { LOW_FORMATS, type LowFormat, roundLow, stochasticRoundLow } from './lowFloat';

/**
 * Renormalisation band of the larger |component| of a stored position, as binary exponents. f16 must keep
 * |w|² (and w·w̃) below 65504 after up to 16 steps of growth and its gradients above 2^−24; bf16 has f32's
 * range and takes the f32 band (src/core/integratorState.ts RENORM_BAND).
 */
export const F16_RENORM_BAND = { minLog2: -4, maxLog2: 3 } as const;

const cache = new Map<LowFormat, Arith<number>>();

/** The Arith of an emulated format (one instance per format). */
export function lowArith(format: LowFormat): Arith<number> {
  let A = cache.get(format);
  if (!A) {
    A = makeLowArith(format);
    cache.set(format, A);
  }
  return A;
}

/**
 * Mixed precision with f32 master weights: w, v and η̃ are kept and updated in f32, the gradient is
 * computed in the format from the state rounded into it. The band is the format's, so that the rounded
 * state stays in its range.
 */
export function masterArith(format: LowFormat): Arith<number> {
  const low = lowArith(format);
  return { ...F32, name: format, gradient: low, wide: F32, renormBand: low.renormBand };
}

export function isLowFormat(p: string): p is LowFormat {
  return p === 'bf16' || p === 'f16';
}

function makeLowArith(format: LowFormat): Arith<number> {
  const spec = LOW_FORMATS[format];
  /** An f32 result (flushed as GPUs do) rounded to the format. */
  const q = (x: number) => roundLow(format, fr(x));
  return {
    name: format,
    mantissaBits: spec.mantissaBits,
    // bf16 shares f32's exponent range, so its would-be subnormals are f32 subnormals, which the f32
    // arithmetic flushes; f16's subnormals are normal f32 values and are kept.
    flushesSubnormals: !spec.subnormals,
    wide: F32,
    stochasticRound: (x, bits) => stochasticRoundLow(format, fr(x), bits),
    renormBand: format === 'f16' ? F16_RENORM_BAND : undefined,
    fromDD: (x) => q(ddToF32(x)),
    from: (x) => q(x),
    toNumber: (a) => a,
    add: (a, b) => q(a + b),
    sub: (a, b) => q(a - b),
    mul: (a, b) => q(a * b),
    div: (a, b) => q(a / b),
    neg: (a) => -a,
    invSqrt: (a) => q(F32.invSqrt(a)),
    isFinite: (a) => Number.isFinite(a),
    // The kernel's r_scale_by: three f32 multiplications, each rounded to the format.
    scale2: (a, e) => {
      const [e1, e2, e3] = pow2Chunks(e, F32_SCALE_STEP);
      return q(q(q(a * 2 ** e1) * 2 ** e2) * 2 ** e3);
    },
    isZero: (a) => a === 0,
    zero: 0,
  };
}
