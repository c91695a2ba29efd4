/**
 * Splits "advance the batch by n steps" into dispatches: never across a learning-rate milestone (the
 * phase constants are per dispatch), at most `maxSteps` steps each (watchdogs on real GPUs), and at most
 * `maxInvocations` trajectories each (SwiftShader crashes on very large single dispatches).
 */

export interface DispatchSpec {
  t0: number;
  steps: number;
  phase: number;
  /** True when the dispatch's last step lands on the next phase's first step. */
  switchAtEnd: boolean;
  offset: number;
  invocations: number;
}

export interface PlanInput {
  t0: number;
  steps: number;
  /** First step of each phase, phaseStarts[0] = 0, strictly increasing. */
  phaseStarts: readonly number[];
  count: number;
  maxSteps: number;
  maxInvocations: number;
}

export function phaseIndexAt(phaseStarts: readonly number[], t: number): number {
  let i = 0;
  while (i + 1 < phaseStarts.length && phaseStarts[i + 1] <= t) i++;
  return i;
}

export function planDispatches(p: PlanInput): DispatchSpec[] {
  // A zero or fractional cap would loop forever or dispatch partial trajectories: refuse it loudly.
  for (const [name, v] of [
    ['maxSteps', p.maxSteps],
    ['maxInvocations', p.maxInvocations],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`planDispatches: ${name} must be a positive integer (got ${v})`);
  }
  const out: DispatchSpec[] = [];
  let t = p.t0;
  const end = p.t0 + p.steps;
  while (t < end) {
    const phase = phaseIndexAt(p.phaseStarts, t);
    const nextStart = phase + 1 < p.phaseStarts.length ? p.phaseStarts[phase + 1] : Number.POSITIVE_INFINITY;
    const n = Math.min(end - t, p.maxSteps, nextStart - t);
    const switchAtEnd = t + n === nextStart;
    for (let offset = 0; offset < p.count; offset += p.maxInvocations) {
      out.push({
        t0: t,
        steps: n,
        phase,
        switchAtEnd,
        offset,
        invocations: Math.min(p.maxInvocations, p.count - offset),
      });
    }
    t += n;
  }
  return out;
}
