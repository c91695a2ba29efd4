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

function realLiteral(x: DD, p: GpuPrecision, negate = false): string {
  const v = gpuReal(x, p);
  const sign = negate ? -1 : 1; // negation is exact, in f32 and in both parts of a df64
  return typeof v === 'number'
    ? f32Literal(sign * v)
    : `vec2<f32>(${f32Literal(sign * v[0])}, ${f32Literal(sign * v[1])})`;
}

/**
 * `fn name(ux: R, uy: R) -> <type>`: each accumulator updated once per harmonic by its `term(h)` (with
 * c, s = cos kθ, sin kθ), then the rotation to harmonic k + 1 (skipped after the last one: its result would
 * be unused). Accumulators that share the loop share the powers, so each equals what its own loop would give.
 * The rotation is (c·ux − s·uy, c·uy + s·ux) as r_dot2 (fused with one renormalisation in df64; the plain
 * f32 operations in that order otherwise).
 */
function harmonicSumWgsl(
  name: string,
  harmonics: number,
  accumulators: { declare: string; term: (h: number) => string }[],
  result: { type: string; value: string },
): string {
  const lines = [`fn ${name}(ux: R, uy: R) -> ${result.type} {`];
  for (const a of accumulators) lines.push(`  ${a.declare}`);
  lines.push('  var c = ux;', '  var s = uy;');
  for (let h = 0; h < harmonics; h++) {
    for (const a of accumulators) lines.push(`  ${a.term(h)}`);
    if (h + 1 < harmonics) {
      lines.push('  { let cn = r_dot2(c, ux, r_neg(s), uy); s = r_dot2(c, uy, s, ux); c = cn; }');
    }
  }
  lines.push(`  return ${result.value};`, '}', '');
  return lines.join('\n');
}

type Coefficients = ReturnType<typeof scaledCoefficientsDD>;

/** fp += k·b_k·cos kθ + (−k·a_k)·sin kθ: f'(θ), in the order of src/core/loss.ts fPrime(). */
function fPrimeAccumulator(c: Coefficients, p: GpuPrecision) {
  return {
    declare: 'var fp = r_from(0.0);',
    term: (h: number) =>
      `fp = r_add_dot2(fp, ${realLiteral(c.kb[h], p)}, c, ${realLiteral(c.ka[h], p, true)}, s);`,
  };
}

/** `fn f_prime(ux: R, uy: R) -> R`: f'(θ) = Σ k(b_k cos kθ − a_k sin kθ). */
export function fPrimeWgsl(loss: FourierLoss, p: GpuPrecision): string {
  const c = scaledCoefficientsDD(loss);
  return harmonicSumWgsl('f_prime', c.ka.length, [fPrimeAccumulator(c, p)], { type: 'R', value: 'fp' });
}

/**
 * `fn f_prime_second(ux: R, uy: R) -> FPrimeSecond`: f'(θ) in R and f''(θ) = −Σ k²(a_k cos kθ + b_k sin kθ)
 * in f32 from one pass over the harmonics, for the weight-decay run's gradient and its crossing test. The
 * test compares float32 values, so f'' is accumulated in f32 from the rounded powers, in the order of
 * src/core/integrator.ts fSecond() (for an f32 kernel these are its own operations, bit for bit).
 */
export function fPrimeSecondWgsl(loss: FourierLoss, p: GpuPrecision): string {
  const c = scaledCoefficientsDD(loss);
  const fSecond = {
    declare: 'var fpp = 0.0;',
    term: (h: number) =>
      `fpp = fpp - (${realLiteral(c.kka[h], 'f32')} * r_to_f32(c) + ${realLiteral(c.kkb[h], 'f32')} * r_to_f32(s));`,
  };
  return [
    'struct FPrimeSecond { fp: R, fpp: f32 }',
    harmonicSumWgsl('f_prime_second', c.ka.length, [fPrimeAccumulator(c, p), fSecond], {
      type: 'FPrimeSecond',
      value: 'FPrimeSecond(fp, fpp)',
    }),
  ].join('\n');
}
