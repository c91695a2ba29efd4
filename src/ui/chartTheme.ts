/**
 * The charts' shared look (uPlot): one colour per precision, the same in the drift panel and the Precision
 * tab, and the axis strokes. Both follow the page's theme (view.theme, the body class "theme-light" that
 * src/ui/presentation.ts's applyPageTheme sets): the axes as uPlot stroke functions, read at every redraw;
 * the precision colours when a chart's series are made.
 */
import type { Precision } from '../core/config/types';
import type { Theme } from '../playground/viewState';
import { palette } from '../render/theme';

/** Precision colours on the dark theme. */
export const PRECISION_COLOURS: Record<Precision, string> = {
  bf16: '#f48fb1',
  f16: '#fff176',
  f32: '#ff8a3d',
  df64: '#4fc3f7',
  f64: '#9ccc65',
  dd: '#ce93d8',
  mp: '#e0e0e0',
};

/** The same hues, darkened for the light theme's white panels. */
export const PRECISION_COLOURS_LIGHT: Record<Precision, string> = {
  bf16: '#be185d',
  f16: '#a16207',
  f32: '#c2410c',
  df64: '#0369a1',
  f64: '#4d7c0f',
  dd: '#7e22ce',
  mp: '#404040',
};

/** Colours for series that are not a known precision, cycled. */
const FALLBACK_COLOURS = ['#ffd54f', '#f06292', '#80cbc4'];
const FALLBACK_COLOURS_LIGHT = ['#a16207', '#be185d', '#0f766e'];

/** The page's theme now (the body class applyPageTheme sets). */
export function pageTheme(): Theme {
  return typeof document !== 'undefined' && document.body?.classList.contains('theme-light')
    ? 'light'
    : 'dark';
}

/** The colour of `precision`, or the k-th fallback colour for a name outside Precision, in `theme`. */
export function precisionColour(precision: string, k: number, theme: Theme = pageTheme()): string {
  const known = theme === 'light' ? PRECISION_COLOURS_LIGHT : PRECISION_COLOURS;
  const fallback = theme === 'light' ? FALLBACK_COLOURS_LIGHT : FALLBACK_COLOURS;
  return known[precision as Precision] ?? fallback[k % fallback.length];
}

/** Axis, grid and tick strokes of every chart (spread into each uPlot axis); they follow the page theme. */
export const AXIS = {
  stroke: () => palette(pageTheme()).chrome.axis,
  grid: { stroke: () => palette(pageTheme()).chrome.grid, width: 1 },
  ticks: { stroke: () => palette(pageTheme()).chrome.ticks, width: 1 },
};
