/** Rounding exactly-known constants (double-double) into the GPU's formats: f32, or df64 as (hi, lo). */
import { type Arith, F32 } from '../core/arith';
import { DD, ddToF32 } from '../core/dd';
import { lowArith } from '../core/lowArith';
import type { GpuPrecision } from './layout';

/** Splits a double-double into the nearest float32 pair hi + lo. */
export function splitDf64(x: DD): [number, number] {
  const hi = ddToF32(x);
  const lo = ddToF32(new DD(x.hi - hi, x.lo));
  return [hi, lo];
}

/** The value as the GPU receives it: a number for f32, bf16 and f16, [hi, lo] for df64. */
export function gpuReal(x: DD, p: GpuPrecision): number | [number, number] {
  // Rounded as the CPU mirror rounds constants (f32 flushed like every kernel result), so the GPU starts
  // where the mirror starts.
  const A = singleWordArith(p);
  return A ? A.fromDD(x) : splitDf64(x);
}

/** The CPU mirror of a precision stored in one f32 word (f32, bf16, f16); null for df64. */
export function singleWordArith(p: GpuPrecision): Arith<number> | null {
  if (p === 'df64') return null;
  return p === 'f32' ? F32 : lowArith(p);
}

export function gpuRealFromNumber(x: number, p: GpuPrecision): number | [number, number] {
  return gpuReal(new DD(x, 0), p);
}

/** Writes a real into a Float32Array at index `at` (one slot for f32, two for df64). */
export function putReal(target: Float32Array, at: number, v: number | [number, number]): void {
  if (typeof v === 'number') target[at] = v;
  else {
    target[at] = v[0];
    target[at + 1] = v[1];
  }
}
