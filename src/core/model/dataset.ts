/**
 * Datasets of the models: explicit, or generated from a seed in float64 (the same numbers wherever the
 * config is read; the GPU receives them rounded once to its format, as the CPU float32 mirror does).
 * Labels alternate +1, −1 so that both classes always have ⌈n/2⌉ and ⌊n/2⌋ points.
 */
import { seededRandom } from '../init';
import type { DataSpec, DatasetName } from './types';

export interface Dataset {
  n: number;
  d: number;
  x: Float64Array;
  y: Float64Array;
}

/** Standard normal draws from a seeded uniform generator (Box–Muller, one value per call). */
export function gaussianSource(seed: number): () => number {
  const u = seededRandom(seed);
  return () => {
    const u1 = 1 - u(); // (0, 1]: log is finite
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u());
  };
}

export function makeDataset(spec: DataSpec): Dataset {
  if ('x' in spec) {
    const n = spec.x.length;
    const d = spec.x[0].length;
    const x = new Float64Array(n * d);
    spec.x.forEach((row, i) => {
      x.set(row, i * d);
    });
    return { n, d, x, y: Float64Array.from(spec.y) };
  }
  return generate(spec.dataset, spec.n, spec.d, spec.seed);
}

function generate(name: DatasetName, n: number, d: number, seed: number): Dataset {
  const g = gaussianSource(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  // A class-mean direction drawn from the seed, so that gaussians are not aligned with an axis.
  const mean = Array.from({ length: d }, g);
  const norm = Math.hypot(...mean) || 1;
  for (let i = 0; i < n; i++) {
    const label = i % 2 === 0 ? 1 : -1;
    y[i] = label;
    const row = x.subarray(i * d, (i + 1) * d);
    if (name === 'gaussians') {
      for (let k = 0; k < d; k++) row[k] = (label * mean[k]) / norm + g();
      continue;
    }
    // moons and spirals live in the first two coordinates; the others are small noise.
    const t = (i >> 1) / Math.max(1, (n >> 1) - 1 + (n & 1));
    let px: number;
    let py: number;
    if (name === 'moons') {
      const a = Math.PI * t;
      px = label > 0 ? Math.cos(a) : 1 - Math.cos(a);
      py = label > 0 ? Math.sin(a) : 0.5 - Math.sin(a);
    } else {
      const a = 3 * Math.PI * t;
      const r = 0.2 + t;
      const sgn = label > 0 ? 1 : -1;
      px = sgn * r * Math.cos(a);
      py = sgn * r * Math.sin(a);
    }
    row[0] = px + 0.1 * g();
    if (d > 1) row[1] = py + 0.1 * g();
    for (let k = 2; k < d; k++) row[k] = 0.1 * g();
  }
  return { n, d, x, y };
}
