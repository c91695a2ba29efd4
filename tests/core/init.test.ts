/** Initial points (src/core/init.ts): explicit points, ring, grid cell centres and the seeded random disc. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InitSpec } from '../../src/core/config/types';
import { initialPoints, seededRandom, trajectoryCount } from '../../src/core/init';

function pairs(p: Float64Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < p.length; i += 2) out.push([p[i], p[i + 1]]);
  return out;
}

describe('points', () => {
  it('copies the points in order', () => {
    const init: InitSpec = {
      points: [
        [-0.7, 0.7],
        [1e-300, -2],
        [3, 0],
      ],
    };
    expect(trajectoryCount(init)).toBe(3);
    const p = initialPoints(init);
    expect(p).toBeInstanceOf(Float64Array);
    expect(pairs(p)).toEqual([
      [-0.7, 0.7],
      [1e-300, -2],
      [3, 0],
    ]);
  });
});

describe('ring', () => {
  it('count points on the circle, at angles 2πi/count starting on the positive x axis', () => {
    const init: InitSpec = { ring: { count: 12, radius: 2.5 } };
    expect(trajectoryCount(init)).toBe(12);
    const pts = pairs(initialPoints(init));
    expect(pts).toHaveLength(12);
    expect(pts[0]).toEqual([2.5, 0]);
    pts.forEach(([x, y], i) => {
      expect(Math.hypot(x, y)).toBeCloseTo(2.5, 14);
      let th = Math.atan2(y, x);
      if (th < -1e-12) th += 2 * Math.PI;
      expect(th).toBeCloseTo((2 * Math.PI * i) / 12, 13);
    });
    // Quarter turns land on the axes (up to cos(π/2) rounding).
    expect(pts[3][0]).toBeCloseTo(0, 15);
    expect(pts[3][1]).toBe(2.5);
    expect(pts[6][0]).toBe(-2.5);
  });

  it('a single point', () => {
    expect(pairs(initialPoints({ ring: { count: 1, radius: 0.5 } }))).toEqual([[0.5, 0]]);
  });

  it('no point of a ring is the origin, and all are distinct', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        (n, r) => {
          const pts = pairs(initialPoints({ ring: { count: n, radius: r } }));
          expect(pts).toHaveLength(n);
          expect(new Set(pts.map((p) => p.join(','))).size).toBe(n);
          for (const [x, y] of pts) {
            expect(x !== 0 || y !== 0).toBe(true);
            expect(Math.abs(Math.hypot(x, y) / r - 1)).toBeLessThan(1e-15);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('grid', () => {
  it('cell centres, row by row from the bottom (index = iy·nx + ix)', () => {
    const init: InitSpec = { grid: { count: [4, 2], extent: [-1, 1, 0, 1] } };
    expect(trajectoryCount(init)).toBe(8);
    expect(pairs(initialPoints(init))).toEqual([
      [-0.75, 0.25],
      [-0.25, 0.25],
      [0.25, 0.25],
      [0.75, 0.25],
      [-0.75, 0.75],
      [-0.25, 0.75],
      [0.25, 0.75],
      [0.75, 0.75],
    ]);
  });

  it('a 1×1 grid is the centre of its extent', () => {
    expect(pairs(initialPoints({ grid: { count: [1, 1], extent: [1, 3, -4, -2] } }))).toEqual([[2, -3]]);
  });

  it('every centre lies inside its cell; an even centred grid avoids the origin', () => {
    const [nx, ny] = [64, 48];
    const [x0, x1, y0, y1] = [-1, 1, -1.5, 1.5];
    const pts = pairs(initialPoints({ grid: { count: [nx, ny], extent: [x0, x1, y0, y1] } }));
    expect(pts).toHaveLength(nx * ny);
    const hx = (x1 - x0) / nx;
    const hy = (y1 - y0) / ny;
    pts.forEach(([x, y], i) => {
      const ix = i % nx;
      const iy = Math.floor(i / nx);
      expect(x).toBeCloseTo(x0 + (ix + 0.5) * hx, 14);
      expect(y).toBeCloseTo(y0 + (iy + 0.5) * hy, 14);
      expect(x).toBeGreaterThan(x0 + ix * hx);
      expect(x).toBeLessThan(x0 + (ix + 1) * hx);
      expect(x !== 0 || y !== 0).toBe(true);
    });
  });
});

describe('random', () => {
  it('seededRandom is deterministic, in [0, 1), and depends on the seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    // Roughly uniform: mean near 1/2, every tenth of [0, 1) hit.
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(new Set(xs.map((x) => Math.floor(10 * x))).size).toBe(10);
  });

  it('seeds are taken modulo 2^32 (0 and 2^32 − 1 both work)', () => {
    expect(seededRandom(0)()).not.toBe(seededRandom(4294967295)());
    expect(seededRandom(2 ** 32)()).toBe(seededRandom(0)());
  });

  it('same seed, same points; another seed, other points', () => {
    const spec = (seed: number): InitSpec => ({ random: { count: 500, seed, radius: [0.2, 2] } });
    expect(trajectoryCount(spec(1))).toBe(500);
    expect(initialPoints(spec(7))).toEqual(initialPoints(spec(7)));
    expect(initialPoints(spec(7))).not.toEqual(initialPoints(spec(8)));
    // A longer run starts with the shorter run's points.
    const long = initialPoints({ random: { count: 600, seed: 7, radius: [0.2, 2] } });
    expect(long.subarray(0, 1000)).toEqual(initialPoints(spec(7)));
  });

  it('radii stay within [rMin, rMax] and angles cover the circle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (seed, rMin, width) => {
          const rMax = rMin + width;
          const pts = pairs(initialPoints({ random: { count: 200, seed, radius: [rMin, rMax] } }));
          expect(pts).toHaveLength(200);
          const quadrants = new Set<number>();
          for (const [x, y] of pts) {
            const r = Math.hypot(x, y);
            expect(r).toBeGreaterThanOrEqual(rMin * (1 - 1e-14));
            expect(r).toBeLessThanOrEqual(rMax * (1 + 1e-14));
            quadrants.add((x >= 0 ? 1 : 0) + (y >= 0 ? 2 : 0));
          }
          expect(quadrants.size).toBe(4);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rMin = rMax puts every point on that circle', () => {
    for (const [x, y] of pairs(initialPoints({ random: { count: 100, seed: 3, radius: [1.5, 1.5] } }))) {
      expect(Math.hypot(x, y)).toBeCloseTo(1.5, 14);
    }
  });

  it('the radius is uniform in [rMin, rMax] (not in area)', () => {
    const pts = pairs(initialPoints({ random: { count: 20000, seed: 11, radius: [1, 3] } }));
    const inner = pts.filter(([x, y]) => Math.hypot(x, y) < 2).length / pts.length;
    expect(Math.abs(inner - 0.5)).toBeLessThan(0.02);
  });
});

describe('init.extra (click-to-add points beside a generated init)', () => {
  it('appends the extra points after the generated ones and counts them', async () => {
    const { validateConfig } = await import('../../src/core/config/validate');
    const { DEFAULT_CONFIG } = await import('../../src/core/config/schema');
    const config = validateConfig({
      ...DEFAULT_CONFIG,
      init: {
        ring: { count: 4, radius: 1 },
        extra: [
          [0.5, -0.25],
          [2, 3],
        ],
      },
    });
    expect(trajectoryCount(config.init)).toBe(6);
    const pts = initialPoints(config.init);
    expect(Array.from(pts.slice(8))).toEqual([0.5, -0.25, 2, 3]);
    expect(pts[0]).toBe(1); // the ring's first point is unchanged
  });
  it('rejects bad extra points with their path, and extra beside explicit points', async () => {
    const { validateConfig } = await import('../../src/core/config/validate');
    const { DEFAULT_CONFIG } = await import('../../src/core/config/schema');
    expect(() =>
      validateConfig({ ...DEFAULT_CONFIG, init: { ring: { count: 4, radius: 1 }, extra: [[0, 'x']] } }),
    ).toThrow(/init\.extra\[0\]/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, init: { points: [[1, 0]], extra: [[0, 1]] } })).toThrow(
      /init\.extra.*unknown field/,
    );
  });
});
