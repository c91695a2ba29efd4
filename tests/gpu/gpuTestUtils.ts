/**
 * Shared helpers for GPU tests. Every test file prints the adapter it ran on; without an adapter the tests
 * are skipped loudly on a developer machine and fail in CI (process.env.CI set).
 */
import { acquireGpu, type GpuContext } from '../../src/gpu/device';

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

/** Copies `size` bytes of a GPU buffer (needs COPY_SRC usage) to the host. */
export async function readBuffer(device: GPUDevice, buffer: GPUBuffer, size: number): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    label: `readBuffer staging (${buffer.label || 'unlabelled'})`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder({ label: 'readBuffer encoder' });
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
  device.queue.submit([encoder.finish({ label: 'readBuffer commands' })]);
  await staging.mapAsync(GPUMapMode.READ);
  const data = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return data;
}
