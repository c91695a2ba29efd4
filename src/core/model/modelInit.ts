/**
 * Starting weights of a model's trajectories in ℝ^P, as one float64 array (trajectory after trajectory).
 * ring and random draw directions uniformly on the sphere S^(P−1) (normalised Gaussian vectors): ring at
 * one radius, random at radii uniform in [r0, r1].
 */

import { seededRandom } from '../init';
import { gaussianSource } from './dataset';
import type { ModelInitSpec } from './types';

export function modelTrajectoryCount(init: ModelInitSpec): number {
  if ('points' in init) return init.points.length;
  if ('ring' in init) return init.ring.count;
  return init.random.count;
}

export function modelInitialPoints(init: ModelInitSpec, P: number): Float64Array {
  const count = modelTrajectoryCount(init);
  const out = new Float64Array(count * P);
  if ('points' in init) {
    init.points.forEach((p, i) => {
      out.set(p, i * P);
    });
    return out;
  }
  const spec = 'ring' in init ? init.ring : init.random;
  const g = gaussianSource(spec.seed);
  const u = seededRandom(spec.seed ^ 0x5bd1e995);
  for (let i = 0; i < count; i++) {
    const row = out.subarray(i * P, (i + 1) * P);
    let n2 = 0;
    // A zero draw has probability 0; redraw rather than divide by it.
    while (n2 === 0) {
      for (let k = 0; k < P; k++) row[k] = g();
      n2 = row.reduce((a, c) => a + c * c, 0);
    }
    const r =
      'ring' in init
        ? init.ring.radius
        : init.random.radius[0] + u() * (init.random.radius[1] - init.random.radius[0]);
    // Two passes: the second removes the first's rounding of |w|² (≈ √P ulps at P = 1024).
    for (let pass = 0; pass < 2; pass++) {
      const f = r / Math.sqrt(n2);
      for (let k = 0; k < P; k++) row[k] *= f;
      n2 = row.reduce((a, c) => a + c * c, 0);
    }
  }
  return out;
}
