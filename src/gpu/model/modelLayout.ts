/**
 * Buffer layouts of the model kernels (shaders/model_*.wgsl). The structs are declared once here and
 * generated into WGSL and reflected for byte offsets by src/gpu/layout.ts (the one source of truth for
 * struct layouts); the flat vector and scratch buffers are indexed by the functions below, which the
 * WGSL index functions (modelShader.ts) repeat.
 */
import { type GpuPrecision, type StructSpec, structLayout, structWgsl } from '../layout';

/** The model kernels run in f32 and df64 (src/core/model/modelConfig.ts MODEL_GPU_PRECISIONS). */
export type ModelGpuPrecision = Extract<GpuPrecision, 'f32' | 'df64'>;

/**
 * How the work is split: 'invocation', one invocation per trajectory; 'workgroup', a workgroup per
 * trajectory whose invocations share the batch statistics (shaders/model_step_wg.wgsl).
 */
export type ModelLayout = 'invocation' | 'workgroup';
export const MODEL_LAYOUTS: readonly ModelLayout[] = ['invocation', 'workgroup'];

/** Per-dispatch parameters (uniform, one 256-byte slot per dispatch). */
export const MODEL_PARAMS_STRUCT: StructSpec = {
  name: 'ModelParams',
  fields: [
    ['count', 'u32'], // trajectories in the batch
    ['offset', 'u32'], // first trajectory of this dispatch
    ['invocations', 'u32'], // trajectories handled by this dispatch
    ['steps', 'u32'], // steps to run in this dispatch
    ['t0', 'u32'], // global step at the start of the dispatch
    ['switch_at_end', 'u32'], // 1 when the dispatch's last step enters the next phase
    ['n', 'u32'], // points
    ['d', 'u32'], // features
    ['hidden', 'u32'], // hidden units (1 for bnLogistic)
    ['params', 'u32'], // P = hidden·d
    ['slots', 'u32'], // scratch slots (trajectories of one dispatch at most)
    ['renormalize', 'u32'], // 1: exact power-of-two rescalings every RENORM_EVERY steps
    ['lr_mode', 'u32'], // 0: recurrence; 1: closed-form η̃ from the rate table
    ['has_eps', 'u32'], // 1: ε is added to the batch variance
    ['tan2_exp', 'i32'], // m with T·2^m in [1, 2), T = tan²(tol/2) in float64 (f32 divergence test)
    ['tan2_a', 'f32'], // T·2^m = a + b + c exactly (three float32)
    ['tan2_b', 'f32'],
    ['tan2_c', 'f32'],
    ['tan2', 'R'], // T in the kernel's format (df64 divergence test)
    ['eta', 'R'], // the weight-decay run's learning rate in this phase
    ['lambda', 'R'], // weight decay
    ['gamma', 'R'], // momentum
    ['growth', 'R'], // α^-2: per-step growth of η̃ inside the phase
    ['switch_factor', 'R'], // η̃ multiplier at the switch into the next phase
    ['kappa', 'R'], // buffer correction at the switch
    ['inv_n', 'R'], // 1/n rounded once into the format
    ['eps', 'R'], // ε (has_eps)
  ],
};

/** Per-trajectory scalars of both runs and their events (storage); the vectors live in their own buffer. */
export const MODEL_TRAJ_STRUCT: StructSpec = {
  name: 'ModelTraj',
  fields: [
    ['lr', 'R'], // η̃·2^(−2K − J) as stored
    ['d2', 'R'], // |â − b̂|² of the two runs' weight vectors at the current step (not after an overflow)
    ['s2', 'R'], // |â + b̂|²
    ['scale_exp', 'i32'], // K
    ['wd_scale_exp', 'i32'], // Kw
    ['lr_exp', 'i32'], // J
    ['divergence_step', 'i32'], // −1: none (every event step below too)
    ['overflow_step', 'i32'],
    ['wd_absorbed_step', 'i32'],
    ['exp_absorbed_step', 'i32'],
    ['underflow_step', 'i32'],
  ],
};

/** The ModelTraj fields that hold the step of an event, −1 until it happens. */
export const MODEL_EVENT_FIELDS = [
  'divergence_step',
  'overflow_step',
  'wd_absorbed_step',
  'exp_absorbed_step',
  'underflow_step',
] as const;

/** Closed-form η̃ at a step: m·2^e (storage, one per step of the run). */
export const MODEL_RATE_STRUCT: StructSpec = {
  name: 'ModelRate',
  fields: [
    ['m', 'R'],
    ['e', 'i32'],
  ],
};

export function modelStructsWgsl(p: ModelGpuPrecision): string {
  return [MODEL_PARAMS_STRUCT, MODEL_TRAJ_STRUCT, MODEL_RATE_STRUCT].map((s) => structWgsl(s, p)).join('\n');
}

export const modelTrajLayout = (p: ModelGpuPrecision) => structLayout(MODEL_TRAJ_STRUCT, p);
export const modelRateLayout = (p: ModelGpuPrecision) => structLayout(MODEL_RATE_STRUCT, p);

/** The four vectors of a trajectory: kind·P + component. */
export const VEC_KIND = { wdW: 0, wdV: 1, exW: 2, exV: 3 } as const;

/** Floats per real: 1 for f32, 2 for df64 (hi, lo). */
export function realWords(p: ModelGpuPrecision): number {
  return p === 'df64' ? 2 : 1;
}

/**
 * Index (in reals) of component k of vector `kind` of trajectory i, in a batch of `count` trajectories of
 * P parameters. Each kind is a block of count·P reals (so that the two weight vectors of every trajectory
 * are read back with two copies); inside it 'invocation' is component-major (neighbouring invocations
 * read neighbouring words), 'workgroup' trajectory-major (a workgroup's invocations read one run).
 */
export function vecIndex(layout: ModelLayout, count: number, P: number, i: number, kind: number, k: number) {
  const block = kind * count * P;
  return layout === 'invocation' ? block + k * count + i : block + i * P + k;
}

/**
 * Scratch rows (of n values) per trajectory: ẑ of every unit, g, then ∂L/∂z of one unit ('invocation') or
 * of every unit ('workgroup').
 */
export function scratchRows(layout: ModelLayout, hidden: number): number {
  return layout === 'invocation' ? hidden + 2 : 2 * hidden + 1;
}

/** WGSL of the index functions above (vi: vectors, zi: scratch rows of n values). */
export function indexWgsl(layout: ModelLayout): string {
  if (layout === 'invocation') {
    return [
      'fn vi(kind: u32, c: u32) -> u32 { return (kind * params.params + c) * params.count + traj; }',
      'fn zi(row: u32, i: u32) -> u32 { return (row * params.n + i) * params.slots + slot; }',
      '// vi(kind, c + 1) − vi(kind, c) and zi(row, i + 1) − zi(row, i), for loops that step through them.',
      'fn vi_step() -> u32 { return params.count; }',
      'fn zi_step() -> u32 { return params.slots; }',
    ].join('\n');
  }
  return [
    'fn vi(kind: u32, c: u32) -> u32 { return (kind * params.count + traj) * params.params + c; }',
    `fn zi(row: u32, i: u32) -> u32 { return (slot * (2u * params.hidden + 1u) + row) * params.n + i; }`,
    'fn vi_step() -> u32 { return 1u; }',
    'fn zi_step() -> u32 { return 1u; }',
  ].join('\n');
}
