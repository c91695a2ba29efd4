/**
 * Presentation mode: hides the GUI, the intro, the overlay, the drift panel and the banners (the legend
 * and the tour's caption bar stay); optionally fixes the canvas's drawing buffer to 720p, 1080p or 4K and
 * letterboxes it into the window; sets the caption size and the colour theme.
 *
 * Fixed resolution: the canvas's backing store is exactly that many pixels (the renderer draws at a fixed
 * size), while its CSS box is the letterboxed size: the element is laid out at the size it is shown at, with
 * no CSS scale, so pointer positions (relative to its bounding box) and the camera's viewport (its CSS
 * size) agree and pan and zoom stay exact.
 *
 * The theme option sets `view.theme` (the canvas, the legend, the drift panel and captions follow it);
 * applyPageTheme() restyles the page's chrome for the view's theme.
 */
import type { Theme } from '../playground/viewState';
import { palette } from '../render/theme';

export type PresentationResolution = 'window' | '720p' | '1080p' | '4k';

export interface PresentationOptions {
  on?: boolean;
  resolution?: PresentationResolution;
  /** Caption bar font size in CSS pixels. */
  captionSize?: number;
  /** Sets the view's theme (view.theme). */
  theme?: Theme;
}

export type PresentationState = Required<PresentationOptions>;

export const RESOLUTIONS: Record<Exclude<PresentationResolution, 'window'>, [number, number]> = {
  '720p': [1280, 720],
  '1080p': [1920, 1080],
  '4k': [3840, 2160],
};

/** A fixed drawing size for the visible canvas: device pixels, and device pixels per CSS pixel shown. */
export interface CanvasFixedSize {
  width: number;
  height: number;
  pixelRatio: number;
}

/** What presentation mode drives in the app. */
export interface PresentationHooks {
  /** The view's theme now, and setting it (view.theme). */
  getTheme?(): Theme;
  setTheme?(theme: Theme): void;
  /** Fixes the visible canvas's drawing buffer (null: back to its CSS box × DPR). */
  setFixedSize?(size: CanvasFixedSize | null): void;
}

const CSS = `
body.presenting #gui, body.presenting #intro, body.presenting #overlay, body.presenting #drift,
body.presenting #banners, body.presenting .record-progress:not(.active) { display: none !important; }
body.presenting .tour-text { font-size: var(--caption-size, 18px); }
body.presenting.fixed-res #view { inset: auto !important; left: 50% !important; top: 50% !important;
  transform: translate(-50%, -50%); }
`;

const THEME_CSS = (() => {
  const c = palette('light').chrome;
  return `
body.theme-light { background: #f6f6f9 !important; color: ${c.text} !important; --panel-background: ${c.panel}; }
body.theme-light .legend, body.theme-light .overlay, body.theme-light .tour, body.theme-light .drift-panel,
body.theme-light .shortcut-help, body.theme-light .ptab, body.theme-light .ui-panel { background: ${c.panel} !important;
  color: ${c.text} !important; --panel-background: ${c.panel}; }
body.theme-light #stage, body.theme-light #side { background: #f6f6f9; }
body.theme-light .lil-gui { --background-color: #f4f4f7; --text-color: ${c.text}; --title-background-color: #e2e2e8;
  --title-text-color: ${c.text}; --widget-color: #dcdce3; --hover-color: #cfcfd8; --focus-color: #c4c4ce;
  --number-color: #0369a1; --string-color: #4d7c0f; }
`;
})();

let themeStyle: HTMLStyleElement | null = null;

/** Restyles the page's chrome for `theme` (a body class; cheap to call every frame). */
export function applyPageTheme(theme: Theme): void {
  if (!themeStyle) {
    themeStyle = document.createElement('style');
    themeStyle.textContent = THEME_CSS;
    document.head.append(themeStyle);
  }
  const light = theme === 'light';
  if (document.body.classList.contains('theme-light') !== light)
    document.body.classList.toggle('theme-light', light);
}

/** The CSS size a w × h picture is shown at, letterboxed into a window of winW × winH CSS pixels. */
export function letterbox(w: number, h: number, winW: number, winH: number): [number, number] {
  const k = Math.min(winW / w, winH / h);
  return [w * k, h * k];
}

export class Presentation {
  private readonly style: HTMLStyleElement;
  private current: Omit<PresentationState, 'theme'> = { on: false, resolution: 'window', captionSize: 18 };
  private fallbackTheme: Theme = 'dark';
  private readonly onResize = () => this.layout();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly hooks: PresentationHooks = {},
  ) {
    this.style = document.createElement('style');
    this.style.textContent = CSS;
    document.head.append(this.style);
    window.addEventListener('resize', this.onResize);
  }

  get state(): PresentationState {
    return { ...this.current, theme: this.hooks.getTheme?.() ?? this.fallbackTheme };
  }

  /** Merges `o` into the state and applies it; returns the new state. */
  apply(o: PresentationOptions = {}): PresentationState {
    const { theme, ...rest } = o;
    const next = { ...this.current, on: true, ...rest };
    if (next.resolution !== 'window' && !(next.resolution in RESOLUTIONS))
      throw new Error(`resolution must be window, 720p, 1080p or 4k, got ${next.resolution}`);
    if (!(Number.isFinite(next.captionSize) && next.captionSize >= 8 && next.captionSize <= 96))
      throw new Error(`captionSize must be 8..96 CSS pixels, got ${next.captionSize}`);
    if (theme !== undefined && theme !== 'dark' && theme !== 'light')
      throw new Error(`theme must be dark or light, got ${JSON.stringify(theme)}`);
    this.current = next;
    if (theme !== undefined) {
      this.fallbackTheme = theme;
      this.hooks.setTheme?.(theme);
      if (!this.hooks.setTheme) applyPageTheme(theme);
    }
    const body = document.body;
    body.classList.toggle('presenting', next.on);
    body.style.setProperty('--caption-size', `${next.captionSize}px`);
    this.layout();
    return this.state;
  }

  toggle(): PresentationState {
    return this.apply({ on: !this.current.on });
  }

  /**
   * Fixed resolution: the backing store is exactly w × h device pixels; the CSS box is the letterboxed
   * size (centred, no scale), and the renderer maps w device pixels onto it.
   */
  private layout(): void {
    const s = this.canvas.style;
    const fixed = this.current.on && this.current.resolution !== 'window';
    document.body.classList.toggle('fixed-res', fixed);
    if (!fixed) {
      for (const p of ['width', 'height', 'transform'] as const) s.removeProperty(p);
      this.hooks.setFixedSize?.(null);
      return;
    }
    const [w, h] = RESOLUTIONS[this.current.resolution as keyof typeof RESOLUTIONS];
    const box = this.canvas.parentElement;
    const [cssW, cssH] = letterbox(
      w,
      h,
      box?.clientWidth || window.innerWidth,
      box?.clientHeight || window.innerHeight,
    );
    s.width = `${cssW}px`;
    s.height = `${cssH}px`;
    s.removeProperty('transform');
    this.hooks.setFixedSize?.({ width: w, height: h, pixelRatio: w / cssW });
  }

  destroy(): void {
    this.current = { ...this.current, on: false };
    document.body.classList.remove('presenting', 'fixed-res');
    for (const p of ['width', 'height', 'transform'] as const) this.canvas.style.removeProperty(p);
    window.removeEventListener('resize', this.onResize);
    this.style.remove();
  }
}
