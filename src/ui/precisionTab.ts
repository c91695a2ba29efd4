/**
 * The Precision tab: runs the current config in several precisions (src/playground/precisionStudy.ts) and shows
 * the drift curves, median divergence step against mantissa bits (fitted line, instability crossing), the
 * CLI's summary table (with the share of divergences by cause per precision), and a sortable, paged
 * per-trajectory table (src/ui/studyTable.ts: causes, absorbed steps, departures from mp) whose rows
 * highlight their path. Exports study.csv / study.json / study.png as the CLI writes them. Hidden until
 * opened (a GUI button).
 */
import type uPlot from 'uplot';
import './panel.css';
import './precisionTab.css';
import { PRECISIONS, type Precision } from '../core/config/types';
import { studyToCsv } from '../core/study/csv';
import { studySummaryTable } from '../core/study/table';
import {
  DEFAULT_DD_SUBSET,
  type PrecisionStudyResult,
  type StudyProgress,
} from '../playground/precisionStudy';
import { el } from './dom';
import { download } from './download';
import { drawStudyCharts, studyPng } from './precisionCharts';
import { StudyTable } from './studyTable';

export interface PrecisionTabDeps {
  run(options: {
    precisions: Precision[];
    ddSubset: number;
    onProgress: (p: StudyProgress) => void;
    signal: AbortSignal;
  }): Promise<PrecisionStudyResult>;
  /** A table row was clicked: highlight that trajectory's path (null: none). */
  onHighlight(index: number | null): void;
  /** File name stem for the exports (default "study"). */
  fileStem?: () => string;
}

export class PrecisionTab {
  private readonly root: HTMLElement;
  private readonly boxes = new Map<Precision, HTMLInputElement>();
  private readonly subset: HTMLInputElement;
  private readonly runButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly bar: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly driftBox: HTMLElement;
  private readonly bitsBox: HTMLElement;
  private readonly table: StudyTable;
  private readonly exports: HTMLElement;
  private charts: uPlot[] = [];
  private abort: AbortController | null = null;
  private current: PrecisionStudyResult | null = null;

  constructor(
    container: HTMLElement,
    private readonly deps: PrecisionTabDeps,
  ) {
    this.root = el('section', 'ui-panel ptab', container);
    this.root.setAttribute('aria-label', 'Precision study');
    this.root.hidden = true;
    const head = el('div', 'ptab-head', this.root);
    el('strong', '', head, 'Precision study: the same starts in several precisions');
    const close = el('button', 'ptab-close', head, '×');
    close.title = 'Close';
    close.addEventListener('click', () => this.setOpen(false));

    const controls = el('div', 'ptab-controls', this.root);
    for (const p of PRECISIONS) {
      const label = el('label', '', controls);
      const box = el('input', '', label);
      box.type = 'checkbox';
      box.dataset.precision = p;
      box.checked = p !== 'dd' && p !== 'mp'; // the slow CPU references: ticked by hand
      label.append(` ${p}`);
      this.boxes.set(p, box);
    }
    const sub = el('label', '', controls, 'dd and mp on first ');
    this.subset = el('input', 'ptab-subset', sub);
    this.subset.type = 'number';
    this.subset.min = '1';
    this.subset.value = String(DEFAULT_DD_SUBSET);
    this.runButton = el('button', 'ptab-run', controls, 'Run');
    this.runButton.addEventListener('click', () => void this.run().catch(() => undefined));
    this.cancelButton = el('button', 'ptab-cancel', controls, 'Cancel');
    this.cancelButton.disabled = true;
    this.cancelButton.addEventListener('click', () => this.cancel());
    const progress = el('div', 'ptab-progress', this.root);
    this.bar = el('progress', '', progress);
    this.bar.max = 1;
    this.bar.value = 0;
    this.status = el('span', 'ptab-status', progress, 'f32 and df64 run on this GPU, f64 and dd on the CPU.');
    el(
      'div',
      'ptab-note',
      this.root,
      'dd (~0.1 M trajectory-steps/s) and mp (slower still) run a subset only; with mp, the other ' +
        'precisions are also run at every step on that subset, to measure their departures from mp.',
    );
    this.summary = el('pre', 'ptab-summary', this.root);
    const charts = el('div', 'ptab-charts', this.root);
    this.driftBox = el('div', 'ptab-chart ptab-drift', charts);
    this.bitsBox = el('div', 'ptab-chart ptab-bits', charts);
    this.table = new StudyTable(this.root, (i) => this.deps.onHighlight(i));
    this.exports = el('div', 'ptab-export', this.root);
    for (const [what, f] of [
      ['CSV', () => this.exportCsv()],
      ['JSON', () => this.exportJson()],
      ['PNG', () => void this.exportPng()],
    ] as const) {
      const b = el('button', '', this.exports, `Export ${what}`);
      b.dataset.export = what.toLowerCase();
      b.addEventListener('click', f);
    }
    this.exports.hidden = true;
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  setOpen(open: boolean): void {
    this.root.hidden = !open;
    if (open && this.current) this.drawCharts();
  }

  toggle(): void {
    this.setOpen(!this.isOpen);
  }

  get result(): PrecisionStudyResult | null {
    return this.current;
  }

  /** Runs the checked precisions (or `options.precisions`, which then become the checked ones). */
  async run(options: { precisions?: Precision[]; ddSubset?: number } = {}): Promise<PrecisionStudyResult> {
    if (this.abort) throw new Error('a precision study is already running');
    if (options.precisions) for (const [p, box] of this.boxes) box.checked = options.precisions.includes(p);
    if (options.ddSubset !== undefined) this.subset.value = String(options.ddSubset);
    const precisions = PRECISIONS.filter((p) => this.boxes.get(p)!.checked);
    const ddSubset = Math.floor(Number(this.subset.value));
    if (precisions.length === 0) throw this.fail(new Error('choose at least one precision'));
    if (!(ddSubset >= 1))
      throw this.fail(new Error(`dd subset must be a whole number ≥ 1, got ${this.subset.value}`));
    const abort = new AbortController();
    this.abort = abort;
    this.setRunning(true);
    const t0 = performance.now();
    try {
      const result = await this.deps.run({
        precisions,
        ddSubset,
        signal: abort.signal,
        onProgress: (p) => {
          this.bar.value = p.fraction;
          const secs = ((performance.now() - t0) / 1000).toFixed(1);
          const what = p.stage === 'lyapunov' ? 'Lyapunov twin runs (f64)' : p.stage;
          this.status.textContent = `[${p.index + 1}/${p.count}] ${what}: ${p.done} / ${p.total} · ${secs} s`;
        },
      });
      this.show(result);
      return result;
    } catch (e) {
      const cancelled = (e as Error).name === 'AbortError';
      throw this.fail(e as Error, cancelled ? 'Cancelled.' : undefined);
    } finally {
      this.abort = null;
      this.setRunning(false);
    }
  }

  cancel(): void {
    this.abort?.abort();
  }

  private fail(e: Error, text = `Failed: ${e.message}`): Error {
    this.status.textContent = text;
    return e;
  }

  private setRunning(running: boolean): void {
    this.runButton.disabled = running;
    this.cancelButton.disabled = !running;
    for (const box of this.boxes.values()) box.disabled = running;
    if (running) this.bar.value = 0;
  }

  /** Shows a result (charts, tables); the highlight is cleared. */
  show(result: PrecisionStudyResult): void {
    this.current = result;
    const s = result.study;
    const dd = s.runs.find((r) => r.precision === 'dd');
    const times = s.runs.map((r) => `${r.precision} ${r.seconds.toFixed(1)} s`).join(', ');
    this.bar.value = 1;
    this.status.textContent =
      `Done in ${result.seconds.toFixed(1)} s (${times}); ${s.trajectories.length} trajectories × ${s.steps} steps` +
      (dd ? `; dd on the first ${dd.trajectories} only (aggregates over those)` : '');
    this.summary.textContent = studySummaryTable(s);
    this.table.show(s);
    this.exports.hidden = false;
    this.drawCharts();
  }

  private drawCharts(): void {
    if (!this.current || !this.isOpen) return;
    for (const c of this.charts) c.destroy();
    this.charts = drawStudyCharts(this.current, this.driftBox, this.bitsBox);
  }

  private stem(): string {
    return this.deps.fileStem?.() ?? 'study';
  }

  exportCsv(): void {
    if (this.current)
      download(new Blob([studyToCsv(this.current.study)], { type: 'text/csv' }), `${this.stem()}.csv`);
  }

  exportJson(): void {
    const json = `${JSON.stringify(this.current?.study)}\n`;
    if (this.current) download(new Blob([json], { type: 'application/json' }), `${this.stem()}.json`);
  }

  async exportPng(): Promise<void> {
    if (!this.current) return;
    download(
      await studyPng(this.current, `${this.stem()}: divergence step vs mantissa bits`),
      `${this.stem()}.png`,
    );
  }

  destroy(): void {
    this.cancel();
    for (const c of this.charts) c.destroy();
    this.root.remove();
  }
}
