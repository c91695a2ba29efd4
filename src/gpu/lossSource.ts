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
 * The rotation is (c·ux − s·uy, c·uy + s·ux) as g_dot2 (fused with one renormalisation in df64; the plain
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
      lines.push('  { let cn = g_dot2(c, ux, g_neg(s), uy); s = g_dot2(c, uy, s, ux); c = cn; }');
    }
  }
  lines.push(`  return ${result.value};`, '}', '');
  return lines.join('\n');
}

type Coefficients = ReturnType<typeof scaledCoefficientsDD>;

/** fp += k·b_k·cos kθ + (−k·a_k)·sin kθ: f'(θ), in the order of src/core/loss.ts fPrime(). */
function fPrimeAccumulator(c: Coefficients, p: GpuPrecision) {
  return {
    declare: 'var fp = g_from(0.0);',
    term: (h: number) =>
      `fp = g_add_dot2(fp, ${realLiteral(c.kb[h], p)}, c, ${realLiteral(c.ka[h], p, true)}, s);`,
  };
}

/** `fn f_prime(ux: R, uy: R) -> R`: f'(θ) = Σ k(b_k cos kθ − a_k sin kθ). */
export function fPrimeWgsl(loss: FourierLoss, p: GpuPrecision): string {
  const c = scaledCoefficientsDD(loss);
  if (useHorner(c, p)) return df64FPrimeWgsl(c, false);
  return harmonicSumWgsl('f_prime', c.ka.length, [fPrimeAccumulator(c, p)], { type: 'R', value: 'fp' });
}

/**
 * Largest harmonic count for which df64 f' uses the compensated Horner scheme. Its error grows like K²u²
 * (u = 2^-24), that of complex powers like K·u²: measured against double-double (tests/gpu/df64Loss.test.ts),
 * Horner keeps f' within 2^-45 of Σk(|a_k| + |b_k|) up to 16 harmonics (−45.6 bits at 8, −45.0 at 16,
 * −44.0 at 32), powers within 2^-47 for any K. Horner costs ~60% of powers: df64 ran ~1.45x faster with it
 * on SwiftShader (8 harmonics).
 */
export const DF64_HORNER_MAX_HARMONICS = 16;

function useHorner(c: Coefficients, p: GpuPrecision): boolean {
  return p === 'df64' && c.ka.length <= DF64_HORNER_MAX_HARMONICS;
}

/** A complex f32 constant `vec2<f32>(re, im)`. */
function complexLiteral(re: number, im: number): string {
  return `vec2<f32>(${f32Literal(re)}, ${f32Literal(im)})`;
}

/**
 * df64 f'(θ) = Re Σ d_k u^k with d_k = k(b_k + i·a_k), by the compensated complex Horner scheme of
 * shaders/df64.wgsl (fewer operations than complex powers in df64, same accuracy); `withSecond` adds f''(θ)
 * = Re Σ k²(−a_k + i·b_k) u^k by plain f32 Horner on the hi parts (the crossing test compares f32 values).
 */
function df64FPrimeWgsl(c: Coefficients, withSecond: boolean): string {
  const k = c.ka.length;
  const part = (x: DD) => gpuReal(x, 'df64') as [number, number];
  const d = (h: number) => {
    const [bh, bl] = part(c.kb[h]);
    const [ah, al] = part(c.ka[h]);
    return { hi: complexLiteral(bh, ah), lo: complexLiteral(bl, al) };
  };
  const second = (h: number) =>
    complexLiteral(-(gpuReal(c.kka[h], 'f32') as number), gpuReal(c.kkb[h], 'f32') as number);
  const name = withSecond ? 'f_prime_second' : 'f_prime';
  const lines = [
    `fn ${name}(ux: R, uy: R) -> ${withSecond ? 'FPrimeSecond' : 'R'} {`,
    '  let z0 = vec2<f32>(ux.x, uy.x);',
    '  let dz = vec2<f32>(ux.y, uy.y);',
    `  var h = CHorner(${d(k - 1).hi}, ${d(k - 1).lo});`,
  ];
  if (withSecond) lines.push(`  var q2 = ${second(k - 1)};`);
  for (let h = k - 2; h >= 0; h--) {
    lines.push(`  h = chorner_step(h, z0, dz, ${d(h).hi}, ${d(h).lo});`);
    if (withSecond) {
      lines.push(`  q2 = vec2<f32>(q2.x * z0.x - q2.y * z0.y, q2.x * z0.y + q2.y * z0.x) + ${second(h)};`);
    }
  }
  lines.push('  let fp = chorner_finish_re(h, z0, dz);');
  lines.push(withSecond ? '  return FPrimeSecond(fp, q2.x * z0.x - q2.y * z0.y);' : '  return fp;', '}', '');
  return lines.join('\n');
}

/**
 * `fn f_prime_second(ux: R, uy: R) -> FPrimeSecond`: f'(θ) in R and f''(θ) = −Σ k²(a_k cos kθ + b_k sin kθ)
 * in f32 from one pass over the harmonics, for the weight-decay run's gradient and its crossing test. The
 * test compares float32 values, so f'' is accumulated in f32 from the rounded powers, in the order of
 * src/core/loss.ts fSecond() (for an f32 kernel these are its own operations, bit for bit).
 */
export function fPrimeSecondWgsl(loss: FourierLoss, p: GpuPrecision): string {
  const c = scaledCoefficientsDD(loss);
  const fSecond = {
    declare: 'var fpp = 0.0;',
    term: (h: number) =>
      `fpp = fpp - (${realLiteral(c.kka[h], 'f32')} * r_to_f32(c) + ${realLiteral(c.kkb[h], 'f32')} * r_to_f32(s));`,
  };
  const struct = 'struct FPrimeSecond { fp: R, fpp: f32 }';
  if (useHorner(c, p)) return [struct, df64FPrimeWgsl(c, true)].join('\n');
  return [
    struct,
    harmonicSumWgsl('f_prime_second', c.ka.length, [fPrimeAccumulator(c, p), fSecond], {
      type: 'FPrimeSecond',
      value: 'FPrimeSecond(fp, fpp)',
    }),
  ].join('\n');
}
