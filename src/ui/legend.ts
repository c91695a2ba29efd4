/**
 * The heatmap's colour legend (DOM): the colormap as a vertical bar, with the loss values at its ends and
 * middle. The gradient comes from the same stops as the shader's lookup table.
 */
import { colormapCss } from '../render/colormap';

/** Labels with enough decimals for the bar's span (so a mid value near 0 reads 0.000, not 8.45e-4). */
function format(v: number, span: number): string {
  const a = Math.max(Math.abs(v), span);
  if (a >= 1e5 || span < 1e-4) return v.toExponential(2);
  const decimals = Math.max(0, 2 - Math.floor(Math.log10(span)));
  return v.toFixed(decimals);
}

export class Legend {
  private readonly labels: HTMLElement[];

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
    bar.style.background = colormapCss('to top');
    const ticks = document.createElement('div');
    ticks.className = 'legend-ticks';
    this.labels = [0, 1, 2].map(() => {
      const span = document.createElement('span');
      ticks.append(span);
      return span;
    });
    body.append(bar, ticks);
    const key = document.createElement('div');
    key.className = 'legend-key';
    key.innerHTML =
      '<div><i class="swatch swatch-wd"></i>weight decay w<sub>t</sub></div>' +
      '<div><i class="swatch swatch-ex"></i>exp. lr, projected α<sup>t</sup>w̃<sub>t</sub></div>';
    root.append(title, body, key);
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
