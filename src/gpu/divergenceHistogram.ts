/**
 * Histogram of divergence steps over all trajectories, computed on the GPU (shaders/divergence_histogram.wgsl)
 * straight from the engine's metric buffer: only the bins come back to the CPU, never per-trajectory data.
 * Categories are exclusive (they sum to the trajectory count): diverged, by divergence step; never diverged;
 * overflowed without having diverged first.
 */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import histogramWgsl from '../../shaders/divergence_histogram.wgsl?raw';
import { type GpuContext, invocationsPerDispatch } from './device';
import { compileShaderModule, withErrorScopes } from './errors';
import { METRIC_STRUCT, structWgsl } from './layout';
import { metricsPassBindGroup, metricsPassLayout } from './metricsPass';
import { readBufferRange } from './readback';
import { createUniformSlotBuffer, slotOffset, writeUniformSlots } from './uniformSlots';

const WORKGROUP = 64;
/** The shader's per-workgroup table holds this many step bins. */
export const MAX_HISTOGRAM_BINS = 256;

export interface DivergenceHistogram {
  /** The steps binned: [0, maxStep]; a divergence step beyond it counts in the last bin. */
  maxStep: number;
  /** Steps per bin: bin k holds divergence steps in [k·binWidth, (k+1)·binWidth). */
  binWidth: number;
  /** Left edge (a step) of each bin. */
  edges: Float64Array;
  /** Trajectories that diverged, per bin (a later overflow does not move them). */
  counts: Uint32Array;
  notDiverged: number;
  /** Overflowed before diverging (their divergence is unknown). */
  overflowed: number;
  trajectories: number;
}

/** Integer steps per bin so that `bins` bins cover [0, maxStep]. */
export function histogramBinWidth(bins: number, maxStep: number): number {
  return Math.max(1, Math.ceil((Math.max(0, Math.floor(maxStep)) + 1) / bins));
}

export function divergenceHistogramShader(): string {
  return `${structWgsl(METRIC_STRUCT, 'f32')}\n${histogramWgsl}`;
}

export class DivergenceHistogramReducer {
  private constructor(
    private readonly ctx: GpuContext,
    readonly count: number,
    readonly bins: number,
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly counts: GPUBuffer,
    private readonly params: GPUBuffer,
    private readonly view: ReturnType<typeof makeStructuredView>,
    private readonly chunk: number,
  ) {}

  /** `metrics` is the engine's metric buffer of `count` trajectories. */
  static async create(
    ctx: GpuContext,
    metrics: GPUBuffer,
    count: number,
    bins = 64,
  ): Promise<DivergenceHistogramReducer> {
    if (!Number.isInteger(bins) || bins < 1 || bins > MAX_HISTOGRAM_BINS) {
      throw new RangeError(`divergence histogram: bins must be a whole number in [1, ${MAX_HISTOGRAM_BINS}]`);
    }
    const { device } = ctx;
    const code = divergenceHistogramShader();
    const module = await compileShaderModule(device, 'divergence histogram shader', code);
    const view = makeStructuredView(makeShaderDataDefinitions(code).uniforms.hp);
    const chunk = invocationsPerDispatch(ctx, WORKGROUP);
    const dispatches = Math.max(1, Math.ceil(count / chunk));
    return withErrorScopes(device, 'divergence histogram setup', async () => {
      const layout = metricsPassLayout(device, 'divergence histogram', 1);
      const pipeline = await device.createComputePipelineAsync({
        label: 'divergence histogram pipeline',
        layout: device.createPipelineLayout({
          label: 'divergence histogram pipeline layout',
          bindGroupLayouts: [layout],
        }),
        compute: { module, entryPoint: 'divergence_histogram' },
      });
      const params = createUniformSlotBuffer(
        device,
        `divergence histogram params (${dispatches} dispatches)`,
        dispatches,
      );
      const counts = device.createBuffer({
        label: `divergence histogram counts (${bins} + 2 bins)`,
        size: (bins + 2) * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      const bindGroup = metricsPassBindGroup(device, 'divergence histogram', layout, params, metrics, [
        counts,
      ]);
      return new DivergenceHistogramReducer(
        ctx,
        count,
        bins,
        pipeline,
        bindGroup,
        counts,
        params,
        view,
        chunk,
      );
    });
  }

  /**
   * Writes this call's params and encodes the histogram into the counts buffer. The params are written
   * through the queue at once: submit `encoder` before the next encode().
   */
  encode(encoder: GPUCommandEncoder, maxStep: number): number {
    const binWidth = histogramBinWidth(this.bins, maxStep);
    const slots: ArrayBuffer[] = [];
    for (let offset = 0; offset < this.count; offset += this.chunk) {
      const invocations = Math.min(this.chunk, this.count - offset);
      this.view.set({ count: this.count, offset, invocations, bins: this.bins, bin_width: binWidth });
      slots.push(this.view.arrayBuffer.slice(0));
    }
    writeUniformSlots(this.ctx.device, this.params, slots);
    encoder.clearBuffer(this.counts);
    const pass = encoder.beginComputePass({ label: 'divergence histogram' });
    pass.setPipeline(this.pipeline);
    slots.forEach((_, k) => {
      const invocations = Math.min(this.chunk, this.count - k * this.chunk);
      pass.setBindGroup(0, this.bindGroup, [slotOffset(k)]);
      pass.dispatchWorkgroups(Math.ceil(invocations / WORKGROUP));
    });
    pass.end();
    return binWidth;
  }

  /** Bins the current metrics over [0, maxStep] and reads back the (bins + 2) counts. */
  async compute(maxStep: number): Promise<DivergenceHistogram> {
    let binWidth = 0;
    const bytes = await readBufferRange(this.ctx.device, this.counts, (this.bins + 2) * 4, {
      label: 'divergence histogram readback',
      encode: (encoder) => {
        binWidth = this.encode(encoder, maxStep);
      },
    });
    const all = new Uint32Array(bytes);
    const edges = new Float64Array(this.bins);
    for (let k = 0; k < this.bins; k++) edges[k] = k * binWidth;
    return {
      maxStep: Math.max(0, Math.floor(maxStep)),
      binWidth,
      edges,
      counts: all.slice(0, this.bins),
      notDiverged: all[this.bins],
      overflowed: all[this.bins + 1],
      trajectories: this.count,
    };
  }

  destroy(): void {
    this.counts.destroy();
    this.params.destroy();
  }
}
