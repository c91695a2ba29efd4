/**
 * Trajectory paths drawn from the engine's history ring with no CPU copy: the vertex shader
 * (shaders/render_paths.wgsl) reads the ring and the metrics as storage buffers. Each run is one
 * non-instanced line-list draw, each trajectory's segments oldest to newest (SwiftShader runs every
 * instance as a separate draw: instancing 4096 strips cost ~0.6 s a frame). Two draws: the weight-decay
 * run solid, the projected exponential run in another colour and dashed (every other segment).
 * A vertex budget caps the work per frame: beyond it every `stride`-th sample is drawn (the newest
 * always), and beyond two vertices per path only every `trajStride`-th trajectory.
 */
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';
import pathsWgsl from '../../shaders/render_paths.wgsl?raw';
import { compileShaderModule } from '../gpu/errors';
import { METRIC_STRUCT, structWgsl } from '../gpu/layout';

/** What the paths are drawn from: an engine's buffers and how its ring is filled. */
export interface PathSource {
  history: GPUBuffer;
  metrics: GPUBuffer;
  count: number;
  historyLength: number;
  sampleEvery: number;
  /** Current step of the engine. */
  step: number;
  /** Changes when the engine is reset (paths drawn before are then stale). */
  generation: number;
}

export interface PathStyle {
  color: [number, number, number, number];
  dash: number;
}

const WD_COLOR: [number, number, number] = [1, 1, 1];
const EX_COLOR: [number, number, number] = [1, 0.42, 0.1];

/** Line opacity for `count` overlapping trajectories: opaque for a few, faint for thousands. */
export function pathAlpha(count: number): number {
  return Math.min(1, Math.max(0.06, 6 / Math.sqrt(count)));
}

/** Index of the newest sample in the ring at `step` (sample k was taken at step k·sampleEvery). */
export function newestSample(src: PathSource): number {
  return Math.floor(src.step / src.sampleEvery);
}

/** Oldest sample still in the ring at `step`. */
export function oldestSample(src: PathSource): number {
  return Math.max(0, newestSample(src) - src.historyLength + 1);
}

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
  private readonly views: [StructuredView, StructuredView];
  private readonly uniforms: [GPUBuffer, GPUBuffer];
  private groups: [GPUBindGroup, GPUBindGroup] | null = null;
  private boundTo: { history: GPUBuffer; metrics: GPUBuffer } | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPURenderPipeline,
    /** Most vertices per run and frame, over all trajectories. */
    private readonly vertexBudget: number,
  ) {
    const defs = makeShaderDataDefinitions(pathsWgsl).uniforms.path_params;
    this.views = [makeStructuredView(defs), makeStructuredView(defs)];
    this.uniforms = (['weight-decay', 'exponential'] as const).map((run) =>
      device.createBuffer({
        label: `paths params (${run} run)`,
        size: this.views[0].arrayBuffer.byteLength,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
    ) as [GPUBuffer, GPUBuffer];
  }

  static async create(
    device: GPUDevice,
    format: GPUTextureFormat,
    vertexBudget: number,
  ): Promise<PathRenderer> {
    const code = `${structWgsl(METRIC_STRUCT, 'f32')}\n${pathsWgsl}`;
    const module = await compileShaderModule(device, 'paths shader', code);
    const layout = device.createBindGroupLayout({
      label: 'paths bind group layout',
      entries: [
        {
          binding: 0,
          visibility: GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT,
          buffer: { type: 'uniform' },
        },
        { binding: 1, visibility: GPUShaderStage.VERTEX, buffer: { type: 'read-only-storage' } },
        { binding: 2, visibility: GPUShaderStage.VERTEX, buffer: { type: 'read-only-storage' } },
      ],
    });
    const pipeline = await device.createRenderPipelineAsync({
      label: 'paths pipeline',
      layout: device.createPipelineLayout({ label: 'paths pipeline layout', bindGroupLayouts: [layout] }),
      vertex: { module, entryPoint: 'paths_vs' },
      fragment: {
        module,
        entryPoint: 'paths_fs',
        targets: [
          {
            format,
            blend: {
              color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
              alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
            },
          },
        ],
      },
      primitive: { topology: 'line-list' },
    });
    return new PathRenderer(device, pipeline, vertexBudget);
  }

  private bind(src: PathSource): [GPUBindGroup, GPUBindGroup] {
    if (this.groups && this.boundTo?.history === src.history && this.boundTo.metrics === src.metrics) {
      return this.groups;
    }
    const make = (i: 0 | 1) =>
      this.device.createBindGroup({
        label: `paths bind group (${i === 0 ? 'weight-decay' : 'exponential'} run)`,
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniforms[i] } },
          { binding: 1, resource: { buffer: src.history } },
          { binding: 2, resource: { buffer: src.metrics } },
        ],
      });
    this.groups = [make(0), make(1)];
    this.boundTo = { history: src.history, metrics: src.metrics };
    return this.groups;
  }

  /**
   * Writes the parameters and records both runs' draws of the segments between samples `from` and `to`
   * (both still in the ring) into `pass`. One call per frame: the parameters live in one buffer per run.
   */
  draw(
    pass: GPURenderPassEncoder,
    src: PathSource,
    clip: { scale: [number, number]; offset: [number, number] },
    from: number,
    to: number,
  ): void {
    if (src.historyLength < 2 || to <= from) return;
    // Beyond the budget even at 2 vertices per path, only every trajStride-th trajectory is drawn.
    const trajStride = Math.max(1, Math.ceil((2 * src.count) / this.vertexBudget));
    const paths = Math.ceil(src.count / trajStride);
    const { first, stride, vertices } = drawnSamples(from, to, this.vertexBudget / paths);
    if (vertices < 2) return;
    const groups = this.bind(src);
    const alpha = pathAlpha(src.count);
    const styles: PathStyle[] = [
      { color: [...WD_COLOR, alpha], dash: 0 },
      { color: [...EX_COLOR, 0.8 * alpha], dash: 2 },
    ];
    pass.setPipeline(this.pipeline);
    for (const i of [0, 1] as const) {
      this.views[i].set({
        scale: clip.scale,
        offset: clip.offset,
        color: styles[i].color,
        count: src.count,
        slots: src.historyLength,
        first_sample: first,
        stride,
        vertices,
        traj_stride: trajStride,
        sample_every: src.sampleEvery,
        which: i,
        dash: styles[i].dash,
      });
      this.device.queue.writeBuffer(this.uniforms[i], 0, this.views[i].arrayBuffer);
      pass.setBindGroup(0, groups[i]);
      pass.draw(2 * (vertices - 1) * paths);
    }
  }

  destroy(): void {
    for (const b of this.uniforms) b.destroy();
  }
}
