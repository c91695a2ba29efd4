/**
 * shaders/round_low.wgsl against src/core/lowFloat.ts, bit for bit: round_f16, round_bf16, sr_f16 and
 * sr_bf16 over every f16 value and every f16 midpoint ± one f32 ulp, a dense f32 sample for bf16 (every
 * high half with low halves 0000/7FFF/8000/8001/FFFF: every exponent, subnormals, Inf/NaN, ties), random
 * f32, each with a random r and with r on either side of the stochastic-rounding threshold; and sr_bits
 * over a grid of keys. NaN results compare as "both NaN" (payloads are not part of the contract). A WGSL
 * copy with ties away from zero and >= for > in the threshold must disagree (test of the test).
 */
import { Float16Array } from '@petamoriken/float16';
import { describe, expect, it } from 'vitest';
import roundLowWgsl from '../../shaders/round_low.wgsl?raw';
import { roundBF16, roundF16, srBits, stochasticRoundLow } from '../../src/core/lowFloat';
import { invocationsPerDispatch } from '../../src/gpu/device';
import { compileShaderModule } from '../../src/gpu/errors';
import { bits, f32, rng } from '../core/f32Bits';
import { gpuOrSkip, readBuffer } from './gpuTestUtils';

const ctx = await gpuOrSkip();

const ROUND_KERNEL = `
@group(0) @binding(0) var<storage, read> inp: array<vec2<u32>>;
@group(0) @binding(1) var<storage, read_write> outp: array<vec4<u32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&outp)) { return; }
  let x = bitcast<f32>(inp[i].x);
  let r = inp[i].y;
  outp[i] = vec4<u32>(bitcast<u32>(round_f16(x)), bitcast<u32>(round_bf16(x)), bitcast<u32>(sr_f16(x, r)),
                      bitcast<u32>(sr_bf16(x, r)));
}`;

const BITS_KERNEL = `
@group(0) @binding(0) var<storage, read> inp: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> outp: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&outp)) { return; }
  let k = inp[i];
  outp[i] = sr_bits(k.x, k.y, k.z, k.w);
}`;

/**
 * Runs `kernel` (after `lib`) over n items of inWords u32 in, outWords u32 out, in dispatches of at most
 * invocationsPerDispatch (SwiftShader crashes on long dispatches), each binding its slice of the buffers.
 */
async function runKernel(
  lib: string,
  kernel: string,
  input: Uint32Array<ArrayBuffer>,
  inWords: number,
  outWords: number,
) {
  const device = ctx!.device;
  const n = input.length / inWords;
  const module = await compileShaderModule(device, 'round_low test', `${lib}\n${kernel}`);
  const pipeline = await device.createComputePipelineAsync({
    label: 'round_low test',
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  const usage = GPUBufferUsage.STORAGE;
  const inBuf = device.createBuffer({ size: input.byteLength, usage: usage | GPUBufferUsage.COPY_DST });
  const outBuf = device.createBuffer({ size: 4 * n * outWords, usage: usage | GPUBufferUsage.COPY_SRC });
  device.queue.writeBuffer(inBuf, 0, input);
  // A multiple of 64 items: every slice offset is then a multiple of 256 bytes.
  const chunk = Math.floor(Math.min(32_768, invocationsPerDispatch(ctx!, 64)) / 64) * 64;
  const encoder = device.createCommandEncoder();
  for (let first = 0; first < n; first += chunk) {
    const m = Math.min(chunk, n - first);
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    const slice = (buffer: GPUBuffer, words: number) => ({
      buffer,
      offset: 4 * first * words,
      size: 4 * m * words,
    });
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: slice(inBuf, inWords) },
          { binding: 1, resource: slice(outBuf, outWords) },
        ],
      }),
    );
    pass.dispatchWorkgroups(Math.ceil(m / 64));
    pass.end();
  }
  device.queue.submit([encoder.finish()]);
  try {
    return new Uint32Array(await readBuffer(device, outBuf, 4 * n * outWords));
  } finally {
    inBuf.destroy();
    outBuf.destroy();
  }
}

const isNaNBits = (b: number) => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;

/** The f32 inputs (as bits): f16 values and midpoints ± 1 ulp, the dense bf16 sample, random f32. */
function inputBits(): number[] {
  const f16 = Array.from(new Float16Array(Uint16Array.from({ length: 0x10000 }, (_, h) => h).buffer));
  const out = f16.map(bits);
  for (let h = 0; h < 0x7c00; h++) {
    const mid = bits((f16[h] + (h < 0x7bff ? f16[h + 1] : 65536)) / 2);
    for (const s of [0, 0x80000000]) out.push(s | mid, s | (mid - 1), s | (mid + 1));
  }
  for (let hi = 0; hi < 0x10000; hi++)
    for (const lo of [0, 0x7fff, 0x8000, 0x8001, 0xffff]) out.push((hi << 16) | lo);
  const next = rng(17);
  for (let i = 0; i < 200_000; i++) out.push(next());
  // f16's range: magnitudes 2^-30 .. 2^18.
  for (let i = 0; i < 100_000; i++) out.push((next() & 0x80000000) | (0x30800000 + (next() % 0x1a000000)));
  return out.map((b) => b >>> 0);
}

/** k: sr rounds x away from zero iff (r >>> 8) < k (0 for representable, Inf/NaN, flushed inputs). */
function threshold(format: 'f16' | 'bf16', b: number): number {
  const a = b & 0x7fffffff;
  if (a >= 0x7f800000 || a < 0x00800000) return 0;
  if (format === 'bf16') return (a & 0xffff) << 8;
  if (a >= 0x38800000) return (a & 0x1fff) << 11;
  const t = f32(a) * 2 ** 24;
  return Math.min(Math.ceil((t - Math.floor(t)) * 2 ** 24), 2 ** 24 - 1);
}

/** Each input three times: with a random r, and with r just on either side of the f16 and bf16 thresholds. */
function roundCases(): Uint32Array<ArrayBuffer> {
  const xs = inputBits();
  const next = rng(23);
  const out = new Uint32Array(2 * 3 * xs.length);
  xs.forEach((b, i) => {
    const side = i & 1; // 1: r >> 8 = k - 1 (rounds away), 0: r >> 8 = k (stays)
    const near = (k: number) => (k === 0 ? next() : (((k - side) << 8) | (next() & 0xff)) >>> 0);
    out.set([b, next(), b, near(threshold('f16', b)), b, near(threshold('bf16', b))], 6 * i);
  });
  return out;
}

const COLUMNS = ['round_f16', 'round_bf16', 'sr_f16', 'sr_bf16'] as const;

/** The TS results as f32 bits, in the kernel's layout. */
function expectedRound(cases: Uint32Array): Uint32Array {
  const n = cases.length / 2;
  const out = new Uint32Array(4 * n);
  const v = new Float32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const x = f32(cases[2 * i]);
    const r = cases[2 * i + 1];
    v[4 * i] = roundF16(x);
    v[4 * i + 1] = roundBF16(x);
    v[4 * i + 2] = stochasticRoundLow('f16', x, r);
    v[4 * i + 3] = stochasticRoundLow('bf16', x, r);
  }
  return out;
}

/** Mismatch count per column and the first few, as "column(x bits, r): gpu ≠ ts". */
function compare(cases: Uint32Array, gpu: Uint32Array, want: Uint32Array) {
  const counts = [0, 0, 0, 0];
  const first: string[] = [];
  for (let j = 0; j < want.length; j++) {
    const [g, w] = [gpu[j], want[j]];
    if (g === w || (isNaNBits(g) && isNaNBits(w))) continue;
    counts[j % 4]++;
    const i = Math.floor(j / 4);
    const hex = (u: number) => `0x${u.toString(16)}`;
    if (first.length < 8)
      first.push(
        `${COLUMNS[j % 4]}(${hex(cases[2 * i])}, r ${hex(cases[2 * i + 1])}): ${hex(g)} ≠ ${hex(w)}`,
      );
  }
  return { counts, first };
}

describe.skipIf(!ctx)('round_low.wgsl matches lowFloat.ts bit for bit', () => {
  const cases = roundCases();
  const want = expectedRound(cases);

  it('round_f16, round_bf16, sr_f16, sr_bf16 over every f16 value and midpoint, a dense bf16 sample', async () => {
    const gpu = await runKernel(roundLowWgsl, ROUND_KERNEL, cases, 2, 4);
    const { counts, first } = compare(cases, gpu, want);
    console.log(
      `[round_low] ${cases.length / 2} (x, r) cases x 4 functions on ${ctx!.description}: mismatches ${counts}`,
    );
    expect(first).toEqual([]);
  });

  it('a WGSL copy with ties away from zero and >= at the sr threshold is caught (test of the test)', async () => {
    const swaps: Array<[string, string]> = [
      ['((g.y == 0.5) & ((u32(g.x) & 1u) == 1u))', '(g.y == 0.5)'],
      ['0x7fffu + ((a >> 16u) & 1u)', '0x8000u'],
      ['(frac << (24u - d)) > (r >> 8u)', '(frac << (24u - d)) >= (r >> 8u)'],
      ['g.y > f32(r >> 8u) * RL_TWO_M24', 'g.y >= f32(r >> 8u) * RL_TWO_M24'],
    ];
    let bad = roundLowWgsl;
    for (const [from, to] of swaps) {
      expect(bad).toContain(from);
      bad = bad.replace(from, to);
    }
    const { counts } = compare(cases, await runKernel(bad, ROUND_KERNEL, cases, 2, 4), want);
    console.log(`[round_low] sabotaged copy: mismatches ${counts}`);
    for (const c of counts) expect(c).toBeGreaterThan(0);
  });

  it('sr_bits equals srBits over a grid of keys and random keys', async () => {
    const keys: number[] = [];
    for (const seed of [0, 1, 42, 0xffffffff])
      for (let traj = 0; traj < 64; traj++)
        for (const step of [0, 1, 2, 1000, 0x80000000, 0xffffffff])
          for (let op = 0; op < 16; op++) keys.push(seed, traj, step, op);
    const next = rng(29);
    for (let i = 0; i < 4 * 100_000; i++) keys.push(next());
    const input = Uint32Array.from(keys);
    const gpu = await runKernel(roundLowWgsl, BITS_KERNEL, input, 4, 1);
    const bad: string[] = [];
    for (let i = 0; i < gpu.length; i++) {
      const want = srBits(input[4 * i], input[4 * i + 1], input[4 * i + 2], input[4 * i + 3]);
      if (gpu[i] !== want && bad.length < 5)
        bad.push(`keys ${input.slice(4 * i, 4 * i + 4)}: ${gpu[i]} ≠ ${want}`);
    }
    console.log(`[round_low] sr_bits: ${gpu.length} key tuples`);
    expect(bad).toEqual([]);
  });
});
