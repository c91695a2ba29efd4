/**
 * Composition root of models.html: the models page (issue 16). Reads the link (src/playground/model/
 * urlState.ts), finds WebGPU and the models' GPU driver, or says why not and runs on CPU workers, and
 * wires the slice picture, the charts, the controls and the tour. Exposes `window.modelsLab` for scripts
 * and the end-to-end tests. The page is never blank: every failure becomes a banner, and a lost GPU device
 * is replaced by the CPU workers with the run repeated there.
 * document.body.dataset.state: 'loading', then 'ready' (WebGPU) or 'cpu' (no WebGPU), or 'error'.
 */
import { acquireGpu, type GpuContext, GpuUnavailableError } from '../gpu/device';
import { type GpuModelRunner, gpuRunner } from '../playground/model/gpuDriver';
import { type ModelsPageState, stateIssues } from '../playground/model/pageState';
import { type SlicePicture, slicePicture } from '../playground/model/picture';
import { GpuRunError, type RunResult, runModels } from '../playground/model/runner';
import type { PrecisionStats } from '../playground/model/stats';
import { MODEL_FIGURES, type ModelFigure } from '../playground/model/tour';
import { decodeModelsHash, encodeModelsHash } from '../playground/model/urlState';
import { browserWorkerPool, CancelledError } from '../playground/model/workerPool';
import { Banners, noWebGpuLines } from '../ui/banner';
import { ModelCharts } from '../ui/model/charts';
import { ModelControls } from '../ui/model/controls';
import { SlicePanel } from '../ui/model/slicePanel';
import { ProgressBox, renderStats } from '../ui/model/statusPanels';
import { applyPageTheme } from '../ui/presentation';
import { Tour } from '../ui/tour';

export interface ModelsStats {
  backend: 'webgpu' | 'cpu';
  adapter: string;
  /** The whole run (every precision, curves and crossings). */
  seconds: number;
  /** Slice, paths, picture and charts after the run. */
  drawSeconds: number;
  precisions: Record<string, PrecisionStats>;
  notes: string[];
}

export interface ModelsLab {
  /** Resolves once the page has settled and its first run is done (or failed, with a banner). */
  ready: Promise<void>;
  state(): ModelsPageState;
  /** Runs the page state with `patch` applied; rejects naming a bad field (nothing runs then). */
  run(patch?: Partial<ModelsPageState>): Promise<ModelsStats>;
  stats(): ModelsStats | null;
  /** Resolves when no run is in flight (a rerun after a lost device included). */
  idle(): Promise<void>;
  screenshot(): Promise<Blob>;
  figures: { id: string; title: string; caption: string }[];
  showFigure(id: string): Promise<void>;
  /** The picture's paint count and the charts drawn (for tests). */
  rendered(): { paints: number; charts: number; picture: boolean };
  debug: { loseDevice(): void };
}

declare global {
  interface Window {
    modelsLab?: ModelsLab;
  }
}

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`models.html lacks #${id}`);
  return el as T;
}

const banners = new Banners(element('banners'));

async function findGpu(): Promise<{ ctx: GpuContext } | { reason: string }> {
  if (!navigator.gpu)
    return { reason: 'navigator.gpu is missing (this browser or its settings do not expose WebGPU)' };
  try {
    return { ctx: await acquireGpu() };
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    return { reason: e.message };
  }
}

class ModelsPage {
  private state: ModelsPageState;
  private result: RunResult | null = null;
  private picture: SlicePicture | null = null;
  private generation = 0;
  private running: Promise<ModelsStats> | null = null;
  private readonly pool = browserWorkerPool();
  private readonly slice = new SlicePanel(element('slice'));
  private readonly charts = new ModelCharts(element('models-charts'));
  private readonly progress = new ProgressBox(element('models-progress'));
  private readonly controls: ModelControls;
  private readonly tour: Tour<ModelFigure>;
  private gpu: GpuModelRunner | null = null;
  private adapter = 'none (CPU workers)';
  private ctx: GpuContext | null = null;

  constructor(initial: ModelsPageState) {
    this.state = initial;
    this.applyTheme(initial.theme);
    this.controls = new ModelControls(element('models-gui'), initial, {
      run: (s) => {
        if (this.running) this.cancel();
        else this.run(s).catch(() => undefined);
      },
      reslice: (slice) => this.reslice(slice),
      setTheme: (t) => {
        this.state = { ...this.state, theme: t };
        this.applyTheme(t);
        this.writeHash();
        if (this.result) this.charts.draw(this.result.results);
      },
      startTour: () => void this.tour.start(0),
      showFigure: (id) => void this.tour.start(MODEL_FIGURES.findIndex((f) => f.id === id)),
      savePng: () => void this.savePng(),
    });
    this.tour = new Tour<ModelFigure>(
      element('models-tour'),
      async (f) => {
        await this.run({ ...f.state, theme: this.state.theme, cpuSeeds: this.state.cpuSeeds });
      },
      MODEL_FIGURES,
    );
    window.addEventListener('resize', () => this.charts.resize());
  }

  useGpu(ctx: GpuContext): void {
    this.ctx = ctx;
    this.gpu = gpuRunner(ctx);
    this.adapter = ctx.description;
    ctx.device.lost.then((info) => {
      if (this.ctx !== ctx) return;
      this.ctx = null;
      this.gpu = null;
      this.adapter = 'none (CPU workers: the GPU device was lost)';
      banners.show('gpu', 'warning', [
        `The GPU device was lost (${info.message || info.reason}).`,
        'The page now runs on the CPU workers; the current run is repeated there.',
      ]);
      document.body.dataset.state = 'cpu';
      if (this.running || this.result) {
        this.cancel();
        this.run(this.state).catch(() => undefined);
      }
    });
  }

  get backend(): 'webgpu' | 'cpu' {
    return this.gpu ? 'webgpu' : 'cpu';
  }

  current(): ModelsPageState {
    return structuredClone(this.state);
  }

  private applyTheme(theme: ModelsPageState['theme']): void {
    applyPageTheme(theme); // the plane page's light chrome: panels, the tour bar, lil-gui
    this.slice.setTheme(theme);
  }

  private writeHash(): void {
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${encodeModelsHash(this.state)}`,
    );
  }

  cancel(): void {
    this.generation++;
    this.pool.cancel();
    this.running = null;
    this.controls.busy(false);
    this.progress.message('Cancelled.');
    this.slice.setMessage(undefined);
  }

  /** Validates and runs `state`; a bad field is named in a banner and rejects (nothing runs). */
  run(state: ModelsPageState): Promise<ModelsStats> {
    const issues = stateIssues(state);
    if (issues.length > 0) {
      const lines = issues.map((i) => `${i.path}: ${i.message}`);
      banners.show('config', 'error', ['These settings cannot run; nothing was changed:', ...lines]);
      return Promise.reject(new Error(lines.join('; ')));
    }
    banners.clear('config');
    if (this.running) this.cancel();
    const gen = ++this.generation;
    this.state = structuredClone(state);
    this.controls.set(this.state);
    this.applyTheme(this.state.theme);
    this.writeHash();
    this.controls.busy(true);
    this.slice.setMessage('Running…');
    const go = this.execute(gen).finally(() => {
      if (gen === this.generation) {
        this.running = null;
        this.controls.busy(false);
      }
    });
    this.running = go;
    return go;
  }

  private async execute(gen: number): Promise<ModelsStats> {
    let result: RunResult;
    const isCancelled = () => gen !== this.generation;
    const onProgress = (p: Parameters<typeof this.progress.show>[0]) => {
      if (gen === this.generation)
        this.progress.show(p, p.phase === 'run' && this.gpu && p.precision !== 'f64' ? 'gpu' : 'cpu');
    };
    try {
      try {
        result = await runModels(this.state, { pool: this.pool, gpu: this.gpu, onProgress, isCancelled });
      } catch (e) {
        if (!(e instanceof GpuRunError) || gen !== this.generation) throw e;
        banners.show('gpu', 'warning', [`${e.message}.`, 'Running on the CPU workers instead.']);
        console.warn('[scaleinv-lab] GPU model run failed; rerunning on the CPU:', e);
        this.gpu = null;
        this.adapter = 'none (CPU workers: the GPU run failed)';
        document.body.dataset.state = 'cpu';
        result = await runModels(this.state, { pool: this.pool, gpu: null, onProgress, isCancelled });
      }
    } catch (e) {
      if (e instanceof CancelledError || gen !== this.generation) throw e;
      const message = e instanceof Error ? e.message : String(e);
      banners.show('run', 'error', ['The run failed.', message]);
      this.progress.message(`Failed: ${message}`);
      this.slice.setMessage('The run failed (see the message above).');
      throw e;
    }
    if (gen !== this.generation) throw new CancelledError();
    banners.clear('run');
    this.result = result;
    this.show();
    this.progress.message(`Done in ${result.seconds.toFixed(1)} s.`);
    return this.stats()!;
  }

  private drawSeconds = 0;

  private show(): void {
    const t0 = performance.now();
    const result = this.result!;
    this.picture = slicePicture(result, this.state.slice);
    if (this.picture.problem) banners.show('slice', 'warning', [`slice: ${this.picture.problem}`]);
    else banners.clear('slice');
    this.slice.show(this.picture, this.picture.profile ? undefined : (this.picture.problem ?? undefined));
    this.charts.draw(result.results);
    renderStats(element('models-stats'), result, this.adapter);
    this.drawSeconds = (performance.now() - t0) / 1000;
  }

  reslice(slice: ModelsPageState['slice']): void {
    this.state = { ...this.state, slice };
    this.writeHash();
    if (this.result && !this.running) this.show();
  }

  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  stats(): ModelsStats | null {
    const r = this.result;
    if (!r) return null;
    return {
      backend: r.results.some((p) => p.backend === 'gpu') ? 'webgpu' : 'cpu',
      adapter: this.adapter,
      seconds: r.seconds,
      drawSeconds: this.drawSeconds,
      precisions: Object.fromEntries(r.results.map((p) => [p.precision, p.stats])),
      notes: [...r.notes],
    };
  }

  rendered() {
    return { paints: this.slice.paints, charts: this.charts.count, picture: this.picture?.profile != null };
  }

  screenshot(): Promise<Blob> {
    return this.slice.png();
  }

  private async savePng(): Promise<void> {
    const blob = await this.slice.png();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `scaleinv-models-${this.state.preset}.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  showFigure(id: string): Promise<void> {
    const i = MODEL_FIGURES.findIndex((f) => f.id === id);
    if (i < 0)
      return Promise.reject(
        new Error(`no figure '${id}' (figures: ${MODEL_FIGURES.map((f) => f.id).join(', ')})`),
      );
    return this.tour.start(i);
  }

  loseDevice(): void {
    if (!this.ctx) throw new Error('no GPU device to lose');
    this.ctx.device.destroy();
  }
}

async function boot(): Promise<void> {
  const read = decodeModelsHash(location.hash);
  if (read.issues.length > 0) {
    banners.show('url', 'warning', [
      'Some of the link’s values could not be used:',
      ...read.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)),
    ]);
  }
  const page = new ModelsPage(read.state);
  let settle: () => void = () => undefined;
  window.modelsLab = {
    ready: new Promise<void>((resolve) => {
      settle = resolve;
    }),
    state: () => page.current(),
    run: (patch = {}) => page.run({ ...page.current(), ...patch }),
    stats: () => page.stats(),
    idle: () => page.idle(),
    screenshot: () => page.screenshot(),
    figures: MODEL_FIGURES.map(({ id, title, caption }) => ({ id, title, caption })),
    showFigure: (id) => page.showFigure(id),
    rendered: () => page.rendered(),
    debug: { loseDevice: () => page.loseDevice() },
  };
  const gpu = await findGpu();
  if ('ctx' in gpu) {
    console.info(
      `[scaleinv-lab] WebGPU adapter: ${gpu.ctx.description}${gpu.ctx.isSoftware ? ' (software)' : ''}`,
    );
    page.useGpu(gpu.ctx);
    document.body.dataset.state = 'ready';
  } else {
    banners.show('gpu', 'warning', [
      ...noWebGpuLines(gpu.reason),
      'This page runs on the CPU instead, in Web Workers: f32 as its float32 mirror and f64, each on the first ' +
        `${read.state.cpuSeeds} seeds (cpuSeeds); df64 needs the GPU.`,
    ]);
    document.body.dataset.state = 'cpu';
  }
  page.run(read.state).then(settle, settle);
}

boot().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error('[scaleinv-lab] the models page failed to start:', e);
  banners.show('boot', 'error', ['The models page failed to start.', message]);
  document.body.dataset.state = 'error';
});
