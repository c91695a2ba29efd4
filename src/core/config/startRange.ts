/**
 * Starts the chosen precision cannot hold. A start whose components round to zero is the origin, where the
 * loss is undefined; a start whose |w|² underflows gives 1/√0 at the first step. Both used to run and report
 * an `overflowStep` of 1; they are refused here, naming the precision (issue 12).
 */
import { F32 } from '../arith';
import type { IssueSink } from './issues';
import { DEFAULT_CONFIG } from './schema';
import type { ExperimentConfig, Precision } from './types';

/** Smallest normal |w|² each precision's arithmetic keeps (f32 and df64 flush subnormals on GPUs). */
const MIN_NORMAL: Partial<Record<Precision, number>> = {
  f32: 2 ** -126,
  df64: 2 ** -126,
  f64: 2 ** -1022,
  dd: 2 ** -1022,
};

/** Why (x, y) cannot start a run in `precision`, or null. */
export function startProblem(precision: Precision, x: number, y: number): string | null {
  const min = MIN_NORMAL[precision];
  if (min === undefined) return null; // mp: decimal exponents reach far beyond any start
  const narrow = min === 2 ** -126;
  const rx = narrow ? F32.from(x) : x;
  const ry = narrow ? F32.from(y) : y;
  if (rx === 0 && ry === 0) {
    return `[${x}, ${y}] rounds to the origin in ${precision}, where the loss is undefined (start farther from 0)`;
  }
  const r2 = narrow ? F32.add(F32.mul(rx, rx), F32.mul(ry, ry)) : rx * rx + ry * ry;
  if (r2 < min) {
    return (
      `|w|² of [${x}, ${y}] underflows ${precision} (below ${min.toExponential(3)}): the first gradient ` +
      'would be 0/0; start farther from the origin' +
      (precision === 'f64' || precision === 'dd' ? '' : ' or use a CPU precision')
    );
  }
  return null;
}

/**
 * Explicit points, hand-added points, a ring's radius, a random init's largest radius (a smaller one only
 * makes a tiny start improbable, not certain) and the grid centre nearest the origin, checked against the
 * precision. As everywhere in config reading, a refused init is named and replaced by the default (hand-added
 * points are dropped), so that the lenient reading still gives a valid config.
 */
export function checkStartRange(sink: IssueSink, c: ExperimentConfig): void {
  const before = sink.issues.length;
  const check = (path: string, x: number, y: number) => {
    const why = startProblem(c.precision, x, y);
    if (why !== null) sink.add(path, why);
  };
  if ('points' in c.init) {
    for (const [i, [x, y]] of c.init.points.entries()) check(`init.points[${i}]`, x, y);
  }
  if ('ring' in c.init) check('init.ring.radius', c.init.ring.radius, 0);
  if ('random' in c.init) check('init.random.radius', c.init.random.radius[1], 0);
  if ('grid' in c.init) {
    // The grid centre nearest the origin, per axis, as initialPoints() places the cell centres.
    const [x0, x1, y0, y1] = c.init.grid.extent;
    const [nx, ny] = c.init.grid.count;
    const nearest = (n: number, a: number, b: number) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) best = Math.min(best, Math.abs(a + ((i + 0.5) * (b - a)) / n));
      return best;
    };
    check('init.grid', nearest(nx, x0, x1), nearest(ny, y0, y1));
  }
  if (sink.issues.length > before) {
    c.init = structuredClone(DEFAULT_CONFIG.init);
    return;
  }
  const withExtra = c.init as { extra?: [number, number][] };
  for (const [i, [x, y]] of (withExtra.extra ?? []).entries()) check(`init.extra[${i}]`, x, y);
  if (sink.issues.length > before) delete withExtra.extra;
}
