/**
 * What the legend should show for a view: which runs are drawn and with which line pattern, what the path
 * colours mean, pane captions and notes. Pure data (CSS colours and gradients as strings); the DOM legend
 * (src/ui) renders it. `Renderer.legendFor` fills in the renderer's state (basins, zoom).
 */

import type { Basins } from '../core/basins';
import { CAUSE_PRECEDENCE } from '../core/cause';
import type { Theme, ViewState } from '../playground/viewState';
import { CAUSE_LABEL, causeRgb } from './cause';
import { CATEGORICAL, hueCss, NO_DIVERGENCE, plasmaCss, rgbCss } from './colormap';
import { RUN_PATTERN, type RunName } from './paths';
import { palette, runColor } from './theme';

export interface LegendEntry {
  label: string;
  /** CSS colour of the line or swatch. */
  color: string;
  pattern: 'solid' | 'dashed' | 'dotted' | 'swatch';
}

/** A continuous colour scale (CSS gradient running left to right). */
export interface LegendScale {
  title: string;
  gradient: string;
  min: string;
  max: string;
}

export interface LegendSpec {
  /** One per drawn run, with its line pattern; coloured by run only when colorBy is "run". */
  runs: LegendEntry[];
  /** Categorical path colours (basins, causes). */
  colors: LegendEntry[];
  /** Continuous path colours (index, divergence step). */
  scale: LegendScale | null;
  /** Captions of the side-by-side panes, left to right (empty otherwise). */
  panes: string[];
  notes: string[];
  /** The colour theme: the DOM legend draws the heatmap bar with its colormap. */
  theme?: Theme;
}

export interface LegendContext {
  basins: Basins | null;
  /** Divergence colours span [0, endStep]. */
  endStep: number;
  /** log2 of the right pane's scale relative to the left (side by side). */
  zoomLog2: number;
  /** Whether the raw run can be drawn (the path source has a schedule). */
  hasSchedule: boolean;
}

const RUN_LABEL: Record<RunName, string> = {
  weightDecay: 'weight decay wₜ',
  projected: 'exp. lr, projected cₜ·w̃ₜ',
  exponential: 'exp. lr, raw w̃ₜ',
};
const DEG = 180 / Math.PI;

/** Runs drawn in each pane of the view (side by side: the plane runs left, the raw run right). */
export function runsDrawn(view: ViewState, hasSchedule: boolean): RunName[][] {
  const plane: RunName[] = [];
  if (view.runs.weightDecay) plane.push('weightDecay');
  if (view.runs.projected) plane.push('projected');
  if (view.mode === 'sideBySide') return [plane, hasSchedule ? ['exponential'] : []];
  if (view.runs.exponential && hasSchedule) plane.push('exponential');
  return [plane];
}

function scaleFactor(log2: number): string {
  const x = 2 ** log2;
  return x < 1e4 && x > 1e-3
    ? x.toPrecision(3)
    : `${(log2 * Math.log10(2)).toFixed(1).replace(/\.0$/, '')} decades`;
}

export function legendFor(view: ViewState, ctx: LegendContext): LegendSpec {
  const byRun = view.colorBy === 'run';
  const runs = runsDrawn(view, ctx.hasSchedule)
    .flat()
    .map((r) => ({
      label: RUN_LABEL[r],
      color: byRun
        ? rgbCss(runColor(r, view.theme).map((c) => Math.round(255 * c)) as [number, number, number])
        : rgbCss(palette(view.theme).neutral),
      pattern: RUN_PATTERN[r],
    }));
  const spec: LegendSpec = { runs, colors: [], scale: null, panes: [], notes: [], theme: view.theme };
  if (view.colorBy === 'index') {
    spec.scale = { title: 'trajectory index', gradient: hueCss('to right'), min: 'first', max: 'last' };
  } else if (view.colorBy === 'divergence') {
    spec.scale = {
      title: 'divergence step',
      gradient: plasmaCss('to right'),
      min: '0',
      max: String(ctx.endStep),
    };
    spec.colors.push({ label: 'not diverged', color: rgbCss(NO_DIVERGENCE), pattern: 'swatch' });
  } else if (view.colorBy === 'cause') {
    for (const c of [...CAUSE_PRECEDENCE, null]) {
      spec.colors.push({ label: CAUSE_LABEL[c ?? 'none'], color: rgbCss(causeRgb(c)), pattern: 'swatch' });
    }
    spec.notes.push('colour: why the two runs split, by the current step (src/core/cause.ts)');
  } else if (view.colorBy === 'basin') {
    const b = ctx.basins;
    if (!b || b.minima.length === 0) spec.notes.push('f has no separate basins: paths keep their run colour');
    else
      b.minima.forEach((m, j) => {
        spec.colors.push({
          label: `basin of the minimum at ${(m * DEG).toFixed(1)}° (f = ${b.depths[j].toPrecision(3)})`,
          color: rgbCss(CATEGORICAL[j % CATEGORICAL.length]),
          pattern: 'swatch',
        });
      });
    spec.notes.push('colour: basin of f holding the angle at the newest step');
  }
  if (view.mode === 'sideBySide') {
    spec.panes = [
      'weight decay wₜ, fixed axes',
      `raw exponential run w̃ₜ, axes × ${scaleFactor(ctx.zoomLog2)} (= 1/cₜ: constant zoom-out)`,
    ];
  }
  if (view.mode === 'polar') spec.notes.push('x: angle θ ∈ [−π, π]; y: ln|w| (natural log); strip: f(θ)');
  if (view.quiver === 'log')
    spec.notes.push('arrows −∇L, length ∝ log(1 + |∇L|/g), g = max|f′| / view half-height');
  if (view.quiver === 'clamped')
    spec.notes.push('arrows −∇L, length ∝ min(|∇L|, g)/g, g = 2·max|f′| / view half-height');
  if (view.quiver !== 'off' && view.mode === 'polar') spec.notes.push('(no arrows in the polar view)');
  return spec;
}
