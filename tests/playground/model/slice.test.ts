/**
 * The slice of the models page (src/playground/model/slice.ts) against independent references: principal
 * directions against a Jacobi eigen-decomposition of the explicit uncentred second-moment matrix of the unit
 * weights (a centred covariance, the sabotage, must disagree); the profile against modelLoss evaluated at
 * points r·(cos θ e1 + sin θ e2) of the plane for several r (scale invariance: constant along rays; a profile
 * with the angle's sense flipped, the sabotage, must disagree); the seeds' and axes' planes.
 */
import { describe, expect, it } from 'vitest';
import { modelLoss } from '../../../src/core/model/bnGradient';
import { gaussianSource } from '../../../src/core/model/dataset';
import { resolveModel } from '../../../src/core/model/resolveModel';
import {
  axesBasis,
  binOf,
  principalDirections,
  project,
  type SliceBasis,
  seedsBasis,
  sliceBasis,
  sliceProfile,
  unitRows,
} from '../../../src/playground/model/slice';
import { eigenvector, jacobiEigen } from './reference';

/** N weights in ℝᴾ around two directions (a clear gap between the top eigenvalues), random radii. */
function cloud(N: number, P: number, seed: number): Float64Array {
  const g = gaussianSource(seed);
  const a = Array.from({ length: P }, g);
  const b = Array.from({ length: P }, g);
  const out = new Float64Array(N * P);
  for (let i = 0; i < N; i++) {
    const s = 0.6 * g();
    const r = 0.5 + Math.abs(g());
    for (let k = 0; k < P; k++) out[i * P + k] = r * (a[k] + s * b[k] + 0.15 * g());
  }
  return out;
}

/** The reference's top two directions: uncentred (the page's definition) or centred (the sabotage). */
function referenceDirections(w: Float64Array, P: number, centred: boolean): number[][] {
  const rows = unitRows(w, P).map((r) => Array.from(r));
  const mean = Array.from({ length: P }, (_, k) => rows.reduce((a, r) => a + r[k], 0) / rows.length);
  const C = Array.from({ length: P }, (_, i) =>
    Array.from(
      { length: P },
      (_, j) =>
        rows.reduce((a, r) => a + (r[i] - (centred ? mean[i] : 0)) * (r[j] - (centred ? mean[j] : 0)), 0) /
        rows.length,
    ),
  );
  const e = jacobiEigen(C);
  return [eigenvector(e, 0), eigenvector(e, 1)];
}

const alignment = (u: ArrayLike<number>, v: ArrayLike<number>) =>
  Math.abs(Array.from(u).reduce((a, x, k) => a + x * v[k], 0));

function agrees(b: SliceBasis, ref: number[][]): boolean {
  return alignment(b.e1, ref[0]) > 1 - 1e-9 && alignment(b.e2, ref[1]) > 1 - 1e-9;
}

describe('principal directions', () => {
  it.each([
    [8, 500, 1],
    [16, 64, 2],
    [3, 40, 3],
  ])('P %i, N %i: the top two eigenvectors of the uncentred second moment', (P, N, seed) => {
    const w = cloud(N, P, seed);
    const b = principalDirections(w, P);
    expect(agrees(b, referenceDirections(w, P, false))).toBe(true);
    // Orthonormal.
    expect(Math.abs(alignment(b.e1, b.e1) - 1)).toBeLessThan(1e-12);
    expect(alignment(b.e1, b.e2)).toBeLessThan(1e-12);
    // Sign: the unit weights project positively on average.
    const rows = unitRows(w, P);
    for (const e of [b.e1, b.e2]) {
      const s = rows.reduce((a, r) => a + r.reduce((c, x, k) => c + x * e[k], 0), 0);
      expect(s).toBeGreaterThan(0);
    }
    expect(b.explained![0]).toBeGreaterThan(b.explained![1]);
    // Deterministic: the same input gives the same bits; the order of the seeds does not matter.
    expect(principalDirections(w, P)).toEqual(b);
  });

  it('a centred covariance is caught by the reference (sabotage)', () => {
    const P = 8;
    const w = cloud(500, P, 1);
    expect(agrees(principalDirections(w, P), referenceDirections(w, P, true))).toBe(false);
  });

  it('one direction only (every seed on one ray): e2 is any unit vector orthogonal to e1', () => {
    const P = 4;
    const w = new Float64Array(3 * P);
    for (let i = 0; i < 3; i++)
      w.set(
        [1, 2, 0, -1].map((c) => c * (i + 1)),
        i * P,
      );
    const b = principalDirections(w, P);
    expect(
      alignment(
        b.e1,
        [1, 2, 0, -1].map((c) => c / Math.sqrt(6)),
      ),
    ).toBeGreaterThan(1 - 1e-12);
    expect(alignment(b.e1, b.e2)).toBeLessThan(1e-12);
    expect(Math.abs(alignment(b.e2, b.e2) - 1)).toBeLessThan(1e-12);
    expect(b.e1.every(Number.isFinite) && b.e2.every(Number.isFinite)).toBe(true);
  });
});

describe('other planes', () => {
  it('seeds a, b: both final weights lie in the plane', () => {
    const P = 8;
    const w = cloud(10, P, 4);
    const b = seedsBasis(w, P, 2, 7) as SliceBasis;
    for (const i of [2, 7]) {
      const v = Array.from(w.subarray(i * P, (i + 1) * P));
      const [x, y] = project(v, b);
      const residual = v.map((c, k) => c - x * b.e1[k] - y * b.e2[k]);
      expect(Math.hypot(...residual)).toBeLessThan(1e-12 * Math.hypot(...v));
    }
    expect(typeof seedsBasis(new Float64Array([1, 0, 2, 0]), 2, 0, 1)).toBe('string'); // same ray
  });

  it('axes i, j and the messages for choices that name nothing', () => {
    const b = axesBasis(5, 3, 1);
    expect(project([1, 2, 3, 4, 5], b)).toEqual([4, 2]);
    expect(project([0, 0, 1, 1, 0, 0], b, 1, 1)).toEqual([0, 2]);
    expect(sliceBasis({ kind: 'axes', i: 0, j: 9 }, new Float64Array(10), 5)).toMatch(/0 to 4/);
    expect(sliceBasis({ kind: 'seeds', a: 0, b: 3 }, new Float64Array(10), 5)).toMatch(/2 seeds/);
    expect(sliceBasis({ kind: 'pca' }, new Float64Array(3), 1)).toMatch(/needs 2/);
  });
});

describe('the slice profile', () => {
  const model = resolveModel({ bnLogistic: { dataset: 'gaussians', n: 64, d: 6, seed: 5 } });
  const basis = principalDirections(cloud(50, 6, 6), 6);

  type Profile = (bins: number) => Float64Array;
  const page: Profile = (bins) => sliceProfile(model, basis, bins).loss;
  /** Sabotage: the angle measured clockwise (sin θ's sign flipped). */
  const flipped: Profile = (bins) =>
    Float64Array.from({ length: bins }, (_, k) => {
      const th = (-2 * Math.PI * k) / bins;
      return modelLoss(
        model,
        basis.e1.map((c, q) => Math.cos(th) * c + Math.sin(th) * basis.e2[q]),
      ).loss;
    });

  /** The profile's value where a point of the plane falls equals modelLoss there, at every radius. */
  function matches(profile: Profile): boolean {
    const bins = 360;
    const values = profile(bins);
    for (let k = 0; k < bins; k += 7) {
      const th = (2 * Math.PI * k) / bins;
      for (const r of [1e-3, 0.5, 3, 1e4]) {
        const [x, y] = [r * Math.cos(th), r * Math.sin(th)];
        const w = basis.e1.map((c, q) => x * c + y * basis.e2[q]);
        if (Math.abs(values[binOf(x, y, bins)] - modelLoss(model, w).loss) > 1e-12) return false;
      }
    }
    return true;
  }

  it('is modelLoss on the plane, constant along rays', () => {
    expect(matches(page)).toBe(true);
    const p = sliceProfile(model, basis, 90);
    const finite = Array.from(p.loss);
    expect(p.min).toBe(Math.min(...finite));
    expect(p.max).toBe(Math.max(...finite));
    expect(Array.from(p.accuracy).every((a) => a >= 0 && a <= 1)).toBe(true);
  });

  it('a profile with the angle flipped is caught (sabotage)', () => {
    expect(matches(flipped)).toBe(false);
  });

  it('binOf: the nearest bin of a point, wrapping at 2π', () => {
    expect(binOf(1, 0, 8)).toBe(0);
    expect(binOf(0, 1, 8)).toBe(2);
    expect(binOf(-1, 0, 8)).toBe(4);
    expect(binOf(1, -1e-9, 8)).toBe(0);
    expect(binOf(Math.cos(-0.4), Math.sin(-0.4), 8)).toBe(7);
  });
});
