/**
 * The guided tour: a caption bar at the bottom centre ("‹ prev", "n / N · title — caption", "next ›",
 * "close"), docked under the canvas (src/ui/layout.css), that walks through the figures. It only shows text and calls `onShow`; loading a figure
 * (config + view) is the app's business. ←/→ move while the tour is open, Esc closes it; keys typed into
 * inputs (the GUI's sliders and text fields) are left alone.
 */
import './panel.css';
import './tour.css';
import { FIGURES, type Figure } from '../playground/figures';
import { isTextField } from './dom';

/** What the tour shows of a figure; the plane's Figure by default, the models page's own figures too. */
export interface TourFigure {
  id: string;
  title: string;
  caption: string;
}

export class Tour<F extends TourFigure = Figure> {
  private readonly bar: HTMLElement;
  private readonly text: HTMLElement;
  private readonly prevButton: HTMLButtonElement;
  private readonly nextButton: HTMLButtonElement;
  private index = -1;
  /** Bumped on every show, so a slow onShow that finishes late does not overwrite a newer error. */
  private generation = 0;

  constructor(
    container: HTMLElement,
    private readonly onShow: (f: F) => Promise<void>,
    private readonly figures: readonly F[] = FIGURES as unknown as readonly F[],
  ) {
    this.bar = document.createElement('div');
    this.bar.className = 'ui-panel tour';
    this.bar.setAttribute('role', 'region');
    this.bar.setAttribute('aria-label', 'Tour of the figures');
    this.bar.hidden = true;
    this.prevButton = button('tour-prev', '‹ prev', 'Previous figure (←)', () => void this.prev());
    this.nextButton = button('tour-next', 'next ›', 'Next figure (→)', () => void this.next());
    const close = button('tour-close', 'close', 'Close the tour (Esc)', () => this.close());
    this.text = document.createElement('span');
    this.text.className = 'tour-text';
    this.text.setAttribute('aria-live', 'polite');
    this.bar.append(this.prevButton, this.text, this.nextButton, close);
    container.append(this.bar);
  }

  get isOpen(): boolean {
    return this.index >= 0;
  }

  /** The figure on show, or null when the tour is closed. */
  get current(): F | null {
    return this.index >= 0 ? this.figures[this.index] : null;
  }

  /** Opens the tour at figure i (0-based, clamped) and shows it; resolves once onShow has. */
  start(i = 0): Promise<void> {
    // Capture phase: keys still reach the tour while a GUI button (lil-gui stops their bubbling) has focus.
    if (!this.isOpen) window.addEventListener('keydown', this.onKey, true);
    this.bar.hidden = false;
    return this.show(Math.min(Math.max(0, Math.trunc(i) || 0), this.figures.length - 1));
  }

  next(): Promise<void> {
    if (!this.isOpen || this.index >= this.figures.length - 1) return Promise.resolve();
    return this.show(this.index + 1);
  }

  prev(): Promise<void> {
    if (!this.isOpen || this.index <= 0) return Promise.resolve();
    return this.show(this.index - 1);
  }

  /** Closes the tour and removes its bar from the page (the app is being replaced). */
  destroy(): void {
    this.close();
    this.bar.remove();
  }

  close(): void {
    this.index = -1;
    this.generation++;
    this.bar.hidden = true;
    delete this.bar.dataset.figure;
    window.removeEventListener('keydown', this.onKey, true);
  }

  private async show(i: number): Promise<void> {
    const f = this.figures[i];
    const gen = ++this.generation;
    this.index = i;
    this.bar.dataset.figure = f.id;
    this.text.textContent = `${i + 1} / ${this.figures.length} · ${f.title} — ${f.caption}`;
    this.text.title = f.caption;
    this.prevButton.disabled = i === 0;
    this.nextButton.disabled = i === this.figures.length - 1;
    this.bar.classList.remove('tour-failed');
    try {
      await this.onShow(f);
    } catch (e) {
      if (gen !== this.generation) return;
      // Keep the tour usable: say what failed in the bar and let prev/next move on.
      this.bar.classList.add('tour-failed');
      this.text.textContent = `${i + 1} / ${this.figures.length} · ${f.title} — could not show: ${(e as Error).message}`;
    }
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTextField(e.target)) return;
    if (e.key === 'ArrowRight') void this.next();
    else if (e.key === 'ArrowLeft') void this.prev();
    else if (e.key === 'Escape') this.close();
    else return;
    e.preventDefault();
  };
}

function button(className: string, label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `tour-button ${className}`;
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', () => {
    b.blur(); // the keys go back to the page (←/→ move the tour)
    onClick();
  });
  return b;
}
