/**
 * What the engine reads back: positions and metrics of every trajectory at one step, decoded from the raw
 * bytes of the trajectory and metric buffers with the reflected struct layouts (src/gpu/layout.ts).
 */
import type { GpuPrecision, StructLayout } from './layout';

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

/** The buffers' shape a snapshot is decoded with. */
export interface SnapshotShape {
  count: number;
  precision: GpuPrecision;
  trajectory: StructLayout;
  metric: StructLayout;
}

/** Bytes of one snapshot: every trajectory record, then every metric record. */
export function snapshotBytes(shape: SnapshotShape): number {
  return shape.count * (shape.trajectory.size + shape.metric.size);
}

/** Decodes the snapshot at byte `at` of `bytes` (trajectories, then metrics, as copied by the engine). */
export function decodeSnapshot(
  shape: SnapshotShape,
  bytes: ArrayBuffer,
  at: number,
  step: number,
): EngineSnapshot {
  const { count: n, trajectory, metric } = shape;
  const f = new Float32Array(bytes, at, (n * trajectory.size) / 4);
  const ints = new Int32Array(bytes, at, (n * trajectory.size) / 4);
  const m = new DataView(bytes, at + n * trajectory.size, n * metric.size);
  const to = trajectory.offsets;
  const mo = metric.offsets;
  // A df64 real is (hi, lo): its value is their float64 sum.
  const df = shape.precision === 'df64';
  const read = (base: number, field: string) => {
    const k = base + to[field] / 4;
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
  for (let i = 0; i < n; i++) {
    const base = (i * trajectory.size) / 4;
    snap.wd[2 * i] = read(base, 'wd_x');
    snap.wd[2 * i + 1] = read(base, 'wd_y');
    snap.ex[2 * i] = read(base, 'ex_x');
    snap.ex[2 * i + 1] = read(base, 'ex_y');
    const mb = i * metric.size;
    const gap = m.getFloat32(mb + mo.gap, true);
    // The kernel writes −1 after an overflow: no gap.
    snap.gap[i] = gap < 0 ? Number.NaN : gap;
    snap.divergenceStep[i] = m.getInt32(mb + mo.divergence_step, true);
    snap.overflowStep[i] = m.getInt32(mb + mo.overflow_step, true);
    snap.crossingStep[i] = m.getInt32(mb + mo.crossing_step, true);
    snap.scaleExp[i] = ints[base + to.scale_exp / 4];
    snap.wdScaleExp[i] = ints[base + to.wd_scale_exp / 4];
    snap.wdAbsorbedStep[i] = m.getInt32(mb + mo.wd_absorbed_step, true);
    snap.expAbsorbedStep[i] = m.getInt32(mb + mo.exp_absorbed_step, true);
    snap.underflowStep[i] = m.getInt32(mb + mo.underflow_step, true);
  }
  return snap;
}
