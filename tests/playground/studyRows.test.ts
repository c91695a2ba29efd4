/**
 * The Precision tab's per-trajectory causes, absorbed steps and departures (src/playground/studyRows.ts), on a
 * hand-made study: values pass through per precision, NA where a precision did not run or the study lacks
 * the field, pairs read "wd / exp", a departure beyond mp's own horizon is marked †, and sorting by cause
 * follows divergenceCause()'s order of precedence.
 */
import { describe, expect, it } from 'vitest';
import type { StudyResult } from '../../src/core/study/types';
import { cellText, cellValue, sortRows, studyHas, studyRows } from '../../src/playground/studyRows';

function study(withCauses: boolean): StudyResult {
  const t = (index: number, f32: object, mp: object | undefined) => ({
    index,
    init: [1, index],
    divergenceStep: { f32: 10 + index, ...(mp && { mp: null }) },
    overflowStep: { f32: null, ...(mp && { mp: null }) },
    crossingStep: {},
    lyapunov: null,
    lyapunovWindow: null,
    ...(withCauses && {
      cause: { f32: (f32 as { cause: unknown }).cause, ...(mp && { mp: null }) },
      wdAbsorbedStep: { f32: (f32 as { wd: unknown }).wd, ...(mp && { mp: null }) },
      expAbsorbedStep: { f32: (f32 as { exp: unknown }).exp, ...(mp && { mp: null }) },
      ...(mp && { wdDeparture: { f32: 7 }, expDeparture: { f32: null }, referenceHorizon: 5 + 10 * index }),
    }),
  });
  return {
    runs: [
      { precision: 'f32', bits: 24, trajectories: 3 },
      { precision: 'mp', bits: 256, trajectories: 2 },
    ],
    trajectories: [
      t(0, { cause: 'chaos', wd: null, exp: null }, {}),
      t(1, { cause: 'absorbed', wd: 40, exp: 3 }, {}),
      t(2, { cause: null, wd: null, exp: null }, undefined),
    ],
  } as unknown as StudyResult;
}

describe('study rows: causes, absorbed steps, departures', () => {
  const rows = studyRows(study(true));

  it('passes each precision through; NA where the precision did not run', () => {
    expect(rows.map((r) => cellText(r, 'cause:f32'))).toEqual(['chaos', 'absorbed', 'none']);
    expect(rows.map((r) => cellText(r, 'cause:mp'))).toEqual(['none', 'none', 'NA']);
    expect(rows.map((r) => cellText(r, 'abs:f32'))).toEqual(['— / —', '40 / 3', '— / —']);
    // Trajectory 0's reference is trusted to step 5 only: its departure at 7 is marked.
    expect(rows.map((r) => cellText(r, 'dep:f32'))).toEqual(['7† / —', '7 / —', 'NA']);
    expect(cellText(rows[0], 'div:f32')).toBe('10');
  });

  it('sorts causes in order of precedence, absorbed pairs by the earlier step', () => {
    expect(cellValue(rows[1], 'abs:f32')).toBe(3);
    expect(sortRows(rows, 'cause:f32', 1).map((r) => r.index)).toEqual([1, 0, 2]); // absorbed, chaos, none
    expect(sortRows(rows, 'abs:f32', 1).map((r) => r.index)).toEqual([1, 0, 2]);
  });

  it('a study without the fields reads NA and says so', () => {
    const old = study(false);
    expect(studyHas(old, 'cause')).toBe(false);
    expect(studyHas(study(true), 'wdDeparture')).toBe(true);
    const r = studyRows(old)[1];
    expect([cellText(r, 'cause:f32'), cellText(r, 'abs:f32'), cellText(r, 'dep:f32')]).toEqual([
      'NA',
      'NA',
      'NA',
    ]);
  });
});
