/**
 * A log-scale y axis for uPlot with ticks, labels and grid lines at powers of ten only (at most about four
 * of them): the drift panel's and the Precision tab's angle-gap charts.
 */
import uPlot from 'uplot';

/** Decades in [min, max], every few so that about four remain. */
export function decadeSplits(_: uPlot, _axis: number, min: number, max: number): number[] {
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  const every = Math.max(1, Math.ceil((hi - lo + 1) / 4));
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) if (k % every === 0) out.push(10 ** k);
  return out;
}

/** Log range over the data; `fallback` while there is no positive value yet (log(0) has none). */
export function logRange(fallback: [number, number]): uPlot.Range.Function {
  return (_, min, max) =>
    min > 0 && Number.isFinite(min) && max > 0 ? uPlot.rangeLog(min, max, 10, true) : fallback;
}
