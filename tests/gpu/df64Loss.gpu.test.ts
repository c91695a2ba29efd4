/**
 * The df64 kernel's f'(θ) (compensated complex Horner up to DF64_HORNER_MAX_HARMONICS, complex powers with
 * fused dot products above: src/gpu/lossSource.ts, shaders/df64.wgsl) and its f32 f''(θ) against a
 * double-double reference (src/core/loss.ts with DDA, ~106 bits) at 4096 df64 unit vectors, for 8 to 64
 * harmonics. Test of the test: with products that drop their low part the f' bound fails on both paths.
 */
import { describe, expect, it } from 'vitest';
import { DDA } from '../../src/core/arith';
import { DD, ddAdd, ddSub, ddToNumber } from '../../src/core/dd';
import { angularTerms, type FourierLoss, lossCoefficients } from '../../src/core/loss';
import type { ProbeSabotage } from '../../src/gpu/df64Source';
import { compileShaderModule } from '../../src/gpu/errors';
import { DF64_HORNER_MAX_HARMONICS, fPrimeSecondWgsl, fPrimeWgsl } from '../../src/gpu/lossSource';
import { realPrelude } from '../../src/gpu/shaderSource';
import { presetLoss } from './engineHelpers';
import { gpuTestSetup, runKernelOnce } from './gpuTestUtils';

const { ctx, twoProdFma } = await gpuTestSetup({ probePairs: 4096 });

const KERNEL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> units: array<vec4<f32>>; // (ux.hi, ux.lo, uy.hi, uy.lo)
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>; // f' (f_prime), f' and f'' (f_prime_second)
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= arrayLength(&units)) { return; }
  let v = units[gid.x];
  let a = f_prime(v.xy, v.zw);
  let b = f_prime_second(v.xy, v.zw);
  out[2u * gid.x] = vec4<f32>(a, b.fp);
  out[2u * gid.x + 1u] = vec4<f32>(b.fpp, 0.0, 0.0, 0.0);
}`;

/** A K-harmonic loss with coefficients decaying like 1/k (deterministic). */
function syntheticLoss(k: number): FourierLoss {
  const a = Array.from({ length: k }, (_, i) => Math.sin(1.7 * i + 0.3) / (i + 1));
  const b = Array.from({ length: k }, (_, i) => Math.cos(2.3 * i + 0.1) / (i + 1));
  return { a, b };
}

async function evaluate(loss: FourierLoss, units: Float32Array<ArrayBuffer>, sabotage?: ProbeSabotage) {
  const device = ctx!.device;
  const code = [
    realPrelude('df64', sabotage),
    fPrimeWgsl(loss, 'df64'),
    fPrimeSecondWgsl(loss, 'df64'),
    KERNEL,
  ];
  const module = await compileShaderModule(device, 'df64 loss test shader', code.join('\n'));
  const pipeline = await device.createComputePipelineAsync({
    label: 'df64 loss test pipeline',
    layout: 'auto',
    compute: {
      module,
      entryPoint: 'main',
      constants: { DF64_TWO_PROD_FMA: twoProdFma ? 1 : 0 },
    },
  });
  const n = units.length / 4;
  return new Float32Array(await runKernelOnce(device, 'df64 loss test', pipeline, units, n, 32 * n));
}

/** Unit vectors at n angles (a few exactly on the axes), as df64 (hi, lo) pairs. */
function unitVectors(n: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const theta = i < 4 ? (i * Math.PI) / 2 : ((i * 2.399963229728653) % (2 * Math.PI)) - Math.PI;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    out.set(
      [Math.fround(c), Math.fround(c - Math.fround(c)), Math.fround(s), Math.fround(s - Math.fround(s))],
      4 * i,
    );
  }
  return out;
}

/** Worst errors of f' (df64, relative to Σ k(|a_k| + |b_k|)) and f'' (f32, relative to Σ k²(|a_k| + |b_k|)). */
function worstErrors(loss: FourierLoss, units: Float32Array, got: Float32Array) {
  const coeffs = lossCoefficients(DDA, loss);
  const scale1 = loss.a.reduce((acc, a, i) => acc + (i + 1) * (Math.abs(a) + Math.abs(loss.b[i])), 0);
  const scale2 = loss.a.reduce((acc, a, i) => acc + (i + 1) ** 2 * (Math.abs(a) + Math.abs(loss.b[i])), 0);
  let fp = 0;
  let fpSecondFn = 0;
  let fpp = 0;
  for (let i = 0; i < units.length / 4; i++) {
    // hi + lo of a df64 is exact in double-double.
    const ux = ddAdd(new DD(units[4 * i], 0), new DD(units[4 * i + 1], 0));
    const uy = ddAdd(new DD(units[4 * i + 2], 0), new DD(units[4 * i + 3], 0));
    const ref = angularTerms(DDA, coeffs, ux, uy);
    const fpOf = (hi: number, lo: number) => ddToNumber(ddSub(ddAdd(new DD(hi, 0), new DD(lo, 0)), ref.fp));
    fp = Math.max(fp, Math.abs(fpOf(got[8 * i], got[8 * i + 1])) / scale1);
    fpSecondFn = Math.max(fpSecondFn, Math.abs(fpOf(got[8 * i + 2], got[8 * i + 3])) / scale1);
    fpp = Math.max(fpp, Math.abs(got[8 * i + 4] - ddToNumber(ref.fpp)) / scale2);
  }
  return { fp: Math.log2(fp), fpSecondFn: Math.log2(fpSecondFn), fpp: Math.log2(fpp) };
}

describe.skipIf(!ctx)("df64 f'(θ) by compensated Horner vs double-double", () => {
  const units = unitVectors(4096);
  const losses: [string, FourierLoss][] = [
    ['rugged (8 harmonics)', presetLoss('rugged')],
    ['seed-wells', presetLoss('seed-wells')],
    ['synthetic, 16 harmonics', syntheticLoss(16)],
    ['synthetic, 32 harmonics', syntheticLoss(32)],
    ['synthetic, 64 harmonics', syntheticLoss(64)],
  ];
  it.each(losses)(
    "%s: f' within 2^-44 of Σk(|a_k|+|b_k|), f'' within 2^-20 of Σk²(|a_k|+|b_k|)",
    async (name, loss) => {
      const e = worstErrors(loss, units, await evaluate(loss, units));
      console.log(
        `[df64 loss] ${name}: log2 error f' ${e.fp.toFixed(1)}, f_prime_second ${e.fpSecondFn.toFixed(1)}, f'' (f32) ${e.fpp.toFixed(1)}`,
      );
      expect(e.fp).toBeLessThan(-44);
      expect(e.fpSecondFn).toBeLessThan(-44);
      expect(e.fpp).toBeLessThan(-20);
    },
  );

  it.each([
    ['Horner', presetLoss('rugged')],
    ['powers', syntheticLoss(32)],
  ] as const)(
    "test of the test (%s): products without their low part break the f' bound",
    async (path, loss) => {
      expect(loss.a.length <= DF64_HORNER_MAX_HARMONICS).toBe(path === 'Horner');
      const e = worstErrors(loss, units, await evaluate(loss, units, 'drop-lo'));
      console.log(`[df64 loss] SABOTAGED drop-lo (${path}): log2 error f' ${e.fp.toFixed(1)}`);
      expect(e.fp).toBeGreaterThan(-30);
    },
  );
});
