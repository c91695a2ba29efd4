/**
 * The slice canvas of the models page: keeps its backing store at CSS size × devicePixelRatio, frames the
 * picture's paths, and repaints (src/render/model/sliceView.ts) on resize, theme or picture changes.
 */
import { type Frame, frameOf } from '../../playground/model/paths';
import type { SlicePicture } from '../../playground/model/picture';
import type { Theme } from '../../playground/viewState';
import { drawSlice } from '../../render/model/sliceView';

export class SlicePanel {
  private picture: SlicePicture | null = null;
  private message: string | undefined;
  private theme: Theme = 'dark';
  private frame: Frame = { cx: 0, cy: 0, halfHeight: 1.2 };
  private readonly observer: ResizeObserver;
  /** Times the canvas was painted (tests read it). */
  paints = 0;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.observer = new ResizeObserver(() => this.draw());
    this.observer.observe(canvas);
  }

  private get dpr(): number {
    return Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  }

  private fit(): boolean {
    const w = Math.max(1, Math.round(this.canvas.clientWidth * this.dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * this.dpr));
    const changed = this.canvas.width !== w || this.canvas.height !== h;
    if (changed) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    return changed;
  }

  show(picture: SlicePicture | null, message?: string): void {
    this.picture = picture;
    this.message = message;
    this.refit();
    this.draw();
  }

  setMessage(message: string | undefined): void {
    this.message = message;
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.draw();
  }

  private refit(): void {
    this.fit();
    const aspect = this.canvas.width / Math.max(1, this.canvas.height);
    this.frame = this.picture?.paths
      ? frameOf(this.picture.paths, aspect)
      : { cx: 0, cy: 0, halfHeight: 1.2 };
  }

  draw(): void {
    if (this.fit()) this.refit();
    const p = this.picture;
    drawSlice(
      this.canvas,
      {
        theme: this.theme,
        profile: p?.profile ?? null,
        paths: p?.paths ?? null,
        frame: this.frame,
        sliceLabel: p?.sliceLabel ?? '—',
        pathsLabel: p?.pathsLabel ?? '—',
        causes: p?.causes ?? null,
        message: this.message,
      },
      this.dpr,
    );
    this.paints++;
  }

  png(): Promise<Blob> {
    return new Promise((resolve, reject) =>
      this.canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('the canvas could not be encoded'))),
        'image/png',
      ),
    );
  }

  destroy(): void {
    this.observer.disconnect();
  }
}
