/**
 * Drift summaries over all trajectories computed on the GPU (shaders/reduce.wgsl): exact nearest-rank
 * median and 95th percentile of the angle gap, its max, the diverged/overflowed counts and how many
 * weight-decay and exponential runs sit absorbed at an exact stationary point. Only 40 bytes come back per
 * call, so charts never read every trajectory.
 */

import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import reduceWgsl from '../../shaders/reduce.wgsl?raw';
import type { GapSummary } from '../core/drift';
import type { AbsorbedCounts } from '../core/run/summary';
import { type GpuContext, invocationsPerDispatch } from './device';
import { compileShaderModule, withErrorScopes } from './errors';
import { METRIC_STRUCT, structWgsl } from './layout';
import { metricsPassBindGroup, metricsPassLayout } from './metricsPass';
import { readBufferRange } from './readback';
import { createUniformSlotBuffer, slotOffset, writeUniformSlots } from './uniformSlots';

/** The gap summary and the absorbed runs at the engine's current step. */
export interface DriftSummary extends GapSummary {
  absorbed: AbsorbedCounts;
}

export function reduceShader(): string {
  return `${structWgsl(METRIC_STRUCT, 'f32')}\n${reduceWgsl}`;
}

export class GapReducer {
  private constructor(
    private readonly ctx: GpuContext,
    private readonly count: number,
    private readonly histPipeline: GPUComputePipeline,
    private readonly selectPipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly hist: GPUBuffer,
    private readonly state: GPUBuffer,
    private readonly params: GPUBuffer,
    private readonly histDispatches: { slot: number; invocations: number }[][],
    private readonly stateLayout: { size: number; offsets: Record<string, number> },
  ) {}

  /**
   * `metrics` is the engine's metric buffer of `count` trajectories. `code` replaces the shader in tests
   * only, to show that a broken reduction is caught.
   */
  static async create(
    ctx: GpuContext,
    metrics: GPUBuffer,
    count: number,
    code: string = reduceShader(),
  ): Promise<GapReducer> {
    const { device } = ctx;
    const module = await compileShaderModule(device, 'gap reduction shader', code);
    const defs = makeShaderDataDefinitions(code);
    const stateDef = defs.storages.rstate.typeDefinition as unknown as {
      size: number;
      fields: Record<string, { offset: number }>;
    };
    const stateLayout = {
      size: stateDef.size,
      offsets: Object.fromEntries(Object.entries(stateDef.fields).map(([k, f]) => [k, f.offset])),
    };
    return withErrorScopes(device, 'gap reduction setup', async () => {
      const layout = metricsPassLayout(device, 'gap reduction', 2);
      const pipelineLayout = device.createPipelineLayout({
        label: 'gap reduction layout',
        bindGroupLayouts: [layout],
      });
      const mk = (entryPoint: string) =>
        device.createComputePipelineAsync({
          label: `gap ${entryPoint}`,
          layout: pipelineLayout,
          compute: { module, entryPoint },
        });
      const [histPipeline, selectPipeline] = await Promise.all([mk('reduce_histogram'), mk('reduce_select')]);
      // One uniform slot per (level, chunk) for the histogram passes and one per level for the selection.
      const chunk = invocationsPerDispatch(ctx, 64);
      const view = makeStructuredView(defs.uniforms.rp);
      const slots: ArrayBuffer[] = [];
      const histDispatches: { slot: number; invocations: number }[][] = [];
      for (let level = 0; level < 3; level++) {
        const list: { slot: number; invocations: number }[] = [];
        for (let offset = 0; offset < count; offset += chunk) {
          const invocations = Math.min(chunk, count - offset);
          view.set({ count, offset, invocations, level });
          list.push({ slot: slots.length, invocations });
          slots.push(view.arrayBuffer.slice(0));
        }
        histDispatches.push(list);
      }
      for (let level = 0; level < 3; level++) {
        view.set({ count, offset: 0, invocations: 1, level });
        slots.push(view.arrayBuffer.slice(0));
      }
      const params = createUniformSlotBuffer(device, 'gap reduction params', slots.length);
      writeUniformSlots(device, params, slots);
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const hist = device.createBuffer({ label: 'gap reduction histogram', size: 4096 * 4, usage: storage });
      const state = device.createBuffer({
        label: 'gap reduction state',
        size: stateLayout.size,
        usage: storage,
      });
      const bindGroup = metricsPassBindGroup(device, 'gap reduction', layout, params, metrics, [hist, state]);
      return new GapReducer(
        ctx,
        count,
        histPipeline,
        selectPipeline,
        bindGroup,
        hist,
        state,
        params,
        histDispatches,
        stateLayout,
      );
    });
  }

  /** Encodes the reduction; the result lands in the state buffer (see read()). */
  encode(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.hist);
    encoder.clearBuffer(this.state);
    const selectSlot0 = this.histDispatches.reduce((s, l) => s + l.length, 0);
    const pass = encoder.beginComputePass({ label: 'gap reduction' });
    for (let level = 0; level < 3; level++) {
      pass.setPipeline(this.histPipeline);
      for (const d of this.histDispatches[level]) {
        pass.setBindGroup(0, this.bindGroup, [slotOffset(d.slot)]);
        pass.dispatchWorkgroups(Math.ceil(d.invocations / 64));
      }
      pass.setPipeline(this.selectPipeline);
      pass.setBindGroup(0, this.bindGroup, [slotOffset(selectSlot0 + level)]);
      pass.dispatchWorkgroups(1);
    }
    pass.end();
  }

  /** Runs the reduction over the current metrics and reads back the summary. */
  async summarize(): Promise<DriftSummary> {
    const bytes = await readBufferRange(this.ctx.device, this.state, this.stateLayout.size, {
      label: 'gap reduction readback',
      encode: (encoder) => this.encode(encoder),
    });
    const v = new DataView(bytes);
    const o = this.stateLayout.offsets;
    const u = (off: number) => v.getUint32(off, true);
    const f = (off: number) => v.getFloat32(off, true);
    const valid = u(o.valid);
    const nan = Number.NaN;
    return {
      trajectories: this.count,
      diverged: u(o.diverged),
      overflowed: u(o.overflowed),
      absorbed: { wd: u(o.wd_absorbed), exp: u(o.exp_absorbed) },
      angleGap: {
        median: valid === 0 ? nan : f(o.prefix),
        p95: valid === 0 ? nan : f(o.prefix + 4),
        max: valid === 0 ? nan : f(o.max_key),
      },
    };
  }

  destroy(): void {
    for (const b of [this.hist, this.state, this.params]) b.destroy();
  }
}
