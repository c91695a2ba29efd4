/**
 * The density view's binning (shaders/density_bin.wgsl): the positions in the engine's history ring, mapped
 * as the paths map them, counted per cell of a grid over the pane with atomics, one layer per run shown.
 * Section 0 counts the newest sample (the current positions) and keeps each layer's largest count; section
 * 1 (trails) counts the samples added since the last frame. Cleared and refilled every frame, in chunks of
 * at most `maxInvocations` trajectories per dispatch (software GPUs crash on long dispatches).
 */
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';
import binWgsl from '../../shaders/density_bin.wgsl?raw';
import { log2ProjectionFactor } from '../core/schedule';
import { compileShaderModule } from '../gpu/errors';
import type { PathSource } from '../gpu/pathSource';
import {
  createUniformSlotBuffer,
  slotOffset,
  slottedUniformEntry,
  slottedUniformLayoutEntry,
  writeUniformSlots,
} from '../gpu/uniformSlots';
import { RUN_INDEX, type RunName } from './paths';
import { LOG2_CAP } from './rawRun';

/** Runs one frame can bin (the plane's three and the side-by-side view's zooming pane). */
export const MAX_DENSITY_LAYERS = 4;
/** Most trail samples binned per frame (beyond it every stride-th, the newest always). */
export const MAX_TRAIL_SAMPLES = 32;
const WORKGROUP = 64;

/** One run binned: which run, and log2 of its pane's zoom (0 but in the side-by-side view's right pane). */
export interface DensityLayer {
  run: RunName;
  shift: number;
}

/** Trail samples first, first + stride, … (n of them). */
export interface TrailSamples {
  first: number;
  stride: number;
  n: number;
}

export interface BinFrame {
  source: PathSource;
  clip: { scale: [number, number]; offset: [number, number] };
  /** Cells across and down one pane. */
  grid: [number, number];
  polar: boolean;
  layers: readonly DensityLayer[];
  trail: TrailSamples | null;
}

/** The samples added since `previous` (null: none before), at most MAX_TRAIL_SAMPLES of them, newest last. */
export function trailSamples(previous: number | null, oldest: number, newest: number): TrailSamples {
  const from = previous === null ? newest : Math.max(previous + 1, oldest);
  if (from > newest) return { first: newest, stride: 1, n: 0 };
  const span = newest - from + 1;
  const stride = Math.ceil(span / MAX_TRAIL_SAMPLES);
  const n = Math.floor((span - 1) / stride) + 1;
  return { first: newest - (n - 1) * stride, stride, n };
}

/** The binning kernel's source (tests may pass a changed one to DensityBinner.create). */
export function densityBinCode(): string {
  return binWgsl;
}

export class DensityBinner {
  private readonly params: StructuredView;
  private readonly paramsBuffer: GPUBuffer;
  private readonly layout: GPUBindGroupLayout;
  private chunkBuffer: GPUBuffer | null = null;
  private chunkSlots = 0;
  private countBuffer: GPUBuffer;
  private readonly maximaBuffer: GPUBuffer;
  private group: GPUBindGroup | null = null;
  private boundTo: { ring: GPUBuffer; counts: GPUBuffer; chunks: GPUBuffer } | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly maxInvocations: number,
    code: string,
  ) {
    this.params = makeStructuredView(makeShaderDataDefinitions(code).uniforms.dp);
    this.paramsBuffer = device.createBuffer({
      label: 'density params',
      size: this.params.arrayBuffer.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.layout = pipeline.getBindGroupLayout(0);
    this.countBuffer = this.makeCounts(4);
    this.maximaBuffer = device.createBuffer({
      label: `density maxima (${MAX_DENSITY_LAYERS})`,
      size: 4 * MAX_DENSITY_LAYERS,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
  }

  static async create(
    device: GPUDevice,
    maxInvocations: number,
    code = densityBinCode(),
  ): Promise<DensityBinner> {
    const module = await compileShaderModule(device, 'density binning shader', code);
    const layout = device.createBindGroupLayout({
      label: 'density binning bind group layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        slottedUniformLayoutEntry(1),
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    });
    const pipeline = await device.createComputePipelineAsync({
      label: 'density binning pipeline',
      layout: device.createPipelineLayout({
        label: 'density binning pipeline layout',
        bindGroupLayouts: [layout],
      }),
      compute: { module, entryPoint: 'density_bin' },
    });
    const per = Math.max(WORKGROUP, Math.floor(maxInvocations / WORKGROUP) * WORKGROUP);
    return new DensityBinner(device, pipeline, per, code);
  }

  /** Counts: u32 per cell, [section][layer][row][column], row 0 at the top of the pane. */
  get counts(): GPUBuffer {
    return this.countBuffer;
  }

  /** Largest count of each layer of section 0 (u32 × MAX_DENSITY_LAYERS). */
  get maxima(): GPUBuffer {
    return this.maximaBuffer;
  }

  private makeCounts(bytes: number): GPUBuffer {
    return this.device.createBuffer({
      label: `density counts (${bytes} bytes)`,
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
  }

  /** Clears the counts and records the binning of `f` into `encoder`; returns whether it grew the counts. */
  encode(encoder: GPUCommandEncoder, f: BinFrame): boolean {
    const { source, grid } = f;
    const layers = f.layers.slice(0, MAX_DENSITY_LAYERS);
    const cells = grid[0] * grid[1];
    const sections = f.trail && f.trail.n > 0 ? 2 : 1;
    const bytes = Math.max(4, 4 * cells * layers.length * sections);
    let grew = false;
    if (bytes > this.countBuffer.size) {
      this.countBuffer.destroy();
      this.countBuffer = this.makeCounts(bytes);
      grew = true;
    }
    encoder.clearBuffer(this.countBuffer, 0, bytes);
    encoder.clearBuffer(this.maximaBuffer);
    if (layers.length === 0 || cells === 0 || source.count === 0 || source.historyLength < 1) return grew;

    const newest = Math.floor(source.step / source.sampleEvery);
    const log2c = (k: number) =>
      source.schedule ? log2ProjectionFactor(source.schedule, k * source.sampleEvery) : 0;
    const trail = f.trail ?? { first: newest, stride: 1, n: 0 };
    const trailLog2c = new Float32Array(MAX_TRAIL_SAMPLES);
    for (let j = 0; j < Math.min(trail.n, MAX_TRAIL_SAMPLES); j++)
      trailLog2c[j] = log2c(trail.first + j * trail.stride);
    const pad = <T>(xs: T[], fill: T) => [...xs, ...Array(MAX_DENSITY_LAYERS - xs.length).fill(fill)];
    this.params.set({
      scale: f.clip.scale,
      offset: f.clip.offset,
      grid,
      count: source.count,
      slots: source.historyLength,
      newest,
      layers: layers.length,
      polar: f.polar ? 1 : 0,
      trail_n: Math.min(trail.n, MAX_TRAIL_SAMPLES),
      trail_first: trail.first,
      trail_stride: trail.stride,
      log2_cap: LOG2_CAP,
      newest_log2c: log2c(newest),
      layer_which: pad(
        layers.map((l) => RUN_INDEX[l.run]),
        0,
      ),
      layer_shift: pad(
        layers.map((l) => l.shift),
        0,
      ),
      trail_log2c: trailLog2c,
    });
    this.device.queue.writeBuffer(this.paramsBuffer, 0, this.params.arrayBuffer);

    const chunks = Math.ceil(source.count / this.maxInvocations);
    const slots: ArrayBuffer[] = [];
    for (let c = 0; c < chunks; c++) {
      const offset = c * this.maxInvocations;
      slots.push(new Uint32Array([offset, Math.min(this.maxInvocations, source.count - offset)]).buffer);
    }
    const group = this.bind(source.history, chunks);
    writeUniformSlots(this.device, this.chunkBuffer!, slots);
    const pass = encoder.beginComputePass({ label: 'density binning pass' });
    pass.setPipeline(this.pipeline);
    for (let c = 0; c < chunks; c++) {
      const n = Math.min(this.maxInvocations, source.count - c * this.maxInvocations);
      pass.setBindGroup(0, group, [slotOffset(c)]);
      pass.dispatchWorkgroups(Math.ceil(n / WORKGROUP));
    }
    pass.end();
    return grew;
  }

  private bind(ring: GPUBuffer, chunks: number): GPUBindGroup {
    if (!this.chunkBuffer || chunks > this.chunkSlots) {
      this.chunkBuffer?.destroy();
      this.chunkSlots = Math.max(chunks, 8);
      this.chunkBuffer = createUniformSlotBuffer(
        this.device,
        `density chunks (${this.chunkSlots} slots)`,
        this.chunkSlots,
      );
    }
    const b = this.boundTo;
    if (this.group && b?.ring === ring && b.counts === this.countBuffer && b.chunks === this.chunkBuffer)
      return this.group;
    this.group = this.device.createBindGroup({
      label: 'density binning bind group',
      layout: this.layout,
      entries: [
        { binding: 0, resource: { buffer: this.paramsBuffer } },
        slottedUniformEntry(1, this.chunkBuffer),
        { binding: 2, resource: { buffer: ring } },
        { binding: 3, resource: { buffer: this.countBuffer } },
        { binding: 4, resource: { buffer: this.maximaBuffer } },
      ],
    });
    this.boundTo = { ring, counts: this.countBuffer, chunks: this.chunkBuffer };
    return this.group;
  }

  destroy(): void {
    for (const b of [this.paramsBuffer, this.chunkBuffer, this.countBuffer, this.maximaBuffer]) b?.destroy();
  }
}
