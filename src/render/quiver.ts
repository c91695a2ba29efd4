/**
 * Gradient quiver overlay (shaders/render_quiver.wgsl): arrows of −∇L every `QUIVER_SPACING_CSS` CSS px,
 * read from the heatmap's loss field (no extra compute), drawn into the cached background.
 *
 * References. |∇L(w)| = |f'(θ)|/|w| explodes at the origin, so honest lengths need a scale:
 *   g_ref = max|f'| / H, H the pane's half-height in world units,
 * i.e. the steepest gradient on the circle of radius H (the view's edge). It is scale invariant — zooming
 * by s scales every |∇L| in view and g_ref alike — so the picture does not change under zoom, and the
 * side-by-side panes (same field at another scale) get the same arrows.
 *   log:     length = 0.3 cell · log2(1 + |∇L|/g_ref): 0.3 cell at the view's edge on the steepest ray,
 *            0.7 cell at H/4, capped at 1.2 cells (|w| ≲ H/15);
 *   clamped: length = 0.9 cell · min(|∇L|, 2 g_ref)/(2 g_ref): full length inside radius H/2 on the
 *            steepest ray, proportional beyond.
 */

import type { StructuredView } from 'webgpu-utils';
import quiverWgsl from '../../shaders/render_quiver.wgsl?raw';
import { compileShaderModule } from '../gpu/errors';
import type { QuiverMode } from '../playground/viewState';
import { ALPHA_BLEND, createDrawPipeline, paramsUniform, uniformAndStorageGroup } from './pipeline';

export const QUIVER_SPACING_CSS = 32;

/** The reference gradient g_ref of a mode (see the header). */
export function quiverReference(
  mode: Exclude<QuiverMode, 'off'>,
  maxAbsFPrime: number,
  halfHeight: number,
): number {
  const g = Math.max(maxAbsFPrime, 1e-30) / halfHeight;
  return mode === 'log' ? g : 2 * g;
}

/** Arrow columns and rows for a pane of `width` × `height` device px, spacing `cell` px. */
export function quiverGrid(width: number, height: number, cell: number): [number, number] {
  return [Math.max(1, Math.floor(width / cell)), Math.max(1, Math.floor(height / cell))];
}

export class Quiver {
  private readonly params: StructuredView;
  private readonly uniform: GPUBuffer;
  private group: GPUBindGroup | null = null;
  private boundTo: GPUBuffer | null = null;
  private vertices = 0;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPURenderPipeline,
  ) {
    const params = paramsUniform(device, quiverWgsl, 'quiver_params', 'quiver params');
    this.params = params.view;
    this.uniform = params.buffer;
  }

  static async create(device: GPUDevice, format: GPUTextureFormat): Promise<Quiver> {
    const module = await compileShaderModule(device, 'quiver shader', quiverWgsl);
    const pipeline = await createDrawPipeline(device, {
      label: 'quiver',
      module,
      vertex: 'quiver_vs',
      fragment: 'quiver_fs',
      format,
      topology: 'line-list',
      blend: ALPHA_BLEND,
    });
    return new Quiver(device, pipeline);
  }

  /** Sets the arrows for one pane layout (written once per background redraw, shared by the panes). */
  update(
    field: GPUBuffer,
    grid: { width: number; height: number },
    viewport: [number, number],
    dpr: number,
    mode: Exclude<QuiverMode, 'off'>,
    gRef: number,
    /** Arrow colour (straight RGBA): near-white on the dark theme (the default), near-black on the light. */
    color: [number, number, number, number] = [0.97, 0.97, 0.97, 0.6],
  ): void {
    const cell = QUIVER_SPACING_CSS * dpr;
    const arrows = quiverGrid(viewport[0], viewport[1], cell);
    this.params.set({
      viewport,
      grid: [grid.width, grid.height],
      arrows,
      cell,
      g_ref: gRef,
      mode: mode === 'log' ? 1 : 2,
      color,
    });
    this.device.queue.writeBuffer(this.uniform, 0, this.params.arrayBuffer);
    this.vertices = 6 * arrows[0] * arrows[1];
    if (this.boundTo !== field) {
      const layout = this.pipeline.getBindGroupLayout(0);
      this.group = uniformAndStorageGroup(this.device, 'quiver bind group', layout, this.uniform, field);
      this.boundTo = field;
    }
  }

  draw(pass: GPURenderPassEncoder): void {
    if (!this.group || this.vertices === 0) return;
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.group);
    pass.draw(this.vertices);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
