/**
 * The precision study against the mp reference (issue 12), with CPU runners: departures and the
 * reference horizon recomputed by hand here from plain run outputs (f64, dd, mp at 256 and 512 bits, all
 * sampled every step) with a loop written in this file, not departure.ts; the CSV columns; the aggregate's
 * causes and medians; the SVG's cause colours and non-overlapping labels. Sabotage: the same hand loop
 * against the wrong reference (mp's run of the neighbouring trajectory, or dd instead of mp) must disagree.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { runCpu, runMp } from '../../src/core/run/cpuRun';
import type { RunOutput } from '../../src/core/run/output';
import { studyCsvHeader, studyToCsv } from '../../src/core/study/csv';
import { runStudy } from '../../src/core/study/runStudy';
import { CAUSE_COLOURS, studyToSvg } from '../../src/core/study/svg';
import { studySummaryTable } from '../../src/core/study/table';
import type { StudyResult, StudyTrajectory } from '../../src/core/study/types';

const SUBSET = 3;
const config = validateConfig({
  loss: { preset: 'rugged' },
  optimizer: { lr: 0.1, weightDecay: 0.05 },
  init: { ring: { count: 6, radius: 1 } },
  steps: 400,
});
const TOL = config.driftTolerance;

type Pair = [number, number] | [null, null];

/** First t with |p − r|/|r| > tol (p null: departs; r null or zero: stop), written out independently. */
function hand(p: Pair[], r: Pair[], tol: number): number | null {
  for (let t = 0; t < r.length; t++) {
    const [rx, ry] = r[t];
    if (rx === null || ry === null || (rx === 0 && ry === 0)) return null;
    const [px, py] = p[t];
    if (px === null || py === null) return t;
    const dist = Math.sqrt((px - rx) ** 2 + (py - ry) ** 2) / Math.sqrt(rx ** 2 + ry ** 2);
    if (dist > tol) return t;
  }
  return null;
}

const subset = (precision: 'f64' | 'dd' | 'mp') => ({
  ...config,
  precision,
  sampleEvery: 1,
  init: { points: [] as [number, number][] },
});

describe('study with mp: departures and reference horizon', async () => {
  const study = await runStudy(config, {
    precisions: ['f64', 'dd', 'mp'],
    ddSubset: SUBSET,
    run: async (cfg, onProgress, extra) => runCpu(cfg, { onProgress, ...extra }),
  });
  // The same runs, made here one by one with per-step samples.
  const f64 = runCpu({ ...subset('f64'), init: config.init });
  const points = f64.trajectories.slice(0, SUBSET).map((t) => t.init);
  const dd = runCpu({ ...subset('dd'), init: { points } });
  const mp = runMp({ ...subset('mp'), init: { points } });
  const mp2 = runMp({ ...subset('mp'), init: { points } }, { bits: 512 });
  const handDepartures = (p: RunOutput, ref: RunOutput, shift = 0) =>
    ref.trajectories.slice(0, SUBSET).map((r, i) => {
      const mine = p.trajectories[(i + shift) % SUBSET].samples;
      return [hand(mine.wd, r.samples.wd, TOL), hand(mine.expProjected, r.samples.expProjected, TOL)];
    });
  const fromStudy = (p: 'f64' | 'dd') =>
    study.trajectories
      .slice(0, SUBSET)
      .map((t) => [t.wdDeparture?.[p], t.expDeparture?.[p]].map((d) => (d === undefined ? 'missing' : d)));

  it('departures of f64 and dd equal the hand recomputation against mp, and some happen', () => {
    expect(fromStudy('f64')).toEqual(handDepartures(f64, mp));
    expect(fromStudy('dd')).toEqual(handDepartures(dd, mp));
    expect(
      fromStudy('f64')
        .flat()
        .some((d) => typeof d === 'number'),
    ).toBe(true);
    // Outside mp's subset there is nothing to compare with, and mp is not compared with itself.
    expect(study.trajectories[SUBSET].wdDeparture?.f64).toBeUndefined();
    expect(study.trajectories[0].wdDeparture?.mp).toBeUndefined();
  });

  it('sabotage: against the wrong reference the hand loop disagrees with the study', () => {
    expect(fromStudy('f64')).not.toEqual(handDepartures(f64, mp, 1));
    expect(fromStudy('dd')).not.toEqual(handDepartures(dd, f64));
  });

  it('reference horizon: first step where mp 256 and 512 bits differ by > tol·1e−6', () => {
    const expected = mp.trajectories.map((t, i) => {
      const r = mp2.trajectories[i].samples;
      const hs = [
        hand(t.samples.wd, r.wd, TOL * 1e-6),
        hand(t.samples.expProjected, r.expProjected, TOL * 1e-6),
      ];
      const finite = hs.filter((h): h is number => h !== null);
      return finite.length === 0 ? null : Math.min(...finite);
    });
    expect(study.trajectories.slice(0, SUBSET).map((t) => t.referenceHorizon)).toEqual(expected);
    expect(study.aggregate.reference).toMatchObject({ bits: 256, horizonBits: 512, n: SUBSET });
    // f64 departs long before mp's own horizon on this chaotic preset.
    const f64Row = study.aggregate.rows.find((r) => r.precision === 'f64');
    expect(f64Row?.departure?.n).toBe(SUBSET);
    expect(f64Row?.departure?.untrusted).toBe(0);
  });

  it('passes causes and absorbed steps through, and aggregates the causes', () => {
    for (const [i, t] of study.trajectories.entries()) {
      expect(t.cause?.f64).toBe(f64.trajectories[i].divergenceCause);
      expect(t.wdAbsorbedStep?.f64).toBe(f64.trajectories[i].wdAbsorbedStep);
      expect(t.expAbsorbedStep?.f64).toBe(f64.trajectories[i].expAbsorbedStep);
    }
    const row = study.aggregate.rows.find((r) => r.precision === 'f64');
    const common = study.trajectories.slice(0, study.aggregate.common);
    const diverged = common.filter((t) => t.cause?.f64 != null).length;
    const counted = Object.values(row?.causes ?? {}).reduce((a, b) => a + b, 0);
    expect(counted).toBe(diverged);
    expect(study.runs.map((r) => [r.precision, r.bits])).toEqual([
      ['f64', 53],
      ['dd', 100],
      ['mp', 256],
    ]);
    expect(studySummaryTable(study)).toMatch(/wd depart.*exp depart.*untrusted/);
    expect(studySummaryTable(study)).toMatch(/reference: mp 256 bits/);
  });

  it('writes the per-precision columns; NA for mp itself and outside the subset', () => {
    const lines = studyToCsv(study).trimEnd().split('\n');
    const head = lines[0].split(',');
    expect(head).toEqual(studyCsvHeader(['f64', 'dd', 'mp']));
    for (const p of ['f64', 'dd', 'mp'])
      for (const c of ['cause', 'wd_absorbed', 'exp_absorbed', 'wd_departure', 'exp_departure'])
        expect(head).toContain(`${c}_${p}`);
    const cell = (i: number, col: string) => lines[i + 1].split(',')[head.indexOf(col)];
    expect(cell(0, 'wd_departure_f64')).toBe(String(study.trajectories[0].wdDeparture?.f64 ?? ''));
    expect(cell(0, 'wd_departure_mp')).toBe('NA');
    expect(cell(SUBSET, 'wd_departure_f64')).toBe('NA');
    expect(cell(SUBSET, 'cause_mp')).toBe('NA');
    expect(cell(0, 'cause_f64')).toBe(study.trajectories[0].cause?.f64 ?? '');
    expect(cell(0, 'reference_horizon')).toBe(String(study.trajectories[0].referenceHorizon ?? ''));
  });
});

/** Text boxes of the SVG's centred labels, with the writer's width estimate (0.6 em per character). */
function labelBoxes(svg: string) {
  return [
    ...svg.matchAll(
      /<text class="precision-label" x="([\d.]+)" y="([\d.]+)" text-anchor="middle"[^>]*>([^<]*)</g,
    ),
  ].map((m) => {
    const w = 0.6 * 13 * m[3].length;
    return { text: m[3], x0: +m[1] - w / 2, x1: +m[1] + w / 2, y0: +m[2] - 12, y1: +m[2] + 4 };
  });
}

describe('study.svg', () => {
  const t = (index: number, f32: number, df64: number, cause: 'chaos' | 'absorbed'): StudyTrajectory => ({
    index,
    init: [1, 0],
    divergenceStep: { f32, df64, f64: 1000 },
    overflowStep: {},
    crossingStep: {},
    cause: { f32: cause, df64: 'chaos', f64: 'range' },
    lyapunov: null,
    lyapunovWindow: null,
  });
  const study = {
    steps: 2000,
    driftTolerance: 1e-3,
    aggregate: {
      common: 3,
      rows: [
        { precision: 'f32', bits: 24, medianDivergence: 500 },
        { precision: 'df64', bits: 46, medianDivergence: 505 },
        { precision: 'f64', bits: 53, medianDivergence: 510 },
      ],
      fit: null,
      predictedStepsPerBit: null,
    },
    trajectories: [t(0, 500, 505, 'chaos'), t(1, 498, 506, 'absorbed'), t(2, 502, 504, 'chaos')],
  } as unknown as StudyResult;
  const svg = studyToSvg(study);

  it('colours each point by its cause, with a legend', () => {
    expect(svg).toContain(`fill="${CAUSE_COLOURS.absorbed}" fill-opacity`);
    expect(svg).toContain(`fill="${CAUSE_COLOURS.range}" fill-opacity`);
    for (const c of ['chaos', 'absorbed', 'range', 'precision']) expect(svg).toContain(`cause: ${c}`);
  });

  it('places the f32, df64 and f64 labels without overlap (they used to collide)', () => {
    const boxes = labelBoxes(svg);
    expect(boxes.map((b) => b.text.split(' ')[0])).toEqual(['f32', 'df64', 'f64']);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
        expect(overlap, `${a.text} / ${b.text}`).toBe(false);
      }
  });
});
