/**
 * The heatmap's colour legend (DOM): the colormap as a vertical bar, with the loss values at its ends and
 * middle. The gradient comes from the same stops as the shader's lookup table.
 */
import { colormapCss } from '../render/colormap';
import type { LegendEntry, LegendSpec } from '../render/legend';
import { palette } from '../render/theme';

/** Labels with enough decimals for the bar's span (so a mid value near 0 reads 0.000, not 8.45e-4). */
function format(v: number, span: number): string {
  const a = Math.max(Math.abs(v), span);
  if (a >= 1e5 || span < 1e-4) return v.toExponential(2);
  const decimals = Math.max(0, 2 - Math.floor(Math.log10(span)));
  return v.toFixed(decimals);
}

function entry(e: LegendEntry): HTMLElement {
  const row = document.createElement('div');
  const mark = document.createElement('i');
  mark.className = 'swatch';
  if (e.pattern === 'swatch') {
    mark.style.cssText = `height: 10px; border: 0; background: ${e.color}`;
  } else {
    mark.style.borderTop = `2px ${e.pattern} ${e.color}`;
  }
  row.append(mark, document.createTextNode(e.label));
  return row;
}

export class Legend {
  private readonly labels: HTMLElement[];
  private readonly key: HTMLElement;
  private readonly bar: HTMLElement;
  private shownKey = '';

  constructor(root: HTMLElement) {
    root.replaceChildren();
    root.classList.add('legend');
    const title = document.createElement('div');
    title.className = 'legend-title';
    title.textContent = 'L(w) = f(θ)';
    const body = document.createElement('div');
    body.className = 'legend-body';
    const bar = document.createElement('div');
    bar.className = 'legend-bar';
    bar.style.background = colormapCss('to top'); // viridis, as the fallback draws it; setKey: the theme's
    this.bar = bar;
    const ticks = document.createElement('div');
    ticks.className = 'legend-ticks';
    this.labels = [0, 1, 2].map(() => {
      const span = document.createElement('span');
      ticks.append(span);
      return span;
    });
    body.append(bar, ticks);
    this.key = document.createElement('div');
    this.key.className = 'legend-key';
    root.append(title, body, this.key);
  }

  /** What the paths mean (runs and their line patterns, colours, panes, notes); redrawn only on change. */
  setKey(spec: LegendSpec): void {
    const text = JSON.stringify(spec);
    if (text === this.shownKey) return;
    this.shownKey = text;
    this.bar.style.background = colormapCss('to top', palette(spec.theme).colormap);
    const rows: HTMLElement[] = [...spec.runs.map(entry), ...spec.colors.map(entry)];
    if (spec.scale) {
      const s = spec.scale;
      const row = document.createElement('div');
      row.className = 'legend-scale';
      const bar = document.createElement('div');
      bar.style.cssText = `height: 8px; margin: 2px 0; border-radius: 2px; background: ${s.gradient}`;
      // One element per end: two bare text nodes in a flex box merge into one item ("0" "3000" → "03000").
      const ends = document.createElement('div');
      ends.className = 'legend-scale-ends';
      for (const text of [s.min, s.max]) {
        const end = document.createElement('span');
        end.textContent = text;
        ends.append(end);
      }
      row.append(document.createTextNode(s.title), bar, ends);
      rows.push(row);
    }
    for (const line of [...spec.panes, ...spec.notes]) {
      const row = document.createElement('div');
      row.className = 'legend-note';
      row.textContent = line;
      rows.push(row);
    }
    this.key.replaceChildren(...rows);
  }

  /** Loss values at the bottom (first colour) and top (last colour) of the bar. */
  setRange(min: number, max: number): void {
    const [top, mid, bottom] = this.labels;
    const span = Math.abs(max - min) || Math.abs(max) || 1;
    top.textContent = format(max, span);
    mid.textContent = format((min + max) / 2, span);
    bottom.textContent = format(min, span);
  }
}
