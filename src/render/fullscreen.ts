/**
 * Fullscreen passes (the heatmap, the polar background, the divergence map): each shader is its own
 * declarations and fragment entry point behind one prelude, shaders/render_fullscreen.wgsl, which holds the
 * viewport-covering triangle (`fullscreen_vs`, its uv) and the colormap lookup.
 */
import fullscreenWgsl from '../../shaders/render_fullscreen.wgsl?raw';
import { compileShaderModule } from '../gpu/errors';
import { colormapWgsl } from './colormap';
import { createDrawPipeline } from './pipeline';

/** The module source: `declarations` the body needs (structs, constants), the prelude, then the body. */
export function fullscreenShader(body: string, ...declarations: string[]): string {
  return [...declarations, colormapWgsl(), fullscreenWgsl, body].join('\n');
}

/** As fullscreenShader, with the colormap given as its stops (sRGB bytes; a theme's colormap). */
export function fullscreenShaderWith(
  stops: readonly (readonly [number, number, number])[],
  body: string,
  ...declarations: string[]
): string {
  return [...declarations, colormapWgsl(stops), fullscreenWgsl, body].join('\n');
}

/** Compiles `code` (from fullscreenShader()) and draws it with `fragment` over the whole target. */
export async function createFullscreenPipeline(
  device: GPUDevice,
  label: string,
  code: string,
  fragment: string,
  format: GPUTextureFormat,
  bindGroupLayouts?: GPUBindGroupLayout[],
): Promise<GPURenderPipeline> {
  const module = await compileShaderModule(device, `${label} shader`, code);
  return createDrawPipeline(device, {
    label,
    module,
    vertex: 'fullscreen_vs',
    fragment,
    format,
    topology: 'triangle-list',
    bindGroupLayouts,
  });
}
