/**
 * planDispatches (src/gpu/dispatchPlan.ts), pure: how "advance the batch by n steps" is cut into
 * dispatches. Invariants checked on fixed cases and on random inputs (fast-check):
 * - the step ranges tile [t0, t0 + steps) in order, and each range is cut only where it must be: at the
 *   end, at a phase start (milestone), or after maxSteps steps;
 * - no dispatch crosses a milestone: a phase start may only be a range's first step or its end;
 * - phase is the phase of the range's first step; switchAtEnd is set exactly when the range ends on a
 *   phase start (the kernel then applies the η̃ switch and the buffer correction on its last step);
 * - within each step range, the dispatches cover trajectories [0, count) exactly once, in order, with
 *   1 ≤ invocations ≤ maxInvocations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DispatchSpec, type PlanInput, phaseIndexAt, planDispatches } from '../../src/gpu/dispatchPlan';

/** Groups the dispatches into step ranges (consecutive dispatches with the same t0). */
function stepRanges(plan: DispatchSpec[]): DispatchSpec[][] {
  const out: DispatchSpec[][] = [];
  for (const d of plan) {
    const last = out[out.length - 1];
    if (last && last[0].t0 === d.t0) last.push(d);
    else out.push([d]);
  }
  return out;
}

/** The first invariant `plan` breaks for input `p`, or null (plain checks: fast enough for fast-check). */
function planViolation(p: PlanInput, plan: DispatchSpec[]): string | null {
  if (p.steps <= 0 || p.count <= 0) return plan.length === 0 ? null : 'dispatches planned for no work';
  const end = p.t0 + p.steps;
  const starts = new Set(p.phaseStarts.slice(1));
  let t = p.t0;
  for (const range of stepRanges(plan)) {
    const { t0, steps, phase, switchAtEnd } = range[0];
    const at = `range ${t0}+${steps}`;
    if (t0 !== t) return `${at}: expected to start at ${t}`;
    if (!Number.isInteger(steps) || steps < 1 || steps > p.maxSteps) return `${at}: bad step count`;
    const rangeEnd = t0 + steps;
    if (rangeEnd > end) return `${at}: runs past the end ${end}`;
    // Never across a milestone: no phase start strictly inside (t0, t0 + steps).
    if (p.phaseStarts.some((s) => s > t0 && s < rangeEnd)) return `${at}: crosses a milestone`;
    if (phase !== phaseIndexAt(p.phaseStarts, t0)) return `${at}: phase ${phase}`;
    if (switchAtEnd !== starts.has(rangeEnd)) return `${at}: switchAtEnd ${switchAtEnd}`;
    // Cut only where it has to be (so the plan has the fewest step ranges).
    if (!(rangeEnd === end || starts.has(rangeEnd) || steps === p.maxSteps)) return `${at}: needless cut`;
    // Every trajectory exactly once, in order, in chunks of at most maxInvocations.
    let next = 0;
    for (const d of range) {
      if (d.steps !== steps || d.phase !== phase || d.switchAtEnd !== switchAtEnd) return `${at}: mixed`;
      if (d.offset !== next) return `${at}: offset ${d.offset}, expected ${next}`;
      if (d.invocations < 1 || d.invocations > p.maxInvocations) return `${at}: ${d.invocations} invocations`;
      next += d.invocations;
    }
    if (next !== p.count) return `${at}: covers ${next} of ${p.count} trajectories`;
    if (range.length !== Math.ceil(p.count / p.maxInvocations)) return `${at}: ${range.length} dispatches`;
    t = rangeEnd;
  }
  return t === end ? null : `plan stops at ${t}, not ${end}`;
}

function checkPlan(p: PlanInput, plan: DispatchSpec[]): void {
  expect(planViolation(p, plan)).toBeNull();
}

describe('planDispatches', () => {
  it('cuts at milestones and flags the dispatch that ends on one', () => {
    const p: PlanInput = {
      t0: 0,
      steps: 300,
      phaseStarts: [0, 100, 200],
      count: 10,
      maxSteps: 1024,
      maxInvocations: 32768,
    };
    const plan = planDispatches(p);
    checkPlan(p, plan);
    expect(plan.map((d) => [d.t0, d.steps, d.phase, d.switchAtEnd])).toEqual([
      [0, 100, 0, true],
      [100, 100, 1, true],
      [200, 100, 2, false],
    ]);
  });

  it('splits by maxSteps and maxInvocations (70,000 trajectories → 3 dispatches per step range)', () => {
    const p: PlanInput = {
      t0: 95,
      steps: 20,
      phaseStarts: [0, 100],
      count: 70_000,
      maxSteps: 7,
      maxInvocations: 32768,
    };
    const plan = planDispatches(p);
    checkPlan(p, plan);
    // 95..100 (ends on the milestone), 100..107, 107..114, 114..115.
    expect(stepRanges(plan).map((r) => [r[0].t0, r[0].steps, r[0].switchAtEnd])).toEqual([
      [95, 5, true],
      [100, 7, false],
      [107, 7, false],
      [114, 1, false],
    ]);
    expect(plan.slice(0, 3).map((d) => [d.offset, d.invocations])).toEqual([
      [0, 32768],
      [32768, 32768],
      [65536, 4464],
    ]);
  });

  it('starting on a milestone: the previous phase is over, no switch at that dispatch start', () => {
    const p: PlanInput = {
      t0: 100,
      steps: 50,
      phaseStarts: [0, 100, 150],
      count: 1,
      maxSteps: 1024,
      maxInvocations: 64,
    };
    const plan = planDispatches(p);
    checkPlan(p, plan);
    expect(plan).toEqual([{ t0: 100, steps: 50, phase: 1, switchAtEnd: true, offset: 0, invocations: 1 }]);
  });

  it('plans nothing for zero steps or an empty batch', () => {
    const base = { t0: 3, phaseStarts: [0, 10], maxSteps: 8, maxInvocations: 8 };
    expect(planDispatches({ ...base, steps: 0, count: 5 })).toEqual([]);
    expect(planDispatches({ ...base, steps: 5, count: 0 })).toEqual([]);
  });

  it('milestones after the end are never reached (no switch flagged)', () => {
    const p: PlanInput = {
      t0: 0,
      steps: 10,
      phaseStarts: [0, 11],
      count: 3,
      maxSteps: 1024,
      maxInvocations: 2,
    };
    const plan = planDispatches(p);
    checkPlan(p, plan);
    expect(plan.every((d) => d.switchAtEnd === false && d.phase === 0)).toBe(true);
    // …but one ending exactly on it is flagged.
    const q = { ...p, steps: 11 };
    checkPlan(q, planDispatches(q));
    expect(planDispatches(q).every((d) => d.switchAtEnd)).toBe(true);
  });

  it('satisfies every invariant on random inputs', () => {
    // At most 100 dispatches per step range, so that 400 runs stay fast; count reaches 100,000.
    const batch = fc.integer({ min: 1, max: 40_000 }).chain((maxInvocations) =>
      fc.record({
        maxInvocations: fc.constant(maxInvocations),
        count: fc.integer({ min: 0, max: Math.min(100_000, 100 * maxInvocations) }),
      }),
    );
    const input: fc.Arbitrary<PlanInput> = fc
      .record({
        gaps: fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 6 }),
        t0: fc.integer({ min: 0, max: 250 }),
        steps: fc.integer({ min: 0, max: 300 }),
        maxSteps: fc.integer({ min: 1, max: 80 }),
        batch,
      })
      .map(({ gaps, batch, ...rest }) => {
        const phaseStarts = [0];
        for (const g of gaps) phaseStarts.push(phaseStarts[phaseStarts.length - 1] + g);
        return { ...rest, ...batch, phaseStarts };
      });
    fc.assert(
      fc.property(input, (p) => planViolation(p, planDispatches(p)) === null),
      { numRuns: 400 },
    );
  });

  it('the checker itself rejects broken plans (test of the test)', () => {
    const p: PlanInput = {
      t0: 0,
      steps: 20,
      phaseStarts: [0, 10],
      count: 5,
      maxSteps: 8,
      maxInvocations: 4,
    };
    const good = planDispatches(p);
    expect(planViolation(p, good)).toBeNull();
    const broken: [string, DispatchSpec[]][] = [
      ['crosses a milestone', planDispatches({ ...p, phaseStarts: [0] })],
      ['switchAtEnd', good.map((d) => ({ ...d, switchAtEnd: false }))],
      ['covers 4 of 5', good.filter((d) => d.offset === 0)],
      ['stops at', good.slice(0, -2)],
      ['bad step count', planDispatches({ ...p, maxSteps: 100 })],
      ['5 invocations', planDispatches({ ...p, maxInvocations: 5 })],
      ['3 dispatches', planDispatches({ ...p, maxInvocations: 2 })],
    ];
    for (const [why, plan] of broken) expect(planViolation(p, plan)).toMatch(why);
    // A plan for maxSteps 3 is needlessly cut when 8 steps are allowed.
    expect(planViolation(p, planDispatches({ ...p, maxSteps: 3 }))).toMatch(/needless cut/);
  });

  it('refuses a zero, negative or fractional cap instead of looping forever', () => {
    const p = { t0: 0, steps: 10, phaseStarts: [0], count: 4, maxSteps: 4, maxInvocations: 2 };
    for (const bad of [0, -1, 0.5, Number.NaN]) {
      expect(() => planDispatches({ ...p, maxSteps: bad })).toThrow(/maxSteps must be a positive integer/);
      expect(() => planDispatches({ ...p, maxInvocations: bad })).toThrow(
        /maxInvocations must be a positive/,
      );
    }
  });

  it('phaseIndexAt: the last phase whose start is ≤ t', () => {
    const starts = [0, 100, 200];
    expect([0, 99, 100, 199, 200, 10_000].map((t) => phaseIndexAt(starts, t))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(phaseIndexAt([0], 5)).toBe(0);
  });
});
