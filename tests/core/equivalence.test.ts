/**
 * Weight decay ⇔ exponential learning rate (docs/math.md §2, Li & Arora 2020) in float64: the exponential run
 * projected back, c_t·w̃_t, must reproduce the weight-decay run w_t, and both must agree with the independent
 * 60-digit Decimal oracle. A deliberately broken schedule (ṽ_0 = 0 with momentum) must fail the measurement.
 */
import { describe, expect, it } from 'vitest';
import { F64 } from '../../src/core/arith';
import { DD } from '../../src/core/dd';
import { Integrator } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import {
  type ExponentialSchedule,
  log2ProjectionFactor,
  maxEtaLambda,
  type OptimizerConfig,
  toExponential,
} from '../../src/core/schedule';
import {
  ddDecimal,
  exactDecimal,
  type OracleRun,
  oracleAlpha,
  oracleRun,
  relDist,
} from '../oracle/decimalOracle';

const LOSSES: Record<string, FourierLoss> = {
  harmonics: { a: [0.3, -0.2, 0.1], b: [0.1, 0.4, -0.05] },
  well: { a: [-1], b: [0] },
};
const MOMENTA = [0, 0.5, 0.9];
const INIT: [number, number] = [-0.7, 0.7];
const STEPS = 200;
const BOUND = 1e-12;

function optimizer(momentum: number): OptimizerConfig {
  return { lr: 0.1, weightDecay: 0.01, momentum, milestones: [], lrDecay: 1 };
}

interface F64Run {
  wd: [number, number][];
  ex: [number, number][];
  /** c_t = 2^(log2ProjectionFactor(t)). */
  c: number[];
}

function runF64(loss: FourierLoss, schedule: ExponentialSchedule, steps: number): F64Run {
  const integ = new Integrator(F64, loss, schedule, 1e-3);
  const s = integ.init(INIT[0], INIT[1]);
  const out: F64Run = { wd: [[s.wd.x, s.wd.y]], ex: [[s.ex.x, s.ex.y]], c: [1] };
  for (let t = 1; t <= steps; t++) {
    integ.step(s);
    out.wd.push([s.wd.x, s.wd.y]);
    out.ex.push([s.ex.x, s.ex.y]);
    out.c.push(2 ** log2ProjectionFactor(schedule, t));
  }
  return out;
}

/** max_t |c_t w̃_t − w_t| / |w_t|, in float64. */
function projectionMismatch(run: F64Run): number {
  let max = 0;
  for (let t = 0; t < run.wd.length; t++) {
    const [x, y] = run.wd[t];
    const [ex, ey] = run.ex[t];
    const c = run.c[t];
    max = Math.max(max, Math.hypot(c * ex - x, c * ey - y) / Math.hypot(x, y));
  }
  return max;
}

/** max_t of the f64 runs' relative distance to the oracle's w_t and w̃_t. */
function oracleMismatch(run: F64Run, o: OracleRun): { wd: number; ex: number } {
  let wd = 0;
  let ex = 0;
  for (let t = 0; t < run.wd.length; t++) {
    wd = Math.max(wd, relDist(run.wd[t][0], run.wd[t][1], o.wd.x[t], o.wd.y[t]));
    // The oracle's w̃_t: its own exponential run when integrated, else w_t / c_t (exact by the theorem,
    // which the oracle-only test below verifies at 60 digits).
    const ox = o.ex.x.length > 0 ? o.ex.x[t] : o.wd.x[t].div(o.c[t]);
    const oy = o.ex.y.length > 0 ? o.ex.y[t] : o.wd.y[t].div(o.c[t]);
    ex = Math.max(ex, relDist(run.ex[t][0], run.ex[t][1], ox, oy));
  }
  return { wd, ex };
}

// Oracle runs are costly (Decimal trigonometry): the exponential half only where it is checked directly.
const oracleCache = new Map<string, OracleRun>();
function oracle(name: string, momentum: number): OracleRun {
  const key = `${name}/${momentum}`;
  let o = oracleCache.get(key);
  if (o === undefined) {
    o = oracleRun(LOSSES[name], optimizer(momentum), INIT, STEPS, { exponential: momentum === 0.9 });
    oracleCache.set(key, o);
  }
  return o;
}

const measured: string[] = [];

describe('schedule constants vs the oracle', () => {
  it.each(MOMENTA)('γ = %s: α real (ηλ ≤ (1 − √γ)²), α, ṽ_0/w_0, η̃_0 to double-double accuracy', (g) => {
    const opt = optimizer(g);
    expect(opt.lr * opt.weightDecay).toBeLessThanOrEqual(maxEtaLambda(g));
    expect(opt.lr * opt.weightDecay).toBeLessThanOrEqual((1 - Math.sqrt(g)) ** 2);
    const sch = toExponential(opt);
    const alpha = oracleAlpha(opt.lr, opt.weightDecay, g);
    const p = sch.phases[0];
    const rel = (got: DD, want: ReturnType<typeof exactDecimal>) =>
      ddDecimal(got.hi, got.lo).minus(want).div(want).abs().toNumber();
    expect(rel(p.alpha, alpha)).toBeLessThanOrEqual(1e-29);
    // α solves x² − (1 + γ − ηλ)x + γ = 0 (checked on the oracle's root, to guard the oracle itself).
    const eta = exactDecimal(opt.lr);
    const b = exactDecimal(1)
      .plus(exactDecimal(g))
      .minus(eta.times(exactDecimal(opt.weightDecay)));
    expect(alpha.times(alpha).minus(b.times(alpha)).plus(exactDecimal(g)).abs().toNumber()).toBeLessThan(
      1e-55,
    );
    // ṽ_0/w_0 = (1 − 1/α)/η: 1 − 1/α ≈ −ηλ/(1 − γ) cancels ~2–3 digits, so bound its absolute error.
    const init = exactDecimal(1).minus(alpha.pow(-1)).div(eta);
    const initErr = ddDecimal(sch.bufferInit.hi, sch.bufferInit.lo).minus(init).abs().toNumber();
    expect(initErr * opt.lr).toBeLessThan(1e-30);
    expect(rel(sch.expLr0, eta.div(alpha))).toBeLessThan(1e-29);
  });
});

describe('no real α', () => {
  it('ηλ > (1 − √γ)² is rejected by toExponential and by the oracle alike', () => {
    // γ = 0.9: (1 − √0.9)² ≈ 0.002633; ηλ = 0.1·0.03 = 0.003 is past it, 0.1·0.026 = 0.0026 is not.
    const bad = { ...optimizer(0.9), weightDecay: 0.03 };
    expect(() => toExponential(bad)).toThrow(RangeError);
    expect(() => oracleAlpha(bad.lr, bad.weightDecay, bad.momentum)).toThrow(RangeError);
    const ok = { ...optimizer(0.9), weightDecay: 0.026 };
    expect(() => toExponential(ok)).not.toThrow();
    expect(oracleAlpha(ok.lr, ok.weightDecay, ok.momentum).toNumber()).toBeCloseTo(
      toExponential(ok).phases[0].alpha.hi,
      15,
    );
  });
});

describe('f64: c_t·w̃_t = w_t over 200 steps', () => {
  for (const name of Object.keys(LOSSES)) {
    it.each(MOMENTA)(`${name}, γ = %s: max |c_t w̃_t − w_t|/|w_t| ≤ 1e-12`, (g) => {
      const m = projectionMismatch(runF64(LOSSES[name], toExponential(optimizer(g)), STEPS));
      measured.push(`${name} γ=${g}: projection mismatch ${m.toExponential(2)}`);
      expect(m).toBeLessThanOrEqual(BOUND);
    });
  }

  for (const name of Object.keys(LOSSES)) {
    it.each([0.5, 0.9])(`TEST OF THE TEST — ${name}, γ = %s, ṽ_0 = 0: mismatch > 1e-6`, (g) => {
      const sch = toExponential(optimizer(g));
      const m = projectionMismatch(runF64(LOSSES[name], { ...sch, bufferInit: new DD(0, 0) }, STEPS));
      measured.push(`${name} γ=${g} with ṽ_0 = 0: projection mismatch ${m.toExponential(2)}`);
      expect(m).toBeGreaterThan(1e-6);
    });
  }

  it('without momentum ṽ_0 is irrelevant (γ·ṽ = 0), so the broken schedule still matches', () => {
    const sch = toExponential(optimizer(0));
    const m = projectionMismatch(runF64(LOSSES.harmonics, { ...sch, bufferInit: new DD(0, 0) }, STEPS));
    expect(m).toBeLessThanOrEqual(BOUND);
  });
});

describe('f64 vs the Decimal oracle (60 digits)', () => {
  for (const name of Object.keys(LOSSES)) {
    it(`${name}, γ = 0.9: the oracle's own exponential run satisfies c_t w̃_t = w_t to 1e-45`, () => {
      const o = oracle(name, 0.9);
      let max = 0;
      for (let t = 0; t <= STEPS; t++) {
        max = Math.max(max, relDist(o.ex.x[t].times(o.c[t]), o.ex.y[t].times(o.c[t]), o.wd.x[t], o.wd.y[t]));
      }
      measured.push(`oracle ${name} γ=0.9: own projection mismatch ${max.toExponential(2)}`);
      expect(max).toBeLessThanOrEqual(1e-45);
    });

    it.each(MOMENTA)(`${name}, γ = %s: f64 w_t and w̃_t within 1e-12 of the oracle`, (g) => {
      const run = runF64(LOSSES[name], toExponential(optimizer(g)), STEPS);
      const m = oracleMismatch(run, oracle(name, g));
      measured.push(
        `${name} γ=${g}: f64 vs oracle wd ${m.wd.toExponential(2)}, exp ${m.ex.toExponential(2)}`,
      );
      expect(m.wd).toBeLessThanOrEqual(BOUND);
      expect(m.ex).toBeLessThanOrEqual(BOUND);
      // The trajectory actually moves (the comparison is not between two copies of the initial point).
      const last = run.wd[STEPS];
      const turn = Math.atan2(INIT[0] * last[1] - INIT[1] * last[0], INIT[0] * last[0] + INIT[1] * last[1]);
      expect(Math.abs(turn)).toBeGreaterThan(0.05);
    });
  }

  it('reports', () => {
    for (const line of measured) console.log(line);
    expect(measured.length).toBeGreaterThan(0);
  });
});
