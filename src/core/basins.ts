/**
 * Basins of attraction of f on the circle, for colouring trajectories by where they end up. Gradient flow of
 * f(θ) moves an angle downhill until it reaches a local minimum; the local maxima are the watersheds. So
 * basin j is the arc [max_j, max_{j+1}) (cyclic), and it holds exactly one minimum, min_j.
 *
 * Extrema are found as sign changes of f' on a fine sampling, refined by bisection; a double root of f'
 * (an inflection with f' touching 0) is not an extremum and is skipped. Pure float64, no DOM, no GPU.
 */
import { type FourierLoss, fAt, fPrimeAt } from './loss';

export interface Basins {
  /** Local maxima (the basin boundaries), ascending in [−π, π). */
  boundaries: number[];
  /** minima[j] is the minimum inside [boundaries[j], boundaries[j+1]) (cyclic), in [−π, π). */
  minima: number[];
  /** f at each minimum. */
  depths: number[];
}

const TWO_PI = 2 * Math.PI;

/** Angle brought into [−π, π). */
export function wrapAngle(theta: number): number {
  const t = theta - TWO_PI * Math.floor((theta + Math.PI) / TWO_PI);
  return t >= Math.PI ? t - TWO_PI : t;
}

/** max over θ of |f'(θ)| (sampled): the steepest angular slope, which sets the quiver's references. */
export function maxAbsFPrime(loss: FourierLoss, samples = 4096): number {
  let m = 0;
  for (let s = 0; s < samples; s++)
    m = Math.max(m, Math.abs(fPrimeAt(loss, -Math.PI + (TWO_PI * s) / samples)));
  return m;
}

/** Root of f' in [lo, hi] where f'(lo) and f'(hi) have opposite signs. */
function bisect(loss: FourierLoss, lo: number, hi: number): number {
  let dlo = fPrimeAt(loss, lo);
  for (let i = 0; i < 60 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    const d = fPrimeAt(loss, mid);
    if (d === 0) return mid;
    if (d < 0 === dlo < 0) {
      lo = mid;
      dlo = d;
    } else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The local minima and maxima of f. `samples` must resolve the highest harmonic: the default takes 64 per
 * period of harmonic K (at least 2048), so extrema closer than that are the only ones that can be missed.
 */
export function findBasins(loss: FourierLoss, samples = Math.max(2048, 64 * loss.a.length)): Basins {
  const mins: number[] = [];
  const maxs: number[] = [];
  // An odd offset keeps symmetric extrema (at 0 or ±π, common in presets) off the sample points.
  const at = (s: number) => -Math.PI + (TWO_PI * (s + 0.318309886)) / samples;
  // Sign of f' with 0 counted as positive: a flat sample never makes two sign changes.
  const neg = (d: number) => d < 0;
  let prev = fPrimeAt(loss, at(0));
  for (let s = 1; s <= samples; s++) {
    const cur = fPrimeAt(loss, at(s));
    if (neg(prev) !== neg(cur)) {
      const root = wrapAngle(bisect(loss, at(s - 1), at(s)));
      (neg(prev) ? mins : maxs).push(root);
    }
    prev = cur;
  }
  if (maxs.length === 0 || mins.length === 0) return { boundaries: [], minima: [], depths: [] };
  maxs.sort((p, q) => p - q);
  // Each minimum lies between two consecutive maxima; order minima by the basin that holds them.
  const minima = maxs.map(() => Number.NaN);
  for (const m of mins) minima[basinIndex(m, maxs)] = m;
  return { boundaries: maxs, minima, depths: minima.map((m) => fAt(loss, m)) };
}

/**
 * Basin of angle θ given the ascending boundaries: j with θ in [b_j, b_{j+1}), the arc before b_0 belonging
 * to the last basin. 0 when there are no boundaries (f constant). The path shader does the same count.
 */
export function basinIndex(theta: number, boundaries: readonly number[]): number {
  const n = boundaries.length;
  if (n === 0) return 0;
  const t = wrapAngle(theta);
  let below = 0;
  for (const b of boundaries) if (b <= t) below++;
  return below === 0 ? n - 1 : below - 1;
}
