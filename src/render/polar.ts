/**
 * The angle / log-radius view's background (shaders/render_polar.wgsl): world x = θ, world y = ln|w| (the
 * natural log). The loss is scale invariant, so the background depends on θ only: it needs no field kernel,
 * just f sampled on the circle once per loss (float64 on the host, uploaded as a small table).
 */

import type { StructuredView } from 'webgpu-utils';
import polarWgsl from '../../shaders/render_polar.wgsl?raw';
import { type FourierLoss, fAt } from '../core/loss';
import type { WorldRect } from './camera';
import { createFullscreenPipeline, fullscreenShader } from './fullscreen';
import { paramsUniform, uniformAndStorageGroup } from './pipeline';

const SAMPLES = 1024;
/** The f(θ) strip along the bottom, in CSS px. */
export const POLAR_STRIP_CSS = 48;

export class PolarBackground {
  private readonly params: StructuredView;
  private readonly uniform: GPUBuffer;
  private readonly table: GPUBuffer;
  private readonly group: GPUBindGroup;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPURenderPipeline,
  ) {
    const params = paramsUniform(
      device,
      fullscreenShader(polarWgsl),
      'polar_params',
      'polar background params',
    );
    this.params = params.view;
    this.uniform = params.buffer;
    this.table = device.createBuffer({
      label: `f(θ) table (${SAMPLES})`,
      size: 4 * SAMPLES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    const layout = pipeline.getBindGroupLayout(0);
    this.group = uniformAndStorageGroup(
      device,
      'polar background bind group',
      layout,
      this.uniform,
      this.table,
    );
  }

  static async create(device: GPUDevice, format: GPUTextureFormat): Promise<PolarBackground> {
    const code = fullscreenShader(polarWgsl);
    const pipeline = await createFullscreenPipeline(device, 'polar background', code, 'polar_fs', format);
    return new PolarBackground(device, pipeline);
  }

  /** Samples f at cell centres θ_j = −π + 2π (j + ½)/N; `range` is the heatmap's colour range. */
  setLoss(loss: FourierLoss, range: { min: number; max: number }): void {
    const f = new Float32Array(SAMPLES);
    for (let j = 0; j < SAMPLES; j++) f[j] = fAt(loss, -Math.PI + (2 * Math.PI * (j + 0.5)) / SAMPLES);
    this.device.queue.writeBuffer(this.table, 0, f);
    this.params.set({ lmin: range.min, lmax: range.max, samples: SAMPLES });
  }

  /** Sets the pane's θ range, size and theme (once per background redraw). */
  update(rect: WorldRect, heightPx: number, dpr: number, theme: 'dark' | 'light' = 'dark'): void {
    this.params.set({
      theta0: rect.x0,
      theta1: rect.x1,
      strip_px: POLAR_STRIP_CSS * dpr,
      height_px: heightPx,
      light: theme === 'light' ? 1 : 0,
    });
    this.device.queue.writeBuffer(this.uniform, 0, this.params.arrayBuffer);
  }

  draw(pass: GPURenderPassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.group);
    pass.draw(3);
  }

  destroy(): void {
    this.uniform.destroy();
    this.table.destroy();
  }
}
