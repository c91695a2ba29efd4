/**
 * Path colours by divergence cause (src/render/cause.ts, shaders/render_cause.wgsl) without a GPU: the
 * codes round-trip, each cause has its own colour, the WGSL tests the events in the order of
 * src/core/cause.ts (the GPU test tests/render/causeWgsl.gpu.test.ts runs it), and the legend lists every cause.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAUSE_PRECEDENCE, DIVERGENCE_CAUSES, divergenceCause } from '../../src/core/cause';
import { DEFAULT_VIEW } from '../../src/playground/viewState';
import { CAUSE_LABEL, causeCode, causeOfCode, causeRgb, causeWgsl } from '../../src/render/cause';
import { legendFor } from '../../src/render/legend';

const ALL = [null, ...DIVERGENCE_CAUSES];

describe('cause colours', () => {
  it('codes are 0 for none and distinct for each cause, and decode back', () => {
    const codes = ALL.map(causeCode);
    expect(new Set(codes).size).toBe(ALL.length);
    expect(causeCode(null)).toBe(0);
    for (const c of ALL) expect(causeOfCode(causeCode(c))).toBe(c);
    expect(() => causeOfCode(ALL.length)).toThrow(RangeError);
  });

  it('one distinct colour per cause and for "no divergence"', () => {
    const colours = ALL.map((c) => causeRgb(c).join(','));
    expect(new Set(colours).size).toBe(ALL.length);
    expect(causeWgsl()).toContain(`array<vec3<f32>, ${ALL.length}>`);
  });

  it('the WGSL returns the causes in the order divergenceCause() tests them', () => {
    // divergenceCause's order, read off its answers: overflow first, then no divergence, underflow,
    // absorption, crossing, and precision last.
    const d = 10;
    const order = [
      divergenceCause({ divergenceStep: d, overflowStep: 5 }),
      divergenceCause({ divergenceStep: null, overflowStep: null }),
      divergenceCause({ divergenceStep: d, overflowStep: null, underflowStep: 1, wdAbsorbedStep: 1 }),
      divergenceCause({ divergenceStep: d, overflowStep: null, expAbsorbedStep: 1, crossingStep: 1 }),
      divergenceCause({ divergenceStep: d, overflowStep: null, crossingStep: 1 }),
      divergenceCause({ divergenceStep: d, overflowStep: null }),
    ];
    const wgsl = readFileSync('shaders/render_cause.wgsl', 'utf8');
    const returns = [...wgsl.matchAll(/return CAUSE_([A-Z]+);/g)].map((m) => m[1].toLowerCase());
    expect(returns).toEqual(order.map((c) => c ?? 'none'));
    expect(CAUSE_PRECEDENCE).toEqual(order.filter((c, i) => c !== null && order.indexOf(c) === i));
  });

  it('the legend lists every cause and "not diverged" in order of precedence', () => {
    const spec = legendFor(
      { ...DEFAULT_VIEW, colorBy: 'cause' },
      { basins: null, endStep: 100, zoomLog2: 0, hasSchedule: true },
    );
    expect(spec.colors.map((e) => e.label)).toEqual(
      [...CAUSE_PRECEDENCE, 'none'].map((c) => CAUSE_LABEL[c as 'none']),
    );
    expect(spec.runs.every((r) => r.color === 'rgb(220, 220, 220)')).toBe(true); // runs told apart by pattern only
  });
});
