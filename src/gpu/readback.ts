/**
 * Reading GPU buffers back to the host: a MAP_READ staging buffer that copy commands fill, mapped once and
 * destroyed. The one place that maps buffers for results (engine snapshots, reductions, probe, tests).
 */

/** A staging buffer for `size` bytes: encode copies into it, submit, then readStaging(). */
export function createStaging(device: GPUDevice, label: string, size: number): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(4, Math.ceil(size / 4) * 4),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
}

/** Waits for the GPU, copies the first `size` bytes of `staging` (default: all) out and destroys it. */
export async function readStaging(staging: GPUBuffer, size = staging.size): Promise<ArrayBuffer> {
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0, size);
  } finally {
    staging.destroy();
  }
}

/**
 * Encodes work with `encode` (optional), then copies bytes [offset, offset + size) of `source` (needs
 * COPY_SRC) in the same submit, and returns them.
 */
export async function readBufferRange(
  device: GPUDevice,
  source: GPUBuffer,
  size: number,
  options: { offset?: number; label?: string; encode?: (encoder: GPUCommandEncoder) => void } = {},
): Promise<ArrayBuffer> {
  const label = options.label ?? `${source.label || 'buffer'} readback`;
  const staging = createStaging(device, label, size);
  const encoder = device.createCommandEncoder({ label: `${label} encoder` });
  options.encode?.(encoder);
  encoder.copyBufferToBuffer(source, options.offset ?? 0, staging, 0, Math.ceil(size / 4) * 4);
  device.queue.submit([encoder.finish({ label: `${label} commands` })]);
  return readStaging(staging, size);
}
