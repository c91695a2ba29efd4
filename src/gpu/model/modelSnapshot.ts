/**
 * What the model engine reads back at a step: every trajectory's scalars (ModelTraj) and its weight
 * vectors (the buffers too in full snapshots), decoded from the staging bytes with the reflected layout.
 */
import {
  type ModelGpuPrecision,
  type ModelLayout,
  modelTrajLayout,
  realWords,
  vecIndex,
} from './modelLayout';

/** One read-back: the scalars of every trajectory and its weight vectors (all four with `full`). */
export interface ModelSnapshot {
  step: number;
  /** count·P each, trajectory after trajectory, float64 (hi + lo in df64). */
  wdW: Float64Array;
  exW: Float64Array;
  /** The buffers (only in full snapshots). */
  wdV?: Float64Array;
  exV?: Float64Array;
  lr: Float64Array;
  /** |â − b̂|² and |â + b̂|² of the two runs at the step (from the last step before an overflow). */
  d2: Float64Array;
  s2: Float64Array;
  scaleExp: Int32Array;
  wdScaleExp: Int32Array;
  lrExp: Int32Array;
  /** Event steps, −1: none. */
  divergenceStep: Int32Array;
  overflowStep: Int32Array;
  wdAbsorbedStep: Int32Array;
  expAbsorbedStep: Int32Array;
  underflowStep: Int32Array;
}

export interface ModelSnapshotShape {
  precision: ModelGpuPrecision;
  layout: ModelLayout;
  count: number;
  P: number;
}

/** Bytes of the trajectory records of a batch. */
export function trajBytesOf(s: ModelSnapshotShape): number {
  return s.count * modelTrajLayout(s.precision).size;
}

/** Bytes of one kind's block of the vector buffer. */
export function vecBlockBytes(s: ModelSnapshotShape): number {
  return s.count * s.P * realWords(s.precision) * 4;
}

/** Bytes of one snapshot: the trajectory records, then wd w and ex w (then wd v and ex v with `full`). */
export function modelSnapshotBytes(s: ModelSnapshotShape, full: boolean): number {
  return trajBytesOf(s) + (full ? 4 : 2) * vecBlockBytes(s);
}

/** Decodes the snapshot at byte `at` of `bytes`, laid out as modelSnapshotBytes says. */
export function decodeModelSnapshot(
  s: ModelSnapshotShape,
  bytes: ArrayBuffer,
  at: number,
  step: number,
  full: boolean,
): ModelSnapshot {
  const { count, P, layout } = s;
  const words = realWords(s.precision);
  const tl = modelTrajLayout(s.precision);
  const trajBytes = trajBytesOf(s);
  const f = new Float32Array(bytes, at, trajBytes / 4);
  const ints = new Int32Array(bytes, at, trajBytes / 4);
  const block = count * P * words;
  const vec = (m: number) => {
    const src = new Float32Array(bytes, at + trajBytes + m * block * 4, block);
    // Inside a kind's block, vecIndex with kind 0 gives the place of component k of trajectory i.
    const out = new Float64Array(count * P);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < P; k++) {
        const w = vecIndex(layout, count, P, i, 0, k) * words;
        out[i * P + k] = words === 2 ? src[w] + src[w + 1] : src[w];
      }
    }
    return out;
  };
  const real = (base: number, field: string) => {
    const k = base + tl.offsets[field] / 4;
    return words === 2 ? f[k] + f[k + 1] : f[k];
  };
  const ints32 = () => new Int32Array(count);
  const snap: ModelSnapshot = {
    step,
    wdW: vec(0),
    exW: vec(1),
    lr: new Float64Array(count),
    d2: new Float64Array(count),
    s2: new Float64Array(count),
    scaleExp: ints32(),
    wdScaleExp: ints32(),
    lrExp: ints32(),
    divergenceStep: ints32(),
    overflowStep: ints32(),
    wdAbsorbedStep: ints32(),
    expAbsorbedStep: ints32(),
    underflowStep: ints32(),
  };
  if (full) {
    snap.wdV = vec(2);
    snap.exV = vec(3);
  }
  for (let i = 0; i < count; i++) {
    const base = (i * tl.size) / 4;
    const int = (field: string) => ints[base + tl.offsets[field] / 4];
    snap.lr[i] = real(base, 'lr');
    snap.d2[i] = real(base, 'd2');
    snap.s2[i] = real(base, 's2');
    snap.scaleExp[i] = int('scale_exp');
    snap.wdScaleExp[i] = int('wd_scale_exp');
    snap.lrExp[i] = int('lr_exp');
    snap.divergenceStep[i] = int('divergence_step');
    snap.overflowStep[i] = int('overflow_step');
    snap.wdAbsorbedStep[i] = int('wd_absorbed_step');
    snap.expAbsorbedStep[i] = int('exp_absorbed_step');
    snap.underflowStep[i] = int('underflow_step');
  }
  return snap;
}
