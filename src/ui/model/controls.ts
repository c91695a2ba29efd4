/**
 * The models page's control panel (lil-gui, as the plane's): preset, seeds, steps, precisions, η, λ, γ, the
 * CPU's seed count, the slice, the theme, and the Run and Tour buttons. Edits change a draft; "Run" hands it
 * to the page, which validates it (a bad value is named in a banner and nothing runs). The slice and the
 * theme apply at once to the run on show (no rerun needed).
 */
import GUI, { type Controller } from 'lil-gui';
import {
  type ModelsPageState,
  PAGE_PRECISIONS,
  PAGE_RANGES,
  type PagePrecision,
  type SliceChoice,
  stateFromPreset,
} from '../../playground/model/pageState';
import { MODEL_PRESETS, type ModelPresetName } from '../../playground/model/presets';
import { MODEL_FIGURES } from '../../playground/model/tour';
import type { Theme } from '../../playground/viewState';

export interface ControlActions {
  run(state: ModelsPageState): void;
  /** The slice of the run on show changed (no rerun). */
  reslice(slice: SliceChoice): void;
  setTheme(theme: Theme): void;
  startTour(): void;
  showFigure(id: string): void;
  savePng(): void;
}

type SliceKind = SliceChoice['kind'];

export class ModelControls {
  private readonly gui: GUI;
  private readonly draft = {
    preset: 'bn-logistic-gaussians' as ModelPresetName,
    seeds: 4096,
    steps: 200,
    lr: 0.2,
    weightDecay: 0.1,
    momentum: 0,
    cpuSeeds: 256,
    on: Object.fromEntries(PAGE_PRECISIONS.map((p) => [p, false])) as Record<PagePrecision, boolean>,
    slice: 'pca' as SliceKind,
    first: 0,
    second: 1,
    theme: 'dark' as Theme,
    figure: '—',
    run: () => this.actions.run(this.state()),
    tour: () => this.actions.startTour(),
    png: () => this.actions.savePng(),
  };
  /** The order the precisions were ticked in (the first is drawn). */
  private order: PagePrecision[] = [];
  private readonly firstControl: Controller;
  private readonly secondControl: Controller;

  constructor(
    container: HTMLElement,
    initial: ModelsPageState,
    private readonly actions: ControlActions,
  ) {
    this.gui = new GUI({ container, title: 'Models in ℝᵈ' });
    this.gui.domElement.addEventListener('click', (e) => {
      if (e.target instanceof Element) e.target.closest('button')?.blur();
    });
    const d = this.draft;
    this.gui.add(d, 'run').name('▶ Run');
    this.gui.add(d, 'tour').name('▸ Tour: the same story in a real model');
    const figures = Object.fromEntries([
      ['—', '—'],
      ...MODEL_FIGURES.map((f, i) => [`${i + 1}. ${f.title}`, f.id]),
    ]);
    this.gui
      .add(d, 'figure', figures)
      .name('figure')
      .onChange((id: string) => {
        if (id !== '—') this.actions.showFigure(id);
      });
    const names = Object.fromEntries(MODEL_PRESETS.map((p) => [p.title, p.name]));
    this.gui
      .add(d, 'preset', names)
      .name('dataset & model')
      .onChange((name: ModelPresetName) => {
        const keep = this.state();
        this.set({
          ...stateFromPreset(name),
          precisions: keep.precisions,
          cpuSeeds: keep.cpuSeeds,
          theme: keep.theme,
        });
      });
    const exp = this.gui.addFolder('Run settings');
    exp.add(d, 'seeds', PAGE_RANGES.seeds.min, PAGE_RANGES.seeds.max, 1).name('seeds');
    exp.add(d, 'steps', PAGE_RANGES.steps.min, 2000, 1).name('steps');
    exp.add(d, 'lr', 0.001, 2, 0.001).name('lr η');
    exp.add(d, 'weightDecay', 0, 1, 0.001).name('weight decay λ');
    exp.add(d, 'momentum', 0, 0.99, 0.01).name('momentum γ');
    const prec = this.gui.addFolder('Precisions (first ticked is drawn)');
    for (const p of PAGE_PRECISIONS) {
      const where = p === 'f64' ? ' (CPU workers)' : ' (GPU)';
      prec
        .add(d.on, p)
        .name(`${p}${where}`)
        .onChange((v: boolean) => {
          this.order = v ? [...this.order.filter((q) => q !== p), p] : this.order.filter((q) => q !== p);
        });
    }
    prec.add(d, 'cpuSeeds', PAGE_RANGES.cpuSeeds.min, PAGE_RANGES.cpuSeeds.max, 1).name('seeds on the CPU');
    const view = this.gui.addFolder('Slice & view');
    view
      .add(d, 'slice', {
        'principal directions': 'pca',
        'coordinate axes i, j': 'axes',
        'seeds a, b (final w)': 'seeds',
      })
      .name('plane')
      .onChange(() => this.sliceChanged());
    this.firstControl = view
      .add(d, 'first', 0, 4096, 1)
      .name('i / a')
      .onFinishChange(() => this.sliceChanged());
    this.secondControl = view
      .add(d, 'second', 0, 4096, 1)
      .name('j / b')
      .onFinishChange(() => this.sliceChanged());
    view
      .add(d, 'theme', ['dark', 'light'])
      .name('theme')
      .onChange((t: Theme) => this.actions.setTheme(t));
    view.add(d, 'png').name('save the picture (PNG)');
    this.set(initial);
  }

  private sliceChanged(): void {
    const pair = this.draft.slice !== 'pca';
    this.firstControl.enable(pair);
    this.secondControl.enable(pair);
    this.actions.reslice(this.slice());
  }

  private slice(): SliceChoice {
    const { slice, first, second } = this.draft;
    if (slice === 'axes') return { kind: 'axes', i: first, j: second };
    if (slice === 'seeds') return { kind: 'seeds', a: first, b: second };
    return { kind: 'pca' };
  }

  /** The state the controls show. */
  state(): ModelsPageState {
    const d = this.draft;
    return {
      preset: d.preset,
      precisions: [...this.order],
      seeds: d.seeds,
      steps: d.steps,
      lr: d.lr,
      weightDecay: d.weightDecay,
      momentum: d.momentum,
      slice: this.slice(),
      cpuSeeds: d.cpuSeeds,
      theme: d.theme,
    };
  }

  /** Shows `s` (a run started elsewhere, a tour figure, a rejected draft put back). */
  set(s: ModelsPageState): void {
    const d = this.draft;
    Object.assign(d, {
      preset: s.preset,
      seeds: s.seeds,
      steps: s.steps,
      lr: s.lr,
      weightDecay: s.weightDecay,
      momentum: s.momentum,
      cpuSeeds: s.cpuSeeds,
      theme: s.theme,
      slice: s.slice.kind,
      first: s.slice.kind === 'axes' ? s.slice.i : s.slice.kind === 'seeds' ? s.slice.a : 0,
      second: s.slice.kind === 'axes' ? s.slice.j : s.slice.kind === 'seeds' ? s.slice.b : 1,
    });
    for (const p of PAGE_PRECISIONS) d.on[p] = s.precisions.includes(p);
    this.order = [...s.precisions];
    const pair = s.slice.kind !== 'pca';
    this.firstControl.enable(pair);
    this.secondControl.enable(pair);
    for (const c of this.gui.controllersRecursive()) c.updateDisplay();
  }

  /** Greys out Run while a run is going. */
  busy(on: boolean): void {
    const run = this.gui.controllers.find((c) => c.property === 'run');
    run?.name(on ? '■ Cancel' : '▶ Run');
  }

  destroy(): void {
    this.gui.destroy();
  }
}
