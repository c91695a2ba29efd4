/**
 * Runs a model config on the CPU reference integrators (f64, the f32 mirror, dd, mp, bf16, f16), with the
 * plane's conventions (src/core/run/cpuRun.ts): mp runs without renormalisation and with the recurrence.
 */
import type Decimal from 'decimal.js';
import type { Arith, CpuPrecision } from '../arith';
import { arithFor } from '../arithFor';
import { LEGACY_NUMERICS } from '../integratorState';
import { MP_DEFAULT_BITS, type MpArith, mpArith, mpSampleVector } from '../mp';
import { mpConstants } from '../mpSchedule';
import { copyEvents, sampleSteps } from '../run/output';
import { toExponential } from '../schedule';
import { modelInitialPoints } from './modelInit';
import { ModelIntegrator } from './modelIntegrator';
import { buildModelOutput, emptyModelRecord, type ModelRecord, type ModelRunOutput } from './modelOutput';
import { resolveModel } from './resolveModel';
import { SHARPNESS_EVERY } from './sharpness';
import { type ModelConfig, paramCount, type ResolvedModel } from './types';

export interface ModelRunOptions {
  bits?: number;
  /** Check the instability crossing (default true). */
  crossing?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export const MODEL_CROSSING_NOTE = `float64 sharpness by power iteration every ${SHARPNESS_EVERY} steps`;

/** A vector of the format as float64 numbers and a power-of-two exponent (mp leaves float64's range). */
function sampleVector<T>(A: Arith<T>, xs: readonly T[], out: Float64Array): number {
  if (A.name !== 'mp') {
    xs.forEach((x, k) => {
      out[k] = A.toNumber(x);
    });
    return 0;
  }
  const [values, k] = mpSampleVector(A as unknown as MpArith, xs as unknown as Decimal[]);
  out.set(values);
  return k;
}

export function simulateModel<T>(
  integrator: ModelIntegrator<T>,
  points: Float64Array,
  steps: number,
  sampleEvery: number,
  firstIndex = 0,
  onProgress?: (done: number, total: number) => void,
): ModelRecord[] {
  const A = integrator.A;
  const P = integrator.P;
  const at = sampleSteps(steps, sampleEvery);
  const count = points.length / P;
  const records: ModelRecord[] = [];
  for (let i = 0; i < count; i++) {
    const init = points.slice(i * P, (i + 1) * P);
    const s = integrator.init(init, firstIndex + i);
    const rec = emptyModelRecord(init, P, at.length);
    let next = 0;
    for (let t = 0; ; t++) {
      if (t === at[next]) {
        const kw = sampleVector(A, s.wd.w, rec.wd.subarray(next * P, (next + 1) * P));
        rec.wdScaleLog2[next] = s.wdScaleExp + kw;
        if (s.overflowStep === null) {
          const ke = sampleVector(A, s.ex.w, rec.ex.subarray(next * P, (next + 1) * P));
          rec.exScaleLog2[next] = s.scaleExp + ke;
        } else {
          rec.ex.subarray(next * P, (next + 1) * P).fill(Number.NaN);
        }
        rec.wdAbsorbedAt[next] = s.wdAbsorbedStep ?? -1;
        rec.expAbsorbedAt[next] = s.expAbsorbedStep ?? -1;
        rec.gap[next] = integrator.angleGap(s);
        next++;
      }
      if (t === steps) break;
      integrator.step(s);
    }
    copyEvents(rec, s);
    records.push(rec);
    onProgress?.(i + 1, count);
  }
  return records;
}

/** The integrator of a config's precision (mp: its own constants and forced numerics). */
export function modelIntegrator(config: ModelConfig, model: ResolvedModel, options: ModelRunOptions = {}) {
  const schedule = toExponential(config.optimizer);
  const crossing = options.crossing ?? true;
  if (config.precision === 'df64') throw new RangeError('df64 runs on the gpu backend only');
  if (config.precision === 'mp') {
    const A = mpArith(options.bits ?? MP_DEFAULT_BITS);
    const constants = mpConstants(config.optimizer, A);
    return new ModelIntegrator(
      A,
      model,
      schedule,
      config.driftTolerance,
      LEGACY_NUMERICS,
      constants,
      crossing,
    ) as ModelIntegrator<unknown>;
  }
  const A = arithFor(config.precision as CpuPrecision, undefined, config.numerics.master);
  return new ModelIntegrator(A, model, schedule, config.driftTolerance, config.numerics, undefined, crossing);
}

export function runModelCpu(config: ModelConfig, options: ModelRunOptions = {}): ModelRunOutput {
  const model = resolveModel(config.loss);
  const P = paramCount(model);
  const points = modelInitialPoints(config.init, P);
  const integrator = modelIntegrator(config, model, options);
  const records = simulateModel(integrator, points, config.steps, config.sampleEvery, 0, options.onProgress);
  const asRun = config.precision === 'mp' ? { ...config, numerics: { ...LEGACY_NUMERICS } } : config;
  const steps = sampleSteps(config.steps, config.sampleEvery);
  const crossing = options.crossing === false ? 'not checked' : MODEL_CROSSING_NOTE;
  return buildModelOutput(asRun, model, integrator.schedule, records, steps, { adapter: null, crossing });
}
