/**
 * Generates the trajectory kernel's f'(θ) for one loss: the harmonic loop unrolled with the coefficients as
 * literal constants. On SwiftShader this is about 3× faster than reading a uniform table in a loop (the JIT
 * neither unrolls nor keeps uniform loads in registers), at the price of one pipeline per loss. The
 * operation order is that of src/core/loss.ts fPrime(), which the CPU float32 mirror follows.
 */
import type { DD } from '../core/dd';
import { type FourierLoss, scaledCoefficientsDD } from '../core/loss';
import type { GpuPrecision } from './layout';
import { gpuReal } from './realValues';

const bits = new DataView(new ArrayBuffer(4));

/** An f32 as an exact WGSL constant (a bit pattern, so no decimal parsing or rounding is involved). */
export function f32Literal(x: number): string {
  bits.setFloat32(0, x);
  const u = bits.getUint32(0);
  return `bitcast<f32>(0x${u.toString(16).padStart(8, '0')}u)`;
}

function realLiteral(x: DD, p: GpuPrecision): string {
  const v = gpuReal(x, p);
  return typeof v === 'number' ? f32Literal(v) : `vec2<f32>(${f32Literal(v[0])}, ${f32Literal(v[1])})`;
}

/**
 * `fn name(ux: R, uy: R) -> R`: acc updated once per harmonic by `term(h)` (with c, s = cos kθ, sin kθ),
 * then the rotation to harmonic k + 1 (skipped after the last one: its result would be unused).
 */
function harmonicSumWgsl(name: string, harmonics: number, term: (h: number) => string): string {
  const lines = [
    `fn ${name}(ux: R, uy: R) -> R {`,
    '  var acc = r_from(0.0);',
    '  var c = ux;',
    '  var s = uy;',
  ];
  for (let h = 0; h < harmonics; h++) {
    lines.push(`  ${term(h)}`);
    if (h + 1 < harmonics) {
      lines.push(
        '  { let cn = r_sub(r_mul(c, ux), r_mul(s, uy)); s = r_add(r_mul(c, uy), r_mul(s, ux)); c = cn; }',
      );
    }
  }
  lines.push('  return acc;', '}', '');
  return lines.join('\n');
}

/** f'(θ) = Σ k(b_k cos kθ − a_k sin kθ), in the order of src/core/loss.ts fPrime(). */
export function fPrimeWgsl(loss: FourierLoss, p: GpuPrecision): string {
  const c = scaledCoefficientsDD(loss);
  return harmonicSumWgsl(
    'f_prime',
    c.ka.length,
    (h) =>
      `acc = r_add(acc, r_sub(r_mul(${realLiteral(c.kb[h], p)}, c), r_mul(${realLiteral(c.ka[h], p)}, s)));`,
  );
}

/** f''(θ) = −Σ k²(a_k cos kθ + b_k sin kθ), in the order of src/core/integrator.ts fSecond(). */
export function fSecondWgsl(loss: FourierLoss, p: GpuPrecision): string {
  const c = scaledCoefficientsDD(loss);
  return harmonicSumWgsl(
    'f_second',
    c.kka.length,
    (h) =>
      `acc = r_sub(acc, r_add(r_mul(${realLiteral(c.kka[h], p)}, c), r_mul(${realLiteral(c.kkb[h], p)}, s)));`,
  );
}
