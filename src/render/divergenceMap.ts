/**
 * The divergence map (shaders/render_divergence_map.wgsl): for a grid init, an image with one cell per
 * initial point, coloured by the step at which its two runs drifted apart (viridis over [0, maxStep]),
 * grey where they never did, and a distinct colour where the exponential run overflowed first. Drawn into
 * its own small canvas with the engine's device, reading the metric buffer directly.
 */
import type { StructuredView } from 'webgpu-utils';
import mapWgsl from '../../shaders/render_divergence_map.wgsl?raw';
import { METRIC_STRUCT, structWgsl } from '../gpu/layout';
import { createFullscreenPipeline, fullscreenShader } from './fullscreen';
import { paramsUniform, uniformAndStorageGroup } from './pipeline';

/** sRGB bytes of the two colours outside the colormap (the DOM legend uses the same). */
export const NEVER_DIVERGED_RGB: readonly [number, number, number] = [0x5a, 0x5a, 0x66];
export const OVERFLOWED_RGB: readonly [number, number, number] = [0xf0, 0x40, 0x7a];

export interface DivergenceMapSource {
  /** The engine's metric buffer. */
  metrics: GPUBuffer;
  count: number;
  /** config.init.grid.count: trajectory i = iy·nx + ix, row 0 at the bottom. */
  nx: number;
  ny: number;
  /** Divergence step drawn with the last colour (e.g. the run's last step). */
  maxStep: number;
}

const vec3 = ([r, g, b]: readonly number[]) =>
  `vec3<f32>(${(r / 255).toFixed(6)}, ${(g / 255).toFixed(6)}, ${(b / 255).toFixed(6)})`;

export function divergenceMapShader(): string {
  return fullscreenShader(
    mapWgsl,
    structWgsl(METRIC_STRUCT, 'f32'),
    `const NEVER_DIVERGED = ${vec3(NEVER_DIVERGED_RGB)};`,
    `const OVERFLOWED = ${vec3(OVERFLOWED_RGB)};`,
  );
}

export class DivergenceMap {
  private readonly view: StructuredView;
  private readonly uniform: GPUBuffer;
  private group: { metrics: GPUBuffer; bindGroup: GPUBindGroup } | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPURenderPipeline,
    code: string,
  ) {
    const params = paramsUniform(device, code, 'map_params', 'divergence map params');
    this.view = params.view;
    this.uniform = params.buffer;
  }

  /** A map that draws into textures of `format` (a canvas's preferred format, or any for tests). */
  static async create(device: GPUDevice, format: GPUTextureFormat): Promise<DivergenceMap> {
    const code = divergenceMapShader();
    const pipeline = await createFullscreenPipeline(
      device,
      'divergence map',
      code,
      'divergence_map_fs',
      format,
    );
    return new DivergenceMap(device, pipeline, code);
  }

  private bindGroupFor(metrics: GPUBuffer): GPUBindGroup {
    if (this.group?.metrics !== metrics) {
      const layout = this.pipeline.getBindGroupLayout(0);
      const bindGroup = uniformAndStorageGroup(
        this.device,
        'divergence map bind group',
        layout,
        this.uniform,
        metrics,
      );
      this.group = { metrics, bindGroup };
    }
    return this.group.bindGroup;
  }

  /** Writes the params now and encodes the draw into `target`: submit before the next encode(). */
  encode(encoder: GPUCommandEncoder, target: GPUTextureView, src: DivergenceMapSource): void {
    this.view.set({ grid: [src.nx, src.ny], count: src.count, max_step: Math.max(1, src.maxStep) });
    this.device.queue.writeBuffer(this.uniform, 0, this.view.arrayBuffer);
    const pass = encoder.beginRenderPass({
      label: 'divergence map pass',
      colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroupFor(src.metrics));
    pass.draw(3);
    pass.end();
  }

  destroy(): void {
    this.uniform.destroy();
  }
}

/** The map in its own canvas, configured for WebGPU with the engine's device. */
export class DivergenceMapCanvas {
  private constructor(
    private readonly device: GPUDevice,
    private readonly canvas: HTMLCanvasElement,
    private readonly context: GPUCanvasContext,
    private readonly map: DivergenceMap,
  ) {}

  static async create(device: GPUDevice, canvas: HTMLCanvasElement): Promise<DivergenceMapCanvas> {
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('the divergence map canvas cannot give a WebGPU context');
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device, format, alphaMode: 'opaque' });
    return new DivergenceMapCanvas(device, canvas, context, await DivergenceMap.create(device, format));
  }

  /** Sizes the drawing buffer to the canvas's CSS box and draws the map. */
  draw(src: DivergenceMapSource): void {
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const encoder = this.device.createCommandEncoder({ label: 'divergence map encoder' });
    this.map.encode(encoder, this.context.getCurrentTexture().createView(), src);
    this.device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    this.context.unconfigure();
    this.map.destroy();
  }
}
