/**
 * Step decay and its tapered exponential schedule (TEXP, docs/math.md §3). Weight-decay run with the learning
 * rate multiplied by 0.3 at steps 60 and 120; the exponential run, projected back by c_t, must reproduce it,
 * and both must agree with the Decimal oracle, whose buffer correction at a switch T,
 *   ṽ_T ← ṽ_T + c_T² (p_{I−1} − p_I) w̃_T,  p_I = (1 − α_I)/(η_I α_I),
 * is derived independently (tests/oracle/decimalOracle.ts). Removing the correction must break the match.
 */
import { describe, expect, it } from 'vitest';
import { F64 } from '../../src/core/arith';
import { DD } from '../../src/core/dd';
import { Integrator } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import {
  type ExponentialSchedule,
  expLearningRateAt,
  log2ProjectionFactor,
  type OptimizerConfig,
  phaseAt,
  toExponential,
} from '../../src/core/schedule';
import {
  type Dec,
  ddDecimal,
  exactDecimal,
  type OracleRun,
  oracleRun,
  relDist,
} from '../oracle/decimalOracle';

const LOSS: FourierLoss = { a: [0.3, -0.2, 0.1], b: [0.1, 0.4, -0.05] };
const INIT: [number, number] = [-0.7, 0.7];
const STEPS = 200;
const MILESTONES = [60, 120];
const BOUND = 1e-12;

function optimizer(momentum: number): OptimizerConfig {
  return { lr: 0.1, weightDecay: 0.01, momentum, milestones: MILESTONES, lrDecay: 0.3 };
}

interface F64Run {
  wd: [number, number][];
  ex: [number, number][];
  /** η̃_t as held by the integrator before step t. */
  lr: number[];
  c: number[];
}

function runF64(schedule: ExponentialSchedule): F64Run {
  const integ = new Integrator(F64, LOSS, schedule, 1e-3);
  const s = integ.init(INIT[0], INIT[1]);
  const out: F64Run = { wd: [[s.wd.x, s.wd.y]], ex: [[s.ex.x, s.ex.y]], lr: [s.lr], c: [1] };
  for (let t = 1; t <= STEPS; t++) {
    integ.step(s);
    out.wd.push([s.wd.x, s.wd.y]);
    out.ex.push([s.ex.x, s.ex.y]);
    out.lr.push(s.lr);
    out.c.push(2 ** log2ProjectionFactor(schedule, t));
  }
  return out;
}

/** |c_t w̃_t − w_t| / |w_t| per step, in float64. */
function projectionMismatch(run: F64Run): number[] {
  return run.wd.map(([x, y], t) => {
    const [ex, ey] = run.ex[t];
    const c = run.c[t];
    return Math.hypot(c * ex - x, c * ey - y) / Math.hypot(x, y);
  });
}

const maxOf = (xs: number[]) => xs.reduce((m, v) => Math.max(m, v), 0);

const oracles = new Map<number, OracleRun>();
/** The exponential half is integrated for γ = 0.9 (where the buffer correction matters). */
function oracle(momentum: number): OracleRun {
  let o = oracles.get(momentum);
  if (o === undefined) {
    o = oracleRun(LOSS, optimizer(momentum), INIT, STEPS, { exponential: momentum !== 0 });
    oracles.set(momentum, o);
  }
  return o;
}

const relDec = (got: number, want: Dec) => exactDecimal(got).minus(want).div(want).abs().toNumber();
const measured: string[] = [];

describe('TEXP: step decay with milestones [60, 120], lrDecay 0.3', () => {
  it.each([0, 0.9])('γ = %s: the projected exponential run matches the weight-decay run to 1e-12', (g) => {
    const sch = toExponential(optimizer(g));
    expect(sch.phases.map((p) => p.start)).toEqual([0, ...MILESTONES]);
    const m = maxOf(projectionMismatch(runF64(sch)));
    measured.push(`γ=${g}: projection mismatch ${m.toExponential(2)}`);
    expect(m).toBeLessThanOrEqual(BOUND);
  });

  it.each([0, 0.9])('γ = %s: η̃_t (integrator and expLearningRateAt) and c_t agree with the oracle', (g) => {
    const sch = toExponential(optimizer(g));
    const run = runF64(sch);
    const o = oracle(g);
    let lr = 0;
    let closed = 0;
    let c = 0;
    for (let t = 0; t < STEPS; t++) {
      lr = Math.max(lr, relDec(run.lr[t], o.expLr[t]));
      closed = Math.max(closed, relDec(expLearningRateAt(sch, t), o.expLr[t]));
      c = Math.max(c, relDec(run.c[t + 1], o.c[t + 1]));
    }
    measured.push(
      `γ=${g}: η̃ integrator ${lr.toExponential(2)}, closed form ${closed.toExponential(2)}, c_t ${c.toExponential(2)}`,
    );
    expect(lr).toBeLessThanOrEqual(BOUND);
    expect(closed).toBeLessThanOrEqual(BOUND);
    expect(c).toBeLessThanOrEqual(BOUND);
    // η̃ really is tapered: it jumps down at each switch (η_I/η_{I−1} = 0.3 beats 1/(α_I α_{I−1}) ≈ 1).
    for (const T of MILESTONES) expect(o.expLr[T].lt(o.expLr[T - 1])).toBe(true);
    expect(phaseAt(sch, 59)).toBe(0);
    expect(phaseAt(sch, 60)).toBe(1);
    expect(phaseAt(sch, 120)).toBe(2);
  });

  it('γ = 0.9: the buffer correction coefficient κ_I/η̃_{T−1} equals the oracle’s c_T²(p_{I−1} − p_I)', () => {
    const sch = toExponential(optimizer(0.9));
    const o = oracle(0.9);
    expect(o.corrections.map((q) => q.step)).toEqual(MILESTONES);
    o.corrections.forEach((q, i) => {
      const kappa = sch.phases[i + 1].bufferKappa;
      const coeff = ddDecimal(kappa.hi, kappa.lo).div(o.expLr[q.step - 1]);
      const rel = coeff.minus(q.k).div(q.k).abs().toNumber();
      measured.push(
        `switch at ${q.step}: correction ${q.k.toPrecision(6)}, code vs oracle ${rel.toExponential(2)}`,
      );
      // Not 1e-30: the code forms the decayed rates η_I = fl(η·0.3^I) in float64 (phaseLearningRates), the
      // oracle exactly, and p_I depends on η_I; that rounding (~1e-17) is all that separates them.
      expect(rel).toBeLessThanOrEqual(1e-15);
    });
  });

  it("γ = 0.9: the oracle's own exponential run (with its derived correction) reproduces its weight-decay run", () => {
    const o = oracle(0.9);
    let max = 0;
    for (let t = 0; t <= STEPS; t++) {
      max = Math.max(max, relDist(o.ex.x[t].times(o.c[t]), o.ex.y[t].times(o.c[t]), o.wd.x[t], o.wd.y[t]));
    }
    measured.push(`oracle γ=0.9: own projection mismatch ${max.toExponential(2)}`);
    expect(max).toBeLessThanOrEqual(1e-45);
  });

  it.each([0, 0.9])('γ = %s: f64 w_t and w̃_t within 1e-12 of the oracle', (g) => {
    const run = runF64(toExponential(optimizer(g)));
    const o = oracle(g);
    let wd = 0;
    let ex = 0;
    for (let t = 0; t <= STEPS; t++) {
      wd = Math.max(wd, relDist(run.wd[t][0], run.wd[t][1], o.wd.x[t], o.wd.y[t]));
      const ox = o.ex.x.length > 0 ? o.ex.x[t] : o.wd.x[t].div(o.c[t]);
      const oy = o.ex.y.length > 0 ? o.ex.y[t] : o.wd.y[t].div(o.c[t]);
      ex = Math.max(ex, relDist(run.ex[t][0], run.ex[t][1], ox, oy));
    }
    measured.push(`γ=${g}: f64 vs oracle wd ${wd.toExponential(2)}, exp ${ex.toExponential(2)}`);
    expect(wd).toBeLessThanOrEqual(BOUND);
    expect(ex).toBeLessThanOrEqual(BOUND);
  });

  it('TEST OF THE TEST — γ = 0.9 without the buffer correction: exact before the first switch, off by O(ηλ) after', () => {
    const sch = toExponential(optimizer(0.9));
    const broken: ExponentialSchedule = {
      ...sch,
      phases: sch.phases.map((p) => ({ ...p, bufferKappa: new DD(0, 0) })),
    };
    const mis = projectionMismatch(runF64(broken));
    const before = maxOf(mis.slice(0, MILESTONES[0] + 1));
    const after = maxOf(mis.slice(MILESTONES[0] + 1));
    measured.push(
      `no correction: mismatch ${before.toExponential(2)} up to step 60, ${after.toExponential(2)} after`,
    );
    expect(before).toBeLessThanOrEqual(BOUND);
    expect(after).toBeGreaterThan(1e-6);
  });

  it('reports', () => {
    for (const line of measured) console.log(line);
    expect(measured.length).toBeGreaterThan(0);
  });
});
