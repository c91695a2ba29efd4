/**
 * study.svg's precision labels ("f32 (24 bits): 213") never collide: with each other, with the median
 * markers, or with the plot's edges. The data: the two study presets (examples/study-rugged.json and
 * study-seed-wells.json, run by `scaleinv-lab study --precisions f32,df64,f64,dd --subset 64` on
 * SwiftShader; tests/core/fixtures/studySvgPresets.json keeps what the chart reads), and synthetic worst
 * cases (every median equal, medians at the top of the axis). The boxes are read back from the SVG text
 * and measured with a conservative width (0.6 em per character, wider than Helvetica's or DejaVu's
 * digits). Sabotage: with each label just above its marker (the placement without the collision pass) the same check
 * finds collisions on the rugged preset.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Precision } from '../../src/core/config/types';
import { studyToSvg } from '../../src/core/study/svg';
import type { StudyResult } from '../../src/core/study/types';

interface Fixture {
  steps: number;
  driftTolerance: number;
  aggregate: {
    common: number;
    fit: { slope: number; intercept: number; r2: number; points: number } | null;
    predictedStepsPerBit: number | null;
    rows: { precision: Precision; bits: number; medianDivergence: number | null }[];
  };
  divergenceStep: Record<string, (number | null)[]>;
  cause: Record<string, (string | null)[]>;
}

const PRESETS = JSON.parse(
  readFileSync(new URL('./fixtures/studySvgPresets.json', import.meta.url), 'utf8'),
) as Record<string, Fixture>;

/** A StudyResult with what studyToSvg reads (the rest is not drawn). */
function study(f: Fixture): StudyResult {
  const n = f.aggregate.common;
  const precisions = f.aggregate.rows.map((r) => r.precision);
  const trajectories = Array.from({ length: n }, (_, i) => ({
    index: i,
    divergenceStep: Object.fromEntries(precisions.map((p) => [p, f.divergenceStep[p][i]])),
    cause: Object.fromEntries(precisions.map((p) => [p, f.cause[p][i]])),
  }));
  return {
    steps: f.steps,
    driftTolerance: f.driftTolerance,
    aggregate: f.aggregate,
    trajectories,
  } as unknown as StudyResult;
}

/** Four precisions whose medians all lie within `spread` steps of `at` (the worst case for labels). */
function crowded(at: number, spread: number, steps = 3000): Fixture {
  const rows = (
    [
      ['f32', 24],
      ['df64', 42],
      ['f64', 53],
      ['dd', 100],
    ] as const
  ).map(([precision, bits], k) => ({ precision, bits, medianDivergence: at + Math.round((k * spread) / 3) }));
  return {
    steps,
    driftTolerance: 1e-3,
    aggregate: { common: 3, fit: null, predictedStepsPerBit: null, rows },
    divergenceStep: Object.fromEntries(
      rows.map((r) => [r.precision, [r.medianDivergence - 1, r.medianDivergence, r.medianDivergence + 1]]),
    ),
    cause: Object.fromEntries(rows.map((r) => [r.precision, ['chaos', 'chaos', 'chaos']])),
  };
}

interface Rect {
  what: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Precision labels (13 px text, centred; box from 0.6 em per character + 3 px each side) and markers. */
function boxesOf(svg: string): { labels: Rect[]; markers: Rect[] } {
  const labels = [
    ...svg.matchAll(/<text class="precision-label" x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</g),
  ].map(([, x, y, text]) => {
    const w = 0.6 * 13 * unescapeXml(text).length + 6;
    return { what: unescapeXml(text), x0: +x - w / 2, x1: +x + w / 2, y0: +y - 12, y1: +y + 4 };
  });
  const markers = [
    ...svg.matchAll(/<rect class="median-marker" x="([-\d.]+)" y="([-\d.]+)" width="10" height="10"/g),
  ].map(([, x, y]) => ({ what: 'marker', x0: +x, x1: +x + 10, y0: +y, y1: +y + 10 }));
  return { labels, markers };
}

/** Every collision among the labels, of a label with a marker, or of a label with the plot's edges. */
function collisions(svg: string): string[] {
  const { labels, markers } = boxesOf(svg);
  const hit = (a: Rect, b: Rect) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  const out: string[] = [];
  labels.forEach((a, i) => {
    for (const b of labels.slice(i + 1)) if (hit(a, b)) out.push(`"${a.what}" over "${b.what}"`);
    for (const m of markers) if (hit(a, m)) out.push(`"${a.what}" over a median marker`);
    // The plot area of the 720×460 chart: x 78..696, y 44..402.
    if (a.x0 < 78 || a.x1 > 696 || a.y0 < 44 || a.y1 > 402) out.push(`"${a.what}" leaves the plot`);
  });
  return out;
}

describe('study.svg precision labels', () => {
  const cases: [string, Fixture][] = [
    ...Object.entries(PRESETS).map(([name, f]) => [`preset ${name}`, f] as [string, Fixture]),
    ['all four medians equal', crowded(1500, 0)],
    ['four medians within 30 steps', crowded(1480, 30)],
    ['medians at the top of the axis', crowded(2990, 10)],
  ];

  it.each(cases)('%s: one label per precision, none colliding', (_, f) => {
    const svg = studyToSvg(study(f));
    const { labels } = boxesOf(svg);
    expect(labels.map((l) => l.what.split(' ')[0])).toEqual(f.aggregate.rows.map((r) => r.precision));
    expect(collisions(svg)).toEqual([]);
  });

  it('the labels name the medians of the presets (f32 below df64 below f64 below dd)', () => {
    for (const f of Object.values(PRESETS)) {
      const { labels } = boxesOf(studyToSvg(study(f)));
      for (const [i, r] of f.aggregate.rows.entries())
        expect(labels[i].what).toBe(`${r.precision} (${r.bits} bits): ${r.medianDivergence}`);
    }
  });

  it('sabotage: labels just above their markers (no collision pass) makes labels collide on the rugged preset', () => {
    const fixed = collisions(studyToSvg(study(PRESETS.rugged), 'rugged', { avoidCollisions: false }));
    expect(fixed.length).toBeGreaterThan(0);
    expect(fixed.join('; ')).toMatch(/df64.*over.*f64|f64.*over.*df64/);
    expect(
      collisions(studyToSvg(study(crowded(1500, 0)), 'crowded', { avoidCollisions: false })).length,
    ).toBeGreaterThan(0);
  });
});
