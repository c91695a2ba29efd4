/**
 * A 2-D camera over the weight plane: a centre and a half-height in world units, y up. Drag pans, the
 * wheel zooms about the cursor. The renderer asks it for the world → clip transform and the visible
 * world rectangle (the loss field is computed over exactly that rectangle).
 */

export interface WorldRect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const MIN_HALF_HEIGHT = 1e-4;
const MAX_HALF_HEIGHT = 1e4;
const WHEEL_ZOOM_PER_PIXEL = 0.0015;

export class Camera {
  cx = 0;
  cy = 0;
  halfHeight = 1.25;
  /** Canvas size in CSS pixels (the aspect ratio and the pixel → world scale come from it). */
  private width = 1;
  private height = 1;
  private version = 0;

  /** Increases at every change, so the renderer knows when to recompute the field. */
  get revision(): number {
    return this.version;
  }

  setViewport(cssWidth: number, cssHeight: number): void {
    if (cssWidth === this.width && cssHeight === this.height) return;
    this.width = Math.max(1, cssWidth);
    this.height = Math.max(1, cssHeight);
    this.version++;
  }

  /** Shows the rectangle |x|, |y| ≤ extent around (cx, cy), whichever axis is tighter. */
  fit(extent: number, cx = 0, cy = 0): void {
    const aspect = this.width / this.height;
    this.cx = cx;
    this.cy = cy;
    this.halfHeight = clampHalfHeight(aspect >= 1 ? extent : extent / aspect);
    this.version++;
  }

  get halfWidth(): number {
    return (this.halfHeight * this.width) / this.height;
  }

  rect(): WorldRect {
    const hw = this.halfWidth;
    return {
      x0: this.cx - hw,
      x1: this.cx + hw,
      y0: this.cy - this.halfHeight,
      y1: this.cy + this.halfHeight,
    };
  }

  /** clip = world · scale + offset. */
  clipTransform(): { scale: [number, number]; offset: [number, number] } {
    const sx = 1 / this.halfWidth;
    const sy = 1 / this.halfHeight;
    return { scale: [sx, sy], offset: [-this.cx * sx, -this.cy * sy] };
  }

  /** World point under a CSS-pixel position (origin top left). */
  worldAt(px: number, py: number): [number, number] {
    const hw = this.halfWidth;
    return [
      this.cx + ((2 * px) / this.width) * hw - hw,
      this.cy + this.halfHeight - ((2 * py) / this.height) * this.halfHeight,
    ];
  }

  panByPixels(dx: number, dy: number): void {
    const perPixel = (2 * this.halfHeight) / this.height;
    this.cx -= dx * perPixel;
    this.cy += dy * perPixel;
    this.version++;
  }

  /** Zooms by `factor` (> 1 zooms out) keeping the world point under (px, py) fixed. */
  zoomAt(px: number, py: number, factor: number): void {
    const [wx, wy] = this.worldAt(px, py);
    const h = clampHalfHeight(this.halfHeight * factor);
    const f = h / this.halfHeight;
    this.cx = wx + (this.cx - wx) * f;
    this.cy = wy + (this.cy - wy) * f;
    this.halfHeight = h;
    this.version++;
  }

  /** Pointer drag to pan and wheel to zoom on `el`; returns a function that removes the listeners. */
  attach(el: HTMLElement): () => void {
    let last: { x: number; y: number; id: number } | null = null;
    const down = (e: PointerEvent) => {
      if (e.button !== 0) return;
      last = { x: e.clientX, y: e.clientY, id: e.pointerId };
      el.setPointerCapture(e.pointerId);
    };
    const move = (e: PointerEvent) => {
      if (!last || e.pointerId !== last.id) return;
      this.panByPixels(e.clientX - last.x, e.clientY - last.y);
      last = { x: e.clientX, y: e.clientY, id: e.pointerId };
    };
    const up = (e: PointerEvent) => {
      if (last && e.pointerId === last.id) last = null;
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      this.zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(dy * WHEEL_ZOOM_PER_PIXEL));
    };
    el.addEventListener('pointerdown', down);
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    el.addEventListener('wheel', wheel, { passive: false });
    return () => {
      el.removeEventListener('pointerdown', down);
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      el.removeEventListener('wheel', wheel);
    };
  }
}

function clampHalfHeight(h: number): number {
  return Math.min(MAX_HALF_HEIGHT, Math.max(MIN_HALF_HEIGHT, h));
}
