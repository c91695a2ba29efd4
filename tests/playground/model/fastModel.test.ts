/**
 * The page's fast float64 model (src/playground/model/fastModel.ts) against independent references: the
 * loss against modelLoss (src/core/model/bnGradient.ts); the gradient against central differences of
 * modelLoss (not BnGradient's formula) and against BnGradient; the sharpness against the largest eigenvalue
 * of a Hessian built column by column from finite differences and diagonalised by Jacobi rotations. Each
 * check also runs on a sabotaged variant, which it must reject.
 */
import { describe, expect, it } from 'vitest';
import { F64 } from '../../../src/core/arith';
import { BnGradient, modelLoss } from '../../../src/core/model/bnGradient';
import { resolveModel } from '../../../src/core/model/resolveModel';
import type { ModelLossSpec, ResolvedModel } from '../../../src/core/model/types';
import { FastModel } from '../../../src/playground/model/fastModel';
import { jacobiEigen } from './reference';

const MODELS: [string, ModelLossSpec][] = [
  ['bnLogistic gaussians d 8', { bnLogistic: { dataset: 'gaussians', n: 64, d: 8, seed: 3 } }],
  ['bnMlp spirals hidden 4', { bnMlp: { dataset: 'spirals', n: 64, d: 2, seed: 2, hidden: 4 } }],
];

function point(P: number, seed: number): Float64Array {
  return Float64Array.from({ length: P }, (_, k) => Math.sin(1.7 * (k + 1) * (seed + 1)) + 0.3 * Math.cos(k));
}

type Grad = (m: ResolvedModel, w: Float64Array) => Float64Array;
const fastGrad: Grad = (m, w) => {
  const g = new Float64Array(w.length);
  new FastModel(m).gradient(w, g);
  return g;
};
/**
 * Sabotaged: bnLogistic's gradient written out plainly but without the batch-norm backward's projection
 * term ẑ·mean(ĝẑ) (the mean subtraction kept), the classic slip in a hand-written BN backward.
 */
const sabotagedGrad: Grad = (m, w) => {
  const { n, d } = m;
  const P = w.length;
  const out = new Float64Array(P);
  const z = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += m.x[i * d + k] * w[k];
    return s;
  });
  const mean = z.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const zh = z.map((v) => (v - mean) / sd);
  const g = zh.map((o, i) => -m.y[i] / (n * (1 + Math.exp(m.y[i] * o))));
  const gbar = g.reduce((a, b) => a + b, 0) / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[k] += ((g[i] - gbar) / sd) * m.x[i * d + k];
  return out;
};

/** Central differences of modelLoss, step h·|w|. */
function numericGradient(m: ResolvedModel, w: Float64Array, h = 1e-6): Float64Array {
  const norm = Math.hypot(...w);
  return Float64Array.from(w, (_, k) => {
    const p = Float64Array.from(w);
    const q = Float64Array.from(w);
    p[k] += h * norm;
    q[k] -= h * norm;
    return (modelLoss(m, p).loss - modelLoss(m, q).loss) / (2 * h * norm);
  });
}

function gradientAgrees(grad: Grad, m: ResolvedModel, w: Float64Array): boolean {
  const g = grad(m, w);
  const ref = numericGradient(m, w);
  const scale = Math.max(...ref.map(Math.abs));
  return g.every((v, k) => Math.abs(v - ref[k]) <= 1e-5 * scale);
}

/**
 * The Hessian's eigenvalue of largest magnitude (what power iteration finds, as SharpnessTracker does),
 * from finite differences of BnGradient (symmetrised), by Jacobi rotations.
 */
function referenceSharpness(m: ResolvedModel, w: Float64Array): number {
  const P = w.length;
  const bg = new BnGradient(F64, m);
  const h = 1e-5 * Math.hypot(...w);
  const H: number[][] = [];
  for (let k = 0; k < P; k++) {
    const p = Array.from(w);
    const q = Array.from(w);
    p[k] += h;
    q[k] -= h;
    const gp = new Array(P).fill(0);
    const gq = new Array(P).fill(0);
    bg.gradient(p, gp);
    bg.gradient(q, gq);
    H.push(gp.map((v, i) => (v - gq[i]) / (2 * h)));
  }
  const S = H.map((row, i) => row.map((v, j) => (v + H[j][i]) / 2));
  const values = jacobiEigen(S).values;
  return values.reduce((a, v) => (Math.abs(v) > Math.abs(a) ? v : a), 0);
}

describe.each(MODELS)('FastModel on %s', (_, spec) => {
  const m = resolveModel(spec);
  const P = m.hidden * m.d;

  it('loss and accuracy equal modelLoss', () => {
    const fm = new FastModel(m);
    for (let s = 0; s < 5; s++) {
      const w = point(P, s);
      const r = fm.lossAccuracy(w);
      const ref = modelLoss(m, w);
      expect(Math.abs(r.loss - ref.loss)).toBeLessThan(1e-14);
      expect(r.accuracy).toBe(ref.accuracy);
      // Read at an offset, as the page reads samples.
      const padded = new Float64Array(3 * P);
      padded.set(w, 2 * P);
      expect(fm.lossAccuracy(padded, 2 * P)).toEqual(r);
    }
  });

  it('the gradient matches central differences of modelLoss and BnGradient', () => {
    const bg = new BnGradient(F64, m);
    for (let s = 0; s < 3; s++) {
      const w = point(P, s);
      expect(gradientAgrees(fastGrad, m, w)).toBe(true);
      const ref = new Array(P).fill(0);
      bg.gradient(Array.from(w), ref);
      const g = fastGrad(m, w);
      const scale = Math.max(...ref.map(Math.abs));
      g.forEach((v, k) => {
        expect(Math.abs(v - ref[k])).toBeLessThanOrEqual(1e-12 * scale);
      });
      // Scale invariance (Euler): w·∇L = 0.
      const dot = g.reduce((a, v, k) => a + v * w[k], 0);
      expect(Math.abs(dot)).toBeLessThan(1e-12 * scale * Math.hypot(...w));
    }
  });

  it('the sharpness matches the eigenvalue of a finite-difference Hessian', () => {
    const fm = new FastModel(m);
    const w = point(P, 4);
    const dir = fm.startDirection();
    let lambda = fm.sharpness(w, dir, true);
    for (let i = 0; i < 40; i++) lambda = fm.sharpness(w, dir, false);
    const ref = referenceSharpness(m, w);
    expect(Math.abs(lambda - ref)).toBeLessThan(1e-4 * Math.abs(ref));
    // Sabotage: half the Hessian-vector step (a missing factor 2 in the central difference).
    expect(Math.abs(lambda / 2 - ref)).toBeGreaterThan(1e-4 * Math.abs(ref));
    // Homogeneous of degree −2: λ(2w) = λ(w)/4.
    const w2 = w.map((c) => 2 * c);
    const d2 = fm.startDirection();
    let l2 = fm.sharpness(w2, d2, true);
    for (let i = 0; i < 40; i++) l2 = fm.sharpness(w2, d2, false);
    expect(Math.abs(l2 - lambda / 4)).toBeLessThan(1e-4 * Math.abs(lambda));
  });
});

it('a bnLogistic gradient without the batch-norm projection is caught (sabotage)', () => {
  const m = resolveModel(MODELS[0][1]);
  expect(gradientAgrees(fastGrad, m, point(8, 1))).toBe(true);
  expect(gradientAgrees(sabotagedGrad, m, point(8, 1))).toBe(false);
});
