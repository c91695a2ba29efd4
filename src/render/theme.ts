/**
 * The two colour themes (`view.theme`), defined once: what the canvas is cleared to, the heatmap's colormap,
 * the run colours, and the page's chrome (legend, panels, captions, charts). The heatmap stays viridis in
 * both, toned so the paths stand out: the dark theme mixes it toward the dark background (a dim viridis
 * under bright paths), the light theme toward white (a pastel viridis under dark paths). The run colours
 * are chosen so each keeps a contrast ratio of at least MIN_RUN_CONTRAST (WCAG 2's non-text contrast,
 * 3 : 1) against every stop of its theme's colormap and against its background
 * (tests/render/theme.test.ts checks it with its own formula).
 */
import type { Theme } from '../playground/viewState';
import { VIRIDIS } from './colormap';

export type Rgb = readonly [number, number, number];
type RunKey = 'weightDecay' | 'projected' | 'exponential';

/** WCAG 2's least contrast for graphical objects against what is next to them. */
export const MIN_RUN_CONTRAST = 3;

export interface ThemePalette {
  /** Canvas background where nothing else is drawn, sRGB bytes. */
  clear: Rgb;
  /** The heatmap's colormap: sRGB bytes at t = 0, 0.1, …, 1 (low loss first). */
  colormap: readonly Rgb[];
  /** Run colours when colouring by run, sRGB bytes. */
  runs: Record<RunKey, Rgb>;
  /** Colour of a run's legend line when paths are coloured by something else. */
  neutral: Rgb;
  /** Page chrome: panel background (CSS), text, muted text, chart axes and grid. */
  chrome: { panel: string; text: string; muted: string; axis: string; grid: string; ticks: string };
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb =>
  [0, 1, 2].map((i) => Math.round(a[i] * (1 - t) + b[i] * t)) as unknown as Rgb;

const DARK_CLEAR: Rgb = [13, 13, 20];
const LIGHT_CLEAR: Rgb = [246, 246, 249];

export const THEME_PALETTES: Record<Theme, ThemePalette> = {
  dark: {
    clear: DARK_CLEAR,
    colormap: VIRIDIS.map((c) => mix(c, DARK_CLEAR, 0.55)),
    runs: { weightDecay: [255, 255, 255], projected: [255, 190, 90], exponential: [110, 225, 255] },
    neutral: [220, 220, 220],
    chrome: {
      panel: '#15151ef2',
      text: '#e8e8f0',
      muted: '#a0a0b4',
      axis: '#c8c8d8',
      grid: '#ffffff14',
      ticks: '#ffffff30',
    },
  },
  light: {
    clear: LIGHT_CLEAR,
    colormap: VIRIDIS.map((c) => mix(c, [255, 255, 255], 0.65)),
    runs: { weightDecay: [20, 20, 30], projected: [150, 40, 0], exponential: [0, 70, 160] },
    neutral: [70, 70, 80],
    chrome: {
      panel: '#fffffff2',
      text: '#15151c',
      muted: '#55556a',
      axis: '#3a3a48',
      grid: '#00000018',
      ticks: '#00000040',
    },
  },
};

export function palette(theme: Theme | undefined): ThemePalette {
  return THEME_PALETTES[theme ?? 'dark'] ?? THEME_PALETTES.dark;
}

/** A run's colour in `theme`, sRGB in 0–1 (the path shader's uniform). */
export function runColor(run: RunKey, theme: Theme | undefined): [number, number, number] {
  const [r, g, b] = palette(theme).runs[run];
  return [r / 255, g / 255, b / 255];
}

/** The canvas's clear colour in `theme` (opaque). */
export function clearColor(theme: Theme | undefined): GPUColorDict {
  const [r, g, b] = palette(theme).clear;
  return { r: r / 255, g: g / 255, b: b / 255, a: 1 };
}

export const rgbCssOf = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;
