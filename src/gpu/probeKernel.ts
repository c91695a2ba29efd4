/**
 * Running the probe's kernels (shaders/probe.wgsl after the df64 library) over a flat f32 array in chunks of
 * at most maxInvocationsPerDispatch, one uniform slot per chunk; the compiled module is cached per device
 * and sabotage variant.
 */
import probeWgsl from '../../shaders/probe.wgsl?raw';
import { type GpuContext, invocationsPerDispatch } from './device';
import { df64Source, type ProbeSabotage } from './df64Source';
import { compileShaderModule, withErrorScopes } from './errors';
import { readBufferRange } from './readback';
import { createUniformSlotBuffer, slotOffset, writeUniformSlots } from './uniformSlots';

const moduleCache = new WeakMap<GPUDevice, Map<string, Promise<GPUShaderModule>>>();

export function probeModule(device: GPUDevice, sabotage?: ProbeSabotage): Promise<GPUShaderModule> {
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

export async function runKernel(
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
    // Chunk c reads (count, first element) from uniform slot c.
    const slots = Array.from({ length: chunks }, (_, c) => new Uint32Array([count, c * perDispatch]).buffer);
    const paramsBuf = createUniformSlotBuffer(device, `${label} params`, chunks);
    writeUniformSlots(device, paramsBuf, slots);
    const encode = (encoder: GPUCommandEncoder) => {
      for (let c = 0; c < chunks; c++) {
        const n = Math.min(perDispatch, count - c * perDispatch);
        const bindGroup = device.createBindGroup({
          label: `${label} bind group ${c}`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: paramsBuf, offset: slotOffset(c), size: 8 } },
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
    };
    try {
      return new Float32Array(
        await readBufferRange(device, dstBuf, outBytes, { label: `${label} readback`, encode }),
      );
    } finally {
      for (const b of [srcBuf, dstBuf, paramsBuf]) b.destroy();
    }
  });
}
