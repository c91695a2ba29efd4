/**
 * Precision probe: checks on the running device that df64's error-free transforms are exact (WGSL promises
 * neither a fused fma nor that the compiler leaves (a + b) - a alone), picks the TwoProd variant that is,
 * and measures the bits df64 add/mul/div/sqrt actually reach against a double-double reference computed
 * in JavaScript (src/core/dd.ts). Its parts: probeInputs.ts (seeded inputs), probeKernel.ts (the kernels),
 * probeChecks.ts (the host-side verdicts), probeReport.ts (the report and its lines).
 */
import type { GpuContext } from './device';
import type { ProbeSabotage } from './df64Source';
import {
  analyseDamage,
  countTwoProdFailures,
  countTwoSumFailures,
  type Df64Op,
  type Df64OpMeasurement,
  measureOp,
} from './probeChecks';
import { Inputs, makeDfInputs, makeF32Pairs } from './probeInputs';
import { probeModule, runKernel } from './probeKernel';
import type { ProbeReport } from './probeReport';

export type { Df64Op, Df64OpMeasurement } from './probeChecks';
export { formatProbeReport, type ProbeReport } from './probeReport';

/**
 * Deliberately degraded df64 for testing the probe itself:
 * - 'drop-lo': two_prod (both variants) returns (a*b, 0), i.e. products lose their low part;
 * - 'naive-two-sum': two_sum returns (a+b, 0).
 */
export type { ProbeSabotage };

export interface ProbeOptions {
  /** Random pairs per test (default 100000). */
  pairs?: number;
  seed?: number;
  sabotage?: ProbeSabotage;
}

const DEFAULT_PAIRS = 100_000;
const DEFAULT_SEED = 0x5ca1e;
/** Below this a df64 op is considered broken even when the transforms pass. */
const MIN_USABLE_BITS = 40;
const DF64_OPS: Df64Op[] = ['add', 'mul', 'div', 'sqrt', 'inv_sqrt'];

async function measureWith(
  ctx: GpuContext,
  module: GPUShaderModule,
  op: Df64Op,
  n: number,
  seed: number,
  twoProd: 'fma' | 'split',
): Promise<Df64OpMeasurement> {
  const inputs = makeDfInputs(new Inputs(seed + 1 + DF64_OPS.indexOf(op)), n, op);
  const out = await runKernel(ctx, module, `probe_df_${op}`, inputs, n, 2, {
    DF64_TWO_PROD_FMA: twoProd === 'fma' ? 1 : 0,
  });
  return measureOp(op, inputs, out, n);
}

/** Accuracy of one df64 operation on random inputs (also covers inv_sqrt, which the report leaves out). */
export async function measureDf64Op(
  ctx: GpuContext,
  op: Df64Op,
  options?: ProbeOptions & { twoProd?: 'fma' | 'split' },
): Promise<Df64OpMeasurement> {
  const module = await probeModule(ctx.device, options?.sabotage);
  return measureWith(
    ctx,
    module,
    op,
    options?.pairs ?? DEFAULT_PAIRS,
    options?.seed ?? DEFAULT_SEED,
    options?.twoProd ?? 'split',
  );
}

export async function runPrecisionProbe(ctx: GpuContext, options?: ProbeOptions): Promise<ProbeReport> {
  const n = Math.max(1, Math.floor(options?.pairs ?? DEFAULT_PAIRS));
  const seed = options?.seed ?? DEFAULT_SEED;
  const module = await probeModule(ctx.device, options?.sabotage);

  const pairs = makeF32Pairs(new Inputs(seed), n);
  const sumOut = await runKernel(ctx, module, 'probe_two_sum', pairs, n, 2);
  const fmaOut = await runKernel(ctx, module, 'probe_two_prod_fma', pairs, n, 2);
  const splitOut = await runKernel(ctx, module, 'probe_two_prod_split', pairs, n, 2);
  const damageOut = await runKernel(ctx, module, 'probe_damage', pairs, n, 4);

  const twoSumFailures = countTwoSumFailures(pairs, sumOut, n);
  const twoProdFmaFailures = countTwoProdFailures(pairs, fmaOut, n);
  const twoProdSplitFailures = countTwoProdFailures(pairs, splitOut, n);
  const damage = analyseDamage(pairs, damageOut, n);

  const twoSumExact = twoSumFailures === 0;
  const twoProdFmaExact = twoProdFmaFailures === 0;
  const twoProdSplitExact = twoProdSplitFailures === 0;
  // fma is one instruction where split is ~17: prefer it when it is exact here.
  const chosenTwoProd = twoProdFmaExact ? 'fma' : twoProdSplitExact ? 'split' : null;

  const ops = ['add', 'mul', 'div', 'sqrt'] as const;
  const bits = { add: 0, mul: 0, div: 0, sqrt: 0 };
  for (const op of ops) {
    bits[op] = (await measureWith(ctx, module, op, n, seed, chosenTwoProd ?? 'split')).bits;
  }

  let reason: string | null = null;
  if (!twoSumExact) {
    reason = `TwoSum is not exact on this device (${twoSumFailures}/${n} pairs wrong)`;
  } else if (chosenTwoProd === null) {
    reason =
      `neither TwoProd variant is exact on this device (fma: ${twoProdFmaFailures}/${n} wrong, ` +
      `split: ${twoProdSplitFailures}/${n} wrong)`;
  } else {
    const weak = ops.filter((op) => bits[op] < MIN_USABLE_BITS);
    if (weak.length > 0) {
      reason = `df64 ${weak.map((op) => `${op} reaches only ${bits[op].toFixed(1)} bits`).join(', ')}`;
    }
  }

  return {
    adapter: ctx.description,
    twoSumExact,
    twoSumFailures,
    twoProdFmaExact,
    twoProdSplitExact,
    twoProdFmaFailures,
    twoProdSplitFailures,
    fmaFused: damage.fmaFused,
    compilerDamage: damage.findings,
    chosenTwoProd,
    bits,
    df64Usable: reason === null,
    reason,
    pairsTested: n,
  };
}
