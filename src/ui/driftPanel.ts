/**
 * The drift panel (collapsible): the angle gap against step (median, p95, max; log scale) for each
 * precision, the histogram of divergence steps, and for a grid init the divergence map. Data arrives as
 * often as the app samples; the charts redraw at most MIN_REDRAW_MS apart, and not at all while collapsed.
 */

import uPlot from 'uplot';
import { AXIS, precisionColour } from './chartTheme';
import { download } from './download';
import { driftChartSvg } from './driftSvg';
import { gapChartAxes } from './logAxis';
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import './driftPanel.css';
import type { DriftHistogram, DriftSeries } from '../playground/driftRecorder';
import { colormapCss } from '../render/colormap';
import {
  DivergenceMapCanvas,
  type DivergenceMapSource,
  NEVER_DIVERGED_RGB,
  OVERFLOWED_RGB,
} from '../render/divergenceMap';
import { el } from './dom';

export type { DriftHistogram, DriftSeries };

const MIN_REDRAW_MS = 250;
const CHART_HEIGHT = 170;
const MAP_SIZE = 150;
const rgb = ([r, g, b]: readonly number[]) => `rgb(${r}, ${g}, ${b})`;
/** Log scale: a gap of exactly 0 (or none, NaN) cannot be drawn and leaves a hole in the line. */
const positiveOrNull = (a: ArrayLike<number>) =>
  Array.from(a, (v) => (v > 0 && Number.isFinite(v) ? v : null));
const fmtGap = (v: number) =>
  Number.isNaN(v) ? '–' : v >= 0.01 && v < 100 ? `${+v.toPrecision(3)}` : v.toExponential(1);

export class DriftPanel {
  private readonly root: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly gapBox: HTMLElement;
  private readonly histBox: HTMLElement;
  private readonly histNote: HTMLElement;
  private readonly mapBox: HTMLElement;
  private readonly mapCanvas: HTMLCanvasElement;
  private readonly mapTicks: HTMLElement[];
  private gapChart: { key: string; plot: uPlot } | null = null;
  private histChart: { key: string; plot: uPlot } | null = null;
  private map: Promise<DivergenceMapCanvas | null> | null = null;
  private mapSource: (() => DivergenceMapSource | null) | null = null;
  private series = new Map<string, DriftSeries>();
  private hists = new Map<string, DriftHistogram>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastDraw = 0;
  private collapsed: boolean;

  /** `device`: the engine's device, for the divergence map (none: no map). */
  constructor(
    container: HTMLElement,
    private readonly device?: GPUDevice,
    options: { open?: boolean } = {},
  ) {
    this.collapsed = !(options.open ?? true);
    this.root = el('section', 'ui-panel drift-panel', container);
    this.root.setAttribute('aria-label', 'Drift between the weight-decay and exponential runs');
    const head = el('button', 'drift-head', this.root);
    head.type = 'button';
    head.append('Drift ');
    this.summary = el('span', 'drift-summary', head);
    head.addEventListener('click', () => this.setOpen(this.collapsed));
    const body = el('div', 'drift-body', this.root);
    this.gapBox = el('div', 'drift-gap', body);
    el('div', 'drift-title', this.gapBox).textContent =
      'Angle gap δ (rad, log scale) vs step — median, p95 (dashed), max (dotted)';
    const exports = el('div', 'drift-note', this.gapBox);
    for (const [label, save] of [
      ['SVG', () => this.saveSvg()],
      ['PNG', () => this.savePng()],
    ] as const) {
      const b = el('button', 'drift-export', exports);
      b.type = 'button';
      b.textContent = `export ${label}`;
      b.addEventListener('click', save);
    }
    this.histBox = el('div', 'drift-hist', body);
    el('div', 'drift-title', this.histBox).textContent = 'Divergence step (trajectories per bin)';
    this.histNote = el('div', 'drift-note', this.histBox);
    this.mapBox = el('div', 'drift-map', body);
    this.mapBox.hidden = true;
    el('div', 'drift-title', this.mapBox).textContent = 'Divergence step by start point';
    this.mapCanvas = el('canvas', '', this.mapBox);
    el('div', 'drift-map-bar', this.mapBox).style.background = colormapCss('to right');
    const ticks = el('div', 'drift-map-ticks', this.mapBox);
    this.mapTicks = [el('span', '', ticks), el('span', '', ticks)];
    const key = el('div', 'drift-note', this.mapBox);
    key.innerHTML =
      `<i class="drift-swatch" style="background:${rgb(NEVER_DIVERGED_RGB)}"></i>never ` +
      `<i class="drift-swatch" style="background:${rgb(OVERFLOWED_RGB)}"></i>overflowed`;
    this.root.classList.toggle('collapsed', this.collapsed);
  }

  /** The gap chart as a printable SVG figure (all precisions), downloaded. */
  saveSvg(): void {
    const svg = driftChartSvg([...this.series.values()]);
    download(new Blob([svg], { type: 'image/svg+xml' }), 'drift.svg');
  }

  /** The gap chart as drawn (uPlot's canvas), downloaded as PNG. */
  savePng(): void {
    const canvas = this.gapChart?.plot.ctx.canvas;
    canvas?.toBlob((b) => b && download(b, 'drift.png'), 'image/png');
  }

  get open(): boolean {
    return !this.collapsed;
  }

  setOpen(open: boolean): void {
    this.collapsed = !open;
    this.root.classList.toggle('collapsed', this.collapsed);
    if (open) this.schedule();
  }

  /** The recorded series, one per precision (replaces the previous set). */
  update(seriesByPrecision: Map<string, DriftSeries>): void {
    this.series = seriesByPrecision;
    this.schedule();
  }

  /** The latest divergence-step histogram, one per precision. */
  updateHistogram(byPrecision: Map<string, DriftHistogram>): void {
    this.hists = byPrecision;
    this.schedule();
  }

  /** Where the map reads the metrics, asked at each redraw (null or returning null: no map, e.g. no grid). */
  setMapSource(source: (() => DivergenceMapSource | null) | null): void {
    this.mapSource = source;
    this.schedule();
  }

  /** Forgets all data (e.g. a new config). */
  clear(): void {
    this.update(new Map());
    this.updateHistogram(new Map());
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastDraw + MIN_REDRAW_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastDraw = performance.now();
      // Collapsed: only the one-line summary in the header is kept current.
      if (this.collapsed) this.drawSummary();
      else this.redraw();
    }, wait);
  }

  private redraw(): void {
    this.drawGap();
    this.drawHistogram();
    this.drawMap();
    this.drawSummary();
  }

  private drawSummary(): void {
    this.summary.textContent = [...this.series.values()]
      .map((s) => {
        const n = s.step.length - 1;
        if (n < 0) return `${s.precision}: –`;
        return (
          `${s.precision} @ ${s.step[n]}: median ${fmtGap(s.median[n])}, max ${fmtGap(s.max[n])}, ` +
          `diverged ${s.diverged[n]}, overflowed ${s.overflowed[n]}, ` +
          `absorbed wd ${s.absorbedWd[n]} / exp ${s.absorbedExp[n]}`
        );
      })
      .join(' · ');
  }

  private chart(
    box: HTMLElement,
    current: { key: string; plot: uPlot } | null,
    key: string,
    make: (width: number) => uPlot.Options,
    data: uPlot.AlignedData,
  ): { key: string; plot: uPlot } {
    const width = Math.max(160, box.clientWidth);
    if (current && current.key === key) {
      if (current.plot.width !== width) current.plot.setSize({ width, height: CHART_HEIGHT });
      current.plot.setData(data);
      return current;
    }
    current?.plot.destroy();
    return { key, plot: new uPlot(make(width), data, box) };
  }

  private drawGap(): void {
    const list = [...this.series.values()];
    const tables = list.map(
      (s) =>
        [s.step, positiveOrNull(s.median), positiveOrNull(s.p95), positiveOrNull(s.max)] as uPlot.AlignedData,
    );
    const data = tables.length > 0 ? uPlot.join(tables) : ([[]] as uPlot.AlignedData);
    const key = list.map((s) => s.precision).join(',');
    const series: uPlot.Series[] = [{ label: 'step' }];
    list.forEach((s, k) => {
      const stroke = precisionColour(s.precision, k);
      series.push(
        {
          label: `${s.precision} median`,
          stroke,
          width: 1.5,
          value: (_, v) => (v == null ? '–' : fmtGap(v)),
        },
        {
          label: `${s.precision} p95`,
          stroke,
          width: 1,
          dash: [6, 4],
          value: (_, v) => (v == null ? '–' : fmtGap(v)),
        },
        {
          label: `${s.precision} max`,
          stroke,
          width: 1,
          dash: [1, 3],
          value: (_, v) => (v == null ? '–' : fmtGap(v)),
        },
      );
    });
    this.gapChart = this.chart(
      this.gapBox,
      this.gapChart,
      key,
      (width) => ({
        width,
        height: CHART_HEIGHT,
        // No positive gap yet: a fixed range instead of log(0).
        ...gapChartAxes([1e-8, 1]),
        legend: { live: true },
        series,
      }),
      data,
    );
  }

  private drawHistogram(): void {
    const list = [...this.hists.values()];
    const tables = list.map((h) => [h.edges, Array.from(h.counts)] as uPlot.AlignedData);
    const data = tables.length > 0 ? uPlot.join(tables) : ([[]] as uPlot.AlignedData);
    const key = list.map((h) => `${h.precision}`).join(',');
    const series: uPlot.Series[] = [{ label: 'step ≥' }];
    list.forEach((h, k) => {
      const stroke = precisionColour(h.precision, k);
      series.push({
        label: h.precision,
        stroke,
        fill: `${stroke}40`,
        width: 1,
        paths: uPlot.paths.stepped?.({ align: 1 }),
      });
    });
    this.histChart = this.chart(
      this.histBox,
      this.histChart,
      key,
      (width) => ({
        width,
        height: CHART_HEIGHT,
        scales: { x: { time: false }, y: { range: (_, _min, max) => [0, Math.max(1, max * 1.05)] } },
        axes: [{ ...AXIS }, { ...AXIS, size: 48 }],
        legend: { show: false },
        series,
      }),
      data,
    );
    this.histNote.textContent = list
      .map(
        (h) =>
          `${h.precision}: ${h.trajectories - h.notDiverged - h.overflowed} diverged · ${h.notDiverged} never · ` +
          `${h.overflowed} overflowed first · bins of ${h.binWidth}`,
      )
      .join(' · ');
  }

  private drawMap(): void {
    const src = this.mapSource?.() ?? null;
    this.mapBox.hidden = src === null || !this.device;
    if (!src || !this.device) return;
    // Keep the grid's aspect inside a MAP_SIZE box.
    const scale = MAP_SIZE / Math.max(src.nx, src.ny);
    this.mapCanvas.style.width = `${Math.max(8, Math.round(src.nx * scale))}px`;
    this.mapCanvas.style.height = `${Math.max(8, Math.round(src.ny * scale))}px`;
    this.mapTicks[0].textContent = '0';
    this.mapTicks[1].textContent = `${src.maxStep}`;
    const device = this.device;
    this.map ??= DivergenceMapCanvas.create(device, this.mapCanvas).catch((e: Error) => {
      console.error(`[drift panel] divergence map unavailable: ${e.message}`);
      return null;
    });
    void this.map.then((m) => {
      // Asked again now: the session may have changed while the pipeline was being built.
      const now = this.mapSource?.() ?? null;
      if (m && now) m.draw(now);
    });
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.gapChart?.plot.destroy();
    this.histChart?.plot.destroy();
    void this.map?.then((m) => m?.destroy());
    this.root.remove();
  }
}
