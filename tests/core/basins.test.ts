// Basins of f on the circle, checked against independent brute force: a dense scan of f for the local
// minima and maxima, and gradient flow (many small descent steps) for which minimum an angle flows to.
import { describe, expect, it } from 'vitest';
import { basinIndex, findBasins, maxAbsFPrime, wrapAngle } from '../../src/core/basins';
import { type FourierLoss, fAt } from '../../src/core/loss';
import { LOSS_PRESETS } from '../../src/core/presets';

/** Local extrema of f by comparing neighbours on a very fine grid (no derivative used). */
function scan(loss: FourierLoss, n = 200_000): { minima: number[]; maxima: number[] } {
  const f = (s: number) => fAt(loss, -Math.PI + (2 * Math.PI * (((s % n) + n) % n)) / n);
  const minima: number[] = [];
  const maxima: number[] = [];
  for (let s = 0; s < n; s++) {
    const [l, c, r] = [f(s - 1), f(s), f(s + 1)];
    if (c < l && c <= r) minima.push(-Math.PI + (2 * Math.PI * s) / n);
    if (c > l && c >= r) maxima.push(-Math.PI + (2 * Math.PI * s) / n);
  }
  return { minima, maxima };
}

/** Where gradient flow from θ ends: explicit Euler on θ' = −f'(θ) with a numerical derivative. */
function flow(loss: FourierLoss, theta: number): number {
  let t = theta;
  const h = 1e-6;
  for (let i = 0; i < 20000; i++) {
    const d = (fAt(loss, t + h) - fAt(loss, t - h)) / (2 * h);
    t -= (0.02 * d) / (1 + Math.abs(d));
  }
  return wrapAngle(t);
}

const circleDist = (a: number, b: number) => Math.abs(wrapAngle(a - b));

const losses: [string, FourierLoss][] = [
  ...LOSS_PRESETS.map((p) => [p.name, p.loss] as [string, FourierLoss]),
  ['sin 5θ', { a: [0, 0, 0, 0, 0], b: [0, 0, 0, 0, 1] }],
];

describe('findBasins', () => {
  for (const [name, loss] of losses) {
    it(`${name}: extrema match a dense scan of f`, () => {
      const b = findBasins(loss);
      const ref = scan(loss);
      expect(b.minima.length).toBe(ref.minima.length);
      expect(b.boundaries.length).toBe(ref.maxima.length);
      for (const m of ref.minima)
        expect(Math.min(...b.minima.map((x) => circleDist(x, m)))).toBeLessThan(1e-4);
      for (const m of ref.maxima)
        expect(Math.min(...b.boundaries.map((x) => circleDist(x, m)))).toBeLessThan(1e-4);
      for (let j = 0; j < b.minima.length; j++) expect(b.depths[j]).toBeCloseTo(fAt(loss, b.minima[j]), 12);
    });

    it(`${name}: basinIndex agrees with gradient flow`, () => {
      const b = findBasins(loss);
      for (let s = 0; s < 97; s++) {
        const theta = -Math.PI + (2 * Math.PI * (s + 0.37)) / 97;
        // Skip angles right on a watershed, where flow is undecided.
        if (Math.min(...b.boundaries.map((x) => circleDist(x, theta))) < 0.01) continue;
        const end = flow(loss, theta);
        const j = basinIndex(theta, b.boundaries);
        expect(circleDist(b.minima[j], end)).toBeLessThan(1e-3);
      }
    });
  }

  it('a constant loss has no basins; basinIndex is then 0', () => {
    const b = findBasins({ a: [0], b: [0] });
    expect(b.minima).toEqual([]);
    expect(basinIndex(1, b.boundaries)).toBe(0);
  });

  it('basinIndex wraps: the arc before the first boundary is the last basin', () => {
    const bounds = [-1, 0.5, 2];
    expect(basinIndex(-2, bounds)).toBe(2);
    expect(basinIndex(3, bounds)).toBe(2);
    expect(basinIndex(-1, bounds)).toBe(0);
    expect(basinIndex(0.7, bounds)).toBe(1);
    expect(basinIndex(0.7 + 2 * Math.PI, bounds)).toBe(1);
  });

  it('maxAbsFPrime matches |f′| of a single harmonic', () => {
    expect(maxAbsFPrime({ a: [0, 0, 0.5], b: [0, 0, 0] })).toBeCloseTo(1.5, 4);
  });
});
