/**
 * BnGradient (src/core/model/bnGradient.ts) against the independent decimal reference of modelReference.ts
 * (the loss written out at 40 digits, its gradient through ∂σ/∂w, itself checked by central differences),
 * at random w of four models (bnLogistic on gaussians and moons, bnMlp with the default and a given readout):
 *   f64 normwise error ≤ 1e−14 (measured ≤ 1.6e−15), dd ≤ 1e−30 (≤ 1.5e−31), f64 vs dd ≤ 1e−14,
 *   mp at 256 bits ≤ 2^−240 against the reference at 100 digits for n = 16 (not for n = 12: a known bug,
 *   marked it.fails below).
 * Sabotages that must fail the same checks: a gradient that treats σ as a constant, the f32 mirror's
 * gradient (for f64's bound), f64's gradient (for dd's bound), mp at 64 bits.
 * Scale invariance, per hidden unit: L(…, c·w_j, …) = L(w), ∇L(w)_j·w_j = 0 (Euler) and
 * ∇_j L(…, c·w_j, …) = ∇_j L(w)/c, the other units' gradients unchanged; exactly (bit for bit) for c = 2^k.
 * With eps = 1e−5 in the variance every one of these fails (the test of the test).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Arith, DDA, F32, F64 } from '../../../src/core/arith';
import { DD, twoSum } from '../../../src/core/dd';
import { BnGradient, modelLoss } from '../../../src/core/model/bnGradient';
import { resolveModel } from '../../../src/core/model/resolveModel';
import type { ModelLossSpec, ResolvedModel } from '../../../src/core/model/types';
import { mpArith } from '../../../src/core/mp';
import {
  type DecimalModel,
  decimalModel,
  exactOf,
  finiteDifferenceGradient,
  normal,
  normwiseError,
  referenceGradient,
  referenceLoss,
} from './modelReference';

const MODELS: Record<string, ModelLossSpec> = {
  'bnLogistic gaussians n64 d8': { bnLogistic: { dataset: 'gaussians', n: 64, d: 8, seed: 1 } },
  'bnLogistic moons n50 d3': { bnLogistic: { dataset: 'moons', n: 50, d: 3, seed: 2 } },
  'bnMlp spirals n40 d4 hidden3': { bnMlp: { dataset: 'spirals', n: 40, d: 4, seed: 3, hidden: 3 } },
  'bnMlp gaussians n48 d5 hidden4 readout': {
    bnMlp: { dataset: 'gaussians', n: 48, d: 5, seed: 4, hidden: 4, readout: [2, -1.5, 0.7, -0.3] },
  },
};
const POINTS = 5;

const P = (m: ResolvedModel) => m.hidden * m.d;

/** Random weight vectors of the model (standard normal components, seeded). */
function randomWeights(m: ResolvedModel, count: number, seed: number): number[][] {
  const g = normal(seed);
  return Array.from({ length: count }, () => Array.from({ length: P(m) }, g));
}

function gradientOf<T>(A: Arith<T>, m: ResolvedModel, w: T[]): T[] {
  const out = new Array<T>(P(m)).fill(A.zero);
  new BnGradient(A, m).gradient(w, out);
  return out;
}

const f64Gradient = (m: ResolvedModel, w: number[]) => gradientOf(F64, m, w);

/**
 * Sabotage: the gradient as if σ did not depend on w (the textbook slip in batch-norm backward), in float64:
 * ∂L/∂w_j = Σ_i c_ij (x_i − x̄)/σ_j, without the ẑ·S term.
 */
function sigmaConstantGradient(m: ResolvedModel, w: number[]): number[] {
  const { n, d } = m;
  const units = Array.from({ length: m.hidden }, (_, j) => {
    const z = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += m.x[i * d + k] * w[j * d + k];
      return s;
    });
    const mu = z.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - mu) ** 2, 0) / n);
    return { sd, zh: z.map((v) => (v - mu) / sd) };
  });
  const outp = Array.from({ length: n }, (_, i) =>
    m.kind === 'bnLogistic'
      ? units[0].zh[i]
      : units.reduce((s, u, j) => s + m.readout[j] * Math.max(0, u.zh[i]), 0),
  );
  const g = outp.map((o, i) => -m.y[i] / (n * (1 + Math.exp(m.y[i] * o))));
  const out: number[] = [];
  units.forEach(({ sd, zh }, j) => {
    const c = g.map((gi, i) => (m.kind === 'bnLogistic' ? gi : zh[i] > 0 ? m.readout[j] * gi : 0));
    for (let k = 0; k < d; k++) {
      let xbar = 0;
      for (let i = 0; i < n; i++) xbar += m.x[i * d + k] / n;
      let s = 0;
      for (let i = 0; i < n; i++) s += (c[i] * (m.x[i * d + k] - xbar)) / sd;
      out.push(s);
    }
  });
  return out;
}

const asDec = (M: DecimalModel, xs: readonly number[]) => xs.map((v) => exactOf(M.D, v));
const ddAsDec = (M: DecimalModel, xs: readonly DD[]) =>
  xs.map((v) => exactOf(M.D, v.hi).plus(exactOf(M.D, v.lo)));

describe('the decimal reference (modelReference.ts) itself', () => {
  const small: Record<string, ModelLossSpec> = {
    bnLogistic: { bnLogistic: { dataset: 'gaussians', n: 24, d: 3, seed: 5 } },
    bnMlp: { bnMlp: { dataset: 'moons', n: 20, d: 3, seed: 6, hidden: 3, readout: [1.5, -1, 0.5] } },
  };
  it.each(Object.keys(small))(
    '%s: agrees with central differences of the reference loss (σ-constant does not)',
    (name) => {
      const m = resolveModel(small[name]);
      const M = decimalModel(m, 40);
      for (const w of randomWeights(m, 1, 21)) {
        const wd = asDec(M, w);
        const fd = finiteDifferenceGradient(M, wd, new M.D('1e-12'));
        // Central differences at h = 1e−12: truncation O(h²) ≈ 1e−24 (measured 1e−25 … 1e−22).
        expect(normwiseError(referenceGradient(M, wd), fd)).toBeLessThan(1e-20);
        expect(normwiseError(asDec(M, sigmaConstantGradient(m, w)), fd)).toBeGreaterThan(1e-3);
      }
    },
  );

  it.each(Object.keys(MODELS))(
    '%s: modelLoss (float64) is the reference loss to 2e−15, accuracy exactly',
    (name) => {
      const m = resolveModel(MODELS[name]);
      const M = decimalModel(m, 40);
      for (const w of randomWeights(m, 3, 22)) {
        const ref = referenceLoss(M, asDec(M, w)).toNumber();
        const got = modelLoss(m, w);
        expect(Math.abs(got.loss / ref - 1)).toBeLessThan(2e-15);
        // Accuracy: the fraction of points whose margin y·out is positive, out from float64 batch norm.
        const right = marginsPositive(m, w);
        expect(got.accuracy).toBe(right / m.n);
      }
    },
  );
});

/** Number of points with y_i·out_i > 0 (out computed here in float64 from the definition). */
function marginsPositive(m: ResolvedModel, w: number[]): number {
  const { n, d } = m;
  const out = new Float64Array(n);
  for (let j = 0; j < m.hidden; j++) {
    const z = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += m.x[i * d + k] * w[j * d + k];
      return s;
    });
    const mu = z.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - mu) ** 2, 0) / n);
    z.forEach((v, i) => {
      const h = (v - mu) / sd;
      out[i] += m.kind === 'bnMlp' ? m.readout[j] * Math.max(0, h) : h;
    });
  }
  return Array.from(out).filter((o, i) => m.y[i] * o > 0).length;
}

describe('BnGradient against the decimal reference gradient', () => {
  it.each(Object.keys(MODELS))('%s: f64 ≤ 1e−14 normwise; f32 and a σ-constant gradient fail', (name) => {
    const m = resolveModel(MODELS[name]);
    const M = decimalModel(m, 40);
    let worst = 0;
    let worstF32 = Number.POSITIVE_INFINITY;
    let worstSigma = Number.POSITIVE_INFINITY;
    for (const w of randomWeights(m, POINTS, 23)) {
      const ref = referenceGradient(M, asDec(M, w));
      worst = Math.max(worst, normwiseError(asDec(M, f64Gradient(m, w)), ref));
      const w32 = w.map((v) => F32.from(v));
      const ref32 = referenceGradient(M, asDec(M, w32));
      worstF32 = Math.min(worstF32, normwiseError(asDec(M, gradientOf(F32, m, w32)), ref32));
      worstSigma = Math.min(worstSigma, normwiseError(asDec(M, sigmaConstantGradient(m, w)), ref));
    }
    expect(worst).toBeLessThanOrEqual(1e-14);
    expect(worstF32).toBeGreaterThan(1e-14);
    expect(worstSigma).toBeGreaterThan(1e-14);
  });

  it.each(Object.keys(MODELS))('%s: dd ≤ 1e−30 normwise (f64 is not), and f64 within 1e−14 of dd', (name) => {
    const m = resolveModel(MODELS[name]);
    const M = decimalModel(m, 40);
    const g = normal(24);
    for (let r = 0; r < POINTS; r++) {
      // A dd input with a non-zero low word, normalised.
      const w = Array.from({ length: P(m) }, () => {
        const [hi, lo] = twoSum(g(), 1e-17 * g());
        return new DD(hi, lo);
      });
      const wDec = ddAsDec(M, w);
      const ref = referenceGradient(M, wDec);
      const dd = ddAsDec(M, gradientOf(DDA, m, w));
      expect(normwiseError(dd, ref)).toBeLessThanOrEqual(1e-30);
      const wHi = w.map((v) => v.hi);
      const f64 = asDec(M, f64Gradient(m, wHi));
      const refHi = referenceGradient(M, asDec(M, wHi));
      expect(normwiseError(f64, refHi)).toBeGreaterThan(1e-30);
      expect(
        normwiseError(
          f64,
          ddAsDec(
            M,
            gradientOf(
              DDA,
              m,
              wHi.map((v) => new DD(v, 0)),
            ),
          ),
        ),
      ).toBeLessThan(1e-14);
    }
  });

  /** Normwise error of the mp gradient at `bits` against the reference at 100 digits, at one random w. */
  function mpError(spec: ModelLossSpec, bits: number): number {
    const m = resolveModel(spec);
    const M = decimalModel(m, 100);
    const [w] = randomWeights(m, 1, 25);
    const A = mpArith(bits);
    const out = gradientOf(
      A,
      m,
      w.map((v) => A.from(v)),
    );
    return normwiseError(
      out.map((v) => new M.D(v)),
      referenceGradient(M, asDec(M, w)),
    );
  }

  it('mp at 256 bits ≤ 2^−240 against the reference at 100 digits (n = 16); mp at 64 bits is not', () => {
    for (const spec of [
      { bnLogistic: { dataset: 'gaussians', n: 16, d: 3, seed: 7 } },
      { bnMlp: { dataset: 'spirals', n: 16, d: 3, seed: 8, hidden: 2 } },
    ] as ModelLossSpec[]) {
      expect(mpError(spec, 256)).toBeLessThanOrEqual(2 ** -240);
      expect(mpError(spec, 64)).toBeGreaterThan(2 ** -240);
    }
  });

  // KNOWN BUG (reported, not fixed here): BnGradient forms 1/n as A.fromDD(ddDiv(1, n)), a double-double
  // value, so for n not a power of two mp's gradient is only as accurate as dd (measured 1.4e−33 at n = 12,
  // 2.6e−79 at n = 16). Flip to `it` once 1/n is formed in the format (A.div(A.from(1), A.from(n)) for mp).
  it('mp at 256 bits ≤ 2^−240 for n = 12 (1/n not a power of two)', () => {
    expect(mpError({ bnLogistic: { dataset: 'gaussians', n: 12, d: 3, seed: 7 } }, 256)).toBeLessThanOrEqual(
      2 ** -240,
    );
  });
});

/** The invariance defects of a model at w (float64 code under test): worst over units and scale factors. */
function invarianceDefects(m: ResolvedModel, w: number[], factors: number[]) {
  const d = m.d;
  const g0 = f64Gradient(m, w);
  const L0 = modelLoss(m, w).loss;
  let loss = 0;
  let euler = 0;
  let homogeneity = 0;
  for (let j = 0; j < m.hidden; j++) {
    const unit = (i: number) => Math.floor(i / d) === j;
    let dot = 0;
    let gn = 0;
    let wn = 0;
    for (let k = j * d; k < (j + 1) * d; k++) {
      dot += g0[k] * w[k];
      gn += g0[k] ** 2;
      wn += w[k] ** 2;
    }
    euler = Math.max(euler, Math.abs(dot) / Math.sqrt(gn * wn));
    for (const c of factors) {
      const ws = w.map((v, i) => (unit(i) ? c * v : v));
      loss = Math.max(loss, Math.abs(modelLoss(m, ws).loss / L0 - 1));
      const gs = f64Gradient(m, ws);
      const want = g0.map((v, i) => (unit(i) ? v / c : v));
      const norm = Math.hypot(...want);
      homogeneity = Math.max(homogeneity, ...gs.map((v, i) => Math.abs(v - want[i]) / norm));
    }
  }
  return { loss, euler, homogeneity };
}

describe('scale invariance per unit (and its failure with eps = 1e−5)', () => {
  const specs = (eps: number): Record<string, ModelLossSpec> => ({
    bnLogistic: { bnLogistic: { dataset: 'gaussians', n: 64, d: 6, seed: 9, eps } },
    'bnMlp hidden 3': { bnMlp: { dataset: 'gaussians', n: 64, d: 6, seed: 9, hidden: 3, eps } },
  });
  const FACTORS = [1e-2, 0.37, 3, 1e3];
  const BOUNDS = { loss: 2e-15, euler: 1e-14, homogeneity: 1e-14 };

  it.each(Object.keys(specs(0)))('%s: L(c·w_j) = L(w), ∇L·w_j = 0, ∇_j L(c·w_j) = ∇_j L/c', (name) => {
    const m = resolveModel(specs(0)[name]);
    for (const w of randomWeights(m, 8, 26)) {
      const defects = invarianceDefects(m, w, FACTORS);
      expect(defects.loss).toBeLessThanOrEqual(BOUNDS.loss);
      expect(defects.euler).toBeLessThanOrEqual(BOUNDS.euler);
      expect(defects.homogeneity).toBeLessThanOrEqual(BOUNDS.homogeneity);
    }
  });

  it.each(Object.keys(specs(0)))('%s with eps = 1e−5: every one of the three checks fails', (name) => {
    const m = resolveModel(specs(1e-5)[name]);
    for (const w of randomWeights(m, 4, 26)) {
      const defects = invarianceDefects(m, w, FACTORS);
      expect(defects.loss).toBeGreaterThan(100 * BOUNDS.loss);
      expect(defects.euler).toBeGreaterThan(100 * BOUNDS.euler);
      expect(defects.homogeneity).toBeGreaterThan(100 * BOUNDS.homogeneity);
    }
  });

  it('c = 2^k scales one unit’s gradient by exactly 2^−k, bit for bit, in f64 and dd (not with eps)', () => {
    const spec = (eps: number): ModelLossSpec => ({
      bnMlp: { dataset: 'moons', n: 30, d: 3, seed: 10, hidden: 3, eps },
    });
    const m = resolveModel(spec(0));
    const mEps = resolveModel(spec(1e-5));
    // Components in ±[1e−3, 4] (no zero unit, no subnormal that a scaling by 2^−60 would round).
    const component = fc
      .double({ min: -4, max: 4, noNaN: true })
      .map((v) => (Math.abs(v) < 1e-3 ? 1e-3 + Math.abs(v) : v));
    const weights = fc.array(component, { minLength: 9, maxLength: 9 });
    let epsExact = 0;
    let runs = 0;
    fc.assert(
      fc.property(weights, fc.integer({ min: 0, max: 2 }), fc.integer({ min: -60, max: 60 }), (w, j, k) => {
        const scaled = w.map((v, i) => (Math.floor(i / 3) === j ? v * 2 ** k : v));
        const want = (g: number[]) => g.map((v, i) => (Math.floor(i / 3) === j ? v * 2 ** -k : v));
        expect(f64Gradient(m, scaled)).toEqual(want(f64Gradient(m, w)));
        const dd = (xs: number[]) =>
          gradientOf(
            DDA,
            m,
            xs.map((v) => new DD(v, 0)),
          );
        const scaleDD = (g: DD[]) =>
          g.map((v, i) => (Math.floor(i / 3) === j ? new DD(v.hi * 2 ** -k, v.lo * 2 ** -k) : v));
        expect(dd(scaled)).toEqual(scaleDD(dd(w)));
        if (k !== 0) {
          runs++;
          const a = f64Gradient(mEps, scaled);
          const b = want(f64Gradient(mEps, w));
          if (a.every((v, i) => v === b[i])) epsExact++;
        }
      }),
      { numRuns: 60, seed: 27 },
    );
    // With eps the scaled gradient is not 2^−k times the gradient: not even once bit for bit.
    expect(runs).toBeGreaterThan(0);
    expect(epsExact).toBe(0);
  });
});
