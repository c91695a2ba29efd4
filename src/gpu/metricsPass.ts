/**
 * The binding shape every reduction over the engine's metric buffer shares (gap reduction, divergence
 * histogram): binding 0 the per-dispatch params (one uniform slot each), binding 1 the metrics read-only,
 * bindings 2… the pass's own read-write outputs.
 */
import { slottedUniformEntry, slottedUniformLayoutEntry } from './uniformSlots';

/** The bind group layout of a metrics pass with `outputs` output buffers. */
export function metricsPassLayout(device: GPUDevice, label: string, outputs: number): GPUBindGroupLayout {
  const out = Array.from(
    { length: outputs },
    (_, k): GPUBindGroupLayoutEntry => ({
      binding: 2 + k,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'storage' },
    }),
  );
  return device.createBindGroupLayout({
    label: `${label} bind group layout`,
    entries: [
      slottedUniformLayoutEntry(0),
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      ...out,
    ],
  });
}

/** The bind group of a metrics pass: `params` (slotted), `metrics`, then `outputs` from binding 2. */
export function metricsPassBindGroup(
  device: GPUDevice,
  label: string,
  layout: GPUBindGroupLayout,
  params: GPUBuffer,
  metrics: GPUBuffer,
  outputs: GPUBuffer[],
): GPUBindGroup {
  return device.createBindGroup({
    label: `${label} bind group`,
    layout,
    entries: [
      slottedUniformEntry(0, params),
      { binding: 1, resource: { buffer: metrics } },
      ...outputs.map((buffer, k) => ({ binding: 2 + k, resource: { buffer } })),
    ],
  });
}
