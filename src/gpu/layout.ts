/**
 * Struct layouts shared by WGSL and TypeScript. The fields are declared once here; the WGSL struct text is
 * generated from them and the byte offsets come from reflecting that text with webgpu-utils, so no offset
 * is ever counted by hand. `R` is the kernel's real type: f32, or vec2<f32> (hi, lo) for df64.
 */

import { makeShaderDataDefinitions, makeStructuredView, type StructDefinition } from 'webgpu-utils';
import { BACKEND_PRECISIONS, type NumericsConfig } from '../core/config/types';
import { isLowFormat } from '../core/lowArith';

/** bf16 and f16 are stored as f32 (each value is exact there); df64 as (hi, lo) pairs. */
export type GpuPrecision = 'f32' | 'df64' | 'bf16' | 'f16';
/** The config's list of what runs on the gpu backend (src/core/config/types.ts), typed for the engine. */
export const GPU_PRECISIONS = BACKEND_PRECISIONS.gpu as readonly GpuPrecision[];

/** The format w, v and η̃ are kept in: the precision's own, or f32 under f32 master weights (bf16, f16). */
export function stateFormat(p: GpuPrecision, numerics?: Partial<NumericsConfig>): GpuPrecision {
  return numerics?.master === 'f32' && isLowFormat(p) ? 'f32' : p;
}
type FieldType = 'f32' | 'i32' | 'u32' | 'R';
export type StructSpec = {
  readonly name: string;
  readonly fields: readonly (readonly [string, FieldType])[];
};

/** Per-dispatch parameters (uniform). */
export const PARAMS_STRUCT: StructSpec = {
  name: 'Params',
  fields: [
    ['count', 'u32'], // trajectories in the batch
    ['offset', 'u32'], // first trajectory of this dispatch
    ['invocations', 'u32'], // trajectories handled by this dispatch
    ['steps', 'u32'], // steps to run in this dispatch
    ['t0', 'u32'], // global step at the start of the dispatch
    ['history_len', 'u32'], // slots of the path ring (0: no history)
    ['sample_every', 'u32'], // ring sampling period in steps
    ['switch_at_end', 'u32'], // 1 when the dispatch's last step enters the next phase
    ['log2c_t0', 'f32'], // log2 of the projection factor c_t at t0 (computed in float64 on the host)
    ['log2_alpha', 'f32'], // log2 α of the current phase
    ['renormalize', 'u32'], // 1: exact power-of-two rescaling of the exponential run (docs/numerics.md)
    ['lr_mode', 'u32'], // 0: recurrence; 1: closed form (η̃ at t0 = lr_t0·2^lr_t0_exp, set at dispatch start)
    ['lr_t0_exp', 'i32'], // exponent of η̃_{t0} (closed form; the trajectory's own 2^−2K is applied on top)
    ['tan2_tol', 'R'], // tan²(drift tolerance)
    ['eta', 'R'], // weight-decay run's learning rate in this phase
    ['lambda', 'R'], // weight decay
    ['gamma', 'R'], // momentum
    ['growth', 'R'], // α^-2: per-step growth of η̃ inside the phase
    ['switch_factor', 'R'], // η̃ multiplier at the switch into the next phase
    ['kappa', 'R'], // buffer correction at the switch (docs/math.md §3)
    ['lr_t0', 'R'], // mantissa of η̃_{t0} in [1, 2), from the double-double closed form (lr_mode 1)
  ],
};

/** Per-trajectory state of both runs (storage). */
export const TRAJECTORY_STRUCT: StructSpec = {
  name: 'Trajectory',
  fields: [
    ['wd_x', 'R'],
    ['wd_y', 'R'],
    ['wd_vx', 'R'],
    ['wd_vy', 'R'],
    ['ex_x', 'R'],
    ['ex_y', 'R'],
    ['ex_vx', 'R'],
    ['ex_vy', 'R'],
    ['lr', 'R'], // η̃_t·2^−2K (as stored)
    ['scale_exp', 'i32'], // K: the true w̃ is 2^K·(ex_x, ex_y) (renormalisation, docs/numerics.md)
    ['wd_scale_exp', 'i32'], // Kw: the true w is 2^Kw·(wd_x, wd_y), v is 2^Kw·(wd_vx, wd_vy)
    ['lr_exp', 'i32'], // J: η̃ is lr·2^J; non-zero only while the exponential run is absorbed
  ],
};

/** Per-trajectory drift metrics, the same for every precision (what reductions and charts read). */
export const METRIC_STRUCT: StructSpec = {
  name: 'Metric',
  fields: [
    ['gap', 'f32'], // angle gap δ at the last step of the last dispatch; -1 after an overflow
    ['divergence_step', 'i32'], // -1: none
    ['overflow_step', 'i32'], // -1: none
    ['crossing_step', 'i32'], // -1: none; first step t with η·f''(θ_t) > 2|w_t|² (docs/numerics.md)
    ['wd_absorbed_step', 'i32'], // -1: none; start of the current streak with a computed gradient of exactly 0
    ['exp_absorbed_step', 'i32'], // -1: none; the same with the exponential run's buffer exactly 0 too
    ['underflow_step', 'i32'], // -1: none; first step a position component rounded to exactly 0
  ],
};

/** The Metric fields that hold the step of an event, −1 until it happens (what step 0 starts from). */
export const METRIC_EVENT_FIELDS = [
  'divergence_step',
  'overflow_step',
  'crossing_step',
  'wd_absorbed_step',
  'exp_absorbed_step',
  'underflow_step',
] as const;

export function realType(p: GpuPrecision): string {
  return p === 'df64' ? 'vec2<f32>' : 'f32';
}

export function structWgsl(spec: StructSpec, p: GpuPrecision): string {
  const body = spec.fields.map(([n, t]) => `  ${n}: ${t === 'R' ? realType(p) : t},`).join('\n');
  return `struct ${spec.name} {\n${body}\n}\n`;
}

/** All generated declarations a kernel needs, for one precision. */
export function structsWgsl(p: GpuPrecision): string {
  return [PARAMS_STRUCT, TRAJECTORY_STRUCT, METRIC_STRUCT].map((s) => structWgsl(s, p)).join('\n');
}

export function structDefinition(spec: StructSpec, p: GpuPrecision): StructDefinition {
  return makeShaderDataDefinitions(structWgsl(spec, p)).structs[spec.name];
}

/** A struct's size and the byte offset of every field. */
export type StructLayout = { size: number; offsets: Record<string, number> };

/** Byte offset of every field and the struct size, from reflection. */
export function structLayout(spec: StructSpec, p: GpuPrecision): StructLayout {
  const def = structDefinition(spec, p);
  const offsets: Record<string, number> = {};
  for (const [name, f] of Object.entries(def.fields)) offsets[name] = f.offset;
  return { size: def.size, offsets };
}

export { makeStructuredView };

/**
 * One sample of the path ring (the engine's `history` buffer): a vec4<f32> of the weight-decay run w and the
 * projected exponential run p = c·w̃ (docs/math.md), both already as f32. shaders/trajectory.wgsl writes it,
 * shaders/render_paths.wgsl reads it; slot-major, so sample slot s of trajectory i is record s·count + i.
 */
export const RING_RECORD = {
  wgslType: 'vec4<f32>',
  floats: 4,
  bytes: 16,
  /** Float index of each component inside a record. */
  fields: { wd_x: 0, wd_y: 1, p_x: 2, p_y: 3 },
} as const;

/** Index (in records) of slot `slot` of trajectory `i` in a ring of `count` trajectories. */
export function ringRecordIndex(slot: number, i: number, count: number): number {
  return slot * count + i;
}

/** Bytes of a ring of `slots` samples for `count` trajectories. */
export function ringBytes(count: number, slots: number): number {
  return count * slots * RING_RECORD.bytes;
}

/** One ring slot (all `count` trajectories) where w and p are both the start points, as at step 0. */
export function ringSlotAtStart(points: Float64Array): Float32Array<ArrayBuffer> {
  const count = points.length / 2;
  const { floats, fields } = RING_RECORD;
  const slot = new Float32Array(floats * count);
  for (let i = 0; i < count; i++) {
    const at = floats * ringRecordIndex(0, i, count);
    slot[at + fields.wd_x] = slot[at + fields.p_x] = points[2 * i];
    slot[at + fields.wd_y] = slot[at + fields.p_y] = points[2 * i + 1];
  }
  return slot;
}
