/**
 * Presentation mode: hides the GUI, the intro, the overlay, the drift panel and the banners (the legend
 * and the tour's caption bar stay); optionally fixes the canvas's drawing buffer to 720p, 1080p or 4K and
 * letterboxes it into the window (a CSS scale, so the buffer keeps exactly that many pixels); sets the
 * caption size and dark or light colours. The light theme restyles the page's chrome (legend, caption
 * bar, letterbox) and the renderer's clear colour; the heatmap's colour map and the path colours stay
 * as they are (they are chosen for contrast with each other, not with the page).
 */

export type PresentationResolution = 'window' | '720p' | '1080p' | '4k';

export interface PresentationOptions {
  on?: boolean;
  resolution?: PresentationResolution;
  /** Caption bar font size in CSS pixels. */
  captionSize?: number;
  theme?: 'dark' | 'light';
}

export type PresentationState = Required<PresentationOptions>;

export const RESOLUTIONS: Record<Exclude<PresentationResolution, 'window'>, [number, number]> = {
  '720p': [1280, 720],
  '1080p': [1920, 1080],
  '4k': [3840, 2160],
};

const CLEAR = {
  dark: { r: 0.05, g: 0.05, b: 0.08, a: 1 },
  light: { r: 0.97, g: 0.97, b: 0.98, a: 1 },
};

const CSS = `
body.presenting #gui, body.presenting #intro, body.presenting #overlay, body.presenting #drift,
body.presenting #banners, body.presenting .record-progress:not(.active) { display: none !important; }
body.presenting .tour-text { font-size: var(--caption-size, 18px); }
body.theme-light { background: #f6f6f9 !important; color: #15151c !important; }
body.theme-light .legend, body.theme-light .overlay, body.theme-light .tour,
body.theme-light .shortcut-help { background: #ffffffd8 !important; color: #15151c !important; }
body.presenting.fixed-res #view { inset: auto !important; left: 50% !important; top: 50% !important;
  transform-origin: 0 0; }
`;

export class Presentation {
  private readonly style: HTMLStyleElement;
  private current: PresentationState = { on: false, resolution: 'window', captionSize: 18, theme: 'dark' };
  private readonly onResize = () => this.layout();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    /** Sets the renderer's clear colour (optional: without it the light theme is page chrome only). */
    private readonly setClearColor?: (c: GPUColorDict) => void,
  ) {
    this.style = document.createElement('style');
    this.style.textContent = CSS;
    document.head.append(this.style);
    window.addEventListener('resize', this.onResize);
  }

  get state(): PresentationState {
    return { ...this.current };
  }

  /** Merges `o` into the state and applies it; returns the new state. */
  apply(o: PresentationOptions = {}): PresentationState {
    const next = { ...this.current, on: true, ...o };
    if (next.resolution !== 'window' && !(next.resolution in RESOLUTIONS))
      throw new Error(`resolution must be window, 720p, 1080p or 4k, got ${next.resolution}`);
    if (!(Number.isFinite(next.captionSize) && next.captionSize >= 8 && next.captionSize <= 96))
      throw new Error(`captionSize must be 8..96 CSS pixels, got ${next.captionSize}`);
    if (next.theme !== 'dark' && next.theme !== 'light') throw new Error(`theme must be dark or light`);
    this.current = next;
    const body = document.body;
    body.classList.toggle('presenting', next.on);
    body.classList.toggle('theme-light', next.theme === 'light');
    body.style.setProperty('--caption-size', `${next.captionSize}px`);
    this.setClearColor?.(CLEAR[next.theme]);
    this.layout();
    return this.state;
  }

  toggle(): PresentationState {
    return this.apply({ on: !this.current.on });
  }

  /** Fixed resolution: CSS size = pixels / DPR (so the buffer has exactly those pixels), scaled to fit. */
  private layout(): void {
    const s = this.canvas.style;
    const fixed = this.current.on && this.current.resolution !== 'window';
    document.body.classList.toggle('fixed-res', fixed);
    if (!fixed) {
      for (const p of ['width', 'height', 'transform'] as const) s.removeProperty(p);
      return;
    }
    const [w, h] = RESOLUTIONS[this.current.resolution as keyof typeof RESOLUTIONS];
    const dpr = window.devicePixelRatio || 1;
    const cssW = w / dpr;
    const cssH = h / dpr;
    const k = Math.min(window.innerWidth / cssW, window.innerHeight / cssH);
    s.width = `${cssW}px`;
    s.height = `${cssH}px`;
    s.transform = `scale(${k}) translate(-50%, -50%)`;
  }

  destroy(): void {
    this.apply({ on: false, theme: 'dark' });
    window.removeEventListener('resize', this.onResize);
    this.style.remove();
  }
}
