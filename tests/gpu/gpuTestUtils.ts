/**
 * Shared setup for GPU tests. Every test file prints the adapter it ran on; without an adapter the tests
 * are skipped loudly on a developer machine and fail in CI (process.env.CI set).
 */
import { afterAll } from 'vitest';
import { initialPoints } from '../../src/core/init';
import { findPreset } from '../../src/core/presets';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { acquireGpu, type GpuContext } from '../../src/gpu/device';
import { type EngineSetup, type EngineSnapshot, TrajectoryEngine } from '../../src/gpu/engine';
import { type ProbeReport, runPrecisionProbe } from '../../src/gpu/probe';
import { readBufferRange } from '../../src/gpu/readback';

let acquired: Promise<GpuContext | null> | null = null;

/** Acquires the GPU once per test file (each file runs in its own fork). */
export function gpuOrSkip(): Promise<GpuContext | null> {
  acquired ??= acquire();
  return acquired;
}

async function acquire(): Promise<GpuContext | null> {
  try {
    const ctx = await acquireGpu();
    console.log(`[gpu tests] adapter: ${ctx.description}`);
    return ctx;
  } catch (e) {
    const why = (e as Error).message;
    if (process.env.CI) {
      throw new Error(
        `[gpu tests] no WebGPU adapter in CI (CI=${process.env.CI}): ${why}. GPU tests must run in CI; ` +
          'install chromium (SwiftShader) and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json',
      );
    }
    console.warn(`[gpu tests] SKIPPED: no WebGPU adapter: ${why}`);
    return null;
  }
}

/** What a GPU test file starts from. */
export interface GpuTestSetup {
  /** null: no adapter (the file's suites skip). */
  ctx: GpuContext | null;
  /** SwiftShader is where the f32 kernel must match the CPU float32 mirror bit for bit. */
  isSwiftShader: boolean;
  /** The precision probe (when asked for), which picks df64's exact TwoProd variant on this device. */
  probe: ProbeReport | null;
  /** The probe's choice for EngineSetup.twoProdFma (split on SwiftShader). */
  twoProdFma: boolean;
}

/**
 * The file's GPU (destroyed after its tests) and, with `probePairs`, the precision probe on that many pairs.
 * Call once at the top of a test file.
 */
export async function gpuTestSetup(options: { probePairs?: number } = {}): Promise<GpuTestSetup> {
  const ctx = await gpuOrSkip();
  afterAll(() => ctx?.device.destroy());
  const isSwiftShader = ctx?.isSoftware === true && /swiftshader/i.test(ctx.description);
  const pairs = options.probePairs;
  const probe = ctx && pairs !== undefined ? await runPrecisionProbe(ctx, { pairs }) : null;
  return { ctx, isSwiftShader, probe, twoProdFma: probe?.chosenTwoProd === 'fma' };
}

/** A constant-rate optimizer (lr 0.1, weight decay 0.05, no momentum) with `o` on top. */
export function testOptimizer(o: Partial<OptimizerConfig> = {}): OptimizerConfig {
  return { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 1, ...o };
}

/** Builds an engine, snapshots it at each of `atSteps` and frees it. */
export async function captureRun(
  ctx: GpuContext,
  setup: EngineSetup,
  atSteps: number[],
): Promise<EngineSnapshot[]> {
  const engine = await TrajectoryEngine.create(ctx, setup);
  try {
    return await engine.capture(atSteps);
  } finally {
    engine.destroy();
  }
}

/** Copies `size` bytes of a GPU buffer (needs COPY_SRC usage) to the host. */
export function readBuffer(device: GPUDevice, buffer: GPUBuffer, size: number): Promise<ArrayBuffer> {
  return readBufferRange(device, buffer, size, {
    label: `readBuffer staging (${buffer.label || 'unlabelled'})`,
  });
}

/**
 * Runs a one-off compute kernel: binding 0 the `input` bytes (storage, read), binding 1 an output of
 * `outputBytes` (storage); one thread per item in workgroups of 64; returns the output's bytes.
 */
export async function runKernelOnce(
  device: GPUDevice,
  label: string,
  pipeline: GPUComputePipeline,
  input: BufferSource,
  items: number,
  outputBytes: number,
): Promise<ArrayBuffer> {
  const inBuf = device.createBuffer({
    label: `${label} input`,
    size: input.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  const outBuf = device.createBuffer({
    label: `${label} output`,
    size: outputBytes,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  device.queue.writeBuffer(inBuf, 0, input);
  const encoder = device.createCommandEncoder({ label: `${label} encoder` });
  const pass = encoder.beginComputePass({ label: `${label} pass` });
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      label: `${label} bind group`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: inBuf } },
        { binding: 1, resource: { buffer: outBuf } },
      ],
    }),
  );
  pass.dispatchWorkgroups(Math.ceil(items / 64));
  pass.end();
  device.queue.submit([encoder.finish()]);
  try {
    return await readBuffer(device, outBuf, outputBytes);
  } finally {
    inBuf.destroy();
    outBuf.destroy();
  }
}

/** An f32 engine on loss preset `preset` from `count` random starts (radius 0.2…2), drift tolerance 1e-3. */
export function presetEngine(
  ctx: GpuContext,
  preset: string,
  opt: OptimizerConfig,
  count: number,
  seed: number,
): Promise<TrajectoryEngine> {
  const found = findPreset(preset);
  if (!found) throw new Error(`no preset ${preset}`);
  return TrajectoryEngine.create(ctx, {
    precision: 'f32',
    loss: found.loss,
    schedule: toExponential(opt),
    tolerance: 1e-3,
    points: initialPoints({ random: { count, seed, radius: [0.2, 2] } }),
  });
}
