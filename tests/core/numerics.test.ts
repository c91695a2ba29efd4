/**
 * Issue 5, numerical choices (docs/numerics.md): the `numerics` config field, exact power-of-two
 * renormalisation of the exponential run, the overflow step without it against the closed form, the
 * closed-form learning rate against the recurrence, and the instability-crossing step against an
 * independent brute-force check written here with Math.cos/Math.sin.
 */
import { describe, expect, it } from 'vitest';
import { type Arith, F32, F64 } from '../../src/core/arith';
import { readConfig, validateConfig } from '../../src/core/config/validate';
import { ddMul, ddToNumber } from '../../src/core/dd';
import { Integrator, RENORM_BAND, RENORM_EVERY, type TrajectoryState } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import { findPreset } from '../../src/core/presets';
import { runCpu } from '../../src/core/run/cpuRun';
import {
  ClosedFormRate,
  expLearningRateAt,
  floorLog2,
  type OptimizerConfig,
  toExponential,
} from '../../src/core/schedule';

const loss = (name: string): FourierLoss => findPreset(name)!.loss;
const opt = (o: Partial<OptimizerConfig>): OptimizerConfig => ({
  lr: 0.1,
  weightDecay: 0.05,
  momentum: 0,
  milestones: [],
  lrDecay: 1,
  ...o,
});
const F32_MAX = 3.4028234663852886e38;

describe('numerics config', () => {
  it('is optional and takes its defaults', () => {
    expect(validateConfig({}).numerics).toEqual({ renormalize: true, lrMode: 'recurrence' });
    expect(validateConfig({ numerics: { lrMode: 'closedForm' } }).numerics).toEqual({
      renormalize: true,
      lrMode: 'closedForm',
    });
    expect(validateConfig({ numerics: { renormalize: false } }).numerics.renormalize).toBe(false);
  });

  it('names the bad field, the value and what is allowed; lenient reading keeps the default', () => {
    const cases: [unknown, string, string][] = [
      [{ lrMode: 'exact' }, 'numerics.lrMode', 'recurrence, closedForm'],
      [{ renormalize: 'yes' }, 'numerics.renormalize', 'true or false'],
      [{ renormalise: true }, 'numerics.renormalise', 'unknown field'],
      [3, 'numerics', 'expected an object'],
    ];
    for (const [numerics, path, text] of cases) {
      const { config, issues } = readConfig({ numerics });
      expect(issues.map((i) => i.path)).toEqual([path]);
      expect(issues[0].message).toContain(text);
      expect(config.numerics).toEqual({ renormalize: true, lrMode: 'recurrence' });
      expect(() => validateConfig({ numerics })).toThrow(path);
    }
  });
});

describe('floorLog2 (exact exponent, no Math.log2 rounding)', () => {
  it('matches the definition around every power of two', () => {
    for (let k = -1074; k <= 1023; k += 7) {
      const p = 2 ** k;
      expect(floorLog2(p)).toBe(k);
      if (k > -1074) expect(floorLog2(-p * 1.5)).toBe(k);
      if (k > -1022) expect(floorLog2(p * (1 - 2 ** -53))).toBe(k - 1);
    }
    expect(floorLog2(0)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('closed-form η̃_t', () => {
  it('agrees with the float64 closed form and a double-double recurrence (step decay, momentum)', () => {
    const sch = toExponential(opt({ momentum: 0.5, weightDecay: 0.01, milestones: [40, 90], lrDecay: 0.3 }));
    const cf = new ClosedFormRate(sch);
    let rec = sch.expLr0;
    for (let t = 0; t <= 150; t++) {
      const r = cf.at(t);
      const v = ddToNumber(r.m) * 2 ** r.e;
      expect(Math.abs(v / expLearningRateAt(sch, t) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(v / ddToNumber(rec) - 1)).toBeLessThan(1e-28 + 2 ** -52);
      const next = sch.phases.find((p) => p.start === t + 1);
      rec = ddMul(rec, next ? next.switchFactor : sch.phases.filter((p) => p.start <= t).at(-1)!.growth);
    }
  });

  it('does not overflow where η̃_t leaves float64 (t = 10^6, ηλ = 0.05)', () => {
    const cf = new ClosedFormRate(toExponential(opt({ weightDecay: 0.5 })));
    const r = cf.at(1_000_000);
    const log2 = Math.log2(ddToNumber(r.m)) + r.e;
    const want = Math.log2(0.1) - (2 * 1_000_000 + 1) * Math.log2(0.95);
    expect(Math.abs(log2 - want)).toBeLessThan(1e-6);
  });
});

type Case = { name: string; loss: string; opt: OptimizerConfig; steps: number };
/** Runs that grow w̃ fast enough to be renormalised many times and still stay finite unscaled in f64. */
const CASES: Case[] = [
  { name: 'weight decay', loss: 'seed-wells', opt: opt({ weightDecay: 1 }), steps: 3000 },
  { name: 'momentum', loss: 'rugged', opt: opt({ lr: 0.5, weightDecay: 0.01, momentum: 0.8 }), steps: 3000 },
  {
    name: 'step decay + milestone',
    loss: 'double-well',
    opt: opt({ weightDecay: 1, milestones: [700, 1500], lrDecay: 0.5 }),
    steps: 3000,
  },
  {
    name: 'step decay + momentum',
    loss: 'single-well',
    opt: opt({ lr: 0.2, weightDecay: 0.02, momentum: 0.6, milestones: [1000], lrDecay: 2 }),
    steps: 3000,
  },
];
const POINTS: [number, number][] = [
  [-0.7, 0.7],
  [1.3, 0.2],
  [0.05, -0.4],
];

/** The renormalised state scaled back (2^K, η̃'s 2^J, the weight-decay run's 2^Kw) must equal the plain state bit for bit. */
function sameUnscaled<T>(A: Arith<T>, a: TrajectoryState<T>, b: TrajectoryState<T>): boolean {
  const n = A.toNumber;
  const k = a.scaleExp;
  return (
    Object.is(n(a.ex.x) * 2 ** k, n(b.ex.x)) &&
    Object.is(n(a.ex.y) * 2 ** k, n(b.ex.y)) &&
    Object.is(n(a.ex.vx) * 2 ** -k, n(b.ex.vx)) &&
    Object.is(n(a.ex.vy) * 2 ** -k, n(b.ex.vy)) &&
    Object.is(n(a.lr) * 2 ** (2 * k + a.lrExp), n(b.lr)) &&
    Object.is(n(a.wd.x) * 2 ** a.wdScaleExp, n(b.wd.x)) &&
    Object.is(n(a.wd.y) * 2 ** a.wdScaleExp, n(b.wd.y)) &&
    a.divergenceStep === b.divergenceStep &&
    a.crossingStep === b.crossingStep
  );
}

describe('renormalisation is exact', () => {
  for (const c of CASES) {
    it(`f64 ${c.name} (${c.loss}): bit-identical to the plain run while it is finite`, () => {
      const sch = toExponential(c.opt);
      const on = new Integrator(F64, loss(c.loss), sch, 1e-3, { renormalize: true });
      const off = new Integrator(F64, loss(c.loss), sch, 1e-3, { renormalize: false });
      for (const [x, y] of POINTS) {
        const a = on.init(x, y);
        const b = off.init(x, y);
        let renormalisations = 0;
        let last = 0;
        while (a.t < c.steps && b.overflowStep === null && Math.abs(b.ex.x) + Math.abs(b.ex.y) < 1e300) {
          on.step(a);
          off.step(b);
          if (a.scaleExp !== last) renormalisations++;
          last = a.scaleExp;
          expect(sameUnscaled(F64, a, b), `step ${a.t} from (${x}, ${y})`).toBe(true);
          const e = floorLog2(Math.max(Math.abs(a.ex.x), Math.abs(a.ex.y)));
          // The band is checked every RENORM_EVERY steps; one step after a check the stored w̃ is in it, give
          // or take that step (a step of a chaotic run can grow |w̃| by a factor of 4, measured), and it never
          // comes near float32's limits in between.
          if ((a.t - 1) % RENORM_EVERY === 0) {
            expect(e).toBeGreaterThanOrEqual(RENORM_BAND.minLog2 - 4);
            expect(e).toBeLessThanOrEqual(RENORM_BAND.maxLog2 + 4);
          }
          expect(Math.abs(e)).toBeLessThan(48);
        }
        expect(a.t).toBeGreaterThan(500);
        expect(renormalisations).toBeGreaterThan(3);
      }
    });
  }

  it('f32 mirror: bit-identical too, until the plain run nears float32 range', () => {
    const sch = toExponential(opt({ weightDecay: 1 }));
    const on = new Integrator(F32, loss('seed-wells'), sch, 1e-3, { renormalize: true });
    const off = new Integrator(F32, loss('seed-wells'), sch, 1e-3, { renormalize: false });
    const a = on.init(-0.7, 0.7);
    const b = off.init(-0.7, 0.7);
    // |w̃|² and η̃ stay below 2^100 (the plain x² overflows float32 at |w̃| = 2^64).
    while (Math.abs(b.lr) < 2 ** 100 && Math.abs(b.ex.x) + Math.abs(b.ex.y) < 2 ** 50) {
      on.step(a);
      off.step(b);
      expect(sameUnscaled(F32, a, b), `step ${a.t}`).toBe(true);
    }
    expect(a.scaleExp).toBeGreaterThan(30);
  });
});

describe('overflow without renormalisation (docs/math.md §5)', () => {
  // η̃_t = η α^−(2t+1) first exceeds the format's largest value at t > (ln MAX − ln η)/(2|ln α|) − ½;
  // docs/math.md's t ≈ ln MAX/(2|ln α|) drops the ln η and ½ terms.
  const cases: [number, number][] = [
    [0.1, 1],
    [0.1, 0.5],
    [0.5, 0.2],
  ];
  for (const [lr, wd] of cases) {
    for (const [A, max] of [
      [F32, F32_MAX],
      [F64, Number.MAX_VALUE],
    ] as const) {
      it(`${A.name}, lr ${lr}, weightDecay ${wd}: overflowStep matches the closed form`, () => {
        const alpha = 1 - lr * wd;
        const sch = toExponential(opt({ lr, weightDecay: wd }));
        const predicted = (Math.log(max) - Math.log(lr)) / (2 * Math.abs(Math.log(alpha))) - 0.5;
        const plain = new Integrator(A as Arith<number>, loss('seed-wells'), sch, 1e-3, {
          renormalize: false,
        });
        const s = plain.init(-0.7, 0.7);
        while (s.overflowStep === null && s.t < 20_000) plain.step(s);
        console.log(
          `[numerics] ${A.name} lr ${lr} wd ${wd}: overflow at ${s.overflowStep}, closed form ${predicted.toFixed(2)} ` +
            `(docs/math.md's ln MAX/(2|ln α|) = ${(Math.log(max) / (2 * Math.abs(Math.log(alpha)))).toFixed(1)})`,
        );
        expect(Math.abs((s.overflowStep ?? 0) - Math.ceil(predicted))).toBeLessThanOrEqual(1);
        // With renormalisation the same run goes on, finite, three times as long.
        const renorm = new Integrator(A as Arith<number>, loss('seed-wells'), sch, 1e-3, {
          renormalize: true,
        });
        const r = renorm.init(-0.7, 0.7);
        while (r.t < 3 * Math.ceil(predicted)) renorm.step(r);
        expect(r.overflowStep).toBeNull();
      });
    }
  }

  it('runCpu output: expNormLog2 includes K, and the projection matches the plain run', () => {
    const base = {
      loss: { preset: 'seed-wells' },
      optimizer: opt({ weightDecay: 1 }),
      init: { points: [[-0.7, 0.7]] },
      steps: 1200,
      sampleEvery: 100,
    };
    const on = runCpu(validateConfig(base));
    const off = runCpu(validateConfig({ ...base, numerics: { renormalize: false } }));
    expect(on.numerics.renormalize).toBe(true);
    const a = on.trajectories[0];
    const b = off.trajectories[0];
    expect(b.overflowStep).toBeNull();
    for (let j = 0; j < a.samples.step.length; j++) {
      expect(a.samples.expNormLog2[j]).toBeCloseTo(b.samples.expNormLog2[j]!, 10);
      expect(a.samples.expProjected[j][0]).toBeCloseTo(b.samples.expProjected[j][0]!, 12);
      expect(a.samples.angleGap[j]).toBe(b.samples.angleGap[j]);
    }
    // log2|w̃_1200| ≈ 1200·|log2 α|: the renormalised stored w̃ alone would be near 0.
    expect(a.samples.expNormLog2.at(-1)).toBeGreaterThan(150);
    expect(a.crossingStep).toBe(b.crossingStep);
  });
});

describe('lrMode', () => {
  it('closedForm and recurrence agree in f64 over 1000 steps and differ bitwise', () => {
    const sch = toExponential(
      opt({ lr: 0.1, weightDecay: 0.001, momentum: 0.9, milestones: [300], lrDecay: 0.5 }),
    );
    // A run that keeps moving (not converged onto a minimum, where η̃ would not matter) and is not chaotic.
    const rec = new Integrator(F64, loss('seed-wells'), sch, 1e-3, { lrMode: 'recurrence' });
    const cf = new Integrator(F64, loss('seed-wells'), sch, 1e-3, { lrMode: 'closedForm' });
    const truth = new ClosedFormRate(sch);
    const a = rec.init(-0.7, 0.7);
    const b = cf.init(-0.7, 0.7);
    let lrDiffers = 0;
    let maxLrUlps = 0;
    let maxAngle = 0;
    for (let t = 1; t <= 1000; t++) {
      rec.step(a);
      cf.step(b);
      const r = truth.at(t);
      const exact = ddToNumber(r.m) * 2 ** r.e;
      const ulp = 2 ** (floorLog2(exact) - 52);
      // The closed form is the correctly rounded rate (±1 ulp); the recurrence drifts ≤ ~1 ulp per step.
      expect(Math.abs(b.lr - exact)).toBeLessThanOrEqual(ulp);
      expect(Math.abs(a.lr - exact)).toBeLessThanOrEqual(t * ulp);
      if (a.lr !== b.lr) lrDiffers++;
      maxLrUlps = Math.max(maxLrUlps, Math.abs(a.lr - b.lr) / ulp);
      const cross = a.ex.x * b.ex.y - a.ex.y * b.ex.x;
      const dot = a.ex.x * b.ex.x + a.ex.y * b.ex.y;
      maxAngle = Math.max(maxAngle, Math.abs(Math.atan2(cross, dot)));
    }
    console.log(
      `[numerics] lrMode f64 1000 steps: η̃ differs at ${lrDiffers} steps, by ≤ ${maxLrUlps} ulp; ` +
        `max angle between the runs ${maxAngle.toExponential(2)} rad`,
    );
    expect(lrDiffers).toBeGreaterThan(500);
    expect(a.ex.x === b.ex.x && a.ex.y === b.ex.y).toBe(false);
    expect(maxAngle).toBeLessThan(8 * 2 ** -52);
  });
});

/** Independent check: f''(θ) = −Σ k²(a_k cos kθ + b_k sin kθ) with Math.cos/sin on a plain float64 run. */
function bruteCrossing(
  l: FourierLoss,
  o: OptimizerConfig,
  x0: number,
  y0: number,
  steps: number,
): number | null {
  let [x, y, vx, vy] = [x0, y0, 0, 0];
  let lr = o.lr;
  for (let t = 0; t < steps; t++) {
    if (o.milestones.includes(t)) lr *= o.lrDecay;
    const th = Math.atan2(y, x);
    const r2 = x * x + y * y;
    let fp = 0;
    let fpp = 0;
    for (let k = 1; k <= l.a.length; k++) {
      const [c, s] = [Math.cos(k * th), Math.sin(k * th)];
      fp += k * (l.b[k - 1] * c - l.a[k - 1] * s);
      fpp -= k * k * (l.a[k - 1] * c + l.b[k - 1] * s);
    }
    if ((lr / r2) * fpp > 2) return t;
    const gx = (-Math.sin(th) * fp) / Math.sqrt(r2) + o.weightDecay * x;
    const gy = (Math.cos(th) * fp) / Math.sqrt(r2) + o.weightDecay * y;
    vx = o.momentum * vx + gx;
    vy = o.momentum * vy + gy;
    x -= lr * vx;
    y -= lr * vy;
  }
  return null;
}

describe('instability-crossing step', () => {
  const cases: [string, OptimizerConfig][] = [
    ['seed-wells', opt({})],
    ['rugged', opt({ lr: 0.05, weightDecay: 0.1 })],
    ['double-well', opt({ weightDecay: 0.02, momentum: 0.5, milestones: [50], lrDecay: 2 })],
    ['single-well', opt({ lr: 0.01, weightDecay: 0 })], // no weight decay: |w| never shrinks, no crossing
  ];
  for (const [name, o] of cases) {
    it(`${name}: the integrator's crossingStep equals a brute-force float64 search`, () => {
      const it64 = new Integrator(F64, loss(name), toExponential(o), 1e-3);
      const seen: (number | null)[] = [];
      for (const [x, y] of [...POINTS, [0.3, 0.9]] as [number, number][]) {
        const s = it64.init(x, y);
        while (s.t < 800) it64.step(s);
        const want = bruteCrossing(loss(name), o, x, y, 800);
        expect(s.crossingStep, `from (${x}, ${y})`).toBe(want);
        seen.push(s.crossingStep);
      }
      console.log(`[numerics] crossing ${name}: ${seen.join(', ')}`);
      if (o.weightDecay === 0) expect(seen.every((c) => c === null)).toBe(true);
      else expect(seen.some((c) => c !== null)).toBe(true);
    });
  }

  it("is never reported where f'' ≤ 0 (a start at a maximum of −cos θ, huge η)", () => {
    const l: FourierLoss = { a: [-1], b: [0] }; // f = −cos θ: maximum at θ = π, f''(π) = −1
    const it64 = new Integrator(F64, l, toExponential(opt({ lr: 50, weightDecay: 0 })), 1e-3);
    const s = it64.init(-1, 0); // exactly at the maximum: f' = 0, w never moves
    for (let t = 0; t < 20; t++) it64.step(s);
    expect(s.crossingStep).toBeNull();
  });
});
