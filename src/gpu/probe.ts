/**
 * Precision probe: checks on the running device that df64's error-free transforms are exact (WGSL promises
 * neither a fused fma nor that the compiler leaves (a + b) - a alone), picks the TwoProd variant that is,
 * and measures the bits df64 add/mul/div/sqrt actually reach against a double-double reference computed
 * in JavaScript (src/core/dd.ts).
 */
import probeWgsl from '../../shaders/probe.wgsl?raw';
import { DD, DD_ONE, ddAdd, ddDiv, ddMul, ddSqrt, ddSub, twoSum } from '../core/dd';
import { type GpuContext, invocationsPerDispatch } from './device';
import { df64Source, type ProbeSabotage } from './df64Source';
import { compileShaderModule, withErrorScopes } from './errors';

export interface ProbeReport {
  adapter: string;
  twoSumExact: boolean;
  twoSumFailures: number;
  twoProdFmaExact: boolean;
  twoProdSplitExact: boolean;
  /** Number of pairs whose fma / split TwoProd was not exact (0 when exact). */
  twoProdFmaFailures: number;
  twoProdSplitFailures: number;
  fmaFused: boolean;
  /** Human-readable findings about how the compiler treated plain f32 expressions; empty if none. */
  compilerDamage: string[];
  chosenTwoProd: 'fma' | 'split' | null;
  /** -log2(max relative error) vs a double-double reference; capped at 106 when every result is exact. */
  bits: { add: number; mul: number; div: number; sqrt: number };
  df64Usable: boolean;
  reason: string | null;
  pairsTested: number;
}

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

export type Df64Op = 'add' | 'mul' | 'div' | 'sqrt' | 'inv_sqrt';

export interface Df64OpMeasurement {
  op: Df64Op;
  bits: number;
  maxRelError: number;
  /** Index of the worst sample, and its inputs (hi, lo of a and b) and result. */
  worst: { index: number; a: [number, number]; b: [number, number]; result: [number, number] } | null;
  samples: number;
}

const DEFAULT_PAIRS = 100_000;
const DEFAULT_SEED = 0x5ca1e;
/** Bits reported when every sample was exact (the reference's own precision). */
const EXACT_BITS = 106;
/** Below this a df64 op is considered broken even when the transforms pass. */
const MIN_USABLE_BITS = 40;

// ---------------------------------------------------------------------------------------------------------
// WGSL source
// ---------------------------------------------------------------------------------------------------------

const moduleCache = new WeakMap<GPUDevice, Map<string, Promise<GPUShaderModule>>>();

function probeModule(device: GPUDevice, sabotage?: ProbeSabotage): Promise<GPUShaderModule> {
  let perDevice = moduleCache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    moduleCache.set(device, perDevice);
  }
  const key = sabotage ?? 'none';
  let mod = perDevice.get(key);
  if (!mod) {
    const label = sabotage ? `df64 probe (sabotage: ${sabotage})` : 'df64 probe';
    mod = compileShaderModule(device, label, `${df64Source(sabotage)}\n${probeWgsl}`);
    // Do not cache failures.
    mod.catch(() => perDevice.delete(key));
    perDevice.set(key, mod);
  }
  return mod;
}

// ---------------------------------------------------------------------------------------------------------
// Running a kernel over a flat f32 array in chunks of <= maxInvocationsPerDispatch
// ---------------------------------------------------------------------------------------------------------

async function runKernel(
  ctx: GpuContext,
  module: GPUShaderModule,
  entryPoint: string,
  input: Float32Array,
  count: number,
  outFloatsPerElement: number,
  constants?: Record<string, number>,
): Promise<Float32Array> {
  const { device } = ctx;
  const label = `probe:${entryPoint}`;
  return withErrorScopes(device, label, async () => {
    const pipeline = await device.createComputePipelineAsync({
      label: `${label} pipeline`,
      layout: 'auto',
      compute: { module, entryPoint, constants },
    });
    const wg = 64;
    const perDispatch = Math.max(wg, Math.floor(invocationsPerDispatch(ctx, wg) / wg) * wg);
    const chunks = Math.max(1, Math.ceil(count / perDispatch));
    const align = device.limits.minUniformBufferOffsetAlignment;

    const srcBuf = device.createBuffer({
      label: `${label} src`,
      size: Math.max(16, input.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(srcBuf, 0, input.buffer, input.byteOffset, input.byteLength);
    const outBytes = count * outFloatsPerElement * 4;
    const dstBuf = device.createBuffer({
      label: `${label} dst`,
      size: Math.max(16, outBytes),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const readBuf = device.createBuffer({
      label: `${label} readback`,
      size: Math.max(16, outBytes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const paramsBuf = device.createBuffer({
      label: `${label} params`,
      size: chunks * align,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const params = new Uint32Array((chunks * align) / 4);
    for (let c = 0; c < chunks; c++) {
      params[(c * align) / 4] = count;
      params[(c * align) / 4 + 1] = c * perDispatch;
    }
    device.queue.writeBuffer(paramsBuf, 0, params);

    const encoder = device.createCommandEncoder({ label: `${label} encoder` });
    for (let c = 0; c < chunks; c++) {
      const n = Math.min(perDispatch, count - c * perDispatch);
      const bindGroup = device.createBindGroup({
        label: `${label} bind group ${c}`,
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: paramsBuf, offset: c * align, size: 8 } },
          { binding: 1, resource: { buffer: srcBuf } },
          { binding: 2, resource: { buffer: dstBuf } },
        ],
      });
      const pass = encoder.beginComputePass({ label: `${label} pass ${c}` });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(Math.ceil(n / wg));
      pass.end();
    }
    encoder.copyBufferToBuffer(dstBuf, 0, readBuf, 0, Math.max(16, outBytes));
    device.queue.submit([encoder.finish({ label: `${label} commands` })]);
    await readBuf.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(readBuf.getMappedRange(0, outBytes).slice(0));
    readBuf.unmap();
    for (const b of [srcBuf, dstBuf, readBuf, paramsBuf]) b.destroy();
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------------

/** sfc32: small, fast, seedable; good enough for test inputs. */
function makeRng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

const EXP_RANGE = 20;

class Inputs {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = makeRng(seed);
  }
  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  sign(): number {
    return this.next() & 1 ? -1 : 1;
  }
  /** A random float32: random sign, 23 random mantissa bits, exponent in [-20, 20]. */
  f32(): number {
    const m = 1 + (this.next() >>> 9) / 8388608;
    return this.sign() * m * 2 ** this.int(-EXP_RANGE, EXP_RANGE);
  }
  /** A random float64: random sign, 52 random mantissa bits, exponent in [-20, 20]. */
  f64(): number {
    return this.sign() * (1 + this.uniform()) * 2 ** this.int(-EXP_RANGE, EXP_RANGE);
  }
}

/** Pairs of f32 (a, b); one in four nearly cancels (b ~ -a) so TwoSum's error term is exercised hard. */
function makeF32Pairs(rng: Inputs, n: number): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = rng.f32();
    let b = rng.f32();
    if (i % 4 === 3) b = Math.fround(-a * (1 + rng.sign() * rng.uniform() * 2 ** -rng.int(1, 23)));
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

function splitF64(x: number): [number, number] {
  const hi = Math.fround(x);
  return [hi, Math.fround(x - hi)];
}

/** df64 pairs (a.hi, a.lo, b.hi, b.lo) from random float64; for add one in four nearly cancels. */
function makeDfInputs(rng: Inputs, n: number, op: Df64Op): Float32Array {
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    let x = rng.f64();
    let y = rng.f64();
    if (op === 'sqrt' || op === 'inv_sqrt') x = Math.abs(x);
    if (op === 'add' && i % 4 === 3) y = -x * (1 + rng.sign() * rng.uniform() * 2 ** -rng.int(1, 50));
    const [ah, al] = splitF64(x);
    const [bh, bl] = splitF64(y);
    out[4 * i] = ah;
    out[4 * i + 1] = al;
    out[4 * i + 2] = bh;
    out[4 * i + 3] = bl;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------------

/** Exact value hi + lo of two floats (float32 or float64) as a canonical double-double. */
function exactSum(hi: number, lo: number): DD {
  const [s, e] = twoSum(hi, lo);
  return new DD(s, e);
}

function countTwoSumFailures(pairs: Float32Array, out: Float32Array, n: number): number {
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const want = exactSum(pairs[2 * i], pairs[2 * i + 1]);
    const got = exactSum(out[2 * i], out[2 * i + 1]);
    // s must also be the rounded sum, not just any split of the exact value.
    const sOk = out[2 * i] === Math.fround(pairs[2 * i] + pairs[2 * i + 1]);
    if (!sOk || got.hi !== want.hi || got.lo !== want.lo) failures++;
  }
  return failures;
}

function countTwoProdFailures(pairs: Float32Array, out: Float32Array, n: number): number {
  let failures = 0;
  for (let i = 0; i < n; i++) {
    // Every float32 product is exact in float64 (24 + 24 <= 53 bits), and so is ab - p.
    const ab = pairs[2 * i] * pairs[2 * i + 1];
    const p = out[2 * i];
    const e = out[2 * i + 1];
    if (p !== Math.fround(ab) || e !== ab - p) failures++;
  }
  return failures;
}

interface DamageResult {
  findings: string[];
  fmaFused: boolean;
}

function analyseDamage(pairs: Float32Array, out: Float32Array, n: number): DamageResult {
  const f = Math.fround;
  let reassoc = 0;
  let splitDamaged = 0;
  let contracted = 0;
  let fmaFusedCount = 0;
  let fmaPlainCount = 0;
  let fmaOther = 0;
  let informative = 0;
  for (let i = 0; i < n; i++) {
    const a = pairs[2 * i];
    const b = pairs[2 * i + 1];
    const s = f(a + b);
    if (out[4 * i] !== f(f(s - a) - b)) reassoc++;
    const ab = a * b; // exact in float64
    const p = f(ab);
    const residual = ab - p; // exact, and representable in f32
    const d1 = out[4 * i + 1];
    if (residual !== 0) {
      informative++;
      if (d1 === residual) fmaFusedCount++;
      else if (d1 === 0) fmaPlainCount++;
      else fmaOther++;
    } else if (d1 !== 0) fmaOther++;
    const t = f(4097 * a);
    if (out[4 * i + 2] !== f(t - f(t - a))) splitDamaged++;
    if (out[4 * i + 3] !== 0) contracted++;
  }
  const findings: string[] = [];
  if (reassoc > 0) {
    findings.push(
      `((a + b) - a) - b differs from IEEE f32 evaluation in ${reassoc}/${n} pairs (reassociation or excess precision)`,
    );
  }
  if (splitDamaged > 0) {
    findings.push(
      `t - (t - a), t = 4097a, differs from IEEE f32 evaluation in ${splitDamaged}/${n} pairs (reassociation)`,
    );
  }
  if (contracted > 0) {
    findings.push(
      `a*b - p (p = a*b) is non-zero in ${contracted}/${n} pairs: the compiler contracts into fma`,
    );
  }
  const fmaFused = informative > 0 && fmaFusedCount === informative && fmaOther === 0;
  if (!fmaFused) {
    if (fmaPlainCount === informative && fmaOther === 0) {
      findings.push(
        `fma() is not fused: fma(a, b, -a*b) returned 0 for ${fmaPlainCount}/${informative} inexact products`,
      );
    } else {
      findings.push(
        `fma(a, b, -a*b) is inconsistent: fused in ${fmaFusedCount}, 0 in ${fmaPlainCount}, other in ${fmaOther} of ${n} pairs`,
      );
    }
  }
  return { findings, fmaFused };
}

function reference(op: Df64Op, a: DD, b: DD): DD {
  switch (op) {
    case 'add':
      return ddAdd(a, b);
    case 'mul':
      return ddMul(a, b);
    case 'div':
      return ddDiv(a, b);
    case 'sqrt':
      return ddSqrt(a);
    case 'inv_sqrt':
      return ddDiv(DD_ONE, ddSqrt(a));
  }
}

function errorToBits(maxRelError: number): number {
  if (Number.isNaN(maxRelError)) return 0;
  if (maxRelError === 0) return EXACT_BITS;
  return Math.min(EXACT_BITS, Math.max(0, -Math.log2(maxRelError)));
}

function measure(op: Df64Op, inputs: Float32Array, out: Float32Array, n: number): Df64OpMeasurement {
  let maxRel = 0;
  let worst = -1;
  for (let i = 0; i < n; i++) {
    const a = exactSum(inputs[4 * i], inputs[4 * i + 1]);
    const b = exactSum(inputs[4 * i + 2], inputs[4 * i + 3]);
    const ref = reference(op, a, b);
    const got = exactSum(out[2 * i], out[2 * i + 1]);
    let rel: number;
    if (!Number.isFinite(got.hi) || !Number.isFinite(got.lo)) rel = Number.POSITIVE_INFINITY;
    else if (ref.hi === 0) rel = got.hi === 0 ? 0 : Number.POSITIVE_INFINITY;
    else rel = Math.abs(ddSub(got, ref).hi / ref.hi);
    if (worst < 0 || rel > maxRel) {
      maxRel = rel;
      worst = i;
    }
  }
  return {
    op,
    bits: errorToBits(maxRel),
    maxRelError: maxRel,
    worst:
      worst < 0
        ? null
        : {
            index: worst,
            a: [inputs[4 * worst], inputs[4 * worst + 1]],
            b: [inputs[4 * worst + 2], inputs[4 * worst + 3]],
            result: [out[2 * worst], out[2 * worst + 1]],
          },
    samples: n,
  };
}

async function measureWith(
  ctx: GpuContext,
  module: GPUShaderModule,
  op: Df64Op,
  n: number,
  seed: number,
  twoProd: 'fma' | 'split',
): Promise<Df64OpMeasurement> {
  const ops: Df64Op[] = ['add', 'mul', 'div', 'sqrt', 'inv_sqrt'];
  const inputs = makeDfInputs(new Inputs(seed + 1 + ops.indexOf(op)), n, op);
  const out = await runKernel(ctx, module, `probe_df_${op}`, inputs, n, 2, {
    DF64_TWO_PROD_FMA: twoProd === 'fma' ? 1 : 0,
  });
  return measure(op, inputs, out, n);
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

// ---------------------------------------------------------------------------------------------------------
// The probe
// ---------------------------------------------------------------------------------------------------------

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

function exactness(exact: boolean, failures: number, n: number): string {
  return exact ? 'exact' : `NOT exact (${failures}/${n} pairs wrong)`;
}

export function formatProbeReport(r: ProbeReport): string[] {
  const n = r.pairsTested;
  const lines = [
    `adapter: ${r.adapter}`,
    `pairs tested: ${n}`,
    `TwoSum: ${exactness(r.twoSumExact, r.twoSumFailures, n)}`,
    `TwoProd (fma): ${exactness(r.twoProdFmaExact, r.twoProdFmaFailures, n)}`,
    `TwoProd (split): ${exactness(r.twoProdSplitExact, r.twoProdSplitFailures, n)}`,
    `fma: ${r.fmaFused ? 'fused' : 'NOT fused'}`,
    `chosen TwoProd: ${r.chosenTwoProd ?? 'none'}`,
  ];
  if (r.compilerDamage.length === 0) lines.push('compiler damage: none found');
  for (const d of r.compilerDamage) lines.push(`compiler damage: ${d}`);
  lines.push(
    `df64 add: ${r.bits.add.toFixed(1)} bits`,
    `df64 mul: ${r.bits.mul.toFixed(1)} bits`,
    `df64 div: ${r.bits.div.toFixed(1)} bits`,
    `df64 sqrt: ${r.bits.sqrt.toFixed(1)} bits`,
    r.df64Usable ? 'verdict: df64 usable' : `verdict: df64 NOT usable: ${r.reason}`,
  );
  return lines;
}
