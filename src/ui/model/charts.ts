/**
 * The models page's charts (uPlot, the chart theme of src/ui/chartTheme.ts): loss, training accuracy and the
 * angle between the two runs against step. Per precision (its colour) the median over seeds as a line — the
 * weight-decay run solid, the projected exponential run dashed — and the 10–90% band over seeds shaded; a
 * dotted vertical line at each precision's median divergence step. One DOM legend under the charts explains
 * colours and strokes once.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PrecisionResult } from '../../playground/model/runner';
import type { Band } from '../../playground/model/series';
import { AXIS, precisionColour } from '../chartTheme';
import { gapChartAxes } from '../logAxis';

const HEIGHT = 170;

/** '#rrggbb' with an alpha byte. */
function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0');
  return /^#[0-9a-f]{6}$/i.test(hex) ? `${hex}${a}` : hex;
}

interface ChartSpec {
  title: string;
  /** The bands of a result to draw, each with its dash. */
  bands: (r: PrecisionResult) => { band: Band; dash: number[]; label: string }[];
  log?: boolean;
}

const SPECS: ChartSpec[] = [
  {
    title: 'Loss vs step (median, 10–90% over seeds)',
    bands: (r) => [
      { band: r.series.wdLoss, dash: [], label: 'weight decay' },
      { band: r.series.expLoss, dash: [6, 4], label: 'projected exp.' },
    ],
  },
  {
    title: 'Training accuracy vs step',
    bands: (r) => [
      { band: r.series.wdAccuracy, dash: [], label: 'weight decay' },
      { band: r.series.expAccuracy, dash: [6, 4], label: 'projected exp.' },
    ],
  },
  {
    title: 'Angle between the runs (rad, log) vs step',
    bands: (r) => [{ band: r.series.gap, dash: [], label: 'angle' }],
    log: true,
  },
];

const positive = (xs: (number | null)[]) => xs.map((x) => (x !== null && x > 0 ? x : null));

/** Vertical dotted lines at the median divergence steps. */
function divergenceMarks(results: readonly PrecisionResult[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const g = u.ctx;
        g.save();
        g.setLineDash([2, 3]);
        g.lineWidth = 1.5;
        results.forEach((r, k) => {
          const t = r.stats.medianDivergenceStep;
          if (t === null) return;
          const x = u.valToPos(t, 'x', true);
          g.strokeStyle = precisionColour(r.precision, k);
          g.beginPath();
          g.moveTo(x, u.bbox.top);
          g.lineTo(x, u.bbox.top + u.bbox.height);
          g.stroke();
        });
        g.restore();
      },
    },
  };
}

function chart(box: HTMLElement, spec: ChartSpec, results: readonly PrecisionResult[]): uPlot {
  const x = results[0].series.step;
  const data: (number | null)[][] = [x];
  const series: uPlot.Series[] = [{ label: 'step' }];
  const bands: uPlot.Band[] = [];
  results.forEach((r, k) => {
    const colour = precisionColour(r.precision, k);
    for (const b of spec.bands(r)) {
      const fix = spec.log ? positive : (v: (number | null)[]) => v;
      const at = data.length;
      data.push(fix(b.band.median), fix(b.band.high), fix(b.band.low));
      series.push(
        {
          label: `${r.precision} ${b.label}`,
          stroke: colour,
          width: 1.6,
          dash: b.dash,
          points: { show: false },
        },
        { label: '', stroke: 'transparent', width: 0, points: { show: false } },
        { label: '', stroke: 'transparent', width: 0, points: { show: false } },
      );
      bands.push({ series: [at + 1, at + 2], fill: withAlpha(colour, b.dash.length > 0 ? 0.1 : 0.16) });
    }
  });
  const axes = spec.log
    ? gapChartAxes([1e-12, 1])
    : { scales: { x: { time: false } }, axes: [{ ...AXIS }, { ...AXIS, size: 50 }] };
  const opts = {
    title: spec.title,
    width: Math.max(240, box.clientWidth || 320),
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    ...axes,
    series,
    bands,
    plugins: [divergenceMarks(results)],
  } as uPlot.Options;
  return new uPlot(opts, data as uPlot.AlignedData, box);
}

/** The charts of a run, drawn into `root` (emptied first); returns them for resizing and destroying. */
export class ModelCharts {
  private plots: uPlot[] = [];
  private readonly boxes: HTMLElement[];
  private readonly legend: HTMLElement;

  constructor(root: HTMLElement) {
    root.classList.add('model-charts');
    this.boxes = SPECS.map((_, i) => {
      const b = document.createElement('div');
      b.className = 'model-chart';
      b.dataset.chart = ['loss', 'accuracy', 'gap'][i];
      return b;
    });
    this.legend = document.createElement('div');
    this.legend.className = 'model-chart-legend';
    root.replaceChildren(...this.boxes, this.legend);
  }

  get count(): number {
    return this.plots.length;
  }

  draw(results: readonly PrecisionResult[]): void {
    this.destroy();
    if (results.length === 0) return;
    this.plots = SPECS.map((s, i) => chart(this.boxes[i], s, results));
    this.legend.replaceChildren(
      ...results.map((r, k) => {
        const item = document.createElement('span');
        const swatch = document.createElement('i');
        swatch.style.background = precisionColour(r.precision, k);
        const seeds = r.series.seeds === r.records.length ? '' : `, loss over ${r.series.seeds}`;
        item.append(swatch, `${r.precision} (${r.records.length.toLocaleString('en-US')} seeds${seeds})`);
        return item;
      }),
      text(
        'solid: weight decay · dashed: exponential run projected back · band: 10–90% of seeds · dotted: median divergence step',
      ),
    );
  }

  resize(): void {
    this.plots.forEach((p, i) => {
      p.setSize({ width: Math.max(240, this.boxes[i].clientWidth || 320), height: HEIGHT });
    });
  }

  destroy(): void {
    for (const p of this.plots) p.destroy();
    this.plots = [];
  }
}

function text(s: string): HTMLElement {
  const el = document.createElement('span');
  el.className = 'model-chart-note';
  el.textContent = s;
  return el;
}
