/**
 * How the playground draws a run (not what it computes): view mode, overlays, path colouring, which runs
 * are drawn and the camera. It lives in the URL beside the config (`#c=…&v=…`), so a reload reproduces
 * the same picture. Reading is lenient like the config's: each bad field is reported and defaulted.
 */
import type { ConfigIssue } from '../core/config/issues';

/**
 * - plane: both runs in the (x, y) plane, one camera;
 * - sideBySide: left pane the weight-decay run in fixed axes, right pane the raw exponential run with a
 *   camera that follows |w̃| (the seed's zoom-out);
 * - polar: θ on x, log|w| on y, f(θ) as a strip along the bottom.
 */
export const VIEW_MODES = ['plane', 'sideBySide', 'polar'] as const;
export type ViewMode = (typeof VIEW_MODES)[number];

/** Gradient arrows over the heatmap: off, length ∝ log(1 + |∇L|/g0), or length ∝ min(|∇L|, clamp). */
export const QUIVER_MODES = ['off', 'log', 'clamped'] as const;
export type QuiverMode = (typeof QUIVER_MODES)[number];

/**
 * Path colour: by run (fixed colours), by trajectory index, by final basin of f, by divergence step, or by
 * divergence cause (src/core/cause.ts: range, absorbed, chaos, precision, or none).
 */
export const COLOR_MODES = ['run', 'index', 'basin', 'divergence', 'cause'] as const;
export type ColorBy = (typeof COLOR_MODES)[number];

export interface RunsShown {
  /** The weight-decay run w_t (solid). */
  weightDecay: boolean;
  /** The projected exponential run c_t·w̃_t (dashed). */
  projected: boolean;
  /** The raw exponential run w̃_t (dotted; it leaves the view quickly, as in the seed). */
  exponential: boolean;
}

/** Density view of the current positions (and, with trails, of every step's): auto switches on for many paths. */
export const DENSITY_MODES = ['auto', 'on', 'off'] as const;
export type DensityMode = (typeof DENSITY_MODES)[number];

/** Colour themes: the dark one for screens, the light one for slides and print. */
export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];

/** Path width in CSS pixels at a 1080-line picture (scaled to the device pixel ratio and export size). */
export const LINE_WIDTH_RANGE = { min: 0.5, max: 16 } as const;

/** GPU precisions the playground can run side by side with the config's own. */
export const COMPARE_PRECISIONS = ['bf16', 'f16', 'f32', 'df64'] as const;
export type ComparePrecision = (typeof COMPARE_PRECISIONS)[number];

export interface ViewState {
  mode: ViewMode;
  quiver: QuiverMode;
  colorBy: ColorBy;
  runs: RunsShown;
  heatmap: boolean;
  /**
   * Precisions run beside the config's own on the same points, for the drift panel's per-precision curves
   * (only the config's precision is drawn as paths). Changing it rebuilds those runs.
   */
  compare: ComparePrecision[];
  /** Camera centre and half-height of the (plane / left) view; null: fit the start points. */
  camera: { center: [number, number]; halfHeight: number } | null;
  /** Path width in CSS pixels at 1080 lines (LINE_WIDTH_RANGE). */
  lineWidth: number;
  /** A marker at each trajectory's current position. */
  heads: boolean;
  /** A fading trail: every step's positions accumulate into a slowly fading picture. */
  trails: boolean;
  /** The density view of the current positions (a log-scaled 2-D histogram per run). */
  density: DensityMode;
  theme: Theme;
}

export const DEFAULT_VIEW: ViewState = {
  mode: 'plane',
  quiver: 'off',
  colorBy: 'run',
  runs: { weightDecay: true, projected: true, exponential: false },
  heatmap: true,
  compare: [],
  camera: null,
  lineWidth: 2.5,
  heads: true,
  trails: false,
  density: 'auto',
  theme: 'dark',
};

function pick<T extends string>(
  v: unknown,
  allowed: readonly T[],
  path: string,
  fallback: T,
  issues: ConfigIssue[],
): T {
  if (v === undefined) return fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  issues.push({
    path,
    message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${JSON.stringify(v)})`,
  });
  return fallback;
}

function lineWidth(v: unknown, fallback: number, issues: ConfigIssue[]): number {
  if (v === undefined) return fallback;
  const { min, max } = LINE_WIDTH_RANGE;
  if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return v;
  issues.push({
    path: 'view.lineWidth',
    message: `must be a number of CSS pixels in [${min}, ${max}] (got ${JSON.stringify(v)})`,
  });
  return fallback;
}

function flag(v: unknown, path: string, fallback: boolean, issues: ConfigIssue[]): boolean {
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  issues.push({ path, message: `must be true or false (got ${JSON.stringify(v)})` });
  return fallback;
}

const MAX_HALF_HEIGHT = 1e30;

function readCamera(v: unknown, issues: ConfigIssue[]): ViewState['camera'] {
  if (v === undefined || v === null) return null;
  const c = v as { center?: unknown; halfHeight?: unknown };
  const center = c?.center;
  const ok =
    typeof v === 'object' &&
    Array.isArray(center) &&
    center.length === 2 &&
    center.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < MAX_HALF_HEIGHT) &&
    typeof c.halfHeight === 'number' &&
    Number.isFinite(c.halfHeight) &&
    c.halfHeight > 0 &&
    c.halfHeight < MAX_HALF_HEIGHT;
  if (ok) return { center: [center[0], center[1]], halfHeight: c.halfHeight as number };
  issues.push({
    path: 'view.camera',
    message:
      'must be {"center": [x, y], "halfHeight": h} with finite numbers and h > 0; the view was fitted instead',
  });
  return null;
}

function readCompare(v: unknown, issues: ConfigIssue[]): ViewState['compare'] {
  if (v === undefined) return [];
  const ok =
    Array.isArray(v) &&
    v.length <= 2 &&
    v.every((p) => (COMPARE_PRECISIONS as readonly unknown[]).includes(p));
  if (ok) return [...new Set(v as ViewState['compare'])];
  issues.push({
    path: 'view.compare',
    message: `must be a list of "f32", "df64" (got ${JSON.stringify(v)})`,
  });
  return [];
}

/** `patch` over `current`, validated like the URL's view: a bad field throws naming it (nothing changes). */
export function mergeView(current: ViewState, patch: Partial<ViewState>): ViewState {
  const { view, issues } = readViewState({ ...current, ...patch });
  if (issues.length > 0) throw new Error(issues.map((i) => `${i.path} ${i.message}`).join('; '));
  return view;
}

/** Lenient reading: never throws; every bad field is named in `issues` (paths start with "view."). */
export function readViewState(input: unknown): { view: ViewState; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const d = DEFAULT_VIEW;
  if (input === undefined) return { view: structuredClone(d), issues };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issues.push({ path: 'view', message: 'must be an object; the default view was used' });
    return { view: structuredClone(d), issues };
  }
  const o = input as Record<string, unknown>;
  const runsIn = (o.runs ?? {}) as Record<string, unknown>;
  if (o.runs !== undefined && (typeof o.runs !== 'object' || o.runs === null)) {
    issues.push({ path: 'view.runs', message: 'must be an object' });
  }
  const view: ViewState = {
    mode: pick(o.mode, VIEW_MODES, 'view.mode', d.mode, issues),
    quiver: pick(o.quiver, QUIVER_MODES, 'view.quiver', d.quiver, issues),
    colorBy: pick(o.colorBy, COLOR_MODES, 'view.colorBy', d.colorBy, issues),
    runs: {
      weightDecay: flag(runsIn.weightDecay, 'view.runs.weightDecay', d.runs.weightDecay, issues),
      projected: flag(runsIn.projected, 'view.runs.projected', d.runs.projected, issues),
      exponential: flag(runsIn.exponential, 'view.runs.exponential', d.runs.exponential, issues),
    },
    heatmap: flag(o.heatmap, 'view.heatmap', d.heatmap, issues),
    compare: readCompare(o.compare, issues),
    camera: readCamera(o.camera, issues),
    lineWidth: lineWidth(o.lineWidth, d.lineWidth, issues),
    heads: flag(o.heads, 'view.heads', d.heads, issues),
    trails: flag(o.trails, 'view.trails', d.trails, issues),
    density: pick(o.density, DENSITY_MODES, 'view.density', d.density, issues),
    theme: pick(o.theme, THEMES, 'view.theme', d.theme, issues),
  };
  for (const k of Object.keys(o)) {
    if (!(k in d)) issues.push({ path: `view.${k}`, message: 'is not a view setting (ignored)' });
  }
  return { view, issues };
}
