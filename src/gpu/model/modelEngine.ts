/**
 * The model engine: many trajectories of a batch-normalised model (both runs each) stepped by
 * shaders/model_step.wgsl (an invocation per trajectory) or shaders/model_step_wg.wgsl (a workgroup per
 * trajectory), in f32 or df64. Owns the data, vector, trajectory, scratch and rate buffers; snapshots come
 * back at the steps asked for. The f32 kernel is the float32 ModelIntegrator's twin (crossing off). Its
 * parts: modelPipeline.ts (setup, pipeline), modelLimits.ts (limits, sizes), modelParams.ts (per-dispatch
 * uniforms), modelInitialState.ts (step 0), modelSnapshot.ts (read-back decoding).
 */
import type { NumericsConfig } from '../../core/config/types';
import { LEGACY_NUMERICS } from '../../core/integratorState';
import type { GpuContext } from '../device';
import { type DispatchSpec, planDispatches } from '../dispatchPlan';
import { withErrorScopes } from '../errors';
import { createStaging, readStaging } from '../readback';
import { createUniformSlotBuffer, slotOffset, slottedUniformEntry, writeUniformSlots } from '../uniformSlots';
import { initialModelState, modelData, modelRateTable } from './modelInitialState';
import { modelRateLayout, scratchRows, VEC_KIND } from './modelLayout';
import { dataReals, type ModelSizes, planModelSizes } from './modelLimits';
import { ModelDispatchParams } from './modelParams';
import { type ModelEngineSetup, modelPipeline, modelWorkgroupSize } from './modelPipeline';
import {
  decodeModelSnapshot,
  type ModelSnapshot,
  type ModelSnapshotShape,
  modelSnapshotBytes,
  vecBlockBytes,
} from './modelSnapshot';

export { checkModelLimits, ModelLimitError } from './modelLimits';
export { tan2Parts } from './modelParams';
export { type ModelEngineSetup, modelPipeline, modelWorkgroupSize } from './modelPipeline';
export type { ModelSnapshot } from './modelSnapshot';

const MAX_STAGING_BYTES = 64 * 1024 * 1024;
/**
 * Work of one dispatch, in trajectory·point·parameter steps (a step takes two gradients of ~6·n·P
 * operations each, ~10^10 operations in all): well under a second on a hardware GPU (watchdogs allow ~2 s);
 * SwiftShader, which has none, takes about a minute for it.
 */
const DISPATCH_WORK = 2 ** 30;

export class ModelEngine {
  readonly count: number;
  readonly P: number;
  readonly numerics: NumericsConfig;
  private t = 0;
  private readonly params: ModelDispatchParams;
  private readonly shape: ModelSnapshotShape;
  private paramsBuffer: GPUBuffer;
  private paramSlots = 16;
  private bindGroup: GPUBindGroup;
  private readonly label: string;

  private constructor(
    readonly ctx: GpuContext,
    readonly setup: ModelEngineSetup,
    private readonly pipeline: GPUComputePipeline,
    private readonly data: GPUBuffer,
    readonly vecs: GPUBuffer,
    readonly trajs: GPUBuffer,
    private readonly scratch: GPUBuffer,
    private readonly rates: GPUBuffer,
    private readonly sizes: ModelSizes,
  ) {
    this.count = sizes.count;
    this.P = sizes.P;
    this.numerics = { ...LEGACY_NUMERICS, ...setup.numerics };
    this.label = `model-${setup.precision}-${setup.layout}`;
    this.params = new ModelDispatchParams(setup, this.count, sizes.perDispatch, this.numerics);
    this.shape = { precision: setup.precision, layout: setup.layout, count: this.count, P: this.P };
    this.paramsBuffer = this.createParamsBuffer(this.paramSlots);
    this.bindGroup = this.createBindGroup();
  }

  /** Checks the limits, compiles (or reuses) the kernel, allocates and fills the buffers (step 0). */
  static async create(ctx: GpuContext, given: ModelEngineSetup): Promise<ModelEngine> {
    const setup = { ...given, workgroupSize: modelWorkgroupSize(ctx, given) };
    const { device } = ctx;
    const sizes = planModelSizes(ctx, setup);
    const pipeline = await modelPipeline(ctx, setup);
    const label = `model-${setup.precision}-${setup.layout}`;
    return withErrorScopes(device, `${label} setup`, () => {
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const mk = (what: string, size: number) =>
        device.createBuffer({
          label: `${label} ${what}`,
          size: Math.max(16, Math.ceil(size / 4) * 4),
          usage: storage,
        });
      const { model } = setup;
      const words = sizes.words;
      const slotReals = scratchRows(setup.layout, model.hidden) * model.n;
      const engine = new ModelEngine(
        ctx,
        setup,
        pipeline,
        mk('data', dataReals(model) * words * 4),
        mk('vectors', sizes.vecBytes),
        mk('trajectories', sizes.trajBytes),
        mk('scratch', sizes.perDispatch * slotReals * words * 4),
        mk('closed-form rates', sizes.rateCount * modelRateLayout(setup.precision).size),
        sizes,
      );
      engine.reset();
      return engine;
    });
  }

  /** Current step of every trajectory. */
  get step(): number {
    return this.t;
  }

  private createParamsBuffer(slots: number): GPUBuffer {
    return createUniformSlotBuffer(this.ctx.device, `${this.label} params (${slots} slots)`, slots);
  }

  private createBindGroup(): GPUBindGroup {
    return this.ctx.device.createBindGroup({
      label: `${this.label} bind group`,
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        slottedUniformEntry(0, this.paramsBuffer),
        { binding: 1, resource: { buffer: this.data } },
        { binding: 2, resource: { buffer: this.vecs } },
        { binding: 3, resource: { buffer: this.trajs } },
        { binding: 4, resource: { buffer: this.scratch } },
        { binding: 5, resource: { buffer: this.rates } },
      ],
    });
  }

  /** Data, rate table and the state at step 0 (w̃_0 = w_0, ṽ_0 = bufferInit·w_0, η̃_0). */
  reset(): void {
    const { precision: p, model, schedule, points, layout } = this.setup;
    const q = this.ctx.device.queue;
    q.writeBuffer(this.data, 0, modelData(p, model));
    const state = initialModelState(p, layout, schedule, points, this.P);
    q.writeBuffer(this.vecs, 0, state.vecs);
    q.writeBuffer(this.trajs, 0, state.trajs);
    const closedForm = this.numerics.lrMode === 'closedForm';
    q.writeBuffer(this.rates, 0, modelRateTable(p, schedule, this.sizes.rateCount, closedForm));
    this.t = 0;
  }

  private maxSteps(): number {
    if (this.setup.maxStepsPerDispatch !== undefined) return this.setup.maxStepsPerDispatch;
    const work = this.sizes.perDispatch * this.setup.model.n * this.P;
    return Math.max(1, Math.min(1024, Math.floor(DISPATCH_WORK / work)));
  }

  private plan(t0: number, steps: number): DispatchSpec[] {
    return planDispatches({
      t0,
      steps,
      phaseStarts: this.setup.schedule.phases.map((ph) => ph.start),
      count: this.count,
      maxSteps: this.maxSteps(),
      maxInvocations: this.sizes.perDispatch,
    });
  }

  private encodeAdvance(encoder: GPUCommandEncoder, steps: number, slots: ArrayBuffer[]): void {
    const wg = this.setup.workgroupSize!;
    for (const d of this.plan(this.t, steps)) {
      const slot = slots.length;
      slots.push(this.params.encode(d));
      const pass = encoder.beginComputePass({
        label: `${this.label} steps ${d.t0}+${d.steps} from ${d.offset}`,
      });
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, this.bindGroup, [slotOffset(slot)]);
      // 'workgroup': one workgroup per trajectory.
      pass.dispatchWorkgroups(
        this.setup.layout === 'invocation' ? Math.ceil(d.invocations / wg) : d.invocations,
      );
      pass.end();
    }
    this.t += steps;
  }

  private ensureSlots(n: number): void {
    if (n <= this.paramSlots) return;
    this.paramsBuffer.destroy();
    this.paramSlots = 2 ** Math.ceil(Math.log2(n));
    this.paramsBuffer = this.createParamsBuffer(this.paramSlots);
    this.bindGroup = this.createBindGroup();
  }

  /** Dispatches from the current step through each of `targets`, checked. */
  private dispatchCount(targets: number[]): number {
    let t = this.t;
    let n = 0;
    for (const target of targets) {
      if (target < t) throw new RangeError(`cannot go back to step ${target}: the engine is at step ${t}`);
      if (this.numerics.lrMode === 'closedForm' && target > this.setup.steps) {
        throw new RangeError(
          `step ${target} is beyond the closed-form rate table (${this.setup.steps} steps)`,
        );
      }
      n += this.plan(t, target - t).length;
      t = target;
    }
    return n;
  }

  /**
   * Advances to each of `atSteps` (ascending, ≥ the current step) and reads the state back there, many
   * snapshots per submit and map. `full`: the buffers too (tests).
   */
  async capture(
    atSteps: number[],
    options: { full?: boolean; onSnapshot?: (s: ModelSnapshot) => void } = {},
  ): Promise<ModelSnapshot[]> {
    const full = options.full === true;
    const per = modelSnapshotBytes(this.shape, full);
    const batch = Math.max(1, Math.min(256, Math.floor(MAX_STAGING_BYTES / per)));
    const block = vecBlockBytes(this.shape);
    const kinds = full
      ? [VEC_KIND.wdW, VEC_KIND.exW, VEC_KIND.wdV, VEC_KIND.exV]
      : [VEC_KIND.wdW, VEC_KIND.exW];
    const trajBytes = this.sizes.trajBytes;
    const kept: ModelSnapshot[] = [];
    for (let start = 0; start < atSteps.length; start += batch) {
      const group = atSteps.slice(start, start + batch);
      this.ensureSlots(this.dispatchCount(group));
      const device = this.ctx.device;
      const staging = createStaging(
        device,
        `${this.label} readback (${group.length} snapshots)`,
        group.length * per,
      );
      const encoder = device.createCommandEncoder({ label: `${this.label} encoder` });
      const slots: ArrayBuffer[] = [];
      group.forEach((target, j) => {
        this.encodeAdvance(encoder, target - this.t, slots);
        encoder.copyBufferToBuffer(this.trajs, 0, staging, j * per, trajBytes);
        kinds.forEach((kind, m) => {
          encoder.copyBufferToBuffer(
            this.vecs,
            kind * block,
            staging,
            j * per + trajBytes + m * block,
            block,
          );
        });
      });
      writeUniformSlots(device, this.paramsBuffer, slots);
      device.queue.submit([encoder.finish({ label: `${this.label} commands` })]);
      const bytes = await readStaging(staging);
      group.forEach((target, j) => {
        const snap = decodeModelSnapshot(this.shape, bytes, j * per, target, full);
        if (options.onSnapshot) options.onSnapshot(snap);
        else kept.push(snap);
      });
    }
    return kept;
  }

  destroy(): void {
    for (const b of [this.data, this.vecs, this.trajs, this.scratch, this.rates, this.paramsBuffer])
      b.destroy();
  }
}
