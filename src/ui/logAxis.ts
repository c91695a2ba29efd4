/**
 * A log-scale y axis for uPlot with ticks, labels and grid lines at powers of ten only (at most about four
 * of them): the drift panel's and the Precision tab's angle-gap charts.
 */
import uPlot from 'uplot';
import { AXIS } from './chartTheme';

/** Decades in [min, max], every few so that about four remain. */
export function decadeSplits(_: uPlot, _axis: number, min: number, max: number): number[] {
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  const every = Math.max(1, Math.ceil((hi - lo + 1) / 4));
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) if (k % every === 0) out.push(10 ** k);
  return out;
}

const isPow10 = (v: number) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

/** Log range over the data; `fallback` while there is no positive value yet (log(0) has none). */
export function logRange(fallback: [number, number]): uPlot.Range.Function {
  return (_, min, max) =>
    min > 0 && Number.isFinite(min) && max > 0 ? uPlot.rangeLog(min, max, 10, true) : fallback;
}

/**
 * Scales and axes of an angle-gap chart: step on x, the gap on a log y axis labelled 1eN at the decades
 * decadeSplits() keeps; `fallback` is the y range before any positive gap.
 */
export function gapChartAxes(fallback: [number, number]): Pick<uPlot.Options, 'scales' | 'axes'> {
  return {
    scales: { x: { time: false }, y: { distr: 3, range: logRange(fallback) } },
    axes: [
      { ...AXIS },
      {
        ...AXIS,
        size: 52,
        splits: decadeSplits,
        filter: (_, splits) => splits, // keep them all (the default log filter thins by spacing)
        values: (_, splits) =>
          splits.map((v) => (v != null && isPow10(v) ? `1e${Math.round(Math.log10(v))}` : '')),
      },
    ],
  };
}
