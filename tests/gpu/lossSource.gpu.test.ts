/**
 * The generated f'(θ) source (src/gpu/lossSource.ts), pure text checks; that the kernel built from it is
 * bit-for-bit the CPU float32 mirror is tested on the device in engine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../src/core/presets';
import { DF64_HORNER_MAX_HARMONICS, f32Literal, fPrimeWgsl } from '../../src/gpu/lossSource';

describe('f32Literal: exact bit patterns (IEEE 754 binary32 encodings known independently)', () => {
  it.each([
    [1, '3f800000'],
    [-2, 'c0000000'],
    [0.1, '3dcccccd'], // 0.1 rounds to 0x3dcccccd in binary32
    [-0, '80000000'],
    [2 ** -149, '00000001'], // the smallest subnormal survives (a decimal literal might be flushed)
    [3.4028234663852886e38, '7f7fffff'],
  ])('%s → 0x%s', (x, hex) => {
    expect(f32Literal(x)).toBe(`bitcast<f32>(0x${hex}u)`);
  });
});

describe('fPrimeWgsl', () => {
  const loss = findPreset('rugged')!.loss;
  it('f32: unrolls one accumulation per harmonic and one rotation between harmonics', () => {
    const src = fPrimeWgsl(loss, 'f32');
    const k = loss.a.length;
    expect(src.match(/fp = g_add_dot2/g)?.length).toBe(k);
    expect(src.match(/let cn = /g)?.length).toBe(k - 1);
    expect(src).toMatch(/^fn f_prime\(ux: R, uy: R\) -> R \{/);
  });
  it('df64: one compensated Horner step per harmonic after the highest, then the last multiplication', () => {
    const src = fPrimeWgsl(loss, 'df64');
    expect(src.match(/h = chorner_step\(/g)?.length).toBe(loss.a.length - 1);
    expect(src.match(/chorner_finish_re\(/g)?.length).toBe(1);
    expect(src).toMatch(/^fn f_prime\(ux: R, uy: R\) -> R \{/);
  });
  it(`df64 above ${DF64_HORNER_MAX_HARMONICS} harmonics: complex powers (Horner's error grows like K²)`, () => {
    const k = DF64_HORNER_MAX_HARMONICS + 1;
    const big = { a: Array.from({ length: k }, () => 0.1), b: Array.from({ length: k }, () => 0.2) };
    const src = fPrimeWgsl(big, 'df64');
    expect(src).not.toContain('chorner');
    expect(src.match(/fp = g_add_dot2/g)?.length).toBe(k);
  });
  it('df64 constants are (hi, lo) pairs whose lo is non-zero where the coefficient is not a float32', () => {
    const src = fPrimeWgsl(loss, 'df64');
    const pairs = [
      ...src.matchAll(/vec2<f32>\(bitcast<f32>\(0x([0-9a-f]{8})u\), bitcast<f32>\(0x([0-9a-f]{8})u\)\)/g),
    ];
    expect(pairs.length).toBe(2 * loss.a.length);
    expect(pairs.some(([, , lo]) => lo !== '00000000' && lo !== '80000000')).toBe(true);
  });
});
