/**
 * The rows an Arrow run file must hold, derived here from the run's JSON output (the independent
 * reference: it never goes through the Arrow code or the shared column table), and a row-for-row
 * comparison that lists what differs.
 */

type Cell = number | string | null;
export type Row = Record<string, Cell>;

interface JsonTrajectory {
  init: [number, number];
  divergenceStep: number | null;
  overflowStep: number | null;
  crossingStep: number | null;
  wdAbsorbedStep: number | null;
  expAbsorbedStep: number | null;
  underflowStep: number | null;
  divergenceCause: string | null;
  samples: {
    step: number[];
    wd: [number | null, number | null][];
    wdNormLog2: (number | null)[];
    expProjected: [number | null, number | null][];
    expNormLog2: (number | null)[];
    angleGap: (number | null)[];
  };
}

export interface JsonRun {
  trajectories: JsonTrajectory[];
  [key: string]: unknown;
}

/** The per-trajectory columns, written out by hand from the README's description of the CSV. */
export function expectedTrajectoryRows(run: JsonRun): Row[] {
  return run.trajectories.map((t, i) => ({
    trajectory: i,
    init_x: t.init[0],
    init_y: t.init[1],
    divergence_step: t.divergenceStep,
    overflow_step: t.overflowStep,
    crossing_step: t.crossingStep,
    wd_absorbed_step: t.wdAbsorbedStep,
    exp_absorbed_step: t.expAbsorbedStep,
    underflow_step: t.underflowStep,
    divergence_cause: t.divergenceCause,
  }));
}

/** One row per trajectory per sample. */
export function expectedSampleRows(run: JsonRun): Row[] {
  const perTrajectory = expectedTrajectoryRows(run);
  const rows: Row[] = [];
  run.trajectories.forEach((t, i) => {
    const s = t.samples;
    for (let j = 0; j < s.step.length; j++) {
      rows.push({
        ...perTrajectory[i],
        step: s.step[j],
        wd_x: s.wd[j][0],
        wd_y: s.wd[j][1],
        exp_projected_x: s.expProjected[j][0],
        exp_projected_y: s.expProjected[j][1],
        exp_norm_log2: s.expNormLog2[j],
        angle_gap: s.angleGap[j],
        wd_norm_log2: s.wdNormLog2[j],
      });
    }
  });
  return rows;
}

/**
 * Differences between rows read back and the expected rows, as readable lines (empty: equal). Numbers are
 * compared exactly (===): a float64 that JSON printed and Arrow stored as Float64 is the same double.
 */
export function rowDifferences(actual: Row[], expected: Row[], limit = 5): string[] {
  const out: string[] = [];
  if (actual.length !== expected.length) out.push(`row count ${actual.length}, expected ${expected.length}`);
  const n = Math.min(actual.length, expected.length);
  for (let r = 0; r < n && out.length < limit; r++) {
    const a = actual[r];
    const e = expected[r];
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    for (const k of keys) {
      if (!(k in a) || !(k in e) || a[k] !== e[k]) {
        out.push(`row ${r} column ${k}: ${String(a[k])}, expected ${String(e[k])}`);
        if (out.length >= limit) break;
      }
    }
  }
  return out;
}

/** Plain row objects from any reader's rows (bigint would mean an Int64 column, which we do not write). */
export function plainRows(rows: Iterable<Record<string, unknown>>): Row[] {
  return Array.from(rows, (row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) {
      if (v !== null && typeof v !== 'number' && typeof v !== 'string') {
        throw new TypeError(`column ${k} read back as ${typeof v} (${String(v)})`);
      }
      out[k] = v;
    }
    return out;
  });
}
