/**
 * The seed post's figures as playground presets, in tour order, plus a precision-divergence figure.
 * Each is a full config and a full view; tests/playground/figures.test.ts re-runs the CPU reference integrator
 * on every claim a caption makes, so a caption here must stay true when a setting changes.
 *
 * Figure 4 uses λ = 0.4, not the seed's 0.05: with λ = 0.05 the escape from the dent depends on rounding
 * (f64 and double-double escape from (−0.7, 0.7), f32 settles into a 2-cycle at 110°), while with
 * λ = 0.4 it escapes in every precision and from every nearby start.
 */
import type { ExperimentConfig } from '../core/config/types';
import type { OptimizerConfig } from '../core/schedule';
import { actionFrame } from './framing';
import { DEFAULT_VIEW, type ViewState } from './viewState';

export interface Figure {
  id: string;
  title: string;
  /** One line: what to look at. */
  caption: string;
  config: ExperimentConfig;
  view: ViewState;
  /**
   * 'action': the camera frames where the weight-decay run goes over the whole run (src/playground/
   * framing.ts, computed when first read, for a 16:9 picture) instead of the hand-set one.
   */
  frame?: 'action';
}

/**
 * The projected figure frames its run from this step on: where the two runs part (~400) and, in f32, the
 * weight-decay run settles into its 2-cycle near the origin. Framed from step 0 that stays a few dozen
 * pixels wide at 1080p (half-height 0.39); from step 300 it would be 0.047, but the head would then stay
 * out of the picture for the figure's first 300 steps. From 150 (half-height 0.18) the path enters from the
 * upper left early in the run and the part after the split is ~5.6× wider than with the old hand-set camera.
 */
const PROJECTED_FROM = 150;

/** Aspect ratio the fitted figure cameras are computed for (1080p, the recordings' and snapshots'). */
export const FIGURE_ASPECT = 16 / 9;

/**
 * Makes `f.view.camera` the "fit the action" camera, computed when first read (a float64 pre-run of the
 * figure's config) and kept; the hand-set camera stays if the pre-run gives nothing.
 */
function fitted(f: Figure, aspect = FIGURE_ASPECT, fromStep = 0): Figure {
  const handSet = f.view.camera;
  let camera: ViewState['camera'] | undefined;
  Object.defineProperty(f.view, 'camera', {
    enumerable: true,
    configurable: true,
    get: () => {
      camera ??= actionFrame(f.config, aspect, fromStep) ?? handSet;
      return camera;
    },
  });
  return { ...f, frame: 'action' };
}

const START: [number, number][] = [[-0.7, 0.7]];
/** The seed's setting: η = 0.1, λ = 0.05 (α = 0.995). */
const SEED_OPT: OptimizerConfig = { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 };

function config(patch: Partial<ExperimentConfig>): ExperimentConfig {
  return {
    loss: { preset: 'seed-wells' },
    optimizer: { ...SEED_OPT },
    init: { points: START.map(([x, y]) => [x, y]) },
    steps: 3000,
    sampleEvery: 1,
    driftTolerance: 1e-3,
    precision: 'f32',
    backend: 'gpu',
    numerics: { renormalize: true, lrMode: 'recurrence' },
    ...patch,
  };
}

function view(halfHeight: number, patch: Partial<ViewState> = {}): ViewState {
  return {
    ...DEFAULT_VIEW,
    mode: 'plane',
    quiver: 'off',
    colorBy: 'run',
    runs: { weightDecay: true, projected: false, exponential: false },
    heatmap: true,
    compare: [],
    camera: { center: [0, 0], halfHeight },
    ...patch,
  };
}

const NO_RUNS = { weightDecay: false, projected: false, exponential: false };

export const FIGURES: readonly Figure[] = [
  {
    id: 'loss',
    title: 'The loss',
    caption:
      'L(w) = f(θ) depends only on the angle: every ray has one colour; a deep well at −47° and a shallow dent at 113°',
    config: config({}),
    view: view(1.5, { runs: NO_RUNS }),
  },
  {
    id: 'quiver',
    title: 'The gradient field',
    caption:
      'Arrows (log length) are orthogonal to w and shrink like 1/|w|: huge near the origin, tiny far out, so GD can only grow |w|',
    config: config({}),
    view: view(1.5, { runs: NO_RUNS, quiver: 'log' }),
  },
  fitted({
    id: 'gd-stalls',
    title: 'GD from (−0.7, 0.7)',
    caption:
      'Without weight decay GD slides into the shallow dent at 113° and stays there: |w| only creeps from 0.990 to 0.992',
    config: config({ optimizer: { ...SEED_OPT, weightDecay: 0 } }),
    view: view(1.2),
  }),
  fitted({
    id: 'gd-weight-decay',
    title: 'GD with weight decay',
    caption:
      'With λ = 0.4 |w| shrinks, so the effective step η/|w|² grows until the dent is unstable: GD escapes to −47° within ~100 steps',
    config: config({ optimizer: { ...SEED_OPT, weightDecay: 0.4 }, steps: 1000 }),
    view: view(1.2),
  }),
  {
    id: 'exponential',
    title: 'The exponential run blows up',
    caption:
      'λ = 0.05 traded for η̃ₜ = η·α^−(2t+1): the exponential run (dotted) keeps the angles but leaves the view near step 600 and grows ~2^19',
    config: config({}),
    view: view(3, { runs: { weightDecay: true, projected: false, exponential: true } }),
  },
  fitted(
    {
      id: 'projected',
      title: 'Projected back onto the weight-decay run',
      caption:
        'The exponential run scaled back by αᵗ (dashed) lies on the weight-decay run (solid) until step ~400, then rounding drives them apart',
      config: config({ steps: 1000 }),
      view: view(1.0, { runs: { weightDecay: true, projected: true, exponential: false } }),
    },
    FIGURE_ASPECT,
    PROJECTED_FROM,
  ),
  fitted(
    {
      id: 'side-by-side',
      title: 'The zoom-out, side by side',
      caption:
        'Left: the weight-decay run in fixed axes; right: the exponential run under a camera following |w̃|: one picture, zoomed out 1.005× a step',
      config: config({}),
      view: view(1.2, {
        mode: 'sideBySide',
        runs: { weightDecay: true, projected: false, exponential: true },
      }),
    },
    FIGURE_ASPECT / 2, // two panes side by side
  ),
  fitted({
    id: 'momentum',
    title: 'Momentum and step decay (TEXP)',
    caption:
      'γ = 0.9, lr ÷10 at step 1000: projected back, the tapered exponential run (TEXP) stays on the weight-decay run in df64; f32 drifts off near 250',
    config: config({
      optimizer: { lr: 0.1, weightDecay: 0.01, momentum: 0.9, milestones: [1000], lrDecay: 0.1 },
      precision: 'df64',
    }),
    view: view(2.5, { runs: { weightDecay: true, projected: true, exponential: false } }),
  }),
  {
    id: 'precision-divergence',
    title: 'Precision divergence',
    caption:
      '4096 starts on a rugged loss, coloured by the step where each f32 twin pair drifts apart: nearly all split by ~300; df64 holds them longer',
    config: config({ loss: { preset: 'rugged' }, init: { ring: { count: 4096, radius: 1 } } }),
    view: view(1.5, { colorBy: 'divergence', compare: ['df64'] }),
  },
];

export const FIGURE_IDS: readonly string[] = FIGURES.map((f) => f.id);

/** A deep copy of the figure (callers may mutate it), or undefined. */
export function findFigure(id: string): Figure | undefined {
  const f = FIGURES.find((g) => g.id === id);
  return f ? structuredClone(f) : undefined;
}
