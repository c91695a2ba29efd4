/**
 * Trajectory paths drawn from the engine's history ring with no CPU copy: the vertex shader
 * (shaders/render_paths.wgsl) reads the ring and the metrics as storage buffers. Each run is one
 * non-instanced triangle-list draw, 6 vertices per segment (a quad around an antialiased capsule: round
 * joins and caps), each trajectory's segments oldest to newest (SwiftShader runs every instance as a
 * separate draw: instancing 4096 strips cost ~0.6 s a frame). Widths, outlines and opacity come from
 * lineStyle.ts. Runs are told apart by pattern: the weight-decay run solid, the projected exponential run
 * dashed (thinner, on top), the raw exponential run dotted.
 * A sample budget caps the work per draw: beyond it every `stride`-th sample is drawn (the newest always),
 * and beyond two samples per path only every `trajStride`-th trajectory.
 * One trajectory can be highlighted (the Precision tab's table): drawHighlight draws it alone, on top, in
 * HIGHLIGHT_COLOR and wider, with uniform buffers of its own (a frame's queue writes all land before its
 * draws, so a draw cannot share a uniform buffer with another draw of the same frame). drawHeads draws the
 * marker at each trajectory's newest sample (shaders/render_heads.wgsl, heads.ts), also with its own.
 */

import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';
import headsWgsl from '../../shaders/render_heads.wgsl?raw';
import pathsWgsl from '../../shaders/render_paths.wgsl?raw';
import { compileShaderModule } from '../gpu/errors';
import { METRIC_STRUCT, structWgsl } from '../gpu/layout';
import { newestSample, oldestSample, type PathSource } from '../gpu/pathSource';
import type { ColorBy, Theme } from '../playground/viewState';
import { causeWgsl } from './cause';
import { pathPalettesWgsl } from './colormap';
import { headStyle, highlightStyle, type LineStyle, lineStyle, pathAlpha } from './lineStyle';
import { ALPHA_BLEND, createDrawPipeline } from './pipeline';
import { fillSampleLog2c, LOG2_CAP } from './rawRun';
import { runColor } from './theme';

export type RunName = 'weightDecay' | 'projected' | 'exponential';
export const RUN_INDEX: Record<RunName, number> = { weightDecay: 0, projected: 1, exponential: 2 };
export const RUN_PATTERN: Record<RunName, 'solid' | 'dashed' | 'dotted'> = {
  weightDecay: 'solid',
  projected: 'dashed',
  exponential: 'dotted',
};
/** Run colours when colouring by run (sRGB 0–1), dark theme; each theme's are in theme.ts. */
export const RUN_COLOR: Record<RunName, [number, number, number]> = {
  weightDecay: runColor('weightDecay', 'dark'),
  projected: runColor('projected', 'dark'),
  exponential: runColor('exponential', 'dark'),
};
/** The highlighted trajectory's colour (sRGB 0–1): unlike any run colour or the heatmap's. */
export const HIGHLIGHT_COLOR: [number, number, number] = [1, 0.16, 0.78];
/** Highlight draws per frame: the plane's three runs and the side-by-side view's zooming pane. */
export const HIGHLIGHT_SLOTS = 4;
/** Head draws per frame: the plane's three runs and the side-by-side view's zooming pane. */
export const HEAD_SLOTS = 4;
const HEAD_BASE = 3 + HIGHLIGHT_SLOTS;
const COLOR_INDEX: Record<ColorBy, number> = { run: 0, index: 1, basin: 2, divergence: 3, cause: 4 };
const PATTERN_INDEX = { solid: 0, dashed: 1, dotted: 2 };

/** One run's draw: the camera, the samples from…to, and how to colour. */
export interface PathDraw {
  run: RunName;
  clip: { scale: [number, number]; offset: [number, number] };
  /** Pane size in device pixels. */
  viewport: [number, number];
  from: number;
  to: number;
  colorBy: ColorBy;
  polar: boolean;
  /** log2 of the zooming pane's scale (raw run in the side-by-side view), else 0. */
  log2Shift: number;
  /** Colour theme of the run colours (default dark). */
  theme?: Theme;
  /** view.lineWidth in device pixels (lineStyle.ts lineScale); default 1. */
  lineWidth?: number;
}

export { pathAlpha };

/** The outline's colour per theme: it must set a path off the heatmap, so the opposite of the run colours. */
const OUTLINE_RGB: Record<Theme, [number, number, number, number]> = {
  dark: [0.03, 0.03, 0.05, 1],
  light: [1, 1, 1, 1],
};

/**
 * Samples drawn for the range [from, to]: vertex j shows sample first + j·stride, for j < vertices; `to`
 * is always the last vertex, and `from` is reached when `maxVertices` allows (else every stride-th).
 */
export function drawnSamples(
  from: number,
  to: number,
  maxVertices: number,
): { first: number; stride: number; vertices: number } {
  const n = to - from + 1;
  const limit = Math.max(2, Math.floor(maxVertices));
  const stride = n <= limit ? 1 : Math.ceil((n - 1) / (limit - 1));
  const vertices = Math.floor((n - 1) / stride) + 1;
  return { first: to - (vertices - 1) * stride, stride, vertices };
}

export class PathRenderer {
  /** One uniform buffer per run: each run is drawn at most once per frame. */
  private readonly views: StructuredView[];
  private readonly uniforms: GPUBuffer[];
  private log2c: GPUBuffer | null = null;
  private log2cHost = new Float32Array(0);
  private basins: GPUBuffer;
  private basinCount = 0;
  private groups: GPUBindGroup[] | null = null;
  private boundTo: { history: GPUBuffer; metrics: GPUBuffer; log2c: GPUBuffer; basins: GPUBuffer } | null =
    null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPURenderPipeline,
    private readonly headsPipeline: GPURenderPipeline,
    private readonly hairlinePipeline: GPURenderPipeline,
    /** Most samples per run and frame, over all trajectories. */
    private readonly vertexBudget: number,
  ) {
    const defs = makeShaderDataDefinitions(pathsWgsl).uniforms.path_params;
    const names = ['weight-decay run', 'projected run', 'raw exponential run'];
    for (let k = 0; k < HIGHLIGHT_SLOTS; k++) names.push(`highlight ${k}`);
    for (let k = 0; k < HEAD_SLOTS; k++) names.push(`heads ${k}`);
    this.views = names.map(() => makeStructuredView(defs));
    this.uniforms = names.map((run) =>
      device.createBuffer({
        label: `paths params (${run})`,
        size: this.views[0].arrayBuffer.byteLength,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
    );
    this.basins = this.makeBasinBuffer(1);
  }

  static async create(
    device: GPUDevice,
    format: GPUTextureFormat,
    vertexBudget: number,
  ): Promise<PathRenderer> {
    const code = `${structWgsl(METRIC_STRUCT, 'f32')}\n${pathPalettesWgsl()}\n${causeWgsl()}\n${pathsWgsl}\n${headsWgsl}`;
    const module = await compileShaderModule(device, 'paths shader', code);
    const storage = (binding: number): GPUBindGroupLayoutEntry => ({
      binding,
      visibility: GPUShaderStage.VERTEX,
      buffer: { type: 'read-only-storage' },
    });
    const layout = device.createBindGroupLayout({
      label: 'paths bind group layout',
      entries: [
        {
          binding: 0,
          visibility: GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT,
          buffer: { type: 'uniform' },
        },
        storage(1),
        storage(2),
        storage(3),
        storage(4),
      ],
    });
    const spec = {
      module,
      format,
      topology: 'triangle-list' as const,
      blend: ALPHA_BLEND,
      bindGroupLayouts: [layout],
    };
    const paths = { vertex: 'paths_vs', fragment: 'paths_fs' };
    const [pipeline, headsPipeline, hairlinePipeline] = await Promise.all([
      createDrawPipeline(device, { ...spec, ...paths, label: 'paths' }),
      createDrawPipeline(device, { ...spec, label: 'path heads', vertex: 'heads_vs', fragment: 'heads_fs' }),
      createDrawPipeline(device, { ...spec, ...paths, label: 'path hairlines', topology: 'line-list' }),
    ]);
    return new PathRenderer(device, pipeline, headsPipeline, hairlinePipeline, vertexBudget);
  }

  private makeBasinBuffer(n: number): GPUBuffer {
    return this.device.createBuffer({
      label: `basin boundaries (${n})`,
      size: 4 * Math.max(1, n),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
  }

  /** Uploads the basin boundaries (ascending angles, src/core/basins.ts) for colouring by basin. */
  setBasins(boundaries: readonly number[]): void {
    if (boundaries.length > this.basins.size / 4) {
      this.basins.destroy();
      this.basins = this.makeBasinBuffer(boundaries.length);
    }
    if (boundaries.length > 0) this.device.queue.writeBuffer(this.basins, 0, new Float32Array(boundaries));
    this.basinCount = boundaries.length;
  }

  /** Writes log2 c for the ring's live samples (before the frame's draws; one small write per frame). */
  updateLog2c(src: PathSource, from: number, to: number): void {
    if (!src.schedule) return;
    if (!this.log2c || this.log2cHost.length !== src.historyLength) {
      this.log2c?.destroy();
      this.log2c = this.device.createBuffer({
        label: `raw run log2 c per ring slot (${src.historyLength})`,
        size: 4 * src.historyLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.log2cHost = new Float32Array(src.historyLength);
    }
    fillSampleLog2c(this.log2cHost, src.schedule, src.sampleEvery, from, to);
    this.device.queue.writeBuffer(this.log2c, 0, this.log2cHost);
  }

  private bind(src: PathSource): GPUBindGroup[] {
    const log2c = this.log2c ?? this.basins; // any buffer: the raw run is not drawn without a schedule
    const b = this.boundTo;
    if (
      this.groups &&
      b?.history === src.history &&
      b.metrics === src.metrics &&
      b.log2c === log2c &&
      b.basins === this.basins
    ) {
      return this.groups;
    }
    this.groups = this.uniforms.map((uniform, i) =>
      this.device.createBindGroup({
        label: `paths bind group (uniform ${i})`,
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          { binding: 1, resource: { buffer: src.history } },
          { binding: 2, resource: { buffer: src.metrics } },
          { binding: 3, resource: { buffer: log2c } },
          { binding: 4, resource: { buffer: this.basins } },
        ],
      }),
    );
    this.boundTo = { history: src.history, metrics: src.metrics, log2c, basins: this.basins };
    return this.groups;
  }

  /**
   * Writes the run's parameters and records its draw of the segments between samples `from` and `to`
   * (both still in the ring) into `pass`. At most one draw per run and frame (one uniform buffer each).
   */
  draw(pass: GPURenderPassEncoder, src: PathSource, d: PathDraw): void {
    if (src.historyLength < 2 || d.to <= d.from) return;
    if (d.run === 'exponential' && !src.schedule) return;
    // Beyond the budget even at 2 vertices per path, only every trajStride-th trajectory is drawn.
    const trajStride = Math.max(1, Math.ceil((2 * src.count) / this.vertexBudget));
    const paths = Math.ceil(src.count / trajStride);
    const { first, stride, vertices } = drawnSamples(d.from, d.to, this.vertexBudget / paths);
    if (vertices < 2) return;
    const i = RUN_INDEX[d.run];
    const style = lineStyle(d.run, d.lineWidth ?? 1, src.count);
    this.views[i].set({
      ...this.params(src, d, { first, stride, vertices }, style),
      color: [...runColor(d.run, d.theme), style.alpha],
      traj_stride: trajStride,
      color_by: COLOR_INDEX[d.colorBy],
      highlight: -1,
    });
    const perSegment = style.hairline ? 2 : 6;
    const pipeline = style.hairline ? this.hairlinePipeline : this.pipeline;
    this.submitDraw(pass, src, i, perSegment * (vertices - 1) * paths, pipeline);
  }

  /**
   * Records run d.run's head markers (a disc at each trajectory's sample d.to) into `pass`. `slot`
   * (0 ≤ slot < HEAD_SLOTS) must differ between the head draws of one frame.
   */
  drawHeads(pass: GPURenderPassEncoder, src: PathSource, d: PathDraw, slot: number): void {
    if (src.historyLength < 1 || src.count < 1) return;
    if (d.run === 'exponential' && !src.schedule) return;
    if (!(slot >= 0 && slot < HEAD_SLOTS)) throw new RangeError(`heads slot ${slot} out of range`);
    // A head costs 6 vertices; beyond the budget only every trajStride-th trajectory gets one.
    const trajStride = Math.max(1, Math.ceil((6 * src.count) / this.vertexBudget));
    const u = HEAD_BASE + slot;
    const style = headStyle(d.run, d.lineWidth ?? 1, src.count);
    this.views[u].set({
      ...this.params(src, d, { first: d.to, stride: 1, vertices: 2 }, style),
      color: [...runColor(d.run, d.theme), style.alpha],
      traj_stride: trajStride,
      color_by: COLOR_INDEX[d.colorBy],
      highlight: -1,
    });
    this.submitDraw(pass, src, u, 6 * Math.ceil(src.count / trajStride), this.headsPipeline);
  }

  /**
   * Records trajectory `index` of run d.run alone, in HIGHLIGHT_COLOR and wider than any path, into `pass`
   * (after the other paths: it is drawn on top). `slot` (0 ≤ slot < HIGHLIGHT_SLOTS) must differ between
   * the highlight draws of one frame.
   */
  drawHighlight(pass: GPURenderPassEncoder, src: PathSource, d: PathDraw, index: number, slot: number): void {
    if (src.historyLength < 2 || d.to <= d.from || index < 0 || index >= src.count) return;
    if (d.run === 'exponential' && !src.schedule) return;
    if (!(slot >= 0 && slot < HIGHLIGHT_SLOTS)) throw new RangeError(`highlight slot ${slot} out of range`);
    const { first, stride, vertices } = drawnSamples(d.from, d.to, this.vertexBudget / 3);
    if (vertices < 2) return;
    const u = 3 + slot;
    this.views[u].set({
      ...this.params(src, d, { first, stride, vertices }, highlightStyle(d.lineWidth ?? 1)),
      color: [...HIGHLIGHT_COLOR, 1],
      traj_stride: 1,
      color_by: 0,
      highlight: index,
    });
    this.submitDraw(pass, src, u, 6 * (vertices - 1));
  }

  /** The uniform fields every draw of run d.run sets alike. */
  private params(
    src: PathSource,
    d: PathDraw,
    s: { first: number; stride: number; vertices: number },
    style: LineStyle,
  ) {
    return {
      width: style.width,
      outline: style.outline,
      period: style.period,
      outline_rgb: OUTLINE_RGB[d.theme ?? 'dark'],
      quads: style.hairline ? 0 : 1,
      oldest: oldestSample(src),
      scale: d.clip.scale,
      offset: d.clip.offset,
      viewport: d.viewport,
      count: src.count,
      slots: src.historyLength,
      first_sample: s.first,
      stride: s.stride,
      vertices: s.vertices,
      sample_every: src.sampleEvery,
      which: RUN_INDEX[d.run],
      pattern: PATTERN_INDEX[RUN_PATTERN[d.run]],
      polar: d.polar ? 1 : 0,
      newest: newestSample(src),
      log2_shift: d.log2Shift,
      end_step: src.endStep ?? src.step,
      basin_count: this.basinCount,
      log2_cap: LOG2_CAP,
    };
  }

  /** Uploads uniform buffer `u`'s view and records `vertexCount` vertices with its bind group. */
  private submitDraw(
    pass: GPURenderPassEncoder,
    src: PathSource,
    u: number,
    vertexCount: number,
    pipeline = this.pipeline,
  ): void {
    const groups = this.bind(src);
    this.device.queue.writeBuffer(this.uniforms[u], 0, this.views[u].arrayBuffer);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, groups[u]);
    pass.draw(vertexCount);
  }

  destroy(): void {
    for (const b of [...this.uniforms, this.basins, this.log2c]) b?.destroy();
  }
}
