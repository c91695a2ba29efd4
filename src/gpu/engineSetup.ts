/**
 * What an engine is built from (EngineSetup) and the per-dispatch uniforms it derives from it: the Params
 * struct (src/gpu/layout.ts) for each dispatch of the plan, with the schedule's constants rounded into the
 * kernel's real type on the host.
 */
import type { NumericsConfig } from '../core/config/types';
import { DD } from '../core/dd';
import type { FourierLoss } from '../core/loss';
import { ClosedFormRate, type ExponentialSchedule, log2ProjectionFactor } from '../core/schedule';
import type { ProbeSabotage } from './df64Source';
import type { DispatchSpec } from './dispatchPlan';
import {
  type GpuPrecision,
  makeStructuredView,
  PARAMS_STRUCT,
  stateFormat,
  structDefinition,
} from './layout';
import { gpuReal } from './realValues';

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

/** Encodes the Params uniform of each dispatch for one engine. */
export class DispatchParams {
  private readonly view;
  private readonly closed: ClosedFormRate | null;

  constructor(
    private readonly setup: EngineSetup,
    private readonly count: number,
    private readonly numerics: NumericsConfig,
  ) {
    this.view = makeStructuredView(structDefinition(PARAMS_STRUCT, setup.precision));
    this.closed = numerics.lrMode === 'closedForm' ? new ClosedFormRate(setup.schedule) : null;
  }

  /** The Params bytes of dispatch `d` (a fresh copy: one per uniform slot). */
  encode(d: DispatchSpec): ArrayBuffer {
    // The state's constants in its format (f32 under master weights); the loss's are compiled in.
    const p = stateFormat(this.setup.precision, this.numerics);
    const { schedule, tolerance } = this.setup;
    const ph = schedule.phases[d.phase];
    const next = schedule.phases[d.phase + 1];
    const r = (x: DD) => gpuReal(x, p);
    // Closed form: η̃_{t0} = m·2^e from double-double; the kernel applies each trajectory's 2^−2K.
    const rate = this.closed?.at(d.t0) ?? { m: new DD(1, 0), e: 0 };
    this.view.set({
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
    return this.view.arrayBuffer.slice(0);
  }
}
