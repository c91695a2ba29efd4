/**
 * Weight decay ⇔ exponential learning rate for the batch-normalised models, in our own integrators
 * (src/core/model/modelIntegrator.ts, modelRun.ts). The issue's example: bnLogistic on gaussians n 64 d 8,
 * lr 0.2, weightDecay 0.05, momentum 0.5.
 * - f64, through runModelCpu's output: `wd` and `expProjected` agree to 1e−10 over 100 steps (measured max
 *   1.2e−11 at step 100, after the instability crossing at step 80), for bnMlp hidden 3 (3.5e−15) and with
 *   milestones (3.8e−15). eps = 1e−5 parts them from step 2 (1e−8 … 1e−7).
 * - dd, from the integrator's state, projected with c_t = Π α in decimal (α from the quadratic at 60 digits):
 *   ‖w_t − c_t·w̃_t‖/‖w_t‖ ≤ 1e−25 over 100 steps (measured ≤ 2.7e−26; f64 on the same check: 1e−16).
 * - renormalisation on/off: the integrators' true weights 2^K·w are bit for bit the same over 300 steps
 *   (starts at 2^−20 and 3e6 force shifts); the output samples agree to 1e−14 (measured 2.7e−15: the output
 *   rebuilds each vector as direction·2^log2|w|). A single-ulp change of one component is caught.
 * - mp at 256 bits against dd (n 16, d 4, lr 0.1): ‖w_dd − w_mp‖/‖w_mp‖ ≤ 1e−25 over 150 steps (measured
 *   ≤ 7e−30; f64 2e−16 … 5e−16), and mp's own two runs agree to 1e−50 (3.5e−58). At lr 0.2 the same model is
 *   chaotic after its instability crossing: mp and dd agree to 5.5e−28 at step 100 but part (1e−19) by 150,
 *   which is why this check runs at lr 0.1.
 * - divergence (drift tolerance 1e−3, 1000 steps): f32 at steps 99 and 138, f64 at 112 and 150, dd at 822 and
 *   981; the emulated formats first (bf16 at 1–2, f16 at 7–45).
 */
import type Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Arith } from '../../../src/core/arith';
import type { DD } from '../../../src/core/dd';
import { modelInitialPoints } from '../../../src/core/model/modelInit';
import type { ModelTrajectoryOutput } from '../../../src/core/model/modelOutput';
import { modelIntegrator, runModelCpu } from '../../../src/core/model/modelRun';
import { resolveModel } from '../../../src/core/model/resolveModel';
import type { ModelConfig, ModelLossSpec } from '../../../src/core/model/types';
import type { OptimizerConfig } from '../../../src/core/schedule';
import { decimalAt, exactOf } from './modelReference';

const EXAMPLE: ModelLossSpec = { bnLogistic: { dataset: 'gaussians', n: 64, d: 8, seed: 1 } };
const MLP: ModelLossSpec = { bnMlp: { dataset: 'gaussians', n: 64, d: 8, seed: 1, hidden: 3 } };
const OPT: OptimizerConfig = { lr: 0.2, weightDecay: 0.05, momentum: 0.5, milestones: [], lrDecay: 0.1 };
const MILESTONES: OptimizerConfig = { ...OPT, milestones: [30, 60], lrDecay: 0.5 };

function config(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    loss: EXAMPLE,
    optimizer: OPT,
    init: { random: { count: 2, seed: 1, radius: [0.5, 2] } },
    steps: 100,
    sampleEvery: 1,
    driftTolerance: 1e-3,
    precision: 'f64',
    backend: 'cpu',
    numerics: { renormalize: true, lrMode: 'recurrence' },
    ...over,
  };
}

/** Per sample, the worst over trajectories of ‖wd − expProjected‖/‖wd‖ in a run's output. */
function outputMismatch(trajectories: ModelTrajectoryOutput[]): number[] {
  const out: number[] = [];
  for (const t of trajectories) {
    t.samples.wd.forEach((w, j) => {
      const e = t.samples.expProjected[j];
      if (w === null || e === null) throw new Error(`sample ${j} not finite`);
      let d2 = 0;
      let n2 = 0;
      w.forEach((c, k) => {
        d2 += (c - e[k]) ** 2;
        n2 += c * c;
      });
      out[j] = Math.max(out[j] ?? 0, Math.sqrt(d2 / n2));
    });
  }
  return out;
}

describe('f64: runModelCpu output, wd against expProjected', () => {
  it.each([
    ['bnLogistic (the example)', config()],
    ['bnMlp hidden 3', config({ loss: MLP })],
    ['milestones 30, 60 (lr × 0.5)', config({ optimizer: MILESTONES })],
  ])('%s: agree to 1e−10 over the first 100 steps', (_, c) => {
    const m = outputMismatch(runModelCpu(c, { crossing: false }).trajectories);
    expect(m).toHaveLength(101);
    expect(Math.max(...m)).toBeLessThanOrEqual(1e-10);
  });

  it('eps = 1e−5 (not scale invariant): the two runs part at once (step 2), for both models', () => {
    for (const loss of [
      { bnLogistic: { dataset: 'gaussians', n: 64, d: 8, seed: 1, eps: 1e-5 } },
      { bnMlp: { dataset: 'gaussians', n: 64, d: 8, seed: 1, hidden: 3, eps: 1e-5 } },
    ] as ModelLossSpec[]) {
      const m = outputMismatch(runModelCpu(config({ loss, steps: 10 }), { crossing: false }).trajectories);
      expect(m.findIndex((v) => v > 1e-10)).toBe(2);
    }
  });
});

const D = decimalAt(60);

/** α of one phase, the larger root of x² − (1 + γ − ηλ)x + γ, in decimal from the exact inputs. */
function alphaOf(lr: number, weightDecay: number, momentum: number): Decimal {
  const g = exactOf(D, momentum);
  const b = new D(1).plus(g).minus(exactOf(D, lr).times(exactOf(D, weightDecay)));
  return b.plus(b.times(b).minus(g.times(4)).sqrt()).div(2);
}

/** A stored component as a decimal, whatever the format (number, dd, or mp's Decimal). */
function toDecimal(A: Arith<unknown>, v: unknown): Decimal {
  if (A.name === 'dd') return exactOf(D, (v as DD).hi).plus(exactOf(D, (v as DD).lo));
  if (A.name === 'mp') return new D(v as Decimal);
  return exactOf(D, v as number);
}

interface Track {
  /** True w_t = 2^Kw·(stored w), t = 1…steps. */
  wd: Decimal[][];
  /** c_t·w̃_t with c_t = Π α in decimal. */
  projected: Decimal[][];
}

/** Runs trajectory `index` of a config on its integrator, recording the true vectors of both runs. */
function track(c: ModelConfig, index = 0): Track {
  const model = resolveModel(c.loss);
  const P = model.hidden * model.d;
  const start = modelInitialPoints(c.init, P).slice(index * P, (index + 1) * P);
  const integ = modelIntegrator(c, model, { crossing: false });
  const A = integ.A;
  const o = c.optimizer;
  const lrs = [o.lr];
  for (let i = 0; i < o.milestones.length; i++) lrs.push(lrs[i] * o.lrDecay); // as float64, like the schedule
  const alphas = lrs.map((lr) => alphaOf(lr, o.weightDecay, o.momentum));
  const s = integ.init(start, index);
  let ct = new D(1);
  const out: Track = { wd: [], projected: [] };
  const scaled = (xs: unknown[], e: number) => xs.map((x) => toDecimal(A, x).times(new D(2).pow(e)));
  for (let t = 0; t < c.steps; t++) {
    const phase = o.milestones.filter((m) => m <= t).length;
    integ.step(s);
    ct = ct.times(alphas[phase]);
    out.wd.push(scaled(s.wd.w, s.wdScaleExp));
    out.projected.push(scaled(s.ex.w, s.scaleExp).map((v) => v.times(ct)));
  }
  return out;
}

/** ‖a − b‖/‖b‖ in decimal. */
function relDistance(a: Decimal[], b: Decimal[]): number {
  let d2 = new D(0);
  let n2 = new D(0);
  a.forEach((v, k) => {
    d2 = d2.plus(v.minus(b[k]).pow(2));
    n2 = n2.plus(b[k].pow(2));
  });
  return d2.div(n2).sqrt().toNumber();
}

const worstProjection = (t: Track) => Math.max(...t.wd.map((w, i) => relDistance(t.projected[i], w)));

describe('dd: the integrator’s w_t against c_t·w̃_t, c_t in decimal', () => {
  it.each([
    ['bnLogistic (the example)', config({ precision: 'dd' })],
    ['bnMlp hidden 3', config({ precision: 'dd', loss: MLP })],
    ['milestones 30, 60', config({ precision: 'dd', optimizer: MILESTONES })],
  ])('%s: ≤ 1e−25 over 100 steps, both trajectories (f64 fails the same check)', (_, c) => {
    for (const index of [0, 1]) expect(worstProjection(track(c, index))).toBeLessThanOrEqual(1e-25);
    expect(worstProjection(track({ ...c, precision: 'f64', steps: 20 }))).toBeGreaterThan(1e-25);
  });

  it('eps = 1e−5 fails it in dd', () => {
    const loss: ModelLossSpec = { bnLogistic: { dataset: 'gaussians', n: 64, d: 8, seed: 1, eps: 1e-5 } };
    expect(worstProjection(track(config({ precision: 'dd', loss, steps: 5 })))).toBeGreaterThan(1e-10);
  });
});

describe('renormalisation is exact', () => {
  const c = (renormalize: boolean): ModelConfig =>
    config({
      loss: { bnMlp: { dataset: 'moons', n: 32, d: 3, seed: 5, hidden: 2 } },
      optimizer: { ...OPT, milestones: [100], lrDecay: 0.5 },
      init: {
        points: [
          [2 ** -20, 3 * 2 ** -21, -(2 ** -19), 1e-6, 2e-6, -1e-6],
          [0.3, -0.2, 0.5, 0.1, 0.7, -0.4],
          [3e6, 1e6, -2e6, 5e5, 1e6, 2e6],
        ],
      },
      steps: 300,
      sampleEvery: 10,
      numerics: { renormalize, lrMode: 'recurrence' },
    });

  /** The true weights 2^K·w of both runs after every step, as float64 (exact: power-of-two scalings). */
  function trueWeights(cfg: ModelConfig, start: number[], perturbAt = -1) {
    const model = resolveModel(cfg.loss);
    const integ = modelIntegrator(cfg, model, { crossing: false });
    const A = integ.A as Arith<number>;
    const s = integ.init(start, 0);
    const out: number[][] = [];
    const shifts = new Set<number>();
    for (let t = 0; t < cfg.steps; t++) {
      integ.step(s);
      const wd = s.wd.w as number[];
      if (t === perturbAt) wd[0] = wd[0] * (1 + 2 ** -52); // one ulp
      out.push([
        ...wd.map((x) => A.scale2(x, s.wdScaleExp)),
        ...(s.ex.w as number[]).map((x) => A.scale2(x, s.scaleExp)),
      ]);
      shifts.add(s.wdScaleExp).add(s.scaleExp);
    }
    return { out, shifted: [...shifts].some((k) => k !== 0) };
  }

  it('f64: the same true weights bit for bit over 300 steps, with and without renormalisation', () => {
    const on = c(true);
    const off = c(false);
    const starts = (on.init as { points: number[][] }).points;
    let shifted = 0;
    for (const start of starts) {
      const a = trueWeights(on, start);
      const b = trueWeights(off, start);
      expect(a.out).toEqual(b.out);
      if (a.shifted) shifted++;
      expect(b.shifted).toBe(false);
    }
    // The tiny and the huge start were rescaled: the check compared something.
    expect(shifted).toBe(2);
    // Test of the test: one ulp on one component at step 16 is seen.
    expect(trueWeights(on, starts[1], 16).out).not.toEqual(trueWeights(off, starts[1]).out);
  });

  it('f64: runModelCpu output samples agree to 1e−14 (the output rebuilds |w| through log2)', () => {
    const a = runModelCpu(c(true), { crossing: false });
    const b = runModelCpu(c(false), { crossing: false });
    let worst = 0;
    a.trajectories.forEach((t, i) => {
      const u = b.trajectories[i];
      expect([t.divergenceStep, t.overflowStep, t.underflowStep]).toEqual([
        u.divergenceStep,
        u.overflowStep,
        u.underflowStep,
      ]);
      for (const key of ['wd', 'expProjected'] as const) {
        t.samples[key].forEach((w, j) => {
          const v = u.samples[key][j];
          w?.forEach((x, k) => {
            worst = Math.max(worst, Math.abs(x - (v as number[])[k]) / Math.abs(x));
          });
        });
      }
    });
    expect(worst).toBeLessThanOrEqual(1e-14);
  });
});

describe('mp at 256 bits against dd', () => {
  it('n 16, d 4, lr 0.1: ‖w_dd − w_mp‖/‖w_mp‖ ≤ 1e−25 over 150 steps (f64 is not); mp’s own runs ≤ 1e−50', () => {
    const c = config({
      loss: { bnLogistic: { dataset: 'gaussians', n: 16, d: 4, seed: 2 } },
      optimizer: { ...OPT, lr: 0.1 },
      init: { random: { count: 1, seed: 1, radius: [0.5, 2] } },
      steps: 150,
    });
    const mp = track({ ...c, precision: 'mp' });
    const dd = track({ ...c, precision: 'dd' });
    const f64 = track({ ...c, precision: 'f64' });
    const worst = (t: Track) => Math.max(...t.wd.map((w, i) => relDistance(w, mp.wd[i])));
    expect(worst(dd)).toBeLessThanOrEqual(1e-25);
    expect(worst(f64)).toBeGreaterThan(1e-25);
    expect(worstProjection(mp)).toBeLessThanOrEqual(1e-50);
  });
});

describe('divergence: the lower the precision, the earlier', () => {
  it('f32 before f64 before dd on the example (1000 steps); bf16 and f16 before f32', () => {
    const divergence = (precision: ModelConfig['precision'], steps: number) =>
      runModelCpu(config({ precision, steps, sampleEvery: steps }), { crossing: false }).trajectories.map(
        (t) => t.divergenceStep ?? steps + 1,
      );
    const f32 = divergence('f32', 1000);
    const f64 = divergence('f64', 1000);
    const dd = divergence('dd', 1000);
    const bf16 = divergence('bf16', 200);
    const f16 = divergence('f16', 200);
    f64.forEach((s, i) => {
      expect(f32[i]).toBeLessThan(s);
      expect(dd[i]).toBeGreaterThan(s + 300);
      expect(bf16[i]).toBeLessThan(f32[i]);
      expect(f16[i]).toBeLessThan(f32[i]);
    });
    // Every one of them does diverge within the run (a run that never diverges would pass vacuously).
    expect([...f32, ...f64, ...dd, ...bf16, ...f16].every((s) => s <= 1000)).toBe(true);
  });
});
