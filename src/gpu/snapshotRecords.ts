/**
 * Engine snapshots into the output contract's per-trajectory records: one place that knows how the
 * kernel's −1 sentinels and scale exponents map onto TrajectoryRecord (CLI run, study, Precision tab).
 */
import type { TrajectoryRecord } from '../core/run/output';
import type { EngineSnapshot } from './engine';

const stepOrNull = (v: number) => (v >= 0 ? v : null);

/** The per-trajectory events of snapshot `snap` into records[i] (all i). */
export function applySnapshotEvents(records: TrajectoryRecord[], snap: EngineSnapshot): void {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    r.divergenceStep = stepOrNull(snap.divergenceStep[i]);
    r.overflowStep = stepOrNull(snap.overflowStep[i]);
    r.crossingStep = stepOrNull(snap.crossingStep[i]);
    r.wdAbsorbedStep = stepOrNull(snap.wdAbsorbedStep[i]);
    r.expAbsorbedStep = stepOrNull(snap.expAbsorbedStep[i]);
    r.underflowStep = stepOrNull(snap.underflowStep[i]);
  }
}

/** Sample j of every record from `snap`: events, gap, and (when the records hold them) the states. */
export function applySnapshotSample(records: TrajectoryRecord[], snap: EngineSnapshot, j: number): void {
  applySnapshotEvents(records, snap);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    // Step 0 has not been through the kernel: both runs start at the same point.
    r.gap[j] = snap.step === 0 ? 0 : snap.gap[i];
    if (r.wdAbsorbedAt) r.wdAbsorbedAt[j] = snap.wdAbsorbedStep[i];
    if (r.expAbsorbedAt) r.expAbsorbedAt[j] = snap.expAbsorbedStep[i];
    if (r.wd.length === 0) continue;
    const overflowed = snap.overflowStep[i] >= 0;
    r.wd[2 * j] = snap.wd[2 * i];
    r.wd[2 * j + 1] = snap.wd[2 * i + 1];
    r.ex[2 * j] = overflowed ? Number.NaN : snap.ex[2 * i];
    r.ex[2 * j + 1] = overflowed ? Number.NaN : snap.ex[2 * i + 1];
    if (r.exScaleLog2) r.exScaleLog2[j] = snap.scaleExp[i];
    if (r.wdScaleLog2) r.wdScaleLog2[j] = snap.wdScaleExp[i];
  }
}
