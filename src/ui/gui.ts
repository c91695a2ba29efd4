/**
 * The lil-gui control panel. Every config change builds a candidate config and hands it to
 * `actions.apply`, which validates it (validateConfig) and rebuilds the engine; sliders apply on
 * onFinishChange (release), never on every tick. A rejected candidate puts the controls back to the
 * config still running.
 */
import GUI, { type Controller } from 'lil-gui';
import {
  BACKEND_PRECISIONS,
  type ExperimentConfig,
  type InitSpec,
  type LossSpec,
  type NumericsConfig,
} from '../core/config/types';
import { trajectoryCount } from '../core/init';
import { isLowFormat } from '../core/lowArith';
import { PRESET_NAMES } from '../core/presets';
import { FIGURES } from '../playground/figures';
import {
  COLOR_MODES,
  COMPARE_PRECISIONS,
  type ComparePrecision,
  DENSITY_MODES,
  LINE_WIDTH_RANGE,
  QUIVER_MODES,
  THEMES,
  VIEW_MODES,
  type ViewState,
} from '../playground/viewState';

export interface GuiActions {
  current(): ExperimentConfig;
  isPlaying(): boolean;
  /** Validates and applies; resolves false when rejected (the reason is shown elsewhere). */
  apply(candidate: unknown): Promise<boolean>;
  togglePlay(): void;
  stepOnce(): void;
  reset(): void;
  fitView(): void;
  /** Frames where the paths go over the run (absent: no button). */
  fitAction?(): void;
  setStepsPerFrame(n: number): void;
  view(): ViewState;
  /** Applies a view change (cheap: no rebuild). */
  setView(patch: Partial<ViewState>): void;
  startTour(): void;
  /** Shows or hides the Precision tab (absent: no button, e.g. the CPU fallback). */
  togglePrecision?(): void;
  showFigure(id: string): void;
}

const CUSTOM = '(custom)';
const INIT_MODES = ['points', 'ring', 'random', 'grid'] as const;
type InitMode = (typeof INIT_MODES)[number];
const STEPS_PER_FRAME = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const DEFAULT_BATCH = 4096;

function initMode(init: InitSpec): InitMode {
  return INIT_MODES.find((m) => m in init) ?? 'points';
}

/** An init spec of `mode` with about `count` trajectories, keeping the current spec's other settings. */
function initFor(mode: InitMode, count: number, current: InitSpec): InitSpec {
  if (mode === initMode(current) && mode === 'points') return current;
  // Leaving a single start point: the count field showed 1, so start from a sizeable batch.
  if (initMode(current) === 'points' && mode !== 'points') count = DEFAULT_BATCH;
  switch (mode) {
    case 'points':
      return { points: [[-0.7, 0.7]] };
    case 'ring':
      return { ring: { count, radius: 'ring' in current ? current.ring.radius : 1 } };
    case 'random':
      return 'random' in current
        ? { random: { ...current.random, count } }
        : { random: { count, seed: 1, radius: [0.2, 2] } };
    case 'grid': {
      // An even side keeps the origin off the cell centres.
      const side = Math.max(2, 2 * Math.round(Math.sqrt(Math.max(1, count)) / 2));
      const extent: [number, number, number, number] =
        'grid' in current ? current.grid.extent : [-1.5, 1.5, -1.5, 1.5];
      return { grid: { count: [side, side], extent } };
    }
  }
}

export class ControlPanel {
  private readonly gui: GUI;
  private readonly state = {
    preset: CUSTOM,
    lr: 0.1,
    weightDecay: 0.05,
    momentum: 0,
    initMode: 'ring' as InitMode,
    count: 4096,
    precision: 'f32',
    /** bf16/f16 updates: rounded to nearest, stochastically, or kept in f32 (master weights). */
    lowUpdates: 'nearest' as LowUpdates,
    expression: '',
    harmonics: 16,
    milestones: '',
    lrDecay: 1,
    steps: 3000,
    stepsPerFrame: 10,
    play: () => this.actions.togglePlay(),
    step: () => this.actions.stepOnce(),
    reset: () => this.actions.reset(),
    fitView: () => this.actions.fitView(),
    fitAction: () => this.actions.fitAction?.(),
    theme: 'dark' as ViewState['theme'],
    tour: () => this.actions.startTour(),
    precisionStudy: () => this.actions.togglePrecision?.(),
    figure: '—',
    mode: 'plane' as ViewState['mode'],
    quiver: 'off' as ViewState['quiver'],
    colorBy: 'run' as ViewState['colorBy'],
    showWd: true,
    showProjected: true,
    showExp: false,
    heatmap: true,
    /** One box per precision the drift panel can run beside the config's own. */
    compareOn: Object.fromEntries(COMPARE_PRECISIONS.map((p) => [p, false])) as Record<
      ComparePrecision,
      boolean
    >,
    lineWidth: 2.5,
    heads: true,
    density: 'auto' as ViewState['density'],
    trails: false,
  };
  private readonly playButton: Controller;
  private readonly countControl: Controller;

  constructor(
    container: HTMLElement,
    private readonly actions: GuiActions,
  ) {
    this.gui = new GUI({ container, title: 'scaleinv-lab' });
    // A clicked button gives the focus back to the page, so that the keyboard shortcuts (and the tour's
    // ←/→) act at once; text fields and selects keep it.
    this.gui.domElement.addEventListener('click', (e) => {
      if (e.target instanceof Element) e.target.closest('button')?.blur();
    });
    const s = this.state;
    this.gui.add(s, 'tour').name('▸ Tour: the seed post in 9 figures');
    if (this.actions.togglePrecision)
      this.gui.add(s, 'precisionStudy').name('▸ Precision study (f32 · df64 · f64 · dd)');
    const figureNames = Object.fromEntries([
      ['—', '—'],
      ...FIGURES.map((f, i) => [`${i + 1}. ${f.title}`, f.id]),
    ]);
    this.gui
      .add(s, 'figure', figureNames)
      .name('figure')
      .onChange((id: string) => {
        if (id !== '—') this.actions.showFigure(id);
      });
    const run = this.gui.addFolder('Run');
    this.playButton = run.add(s, 'play').name('▶ play');
    run.add(s, 'step').name('step (one frame of steps)');
    run.add(s, 'reset').name('reset to step 0');
    run
      .add(s, 'stepsPerFrame', STEPS_PER_FRAME)
      .name('steps per frame')
      .onChange((v: number) => this.actions.setStepsPerFrame(v));
    run
      .add(s, 'steps')
      .name('run length (steps)')
      .onFinishChange(() => this.commit());

    const exp = this.gui.addFolder('Experiment');
    exp
      .add(s, 'preset', [CUSTOM, ...PRESET_NAMES])
      .name('loss preset')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'expression')
      .name('or f(θ) = (expression)')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'harmonics', 1, 64, 1)
      .name('harmonics (expression)')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'lr', 0, 1, 0.001)
      .name('lr η')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'weightDecay', 0, 1, 0.001)
      .name('weight decay λ')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'momentum', 0, 0.99, 0.01)
      .name('momentum γ')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'milestones')
      .name('lr milestones (steps, comma-separated)')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'lrDecay', 0, 1, 0.01)
      .name('lr decay at milestones')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'initMode', INIT_MODES)
      .name('init')
      .onFinishChange(() => this.commit());
    this.countControl = exp
      .add(s, 'count')
      .name('trajectories')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'precision', [...BACKEND_PRECISIONS.gpu])
      .name('precision')
      .onFinishChange(() => this.commit());
    exp
      .add(s, 'lowUpdates', LOW_UPDATES)
      .name('bf16/f16 updates')
      .onFinishChange(() => this.commit());
    // Extra precisions on the same points, for the drift panel (the config's own precision draws the paths).
    const compare = (): ViewState['compare'] => COMPARE_PRECISIONS.filter((p) => s.compareOn[p]);
    for (const p of COMPARE_PRECISIONS) {
      exp
        .add(s.compareOn, p)
        .name(`also run ${p} (drift panel)`)
        .onChange(() => this.actions.setView({ compare: compare() }));
    }

    const view = this.gui.addFolder('View');
    view.add(s, 'fitView').name('fit view to start points');
    if (this.actions.fitAction) view.add(s, 'fitAction').name('fit the action');
    const setView = (patch: Partial<ViewState>) => this.actions.setView(patch);
    view
      .add(s, 'theme', [...THEMES])
      .name('theme')
      .onChange((theme: ViewState['theme']) => setView({ theme }));
    view
      .add(s, 'mode', [...VIEW_MODES])
      .name('view')
      .onChange((mode: ViewState['mode']) => setView({ mode }));
    view
      .add(s, 'quiver', [...QUIVER_MODES])
      .name('gradient arrows')
      .onChange((quiver: ViewState['quiver']) => setView({ quiver }));
    view
      .add(s, 'colorBy', [...COLOR_MODES])
      .name('colour paths by')
      .onChange((colorBy: ViewState['colorBy']) => setView({ colorBy }));
    view
      .add(s, 'heatmap')
      .name('loss heatmap')
      .onChange((heatmap: boolean) => setView({ heatmap }));
    const runs = () => ({ weightDecay: s.showWd, projected: s.showProjected, exponential: s.showExp });
    view
      .add(s, 'showWd')
      .name('weight-decay run (solid)')
      .onChange(() => setView({ runs: runs() }));
    view
      .add(s, 'showProjected')
      .name('projected exp. run (dashed)')
      .onChange(() => setView({ runs: runs() }));
    view
      .add(s, 'showExp')
      .name('raw exp. run (dotted)')
      .onChange(() => setView({ runs: runs() }));
    view
      .add(s, 'lineWidth', LINE_WIDTH_RANGE.min, LINE_WIDTH_RANGE.max, 0.5)
      .name('line width (px at 1080p)')
      .onFinishChange((lineWidth: number) => setView({ lineWidth }));
    view
      .add(s, 'heads')
      .name('heads (current positions)')
      .onChange((heads: boolean) => setView({ heads }));
    view
      .add(s, 'density', [...DENSITY_MODES])
      .name('density (auto: many runs)')
      .onChange((density: ViewState['density']) => setView({ density }));
    view
      .add(s, 'trails')
      .name('fading trails')
      .onChange((trails: boolean) => setView({ trails }));
  }

  /** A folder for another module's controls (e.g. Record). */
  addFolder(title: string): GUI {
    return this.gui.addFolder(title);
  }

  /** Removes the panel from the page. */
  destroy(): void {
    this.gui.destroy();
  }

  /** Shows the view settings in the controls (no events fire). */
  syncView(v: ViewState): void {
    const s = this.state;
    s.mode = v.mode;
    s.quiver = v.quiver;
    s.colorBy = v.colorBy;
    s.heatmap = v.heatmap;
    s.theme = v.theme;
    s.showWd = v.runs.weightDecay;
    s.showProjected = v.runs.projected;
    s.showExp = v.runs.exponential;
    for (const p of COMPARE_PRECISIONS) s.compareOn[p] = v.compare.includes(p);
    s.lineWidth = v.lineWidth;
    s.heads = v.heads;
    s.density = v.density;
    s.trails = v.trails;
    for (const c of this.gui.controllersRecursive()) c.updateDisplay();
  }

  /** Shows `config` and the play state in the controls (no events fire). */
  sync(config: ExperimentConfig, playing: boolean, stepsPerFrame: number): void {
    const s = this.state;
    s.preset = 'preset' in config.loss ? config.loss.preset : CUSTOM;
    s.lr = config.optimizer.lr;
    s.weightDecay = config.optimizer.weightDecay;
    s.momentum = config.optimizer.momentum;
    s.initMode = initMode(config.init);
    s.count = trajectoryCount(config.init);
    s.precision = config.precision;
    s.lowUpdates =
      config.numerics.master === 'f32'
        ? 'f32 master'
        : config.numerics.rounding === 'stochastic'
          ? 'stochastic'
          : 'nearest';
    s.expression = 'expression' in config.loss ? config.loss.expression : '';
    if ('expression' in config.loss) s.harmonics = config.loss.harmonics;
    s.milestones = config.optimizer.milestones.join(', ');
    s.lrDecay = config.optimizer.lrDecay;
    s.steps = config.steps;
    s.stepsPerFrame = stepsPerFrame;
    this.countControl.disable(s.initMode === 'points');
    this.setPlaying(playing);
    for (const c of this.gui.controllersRecursive()) c.updateDisplay();
  }

  setPlaying(playing: boolean): void {
    this.playButton.name(playing ? '❚❚ pause' : '▶ play');
  }

  /** The running config with the controls' values: validated and applied by the actions. */
  private candidate(): unknown {
    const cur = this.actions.current();
    const s = this.state;
    return {
      ...cur,
      loss: this.lossCandidate(cur.loss),
      optimizer: {
        ...cur.optimizer,
        lr: s.lr,
        weightDecay: s.weightDecay,
        momentum: s.momentum,
        // Left as typed text when not numbers: validation names the field and keeps the running config.
        milestones:
          s.milestones.trim() === ''
            ? []
            : s.milestones.split(',').map((t) => (t.trim() === '' ? t : Number(t))),
        lrDecay: s.lrDecay,
      },
      init: initFor(s.initMode, s.count, cur.init),
      precision: s.precision,
      numerics: numericsFor(cur.numerics, s.precision, s.lowUpdates),
      steps: s.steps,
      sampleEvery: Math.min(cur.sampleEvery, s.steps),
    };
  }

  /** An expression (when typed) wins over the preset list; a preset picked clears the expression. */
  private lossCandidate(current: LossSpec): LossSpec {
    const s = this.state;
    const wasExpression = 'expression' in current;
    if (s.expression.trim() !== '' && (!wasExpression || s.preset === CUSTOM)) {
      return { expression: s.expression, harmonics: s.harmonics };
    }
    if (s.preset !== CUSTOM) return { preset: s.preset };
    return current;
  }

  private async commit(): Promise<void> {
    const ok = await this.actions.apply(this.candidate());
    if (!ok) this.sync(this.actions.current(), this.actions.isPlaying(), this.state.stepsPerFrame);
  }
}

type LowUpdates = 'nearest' | 'stochastic' | 'f32 master';
const LOW_UPDATES: LowUpdates[] = ['nearest', 'stochastic', 'f32 master'];

/** The numerics with the bf16/f16 update choice applied (other precisions take neither option). */
function numericsFor(cur: NumericsConfig, precision: string, updates: LowUpdates): NumericsConfig {
  const { rounding: _r, master: _m, ...rest } = cur;
  if (!isLowFormat(precision)) return rest;
  if (updates === 'stochastic') return { ...rest, rounding: 'stochastic' };
  if (updates === 'f32 master') return { ...rest, master: 'f32' };
  return rest;
}
