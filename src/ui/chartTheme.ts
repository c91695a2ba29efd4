/**
 * The charts' shared look (uPlot, dark theme): one colour per precision, the same in the drift panel and
 * the Precision tab, and the axis strokes.
 */
import type { Precision } from '../core/config/types';

export const PRECISION_COLOURS: Record<Precision, string> = {
  f32: '#ff8a3d',
  df64: '#4fc3f7',
  f64: '#9ccc65',
  dd: '#ce93d8',
  mp: '#e0e0e0',
};

/** Colours for series that are not a known precision, cycled. */
const FALLBACK_COLOURS = ['#ffd54f', '#f06292', '#80cbc4'];

/** The colour of `precision`, or the k-th fallback colour for a name outside Precision. */
export function precisionColour(precision: string, k: number): string {
  return PRECISION_COLOURS[precision as Precision] ?? FALLBACK_COLOURS[k % FALLBACK_COLOURS.length];
}

/** Axis, grid and tick strokes of every chart (spread into each uPlot axis). */
export const AXIS = {
  stroke: '#c8c8d8',
  grid: { stroke: '#ffffff14', width: 1 },
  ticks: { stroke: '#ffffff30', width: 1 },
};
