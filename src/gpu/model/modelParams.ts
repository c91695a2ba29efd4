/**
 * The ModelParams uniform of each dispatch (modelLayout.ts): the batch's shape, the phase's constants
 * rounded into the kernel's format on the host, and the divergence bound.
 */
import type { NumericsConfig } from '../../core/config/types';
import { DD, ddDiv } from '../../core/dd';
import { floorLog2 } from '../../core/schedule';
import type { DispatchSpec } from '../dispatchPlan';
import { makeStructuredView, structDefinition } from '../layout';
import { gpuReal, gpuRealFromNumber } from '../realValues';
import { MODEL_PARAMS_STRUCT } from './modelLayout';
import type { ModelEngineSetup } from './modelPipeline';

/**
 * T = tan²(tol/2) in float64 (vectorGap.ts gapExceeds' bound, computed as ModelIntegrator computes it) as
 * the f32 kernel's exact divergence test takes it: T·2^m = a + b + c in [1, 2), three float32 (float64's 53
 * bits need at most 24 + 24 + 5).
 */
export function tan2Parts(tolerance: number): { m: number; a: number; b: number; c: number; t: number } {
  const t = Math.tan(tolerance / 2) ** 2;
  const m = -floorLog2(t);
  const s = t * 2 ** m;
  const a = Math.fround(s);
  const b = Math.fround(s - a);
  const c = s - a - b;
  if (Math.fround(c) !== c) throw new Error(`tan²(${tolerance}/2) does not split into three float32`);
  return { m, a, b, c, t };
}

/** Encodes the params of a batch's dispatches. */
export class ModelDispatchParams {
  private readonly view;
  private readonly tan2;

  constructor(
    private readonly setup: ModelEngineSetup,
    private readonly count: number,
    private readonly slots: number,
    private readonly numerics: NumericsConfig,
  ) {
    this.view = makeStructuredView(structDefinition(MODEL_PARAMS_STRUCT, setup.precision));
    this.tan2 = tan2Parts(setup.tolerance);
  }

  /** The ModelParams bytes of dispatch `d` (a fresh copy: one per uniform slot). */
  encode(d: DispatchSpec): ArrayBuffer {
    const p = this.setup.precision;
    const { schedule, model } = this.setup;
    const ph = schedule.phases[d.phase];
    const next = schedule.phases[d.phase + 1];
    const r = (x: DD) => gpuReal(x, p);
    this.view.set({
      count: this.count,
      offset: d.offset,
      invocations: d.invocations,
      steps: d.steps,
      t0: d.t0,
      switch_at_end: d.switchAtEnd ? 1 : 0,
      n: model.n,
      d: model.d,
      hidden: model.hidden,
      params: model.hidden * model.d,
      slots: this.slots,
      renormalize: this.numerics.renormalize ? 1 : 0,
      lr_mode: this.numerics.lrMode === 'closedForm' ? 1 : 0,
      has_eps: model.eps === 0 ? 0 : 1,
      tan2_exp: this.tan2.m,
      tan2_a: this.tan2.a,
      tan2_b: this.tan2.b,
      tan2_c: this.tan2.c,
      tan2: gpuRealFromNumber(this.tan2.t, p),
      eta: r(ph.lr),
      lambda: r(schedule.weightDecay),
      gamma: r(schedule.momentum),
      growth: r(ph.growth),
      switch_factor: r(next ? next.switchFactor : new DD(1, 0)),
      kappa: r(next ? next.bufferKappa : new DD(0, 0)),
      inv_n: r(ddDiv(new DD(1, 0), new DD(model.n, 0))),
      eps: gpuRealFromNumber(model.eps, p),
    });
    return this.view.arrayBuffer.slice(0);
  }
}
