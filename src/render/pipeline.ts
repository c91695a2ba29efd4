/**
 * What every draw in src/render builds the same way: a render pipeline from one module's vertex and fragment
 * entry points, the alpha blend of the overlays, and a uniform buffer sized to a shader's params struct.
 */
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';

/** Straight alpha over what is already drawn (paths and quiver arrows over the background). */
export const ALPHA_BLEND: GPUBlendState = {
  color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
  alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
};

export interface DrawPipelineSpec {
  label: string;
  module: GPUShaderModule;
  vertex: string;
  fragment: string;
  format: GPUTextureFormat;
  topology: GPUPrimitiveTopology;
  blend?: GPUBlendState;
  /** Explicit bind group layouts, or 'auto' (the default) from the shader. */
  bindGroupLayouts?: GPUBindGroupLayout[];
}

export function createDrawPipeline(device: GPUDevice, spec: DrawPipelineSpec): Promise<GPURenderPipeline> {
  const { label, module, format, blend } = spec;
  return device.createRenderPipelineAsync({
    label: `${label} pipeline`,
    layout: spec.bindGroupLayouts
      ? device.createPipelineLayout({
          label: `${label} pipeline layout`,
          bindGroupLayouts: spec.bindGroupLayouts,
        })
      : 'auto',
    vertex: { module, entryPoint: spec.vertex },
    fragment: { module, entryPoint: spec.fragment, targets: [blend ? { format, blend } : { format }] },
    primitive: { topology: spec.topology },
  });
}

/** A host view of the shader's `uniformName` params and a uniform buffer of its size. */
export function paramsUniform(
  device: GPUDevice,
  code: string,
  uniformName: string,
  label: string,
): { view: StructuredView; buffer: GPUBuffer } {
  const view = makeStructuredView(makeShaderDataDefinitions(code).uniforms[uniformName]);
  const buffer = device.createBuffer({
    label,
    size: view.arrayBuffer.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  return { view, buffer };
}

/** A bind group of a uniform at binding 0 and a storage buffer at binding 1 (each fullscreen pass, the quiver). */
export function uniformAndStorageGroup(
  device: GPUDevice,
  label: string,
  layout: GPUBindGroupLayout,
  uniform: GPUBuffer,
  storage: GPUBuffer,
): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout,
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: storage } },
    ],
  });
}
