/**
 * The engine's buffers at step 0: every trajectory at its initial point in both runs (w̃_0 = w_0,
 * ṽ_0 = bufferInit·w_0, η̃_0; docs/math.md), and every metric at its "not yet" sentinel −1.
 */
import { DD, ddMul } from '../core/dd';
import type { ExponentialSchedule } from '../core/schedule';
import { type GpuPrecision, METRIC_EVENT_FIELDS, type StructLayout } from './layout';
import { gpuReal, putReal, singleWordArith } from './realValues';

/** The trajectory buffer's bytes at step 0 for the interleaved `points` (x0, y0, x1, y1, …). */
export function initialTrajectories(
  points: Float64Array,
  schedule: ExponentialSchedule,
  p: GpuPrecision,
  layout: StructLayout,
): Float32Array<ArrayBuffer> {
  const count = points.length / 2;
  const { size, offsets } = layout;
  const data = new Float32Array((count * size) / 4);
  const ints = new Int32Array(data.buffer);
  const lr0 = gpuReal(schedule.expLr0, p);
  const binit = schedule.bufferInit;
  const realOf = (v: number) => gpuReal(new DD(v, 0), p);
  // The single-word buffers are computed exactly as the CPU mirrors compute them.
  const A = singleWordArith(p);
  const buf = (v: number) => (A ? A.mul(A.fromDD(binit), A.from(v)) : gpuReal(ddMul(binit, new DD(v, 0)), p));
  for (let i = 0; i < count; i++) {
    const base = (i * size) / 4;
    const put = (field: string, v: number | [number, number]) => putReal(data, base + offsets[field] / 4, v);
    const x = points[2 * i];
    const y = points[2 * i + 1];
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
  return data;
}

/** The metric buffer's bytes at step 0: gap 0, every event step −1. */
export function initialMetrics(count: number, layout: StructLayout): Int32Array<ArrayBuffer> {
  const metrics = new Int32Array((count * layout.size) / 4);
  for (let i = 0; i < count; i++) {
    const base = (i * layout.size) / 4;
    for (const field of METRIC_EVENT_FIELDS) metrics[base + layout.offsets[field] / 4] = -1;
  }
  return metrics;
}
