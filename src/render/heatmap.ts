/**
 * The loss heatmap: the field kernel (shaders/field.wgsl) evaluates L over the visible world rectangle
 * into a storage buffer, recomputed only when the view or the loss changes; a fullscreen triangle
 * (shaders/render_heatmap.wgsl) colours it through the colormap. On software GPUs the field is computed
 * in bands of rows, each one dispatch below the device's safe invocation count.
 */
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';
import heatmapBodyWgsl from '../../shaders/render_heatmap.wgsl?raw';
import { type FourierLoss, lossRange, scaledCoefficientsDD } from '../core/loss';
import { compileShaderModule } from '../gpu/errors';
import { fieldShader } from '../gpu/shaderSource';
import { createUniformSlotBuffer, slotOffset, writeUniformSlots } from '../gpu/uniformSlots';
import type { Theme } from '../playground/viewState';
import type { WorldRect } from './camera';
import { createFullscreenPipeline, fullscreenShader, fullscreenShaderWith } from './fullscreen';
import { paramsUniform, uniformAndStorageGroup } from './pipeline';
import { THEME_PALETTES } from './theme';

const ROW_ALIGN = 16; // 16 cells × 16 bytes: band offsets stay multiples of 256 bytes

export class Heatmap {
  private readonly fieldParams: StructuredView;
  private readonly heatParams: StructuredView;
  private readonly fieldLayout: GPUBindGroupLayout;
  private readonly fieldPipelines = new Map<number, GPUComputePipeline>();
  private readonly coeffs: GPUBuffer;
  private readonly heatUniform: GPUBuffer;
  private fieldPipeline: GPUComputePipeline | null = null;
  private field: GPUBuffer | null = null;
  private bandUniform: GPUBuffer | null = null;
  private bands: { row0: number; rows: number; group: GPUBindGroup }[] = [];
  private drawGroup: GPUBindGroup | null = null;
  private grid = { width: 0, height: 0 };
  private range = { min: 0, max: 1 };
  private computedFor = '';

  private constructor(
    private readonly device: GPUDevice,
    private readonly fieldModule: GPUShaderModule,
    /** One draw pipeline per theme: the same shader over the theme's colormap (src/render/theme.ts). */
    private readonly drawPipelines: Record<Theme, GPURenderPipeline>,
    private readonly maxInvocations: number,
  ) {
    const fieldCode = fieldShader();
    this.fieldParams = makeStructuredView(makeShaderDataDefinitions(fieldCode).uniforms.field_params);
    this.fieldLayout = device.createBindGroupLayout({
      label: 'loss field bind group layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    });
    this.coeffs = device.createBuffer({
      label: 'loss field coefficients',
      size: 64 * 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const heat = paramsUniform(device, fullscreenShader(heatmapBodyWgsl), 'heat_params', 'heatmap params');
    this.heatParams = heat.view;
    this.heatUniform = heat.buffer;
  }

  static async create(device: GPUDevice, format: GPUTextureFormat, maxInvocations: number): Promise<Heatmap> {
    const fieldModule = await compileShaderModule(device, 'loss field shader', fieldShader());
    const layout = device.createBindGroupLayout({
      label: 'heatmap bind group layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'read-only-storage' } },
      ],
    });
    // An explicit layout: the field buffer is read-write storage for the compute pass, read-only here.
    const pipelineFor = (theme: Theme) =>
      createFullscreenPipeline(
        device,
        `heatmap (${theme} theme)`,
        fullscreenShaderWith(THEME_PALETTES[theme].colormap, heatmapBodyWgsl),
        'heatmap_fs',
        format,
        [layout],
      );
    const [dark, light] = await Promise.all([pipelineFor('dark'), pipelineFor('light')]);
    return new Heatmap(device, fieldModule, { dark, light }, maxInvocations);
  }

  /** The field buffer (L, ∂L/∂x, ∂L/∂y, f'') per cell, row 0 at the bottom (the quiver reads it). */
  get fieldBuffer(): GPUBuffer | null {
    return this.field;
  }

  /** Field cells across and up. */
  get gridSize(): { width: number; height: number } {
    return this.grid;
  }

  /** The colour range of the current loss (for the legend). */
  get valueRange(): { min: number; max: number } {
    return this.range;
  }

  async setLoss(loss: FourierLoss): Promise<void> {
    const harmonics = loss.a.length;
    let pipeline = this.fieldPipelines.get(harmonics);
    if (!pipeline) {
      pipeline = await this.device.createComputePipelineAsync({
        label: `loss field pipeline (${harmonics} harmonics)`,
        layout: this.device.createPipelineLayout({
          label: 'loss field pipeline layout',
          bindGroupLayouts: [this.fieldLayout],
        }),
        compute: { module: this.fieldModule, entryPoint: 'loss_field', constants: { HARMONICS: harmonics } },
      });
      this.fieldPipelines.set(harmonics, pipeline);
    }
    const c = scaledCoefficientsDD(loss);
    const table = new Float32Array(64 * 4);
    for (let h = 0; h < harmonics; h++) {
      table.set(
        [c.ka[h], c.kb[h], c.a[h], c.b[h]].map((x) => x.hi + x.lo),
        4 * h,
      );
    }
    this.device.queue.writeBuffer(this.coeffs, 0, table);
    this.fieldPipeline = pipeline;
    this.range = lossRange(loss);
    this.heatParams.set({ lmin: this.range.min, lmax: this.range.max });
    this.computedFor = '';
  }

  /** Field resolution for a pane of `width` × `height` device pixels: half of it, rows 16-aligned. */
  resize(width: number, height: number): void {
    const w = Math.ceil(Math.max(1, width / 2) / ROW_ALIGN) * ROW_ALIGN;
    const h = Math.max(1, Math.ceil(height / 2));
    if (w === this.grid.width && h === this.grid.height) return;
    this.grid = { width: w, height: h };
    this.field?.destroy();
    this.bandUniform?.destroy();
    this.field = this.device.createBuffer({
      label: `loss field (${w}×${h})`,
      size: w * h * 16,
      usage: GPUBufferUsage.STORAGE,
    });
    const rowsPerBand = Math.max(8, Math.floor(this.maxInvocations / w / 8) * 8);
    const count = Math.ceil(h / rowsPerBand);
    this.bandUniform = createUniformSlotBuffer(this.device, `loss field params (${count} bands)`, count);
    const paramBytes = this.fieldParams.arrayBuffer.byteLength;
    this.bands = [];
    for (let b = 0; b < count; b++) {
      const row0 = b * rowsPerBand;
      const rows = Math.min(rowsPerBand, h - row0);
      const group = this.device.createBindGroup({
        label: `loss field bind group (rows ${row0}+${rows})`,
        layout: this.fieldLayout,
        entries: [
          { binding: 0, resource: { buffer: this.bandUniform, offset: slotOffset(b), size: paramBytes } },
          { binding: 1, resource: { buffer: this.coeffs } },
          { binding: 2, resource: { buffer: this.field, offset: row0 * w * 16, size: rows * w * 16 } },
        ],
      });
      this.bands.push({ row0, rows, group });
    }
    this.heatParams.set({ grid: [w, h] });
    const drawLayout = this.drawPipelines.dark.getBindGroupLayout(0);
    this.drawGroup = uniformAndStorageGroup(
      this.device,
      'heatmap bind group',
      drawLayout,
      this.heatUniform,
      this.field,
    );
    this.computedFor = '';
  }

  /**
   * Recomputes the field into `encoder` if the view or the loss changed since the last time; returns
   * whether it did (the heatmap must then be redrawn).
   */
  encodeField(encoder: GPUCommandEncoder, rect: WorldRect): boolean {
    const key = `${rect.x0},${rect.x1},${rect.y0},${rect.y1}`;
    if (!this.fieldPipeline || !this.bandUniform || key === this.computedFor) return false;
    this.computedFor = key;
    const { width, height } = this.grid;
    const dy = (rect.y1 - rect.y0) / height;
    // One slot per band, each bound at its own static offset.
    const slots = this.bands.map(({ row0, rows }) => {
      this.fieldParams.set({
        width,
        height: rows,
        x0: rect.x0,
        x1: rect.x1,
        y0: rect.y0 + row0 * dy,
        y1: rect.y0 + (row0 + rows) * dy,
      });
      return this.fieldParams.arrayBuffer.slice(0);
    });
    writeUniformSlots(this.device, this.bandUniform, slots);
    this.device.queue.writeBuffer(this.heatUniform, 0, this.heatParams.arrayBuffer);
    const pass = encoder.beginComputePass({ label: 'loss field pass' });
    pass.setPipeline(this.fieldPipeline);
    for (const band of this.bands) {
      pass.setBindGroup(0, band.group);
      pass.dispatchWorkgroups(Math.ceil(width / 8), Math.ceil(band.rows / 8));
    }
    pass.end();
    return true;
  }

  /** Draws the field through `theme`'s colormap. */
  draw(pass: GPURenderPassEncoder, theme: Theme = 'dark'): void {
    if (!this.drawGroup || !this.computedFor) return;
    pass.setPipeline(this.drawPipelines[theme] ?? this.drawPipelines.dark);
    pass.setBindGroup(0, this.drawGroup);
    pass.draw(3);
  }

  destroy(): void {
    for (const b of [this.field, this.bandUniform, this.coeffs, this.heatUniform]) b?.destroy();
  }
}
