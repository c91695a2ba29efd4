/**
 * The models' data (src/core/model/dataset.ts, resolveModel.ts) and starting weights (modelInit.ts), against
 * properties stated independently of the code:
 * - a spec always gives the same arrays; another seed gives others; labels are ±1, alternating, balanced;
 * - the noise is a Box–Muller normal of a 32-bit uniform, so |noise| ≤ 0.1·√(−2 ln 2^−32) ≈ 0.666 exactly
 *   bounds the moons and spirals features around their curves (moons x ∈ [−1, 2], y ∈ [−½, 1]; spirals within
 *   radius 1.2); gaussians have class means ±μ/|μ| (separation 2) and unit variance per coordinate;
 * - ring radii are exact to 1e−15 relative (norms taken in decimal), random radii lie in [r0, r1], and the
 *   directions are uniform on the sphere: the mean of 4096 unit vectors is within 5/√N of 0 and their second
 *   moment within 5/√N of I/P. Sabotages (directions from the positive orthant, directions stretched along
 *   one axis, radii in float32) fail the same checks.
 */
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../../src/core/model/dataset';
import { modelInitialPoints, modelTrajectoryCount } from '../../../src/core/model/modelInit';
import { defaultReadout, resolveModel } from '../../../src/core/model/resolveModel';
import type { DataSpec, DatasetName, ModelInitSpec } from '../../../src/core/model/types';
import { decimalAt, exactOf, uniform } from './modelReference';

const NOISE_MAX = 0.1 * Math.sqrt(-2 * Math.log(2 ** -32)); // 0.666: the largest |0.1·g| a 32-bit uniform gives

const spec = (dataset: DatasetName, n: number, d: number, seed: number): DataSpec => ({
  dataset,
  n,
  d,
  seed,
});

function rows(x: Float64Array, d: number): number[][] {
  return Array.from({ length: x.length / d }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));
}

describe('datasets', () => {
  const NAMES: DatasetName[] = ['gaussians', 'moons', 'spirals'];

  it.each(NAMES)('%s: the same spec gives identical arrays, another seed different ones', (name) => {
    const a = makeDataset(spec(name, 101, 4, 7));
    const b = makeDataset(spec(name, 101, 4, 7));
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect([a.n, a.d]).toEqual([101, 4]);
    const c = makeDataset(spec(name, 101, 4, 8));
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
    // Not a shift of the same stream either: no row of one is a row of the other.
    const set = new Set(rows(a.x, 4).map((r) => r.join()));
    expect(rows(c.x, 4).some((r) => set.has(r.join()))).toBe(false);
    expect(a.x.every(Number.isFinite)).toBe(true);
  });

  it.each(NAMES)('%s: labels are ±1, alternate from +1, and are balanced (⌈n/2⌉ and ⌊n/2⌋)', (name) => {
    for (const n of [2, 7, 64, 101]) {
      const { y } = makeDataset(spec(name, n, 3, 1));
      const labelsOk = (ys: ArrayLike<number>) =>
        ys.length === n &&
        Array.from(ys).every((v, i) => v === (i % 2 === 0 ? 1 : -1)) &&
        Array.from(ys).filter((v) => v === 1).length === Math.ceil(n / 2) &&
        Array.from(ys).filter((v) => v === -1).length === Math.floor(n / 2);
      expect(labelsOk(y)).toBe(true);
      // Sabotage: labels starting from −1, or 0/1 labels, fail the same check.
      expect(labelsOk(Array.from(y, (v) => -v))).toBe(false);
      expect(labelsOk(Array.from(y, (v) => (v > 0 ? 1 : 0)))).toBe(false);
    }
  });

  /**
   * Moons rows outside the expected box or farther from their class's half circle than the noise allows,
   * and the mean distance to that circle (the radial part of 0.1·N(0, I): about 0.1·√(2/π) ≈ 0.08).
   */
  function moonsDefects(x: Float64Array, y: Float64Array, d: number): { outside: number; meanOff: number } {
    let outside = 0;
    let off = 0;
    rows(x, d).forEach((r, i) => {
      const inBox =
        r[0] >= -1 - NOISE_MAX &&
        r[0] <= 2 + NOISE_MAX &&
        r[1] >= -0.5 - NOISE_MAX &&
        r[1] <= 1 + NOISE_MAX &&
        r.slice(2).every((v) => Math.abs(v) <= NOISE_MAX);
      // +1 lies on the upper moon x² + y² = 1 (y ≥ 0), −1 on the lower (x − 1)² + (y − ½)² = 1 (y ≤ ½).
      const [cx, cy] = y[i] > 0 ? [0, 0] : [1, 0.5];
      const dist = Math.abs(Math.hypot(r[0] - cx, r[1] - cy) - 1);
      if (!inBox || dist > Math.SQRT2 * NOISE_MAX) outside++;
      off += dist / y.length;
    });
    return { outside, meanOff: off };
  }

  it('moons: features around the two half circles (x ∈ [−1, 2], y ∈ [−½, 1]), other coordinates noise', () => {
    const { x, y, d } = makeDataset(spec('moons', 400, 5, 3));
    const good = moonsDefects(x, y, d);
    expect(good.outside).toBe(0);
    expect(good.meanOff).toBeLessThan(0.12);
    // Sabotage: the labels swapped put the points on the other moon.
    expect(
      moonsDefects(
        x,
        y.map((v) => -v),
        d,
      ).meanOff,
    ).toBeGreaterThan(0.12);
  });

  /** Spirals rows beyond radius 1.2 (plus noise), and pairs (2k, 2k + 1) that are not point-symmetric. */
  function spiralsDefects(x: Float64Array, d: number): number {
    const r = rows(x, d);
    let bad = r.filter(
      (row) =>
        Math.hypot(row[0], row[1]) > 1.2 + Math.SQRT2 * NOISE_MAX ||
        row.slice(2).some((v) => Math.abs(v) > NOISE_MAX),
    ).length;
    // A pair shares the spiral parameter with opposite signs: their sum is noise only.
    for (let i = 0; i + 1 < r.length; i += 2) {
      if (Math.abs(r[i][0] + r[i + 1][0]) > 2 * NOISE_MAX || Math.abs(r[i][1] + r[i + 1][1]) > 2 * NOISE_MAX)
        bad++;
    }
    return bad;
  }

  it('spirals: within radius 1.2 of the origin (plus noise), the classes point-symmetric', () => {
    const { x, d } = makeDataset(spec('spirals', 400, 3, 4));
    expect(spiralsDefects(x, d)).toBe(0);
    // Sabotage: the second class rotated by a quarter turn is no longer the point reflection of the first.
    const turned = x.slice();
    for (let i = 1; i < 400; i += 2) [turned[i * d], turned[i * d + 1]] = [-x[i * d + 1], x[i * d]];
    expect(spiralsDefects(turned, d)).toBeGreaterThan(20);
  });

  /** |m₊ + m₋|∞, | |m₊ − m₋| − 2 | and max_k |var_k − 1| of a labelled sample. */
  function gaussianStats(x: Float64Array, y: Float64Array, d: number) {
    const n = y.length;
    const mean = (sign: number, k: number) => {
      let s = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        if (y[i] !== sign) continue;
        s += x[i * d + k];
        c++;
      }
      return s / c;
    };
    const mp = Array.from({ length: d }, (_, k) => mean(1, k));
    const mm = Array.from({ length: d }, (_, k) => mean(-1, k));
    let variance = 0;
    for (let k = 0; k < d; k++) {
      let s2 = 0;
      for (let i = 0; i < n; i++) s2 += (x[i * d + k] - (y[i] > 0 ? mp[k] : mm[k])) ** 2;
      variance = Math.max(variance, Math.abs(s2 / n - 1));
    }
    return {
      symmetry: Math.max(...mp.map((v, k) => Math.abs(v + mm[k]))),
      separation: Math.abs(Math.hypot(...mp.map((v, k) => v - mm[k])) - 2),
      variance,
    };
  }

  it('gaussians: class means ±μ̂ (|m₊ − m₋| ≈ 2), unit variance per coordinate', () => {
    const n = 4000;
    const d = 6;
    const { x, y } = makeDataset(spec('gaussians', n, d, 5));
    // Each class mean has standard error 1/√2000 ≈ 0.022 per coordinate; bounds at 5 standard errors.
    const se = 1 / Math.sqrt(n / 2);
    const bounds = { symmetry: 5 * Math.SQRT2 * se, separation: 5 * Math.SQRT2 * se * Math.sqrt(d) };
    const stats = gaussianStats(x, y, d);
    expect(stats.symmetry).toBeLessThan(bounds.symmetry);
    expect(stats.separation).toBeLessThan(bounds.separation);
    expect(stats.variance).toBeLessThan(5 * Math.sqrt(2 / n));
    // Sabotage: labels in blocks instead of alternating (rows 0…n/2 are +1) mix the two classes.
    const blocks = y.map((_, i) => (i < n / 2 ? 1 : -1));
    expect(gaussianStats(x, blocks, d).separation).toBeGreaterThan(bounds.separation);
  });

  it('explicit data is kept as given; resolveModel adds readout, hidden and eps', () => {
    const data = {
      x: [
        [1, 2],
        [3, 4],
        [-5, 0.5],
      ],
      y: [1, -1, 1],
    };
    const ds = makeDataset(data);
    expect([ds.n, ds.d]).toEqual([3, 2]);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, -5, 0.5]);
    const logistic = resolveModel({ bnLogistic: data });
    expect([logistic.kind, logistic.hidden, Array.from(logistic.readout), logistic.eps]).toEqual([
      'bnLogistic',
      1,
      [1],
      0,
    ]);
    const mlp = resolveModel({ bnMlp: { ...data, hidden: 4, eps: 1e-5 } });
    expect([mlp.kind, mlp.hidden, mlp.eps]).toEqual(['bnMlp', 4, 1e-5]);
    // Default readout: ±1/√m alternating, so that Σa_j² = 1.
    expect(Array.from(mlp.readout)).toEqual([0.5, -0.5, 0.5, -0.5]);
    const r = defaultReadout(7);
    expect(Math.abs(r.reduce((s, v) => s + v * v, 0) - 1)).toBeLessThan(1e-15);
    expect(r.map(Math.sign)).toEqual([1, -1, 1, -1, 1, -1, 1]);
    expect(Array.from(resolveModel({ bnMlp: { ...data, hidden: 2, readout: [3, -7] } }).readout)).toEqual([
      3, -7,
    ]);
  });
});

const D = decimalAt(50);
/** |v| computed in decimal from the exact float64 components. */
const exactNorm = (v: ArrayLike<number>) =>
  Array.from(v)
    .reduce((s, c) => s.plus(exactOf(D, c).pow(2)), new D(0))
    .sqrt();

function vectors(points: Float64Array, P: number): Float64Array[] {
  return Array.from({ length: points.length / P }, (_, i) => points.subarray(i * P, (i + 1) * P));
}

/** Mean of the unit vectors, and the largest entry of (second moment − I/P), over the rows. */
function directionMoments(vs: ArrayLike<number>[], P: number): { mean: number; second: number } {
  const m = new Float64Array(P);
  const s = new Float64Array(P * P);
  for (const v of vs) {
    const r = Math.hypot(...Array.from(v));
    for (let k = 0; k < P; k++) {
      m[k] += v[k] / r / vs.length;
      for (let l = 0; l < P; l++) s[k * P + l] += (v[k] * v[l]) / (r * r) / vs.length;
    }
  }
  let second = 0;
  for (let k = 0; k < P; k++)
    for (let l = 0; l < P; l++) second = Math.max(second, Math.abs(s[k * P + l] - (k === l ? 1 / P : 0)));
  return { mean: Math.hypot(...m), second };
}

describe('modelInitialPoints', () => {
  it('points are copied exactly; the count is that of the spec', () => {
    const init: ModelInitSpec = {
      points: [
        [1, -2, 3],
        [0.1, 0.2, 0.3],
      ],
    };
    expect(modelTrajectoryCount(init)).toBe(2);
    expect(Array.from(modelInitialPoints(init, 3))).toEqual([1, -2, 3, 0.1, 0.2, 0.3]);
    expect(modelTrajectoryCount({ ring: { count: 5, radius: 1, seed: 1 } })).toBe(5);
    expect(modelTrajectoryCount({ random: { count: 9, radius: [1, 2], seed: 1 } })).toBe(9);
  });

  /** The worst relative radius error of 16 ring points in ℝ^P, and of the same points rounded to float32. */
  function ringRadiusErrors(P: number, radius: number): { f64: number; f32: number } {
    const pts = modelInitialPoints({ ring: { count: 16, radius, seed: 3 } }, P);
    let f64 = 0;
    let f32 = 0;
    for (const v of vectors(pts, P)) {
      f64 = Math.max(f64, exactNorm(v).div(exactOf(D, radius)).minus(1).abs().toNumber());
      f32 = Math.max(f32, exactNorm(Float32Array.from(v)).div(exactOf(D, radius)).minus(1).abs().toNumber());
    }
    return { f64, f32 };
  }

  it('ring: every radius exact to 1e−15 relative (norm in decimal) up to P = 256; float32 radii are not', () => {
    for (const [P, radius] of [
      [2, 1],
      [8, 0.37],
      [64, 1234.5],
      [256, 3e-7],
    ] as [number, number][]) {
      const e = ringRadiusErrors(P, radius);
      expect(e.f64, `P ${P}`).toBeLessThanOrEqual(1e-15);
      expect(e.f32).toBeGreaterThan(1e-15);
    }
  });

  // KNOWN (reported): |w|² is summed naively, so the radius error grows like √P·2^−53: 2.2e−16 at P = 2,
  // 5.8e−16 at P = 256, 1.08e−15 at P = 1024 (MODEL_LIMITS.params). A compensated sum of squares (or a second
  // normalisation pass) keeps it at ~2e−16. Flip to `it` when fixed.
  it('ring: radius exact to 1e−15 relative at P = 1024', () => {
    expect(ringRadiusErrors(1024, 1).f64).toBeLessThanOrEqual(1e-15);
  });

  it('random: radii in [r0, r1] and spread over it; another seed gives other points', () => {
    const P = 5;
    const pts = modelInitialPoints({ random: { count: 2000, radius: [0.5, 2], seed: 4 } }, P);
    const radii = vectors(pts, P).map((v) => Math.hypot(...Array.from(v)));
    for (const r of radii) {
      expect(r).toBeGreaterThanOrEqual(0.5 * (1 - 1e-15));
      expect(r).toBeLessThanOrEqual(2 * (1 + 1e-15));
    }
    // Uniform radii: mean 1.25 (standard error 1.5/√12/√2000 ≈ 0.0097), quartiles near 0.875 and 1.625.
    const mean = radii.reduce((a, b) => a + b, 0) / radii.length;
    expect(Math.abs(mean - 1.25)).toBeLessThan(0.05);
    const sorted = [...radii].sort((a, b) => a - b);
    expect(Math.abs(sorted[500] - 0.875)).toBeLessThan(0.06);
    expect(Math.abs(sorted[1500] - 1.625)).toBeLessThan(0.06);
    expect(Array.from(modelInitialPoints({ random: { count: 3, radius: [0.5, 2], seed: 4 } }, P))).toEqual(
      Array.from(pts.subarray(0, 3 * P)),
    );
    expect(
      Array.from(modelInitialPoints({ random: { count: 3, radius: [0.5, 2], seed: 5 } }, P)),
    ).not.toEqual(Array.from(pts.subarray(0, 3 * P)));
    // A degenerate interval gives that radius.
    const fixed = modelInitialPoints({ random: { count: 4, radius: [3, 3], seed: 1 } }, P);
    for (const v of vectors(fixed, P))
      expect(Math.abs(Math.hypot(...Array.from(v)) / 3 - 1)).toBeLessThan(1e-15);
  });

  it.each([2, 3, 8, 32])(
    'P = %i: directions uniform on the sphere (mean and second moment of 4096 draws)',
    (P) => {
      const N = 4096;
      const bound = 5 / Math.sqrt(N);
      for (const init of [
        { ring: { count: N, radius: 2, seed: 11 } },
        { random: { count: N, radius: [0.1, 10], seed: 12 } },
      ] as ModelInitSpec[]) {
        const { mean, second } = directionMoments(vectors(modelInitialPoints(init, P), P), P);
        expect(mean).toBeLessThan(bound);
        expect(second).toBeLessThan(bound);
      }
      // Sabotages: directions from the positive orthant fail the mean.
      const u = uniform(13);
      const orthant = Array.from({ length: N }, () =>
        Array.from({ length: P }, () => Math.abs(u() - 0.5) + 1e-9),
      );
      expect(directionMoments(orthant, P).mean).toBeGreaterThan(bound);
      // Directions stretched along the first axis (mean 0 still): the second moment is far from I/P.
      const axis = Array.from({ length: N }, () =>
        Array.from({ length: P }, (_, k) => (k === 0 ? 3 : 1) * (u() - 0.5)),
      );
      expect(directionMoments(axis, P).second).toBeGreaterThan(bound);
    },
  );
});
