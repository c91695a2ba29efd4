/** Initial points of an experiment, as interleaved (x, y) float64 pairs. */
import type { InitSpec } from './config/types';

/** splitmix32-style generator: small, seedable, and identical in every JS engine. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

/** Points of the init's own pattern, before any hand-added `extra` points. */
function generatedCount(init: InitSpec): number {
  if ('points' in init) return init.points.length;
  if ('ring' in init) return init.ring.count;
  if ('grid' in init) return init.grid.count[0] * init.grid.count[1];
  return init.random.count;
}

export function trajectoryCount(init: InitSpec): number {
  return generatedCount(init) + ('extra' in init ? (init.extra?.length ?? 0) : 0);
}

export function initialPoints(init: InitSpec): Float64Array {
  const n = trajectoryCount(init);
  const out = new Float64Array(2 * n);
  if ('points' in init) {
    init.points.forEach(([x, y], i) => {
      out[2 * i] = x;
      out[2 * i + 1] = y;
    });
  } else if ('ring' in init) {
    const { count, radius } = init.ring;
    for (let i = 0; i < count; i++) {
      const th = (2 * Math.PI * i) / count;
      out[2 * i] = radius * Math.cos(th);
      out[2 * i + 1] = radius * Math.sin(th);
    }
  } else if ('grid' in init) {
    // Cell centres, row by row from the bottom: index = iy * nx + ix.
    const [nx, ny] = init.grid.count;
    const [x0, x1, y0, y1] = init.grid.extent;
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        const i = iy * nx + ix;
        out[2 * i] = x0 + ((ix + 0.5) * (x1 - x0)) / nx;
        out[2 * i + 1] = y0 + ((iy + 0.5) * (y1 - y0)) / ny;
      }
    }
  } else {
    // Angle uniform, radius uniform in [rMin, rMax].
    const { count, seed, radius } = init.random;
    const rand = seededRandom(seed);
    for (let i = 0; i < count; i++) {
      const th = 2 * Math.PI * rand();
      const r = radius[0] + (radius[1] - radius[0]) * rand();
      out[2 * i] = r * Math.cos(th);
      out[2 * i + 1] = r * Math.sin(th);
    }
  }
  // Hand-added points come last, so the generated points keep their indices (the grid map relies on it).
  const extra = 'extra' in init ? (init.extra ?? []) : [];
  const base = generatedCount(init);
  extra.forEach(([x, y], j) => {
    out[2 * (base + j)] = x;
    out[2 * (base + j) + 1] = y;
  });
  return out;
}
