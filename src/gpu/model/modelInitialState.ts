/**
 * The model engine's buffers at step 0: the data (x, y, readout, constants) and the initial weights
 * rounded once into the kernel's format from float64 (as the float32 mirror's A.from does), both runs at
 * w_0 with ṽ_0 = bufferInit·w_0 and η̃_0, every event at −1; and the closed-form rate table.
 */
import { type Arith, F32, F64 } from '../../core/arith';
import { DD, ddMul } from '../../core/dd';
import type { ResolvedModel } from '../../core/model/types';
import { angleGapInFormat } from '../../core/model/vectorGap';
import { ClosedFormRate, type ExponentialSchedule } from '../../core/schedule';
import { gpuReal, gpuRealFromNumber, putReal } from '../realValues';
import {
  MODEL_EVENT_FIELDS,
  type ModelGpuPrecision,
  type ModelLayout,
  modelRateLayout,
  modelTrajLayout,
  realWords,
  VEC_KIND,
  vecIndex,
} from './modelLayout';
import { dataReals, MAX_CONSTANTS } from './modelLimits';
import { modelConstantsDD } from './modelShader';

/** The format's arithmetic on the host, for the values the mirror computes (f32), else null (df64). */
function hostArith(p: ModelGpuPrecision): Arith<number> | null {
  return p === 'f32' ? F32 : null;
}

/** The data buffer: x (row-major), y, the readout, then the kernel's constants. */
export function modelData(p: ModelGpuPrecision, model: ResolvedModel): Float32Array<ArrayBuffer> {
  const words = realWords(p);
  const real = (x: number) => gpuRealFromNumber(x, p);
  const { n, d, hidden } = model;
  const data = new Float32Array(dataReals(model) * words);
  for (let k = 0; k < n * d; k++) putReal(data, k * words, real(model.x[k]));
  for (let i = 0; i < n; i++) putReal(data, (n * d + i) * words, real(model.y[i]));
  for (let j = 0; j < hidden; j++) putReal(data, (n * d + n + j) * words, real(model.readout[j]));
  const consts = modelConstantsDD(p);
  if (consts.length > MAX_CONSTANTS)
    throw new Error(`${consts.length} kernel constants, room for ${MAX_CONSTANTS}`);
  consts.forEach((c, j) => {
    putReal(data, (n * d + n + hidden + j) * words, gpuReal(c, p));
  });
  return data;
}

/** The vector and trajectory buffers at step 0 for `points` (P weights per trajectory). */
export function initialModelState(
  p: ModelGpuPrecision,
  layout: ModelLayout,
  schedule: ExponentialSchedule,
  points: Float64Array,
  P: number,
): { vecs: Float32Array<ArrayBuffer>; trajs: Float32Array<ArrayBuffer> } {
  const count = points.length / P;
  const words = realWords(p);
  const real = (x: number) => gpuRealFromNumber(x, p);
  const vecs = new Float32Array(4 * count * P * words);
  const A = hostArith(p);
  const binit = schedule.bufferInit;
  // ṽ_0 = bufferInit·w_0 as the mirror computes it (f32), else from double-double.
  const buf = (v: number) => (A ? A.mul(A.fromDD(binit), A.from(v)) : gpuReal(ddMul(binit, new DD(v, 0)), p));
  const tl = modelTrajLayout(p);
  const trajs = new Float32Array((count * tl.size) / 4);
  const ints = new Int32Array(trajs.buffer);
  const lr0 = gpuReal(schedule.expLr0, p);
  for (let i = 0; i < count; i++) {
    const w0 = points.subarray(i * P, (i + 1) * P);
    for (let k = 0; k < P; k++) {
      const at = (kind: number) => vecIndex(layout, count, P, i, kind, k) * words;
      putReal(vecs, at(VEC_KIND.wdW), real(w0[k]));
      putReal(vecs, at(VEC_KIND.exW), real(w0[k]));
      putReal(vecs, at(VEC_KIND.wdV), real(0));
      putReal(vecs, at(VEC_KIND.exV), buf(w0[k]));
    }
    const base = (i * tl.size) / 4;
    const put = (field: string, v: number | [number, number]) =>
      putReal(trajs, base + tl.offsets[field] / 4, v);
    put('lr', lr0);
    // The gap at step 0 as the mirror computes it (f32), or in float64.
    const w = Array.from(w0, (c) => (A ? A.from(c) : c));
    const g = angleGapInFormat(A ?? F64, w, w);
    put('d2', real(g.d2));
    put('s2', real(g.s2));
    for (const f of ['scale_exp', 'wd_scale_exp', 'lr_exp']) ints[base + tl.offsets[f] / 4] = 0;
    for (const f of MODEL_EVENT_FIELDS) ints[base + tl.offsets[f] / 4] = -1;
  }
  return { vecs, trajs };
}

/** Closed-form η̃ at steps 0..entries−1 (m rounded into the format, e exact); zeros when not used. */
export function modelRateTable(
  p: ModelGpuPrecision,
  schedule: ExponentialSchedule,
  entries: number,
  closedForm: boolean,
): Float32Array<ArrayBuffer> {
  const rl = modelRateLayout(p);
  const rates = new Float32Array((entries * rl.size) / 4);
  const ints = new Int32Array(rates.buffer);
  if (closedForm) {
    const closed = new ClosedFormRate(schedule);
    for (let t = 0; t < entries; t++) {
      const r = closed.at(t);
      putReal(rates, (t * rl.size + rl.offsets.m) / 4, gpuReal(r.m, p));
      ints[(t * rl.size + rl.offsets.e) / 4] = r.e;
    }
  }
  return rates;
}
