/**
 * The trajectory engine: both runs of many trajectories integrated by shaders/trajectory.wgsl in f32 or
 * df64. Owns the state, metric and path-history buffers; the renderer and the reductions read them
 * directly, and only small results come back to the CPU.
 */
import { DF64_STATE_BITS, F32 } from '../core/arith';
import type { NumericsConfig } from '../core/config/types';
import { DD, ddMul } from '../core/dd';
import { LEGACY_NUMERICS, RENORM_BAND, RENORM_EVERY, RENORM_MAX_SHIFT } from '../core/integrator';
import type { FourierLoss } from '../core/loss';
import { ClosedFormRate, type ExponentialSchedule, log2ProjectionFactor } from '../core/schedule';
import { explainKernelCompileError } from './compileMessage';
import { type GpuContext, invocationsPerDispatch } from './device';
import type { ProbeSabotage } from './df64Source';
import { type DispatchSpec, planDispatches } from './dispatchPlan';
import { compileShaderModule, withErrorScopes } from './errors';
import {
  type GpuPrecision,
  METRIC_STRUCT,
  makeStructuredView,
  PARAMS_STRUCT,
  structDefinition,
  structLayout,
  TRAJECTORY_STRUCT,
} from './layout';
import { checkBatchLimits } from './limits';
import { gpuReal, putReal } from './realValues';
import { STEPS_PER_GROUP, trajectoryShader } from './shaderSource';

export interface EngineSetup {
  precision: GpuPrecision;
  loss: FourierLoss;
  schedule: ExponentialSchedule;
  tolerance: number;
  /** Interleaved initial points (x0, y0, x1, y1, …). */
  points: Float64Array;
  /** Slots of the path ring for drawing (0: none). */
  historyLength?: number;
  sampleEvery?: number;
  /** TwoProd variant for df64, as chosen by the precision probe. */
  twoProdFma?: boolean;
  workgroupSize?: number;
  maxStepsPerDispatch?: number;
  /** Tests only: a deliberately degraded df64, to prove the precision tests can fail. */
  df64Sabotage?: ProbeSabotage;
  /** Renormalisation and η̃ mode (docs/numerics.md); missing fields: LEGACY_NUMERICS (off, recurrence). */
  numerics?: Partial<NumericsConfig>;
}

/** Positions and metrics read back from the GPU, as float64 (hi + lo for df64). */
export interface EngineSnapshot {
  step: number;
  wd: Float64Array;
  ex: Float64Array;
  gap: Float32Array;
  divergenceStep: Int32Array;
  overflowStep: Int32Array;
  /** Instability-crossing step per trajectory, −1: none. */
  crossingStep: Int32Array;
  /** K per trajectory: the true exponential run is 2^K·ex. */
  scaleExp: Int32Array;
  /** Kw per trajectory: the true weight-decay run is 2^Kw·wd. */
  wdScaleExp: Int32Array;
  /** Start of the current absorbed streak per run, −1: not absorbed (docs/numerics.md). */
  wdAbsorbedStep: Int32Array;
  expAbsorbedStep: Int32Array;
  /** First step a position component rounded to exactly zero, −1: none. */
  underflowStep: Int32Array;
}

const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment's largest allowed value
const MAX_STAGING_BYTES = 64 * 1024 * 1024;

export class TrajectoryEngine {
  readonly count: number;
  readonly precision: GpuPrecision;
  readonly numerics: NumericsConfig;
  private t = 0;
  private readonly closed: ClosedFormRate | null;
  private readonly trajLayout: { size: number; offsets: Record<string, number> };
  private readonly metricSize: number;
  private readonly metricOffsets: Record<string, number>;
  private paramsBuffer: GPUBuffer;
  private paramSlots: number;
  private bindGroup: GPUBindGroup;
  private readonly paramsView;
  private readonly phaseStarts: number[];

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
    this.closed = this.numerics.lrMode === 'closedForm' ? new ClosedFormRate(setup.schedule) : null;
    this.trajLayout = structLayout(TRAJECTORY_STRUCT, setup.precision);
    const metricLayout = structLayout(METRIC_STRUCT, setup.precision);
    this.metricSize = metricLayout.size;
    this.metricOffsets = metricLayout.offsets;
    this.paramsView = makeStructuredView(structDefinition(PARAMS_STRUCT, setup.precision));
    this.phaseStarts = setup.schedule.phases.map((p) => p.start);
    this.paramSlots = 16;
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
    // The kernel renormalises only at the start of a group of steps (shaders/trajectory.wgsl).
    if (RENORM_EVERY % STEPS_PER_GROUP[p] !== 0) throw new Error('STEPS_PER_GROUP must divide RENORM_EVERY');
    const module = await compileShaderModule(
      device,
      `${label} shader`,
      trajectoryShader(p, setup.loss, setup.df64Sabotage),
    ).catch((e: unknown) => {
      throw explainKernelCompileError(e, setup.loss, p);
    });
    const constants: Record<string, number> = {
      WORKGROUP_SIZE: setup.workgroupSize ?? 64,
      RENORM_MIN_LOG2: RENORM_BAND.minLog2,
      RENORM_MAX_LOG2: RENORM_BAND.maxLog2,
      RENORM_MAX_SHIFT,
      RENORM_EVERY,
      // Without a ring the sampling code is compiled out (SwiftShader would run it every step, see the kernel).
      HISTORY: history > 0 ? 1 : 0,
    };
    if (p === 'df64') {
      constants.DF64_TWO_PROD_FMA = setup.twoProdFma ? 1 : 0;
      constants.DF64_STATE_BITS = DF64_STATE_BITS;
    }
    return withErrorScopes(device, `${label} setup`, async () => {
      const layout = device.createBindGroupLayout({
        label: `${label} bind group layout`,
        entries: [
          {
            binding: 0,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: 'uniform', hasDynamicOffset: true },
          },
          { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
          { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
          { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        ],
      });
      const pipeline = await device.createComputePipelineAsync({
        label: `${label} pipeline`,
        layout: device.createPipelineLayout({
          label: `${label} pipeline layout`,
          bindGroupLayouts: [layout],
        }),
        compute: { module, entryPoint: 'step_trajectories', constants },
      });
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const mk = (what: string, size: number, usage: number) =>
        device.createBuffer({ label: `${label} ${what}`, size: Math.max(16, size), usage });
      const engine = new TrajectoryEngine(
        ctx,
        setup,
        pipeline,
        mk('trajectories', count * trajSize, storage),
        mk('metrics', count * metricSize, storage),
        mk('history ring', history * count * 16, storage | GPUBufferUsage.VERTEX),
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
    return this.metricSize;
  }

  get trajectoryBytes(): number {
    return this.trajLayout.size;
  }

  private createParamsBuffer(slots: number): GPUBuffer {
    return this.ctx.device.createBuffer({
      label: `trajectory-${this.precision} params (${slots} slots)`,
      size: slots * UNIFORM_SLOT,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  private createBindGroup(): GPUBindGroup {
    return this.ctx.device.createBindGroup({
      label: `trajectory-${this.precision} bind group`,
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.paramsBuffer, size: UNIFORM_SLOT } },
        { binding: 2, resource: { buffer: this.trajectories } },
        { binding: 3, resource: { buffer: this.metrics } },
        { binding: 4, resource: { buffer: this.history } },
      ],
    });
  }

  /** Back to step 0 from the initial points (w̃_0 = w_0, ṽ_0 = bufferInit·w_0, η̃_0). */
  reset(): void {
    const { points, schedule } = this.setup;
    const p = this.precision;
    const { size, offsets } = this.trajLayout;
    const data = new Float32Array((this.count * size) / 4);
    const ints = new Int32Array(data.buffer);
    const lr0 = gpuReal(schedule.expLr0, p);
    const binit = schedule.bufferInit;
    for (let i = 0; i < this.count; i++) {
      const base = (i * size) / 4;
      const put = (field: string, v: number | [number, number]) =>
        putReal(data, base + offsets[field] / 4, v);
      const x = points[2 * i];
      const y = points[2 * i + 1];
      const realOf = (v: number) => gpuReal(new DD(v, 0), p);
      // The f32 buffer is computed exactly as the CPU float32 mirror computes it.
      const buf = (v: number) =>
        p === 'f32' ? F32.mul(F32.fromDD(binit), F32.from(v)) : gpuReal(ddMul(binit, new DD(v, 0)), p);
      put('wd_x', realOf(x));
      put('wd_y', realOf(y));
      put('ex_x', realOf(x));
      put('ex_y', realOf(y));
      put('ex_vx', buf(x));
      put('ex_vy', buf(y));
      put('lr', lr0);
      ints[base + offsets.scale_exp / 4] = 0;
      ints[base + offsets.wd_scale_exp / 4] = 0;
      ints[base + offsets.lr_exp / 4] = 0;
    }
    const metrics = new Int32Array((this.count * this.metricSize) / 4);
    const mo = this.metricOffsets;
    for (let i = 0; i < this.count; i++) {
      const base = (i * this.metricSize) / 4;
      metrics[base + mo.divergence_step / 4] = -1;
      metrics[base + mo.overflow_step / 4] = -1;
      metrics[base + mo.crossing_step / 4] = -1;
      metrics[base + mo.wd_absorbed_step / 4] = -1;
      metrics[base + mo.exp_absorbed_step / 4] = -1;
      metrics[base + mo.underflow_step / 4] = -1;
    }
    const q = this.ctx.device.queue;
    q.writeBuffer(this.trajectories, 0, data);
    q.writeBuffer(this.metrics, 0, metrics);
    this.t = 0;
  }

  private paramsFor(d: DispatchSpec): ArrayBuffer {
    const p = this.precision;
    const { schedule, tolerance } = this.setup;
    const ph = schedule.phases[d.phase];
    const next = schedule.phases[d.phase + 1];
    const r = (x: DD) => gpuReal(x, p);
    // Closed form: η̃_{t0} = m·2^e from double-double; the kernel applies each trajectory's 2^−2K.
    const rate = this.closed?.at(d.t0) ?? { m: new DD(1, 0), e: 0 };
    this.paramsView.set({
      count: this.count,
      offset: d.offset,
      invocations: d.invocations,
      steps: d.steps,
      t0: d.t0,
      history_len: this.setup.historyLength ?? 0,
      sample_every: this.setup.sampleEvery ?? 1,
      switch_at_end: d.switchAtEnd ? 1 : 0,
      log2c_t0: log2ProjectionFactor(schedule, d.t0),
      log2_alpha: ph.log2Alpha,
      tan2_tol: r(new DD(Math.tan(tolerance) ** 2, 0)),
      eta: r(ph.lr),
      lambda: r(schedule.weightDecay),
      gamma: r(schedule.momentum),
      growth: r(ph.growth),
      switch_factor: r(next ? next.switchFactor : new DD(1, 0)),
      kappa: r(next ? next.bufferKappa : new DD(0, 0)),
      renormalize: this.numerics.renormalize ? 1 : 0,
      lr_mode: this.closed ? 1 : 0,
      lr_t0_exp: rate.e,
      lr_t0: r(rate.m),
    });
    return this.paramsView.arrayBuffer;
  }

  private planInput(steps: number) {
    return {
      t0: this.t,
      steps,
      phaseStarts: this.phaseStarts,
      count: this.count,
      maxSteps: this.setup.maxStepsPerDispatch ?? 1024,
      maxInvocations: invocationsPerDispatch(this.ctx, this.setup.workgroupSize ?? 64),
    };
  }

  /** Encodes `steps` steps into `encoder`; params for all dispatches go to distinct uniform slots. */
  private encodeAdvance(encoder: GPUCommandEncoder, steps: number, slots: ArrayBuffer[]): void {
    const dispatches = planDispatches(this.planInput(steps));
    const wg = this.setup.workgroupSize ?? 64;
    for (const d of dispatches) {
      const slot = slots.length;
      slots.push(this.paramsFor(d).slice(0));
      const pass = encoder.beginComputePass({
        label: `trajectory-${this.precision} steps ${d.t0}+${d.steps}`,
      });
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, this.bindGroup, [slot * UNIFORM_SLOT]);
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
    const all = new Uint8Array(Math.max(1, slots.length) * UNIFORM_SLOT);
    for (let i = 0; i < slots.length; i++) all.set(new Uint8Array(slots[i]), i * UNIFORM_SLOT);
    this.ctx.device.queue.writeBuffer(this.paramsBuffer, 0, all);
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
    const { device } = this.ctx;
    const trajBytes = this.count * this.trajLayout.size;
    const metricBytes = this.count * this.metricSize;
    const per = trajBytes + metricBytes;
    const batch = Math.max(1, Math.min(256, Math.floor(MAX_STAGING_BYTES / per)));
    const kept: EngineSnapshot[] = [];
    for (let start = 0; start < atSteps.length; start += batch) {
      const group = atSteps.slice(start, start + batch);
      const staging = device.createBuffer({
        label: `trajectory-${this.precision} readback (${group.length} snapshots)`,
        size: group.length * per,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      this.run(group, (encoder, slots) => {
        group.forEach((t, j) => {
          this.encodeAdvance(encoder, t - this.t, slots);
          encoder.copyBufferToBuffer(this.trajectories, 0, staging, j * per, trajBytes);
          encoder.copyBufferToBuffer(this.metrics, 0, staging, j * per + trajBytes, metricBytes);
        });
      });
      await staging.mapAsync(GPUMapMode.READ);
      const bytes = staging.getMappedRange().slice(0);
      staging.unmap();
      staging.destroy();
      group.forEach((t, j) => {
        const snap = this.decode(bytes, j * per, t);
        if (onSnapshot) onSnapshot(snap);
        else kept.push(snap);
      });
    }
    return kept;
  }

  private decode(bytes: ArrayBuffer, at: number, step: number): EngineSnapshot {
    const n = this.count;
    const f = new Float32Array(bytes, at, (n * this.trajLayout.size) / 4);
    const m = new DataView(bytes, at + n * this.trajLayout.size, n * this.metricSize);
    const { size, offsets } = this.trajLayout;
    const df = this.precision === 'df64';
    const read = (base: number, field: string) => {
      const k = base + offsets[field] / 4;
      return df ? f[k] + f[k + 1] : f[k];
    };
    const snap: EngineSnapshot = {
      step,
      wd: new Float64Array(2 * n),
      ex: new Float64Array(2 * n),
      gap: new Float32Array(n),
      divergenceStep: new Int32Array(n),
      overflowStep: new Int32Array(n),
      crossingStep: new Int32Array(n),
      scaleExp: new Int32Array(n),
      wdScaleExp: new Int32Array(n),
      wdAbsorbedStep: new Int32Array(n),
      expAbsorbedStep: new Int32Array(n),
      underflowStep: new Int32Array(n),
    };
    const ints = new Int32Array(bytes, at, (n * this.trajLayout.size) / 4);
    for (let i = 0; i < n; i++) {
      const base = (i * size) / 4;
      snap.wd[2 * i] = read(base, 'wd_x');
      snap.wd[2 * i + 1] = read(base, 'wd_y');
      snap.ex[2 * i] = read(base, 'ex_x');
      snap.ex[2 * i + 1] = read(base, 'ex_y');
      const mb = i * this.metricSize;
      const mo = this.metricOffsets;
      const gap = m.getFloat32(mb + mo.gap, true);
      snap.gap[i] = gap < 0 ? Number.NaN : gap;
      snap.divergenceStep[i] = m.getInt32(mb + mo.divergence_step, true);
      snap.overflowStep[i] = m.getInt32(mb + mo.overflow_step, true);
      snap.crossingStep[i] = m.getInt32(mb + mo.crossing_step, true);
      snap.scaleExp[i] = ints[base + offsets.scale_exp / 4];
      snap.wdScaleExp[i] = ints[base + offsets.wd_scale_exp / 4];
      snap.wdAbsorbedStep[i] = m.getInt32(mb + mo.wd_absorbed_step, true);
      snap.expAbsorbedStep[i] = m.getInt32(mb + mo.exp_absorbed_step, true);
      snap.underflowStep[i] = m.getInt32(mb + mo.underflow_step, true);
    }
    return snap;
  }

  destroy(): void {
    for (const b of [this.trajectories, this.metrics, this.history, this.paramsBuffer]) b.destroy();
  }
}
