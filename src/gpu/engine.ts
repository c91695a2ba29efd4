/**
 * The trajectory engine: both runs of many trajectories integrated by shaders/trajectory.wgsl in f32 or
 * df64. Owns the state, metric and path-history buffers; the renderer and the reductions read them
 * directly, and only small results come back to the CPU. Its parts: engineSetup.ts (setup, per-dispatch
 * params), enginePipeline.ts (kernel and pipeline), engineInitialState.ts (step 0), engineSnapshot.ts
 * (read-back decoding).
 */
import type { NumericsConfig } from '../core/config/types';
import { LEGACY_NUMERICS } from '../core/integrator';
import { type GpuContext, invocationsPerDispatch } from './device';
import { planDispatches } from './dispatchPlan';
import { initialMetrics, initialTrajectories } from './engineInitialState';
import { compileTrajectoryKernel, createTrajectoryPipeline, DEFAULT_WORKGROUP_SIZE } from './enginePipeline';
import { DispatchParams, type EngineSetup } from './engineSetup';
import { decodeSnapshot, type EngineSnapshot, type SnapshotShape, snapshotBytes } from './engineSnapshot';
import { withErrorScopes } from './errors';
import {
  type GpuPrecision,
  METRIC_STRUCT,
  ringBytes,
  stateFormat,
  structLayout,
  TRAJECTORY_STRUCT,
} from './layout';
import { checkBatchLimits } from './limits';
import { createStaging, readStaging } from './readback';
import { GapReducer } from './reduce';
import { createUniformSlotBuffer, slotOffset, slottedUniformEntry, writeUniformSlots } from './uniformSlots';

export type { EngineSetup } from './engineSetup';
export type { EngineSnapshot } from './engineSnapshot';

/** Largest staging buffer one capture() read-back maps at once. */
const MAX_STAGING_BYTES = 64 * 1024 * 1024;
/** Most snapshots per read-back, whatever their size. */
const MAX_SNAPSHOTS_PER_READBACK = 256;

export class TrajectoryEngine {
  readonly count: number;
  readonly precision: GpuPrecision;
  readonly numerics: NumericsConfig;
  private t = 0;
  private readonly shape: SnapshotShape;
  private readonly params: DispatchParams;
  private readonly phaseStarts: number[];
  private paramsBuffer: GPUBuffer;
  private paramSlots = 16;
  private bindGroup: GPUBindGroup;
  private gaps: Promise<GapReducer> | null = null;

  private constructor(
    readonly ctx: GpuContext,
    readonly setup: EngineSetup,
    private readonly pipeline: GPUComputePipeline,
    readonly trajectories: GPUBuffer,
    readonly metrics: GPUBuffer,
    readonly history: GPUBuffer,
  ) {
    this.count = setup.points.length / 2;
    this.precision = setup.precision;
    this.numerics = { ...LEGACY_NUMERICS, ...setup.numerics };
    this.shape = {
      count: this.count,
      precision: setup.precision,
      trajectory: structLayout(TRAJECTORY_STRUCT, setup.precision),
      metric: structLayout(METRIC_STRUCT, setup.precision),
    };
    this.params = new DispatchParams(setup, this.count, this.numerics);
    this.phaseStarts = setup.schedule.phases.map((p) => p.start);
    this.paramsBuffer = this.createParamsBuffer(this.paramSlots);
    this.bindGroup = this.createBindGroup();
  }

  static async create(ctx: GpuContext, setup: EngineSetup): Promise<TrajectoryEngine> {
    const { device } = ctx;
    const p = setup.precision;
    const count = setup.points.length / 2;
    const history = setup.historyLength ?? 0;
    const trajSize = structLayout(TRAJECTORY_STRUCT, p).size;
    const metricSize = structLayout(METRIC_STRUCT, p).size;
    checkBatchLimits(device.limits, {
      count,
      trajectoryBytes: trajSize,
      metricBytes: metricSize,
      historyLength: history,
    });
    const label = `trajectory-${p}`;
    const module = await compileTrajectoryKernel(ctx, setup, label);
    return withErrorScopes(device, `${label} setup`, async () => {
      const pipeline = await createTrajectoryPipeline(device, module, setup, label);
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const mk = (what: string, size: number, usage: number) =>
        device.createBuffer({ label: `${label} ${what}`, size: Math.max(16, size), usage });
      const engine = new TrajectoryEngine(
        ctx,
        setup,
        pipeline,
        mk('trajectories', count * trajSize, storage),
        mk('metrics', count * metricSize, storage),
        mk('history ring', ringBytes(count, history), storage | GPUBufferUsage.VERTEX),
      );
      engine.reset();
      return engine;
    });
  }

  /** Current step of every trajectory. */
  get step(): number {
    return this.t;
  }

  /** Bytes of one trajectory's metrics record. */
  get metricBytes(): number {
    return this.shape.metric.size;
  }

  get trajectoryBytes(): number {
    return this.shape.trajectory.size;
  }

  /**
   * The drift summary over this engine's metric buffer, built once and shared by every reader (the
   * session's stats, the drift recorder); destroyed with the engine.
   */
  gapReducer(): Promise<GapReducer> {
    if (!this.gaps) {
      const made = GapReducer.create(this.ctx, this.metrics, this.count);
      // A failed build is not kept: the next caller tries again.
      made.catch(() => {
        if (this.gaps === made) this.gaps = null;
      });
      this.gaps = made;
    }
    return this.gaps;
  }

  private createParamsBuffer(slots: number): GPUBuffer {
    return createUniformSlotBuffer(
      this.ctx.device,
      `trajectory-${this.precision} params (${slots} slots)`,
      slots,
    );
  }

  private createBindGroup(): GPUBindGroup {
    return this.ctx.device.createBindGroup({
      label: `trajectory-${this.precision} bind group`,
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        slottedUniformEntry(0, this.paramsBuffer),
        { binding: 2, resource: { buffer: this.trajectories } },
        { binding: 3, resource: { buffer: this.metrics } },
        { binding: 4, resource: { buffer: this.history } },
      ],
    });
  }

  /** Back to step 0 from the initial points (w̃_0 = w_0, ṽ_0 = bufferInit·w_0, η̃_0). */
  reset(): void {
    const { points, schedule } = this.setup;
    const q = this.ctx.device.queue;
    q.writeBuffer(
      this.trajectories,
      0,
      initialTrajectories(
        points,
        schedule,
        stateFormat(this.precision, this.setup.numerics),
        this.shape.trajectory,
      ),
    );
    q.writeBuffer(this.metrics, 0, initialMetrics(this.count, this.shape.metric));
    this.t = 0;
  }

  private planInput(steps: number) {
    return {
      t0: this.t,
      steps,
      phaseStarts: this.phaseStarts,
      count: this.count,
      maxSteps: this.setup.maxStepsPerDispatch ?? 1024,
      maxInvocations: invocationsPerDispatch(this.ctx, this.setup.workgroupSize ?? DEFAULT_WORKGROUP_SIZE),
    };
  }

  /** Encodes `steps` steps into `encoder`; params for all dispatches go to distinct uniform slots. */
  private encodeAdvance(encoder: GPUCommandEncoder, steps: number, slots: ArrayBuffer[]): void {
    const dispatches = planDispatches(this.planInput(steps));
    const wg = this.setup.workgroupSize ?? DEFAULT_WORKGROUP_SIZE;
    for (const d of dispatches) {
      const slot = slots.length;
      slots.push(this.params.encode(d));
      const pass = encoder.beginComputePass({
        label: `trajectory-${this.precision} steps ${d.t0}+${d.steps}`,
      });
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, this.bindGroup, [slotOffset(slot)]);
      pass.dispatchWorkgroups(Math.ceil(d.invocations / wg));
      pass.end();
    }
    this.t += steps;
  }

  /** Makes room for `n` params slots before encoding (the bind group refers to the params buffer). */
  private ensureSlots(n: number): void {
    if (n <= this.paramSlots) return;
    this.paramsBuffer.destroy();
    this.paramSlots = 2 ** Math.ceil(Math.log2(n));
    this.paramsBuffer = this.createParamsBuffer(this.paramSlots);
    this.bindGroup = this.createBindGroup();
  }

  /** Number of dispatches needed to advance from the current step through each of `targets`. */
  private dispatchCount(targets: number[]): number {
    let t = this.t;
    let n = 0;
    for (const target of targets) {
      if (target < t) throw new RangeError(`cannot go back to step ${target}: the engine is at step ${t}`);
      n += planDispatches({ ...this.planInput(target - t), t0: t }).length;
      t = target;
    }
    return n;
  }

  /** Encodes with `build` after sizing the params buffer, writes all params, submits once. */
  private run(targets: number[], build: (encoder: GPUCommandEncoder, slots: ArrayBuffer[]) => void): void {
    this.ensureSlots(this.dispatchCount(targets));
    const encoder = this.ctx.device.createCommandEncoder({ label: `trajectory-${this.precision} encoder` });
    const slots: ArrayBuffer[] = [];
    build(encoder, slots);
    writeUniformSlots(this.ctx.device, this.paramsBuffer, slots);
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  /** Advances every trajectory by `steps` steps (asynchronously on the GPU). */
  advance(steps: number): void {
    if (steps <= 0) return;
    this.run([this.t + steps], (encoder, slots) => this.encodeAdvance(encoder, steps, slots));
  }

  /** Reads the current state back (for tests, the CLI and occasional panels; never per frame). */
  async readState(): Promise<EngineSnapshot> {
    const [snap] = await this.capture([this.t]);
    return snap;
  }

  /**
   * Advances to each of `atSteps` (ascending, ≥ current step) and snapshots the state there; batches many
   * snapshots per submit and per map so that sampling costs few CPU round trips.
   */
  async capture(atSteps: number[], onSnapshot?: (s: EngineSnapshot) => void): Promise<EngineSnapshot[]> {
    const trajBytes = this.count * this.shape.trajectory.size;
    const metricBytes = this.count * this.shape.metric.size;
    const per = snapshotBytes(this.shape);
    const batch = Math.max(1, Math.min(MAX_SNAPSHOTS_PER_READBACK, Math.floor(MAX_STAGING_BYTES / per)));
    const kept: EngineSnapshot[] = [];
    for (let start = 0; start < atSteps.length; start += batch) {
      const group = atSteps.slice(start, start + batch);
      const staging = createStaging(
        this.ctx.device,
        `trajectory-${this.precision} readback (${group.length} snapshots)`,
        group.length * per,
      );
      this.run(group, (encoder, slots) => {
        group.forEach((t, j) => {
          this.encodeAdvance(encoder, t - this.t, slots);
          encoder.copyBufferToBuffer(this.trajectories, 0, staging, j * per, trajBytes);
          encoder.copyBufferToBuffer(this.metrics, 0, staging, j * per + trajBytes, metricBytes);
        });
      });
      const bytes = await readStaging(staging);
      group.forEach((t, j) => {
        const snap = decodeSnapshot(this.shape, bytes, j * per, t);
        if (onSnapshot) onSnapshot(snap);
        else kept.push(snap);
      });
    }
    return kept;
  }

  destroy(): void {
    for (const b of [this.trajectories, this.metrics, this.history, this.paramsBuffer]) b.destroy();
    // The shared reduction reads the metrics just destroyed: free it too (once built).
    this.gaps?.then(
      (r) => r.destroy(),
      () => {},
    );
  }
}
