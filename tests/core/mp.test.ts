/**
 * The mp reference (src/core/mp.ts, src/core/mpSchedule.ts) against the independent 60-digit decimal oracle
 * (tests/oracle/decimalOracle.ts): at 256 bits both runs — the weight-decay run w_t and the exponential run
 * w̃_t (relative distance of w̃ is that of the projection α^t·w̃_t: c_t is common) — agree to 1e−40 at every
 * step, with momentum and with step decay (milestones, buffer correction at each switch).
 * Sabotages that must fail the same check: the double-double-rounded schedule constants (~106 bits), and
 * mp at 64 bits.
 */
import type Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { arithFor } from '../../src/core/arithFor';
import { Integrator, type StepConstants } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import { type MpArith, mpArith, mpDigits, mpSamplePair } from '../../src/core/mp';
import { mpConstants } from '../../src/core/mpSchedule';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { exactDecimal, oracleRun, relDist } from '../oracle/decimalOracle';

// The `rugged` preset's coefficients, written out (no dependence on the preset table).
const LOSS: FourierLoss = {
  a: [0.3, -0.25, 0.2, 0.12, -0.1, 0.06, -0.05, 0.03],
  b: [-0.2, 0.15, -0.3, 0.1, 0.08, -0.07, 0.04, -0.02],
};
const STEPS = 300;
const STARTS: [number, number][] = [
  [0.8, -0.35],
  [-0.3, 1.1],
];
const CONFIGS: Record<string, OptimizerConfig> = {
  momentum: { lr: 0.1, weightDecay: 0.01, momentum: 0.9, milestones: [], lrDecay: 0.1 },
  milestones: { lr: 0.1, weightDecay: 0.05, momentum: 0.5, milestones: [90, 200], lrDecay: 0.1 },
  'milestones, no momentum': {
    lr: 0.1,
    weightDecay: 0.05,
    momentum: 0,
    milestones: [100, 200],
    lrDecay: 0.3,
  },
};

/** Largest relative distance to the oracle over all steps, for each run. */
function worstDistance(
  A: MpArith,
  constants: StepConstants<Decimal> | undefined,
  opt: OptimizerConfig,
  w0: [number, number],
): { wd: number; exp: number } {
  const schedule = toExponential(opt);
  const numerics = { renormalize: false, lrMode: 'recurrence' } as const;
  const integ =
    constants === undefined
      ? new Integrator(A, LOSS, schedule, 1e-3, numerics)
      : new Integrator(A, LOSS, schedule, 1e-3, numerics, constants);
  const o = oracleRun(LOSS, opt, w0, STEPS);
  const s = integ.init(w0[0], w0[1]);
  let wd = 0;
  let exp = 0;
  for (let t = 0; t <= STEPS; t++) {
    wd = Math.max(wd, relDist(s.wd.x, s.wd.y, o.wd.x[t], o.wd.y[t]));
    exp = Math.max(exp, relDist(s.ex.x, s.ex.y, o.ex.x[t], o.ex.y[t]));
    if (t < STEPS) integ.step(s);
  }
  expect(s.overflowStep).toBeNull();
  return { wd, exp };
}

describe('mp format', () => {
  it('rounds float64 inputs from their exact binary value, at ⌈bits·log10 2⌉ + 1 digits', () => {
    const A = mpArith(256);
    expect(A.digits).toBe(mpDigits(256));
    expect(A.digits).toBe(79);
    // 0.1 is 0.1000000000000000055511151231257827…: not the decimal 0.1.
    const x = A.from(0.1);
    expect(x.minus(exactDecimal(0.1)).abs().toNumber()).toBeLessThan(1e-58);
    expect(x.sd()).toBeLessThanOrEqual(79);
    expect(A.toNumber(A.invSqrt(A.from(4)))).toBe(0.5);
    expect(A.isZero(A.sub(A.from(3), A.from(3)))).toBe(true);
    expect(A.toNumber(A.scale2(A.from(3), -5))).toBe(3 / 32);
    expect(arithFor('mp').name).toBe('mp');
    expect(arithFor('mp', 128).mantissaBits).toBe(128);
    expect(() => mpArith(32)).toThrow(/64/);
  });

  it('samples values beyond float64 range as a float64 pair and a power of two', () => {
    const A = mpArith(256);
    const big = A.from(3).pow(1000); // 3^1000 ≈ 1.3e477
    const [x, y, k] = mpSamplePair(A, big, big.neg());
    expect(Number.isFinite(x) && y === -x).toBe(true);
    expect(Math.log2(x) + k).toBeCloseTo(1000 * Math.log2(3), 9);
    expect(mpSamplePair(A, A.from(0.5), A.zero)).toEqual([0.5, 0, 0]);
  });
});

describe('mp (256 bits) agrees with the 60-digit oracle to 1e−40', () => {
  const A = mpArith(256);
  for (const [name, opt] of Object.entries(CONFIGS)) {
    it(name, () => {
      const constants = mpConstants(opt, A);
      // Two starts with momentum, one per step-decay config (the 60-digit oracle is the slow part).
      for (const w0 of name === 'momentum' ? STARTS : STARTS.slice(1)) {
        const d = worstDistance(A, constants, opt, w0);
        expect(d.wd, `wd ${w0}`).toBeLessThan(1e-40);
        expect(d.exp, `exp ${w0}`).toBeLessThan(1e-40);
      }
    }, 60_000);
  }
});

describe('sabotaged references fail the same check', () => {
  it('mp with the double-double-rounded schedule constants (the Integrator default)', () => {
    const A = mpArith(256);
    const d = worstDistance(A, undefined, CONFIGS.momentum, STARTS[0]);
    expect(Math.max(d.wd, d.exp)).toBeGreaterThan(1e-40);
  }, 60_000);

  it('mp at 64 bits', () => {
    const A = mpArith(64);
    const d = worstDistance(A, mpConstants(CONFIGS.milestones, A), CONFIGS.milestones, STARTS[0]);
    expect(Math.max(d.wd, d.exp)).toBeGreaterThan(1e-40);
  }, 60_000);
});
