/**
 * A 2-D camera: a centre and a half-height in world units, y up. Drag (mouse or one finger) pans, the wheel
 * and a two-finger pinch zoom about the cursor / the fingers' midpoint, and a click (press and release
 * without dragging) calls `onPick` with the world point under it.
 *
 * Two spaces keep their own view: `plane` (x, y) and `polar` (θ, ln|w|); the renderer selects one per
 * frame. The canvas may be split into `panes` equal columns (side by side): the viewport is then one pane,
 * and pointer positions are taken relative to the pane they fall in.
 */
import { type GestureAction, PointerGesture } from './gesture';

export interface WorldRect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export type CameraSpace = 'plane' | 'polar';

interface View {
  cx: number;
  cy: number;
  halfHeight: number;
}

const MIN_HALF_HEIGHT = 1e-4;
const MAX_HALF_HEIGHT = 1e4;
const WHEEL_ZOOM_PER_PIXEL = 0.0015;

export class Camera {
  cx = 0;
  cy = 0;
  halfHeight = 1.25;
  /** Called with the world point (of the current space) of a click or tap, and the pane it fell in. */
  onPick: ((x: number, y: number, pane: number) => void) | null = null;
  /** Viewport (one pane) in CSS pixels: the aspect ratio and the pixel → world scale come from it. */
  private width = 1;
  private height = 1;
  private paneCount = 1;
  private current: CameraSpace = 'plane';
  /** The view of the space not shown now (null: fit it when first shown). */
  private saved: Record<CameraSpace, View | null> = { plane: null, polar: null };
  private version = 0;

  /** Increases at every change, so the renderer knows when to recompute the field. */
  get revision(): number {
    return this.version;
  }

  get space(): CameraSpace {
    return this.current;
  }

  get panes(): number {
    return this.paneCount;
  }

  /** Shows `space` with the canvas split into `panes` columns (the renderer calls this every frame). */
  configure(space: CameraSpace, panes: number): void {
    if (panes !== this.paneCount) {
      this.width = Math.max(1, (this.width * this.paneCount) / panes);
      this.paneCount = panes;
      this.version++;
    }
    if (space === this.current) return;
    this.saved[this.current] = { cx: this.cx, cy: this.cy, halfHeight: this.halfHeight };
    this.current = space;
    const v = this.saved[space];
    if (v) Object.assign(this, v);
    else if (space === 'polar') this.fitPolar(1);
    else this.fit(1);
    this.version++;
  }

  /**
   * An independent copy (views of both spaces, viewport, panes; no listeners): off-screen frames draw
   * through it at another size without disturbing this camera.
   */
  clone(): Camera {
    const c = new Camera();
    Object.assign(c, { cx: this.cx, cy: this.cy, halfHeight: this.halfHeight });
    c.width = this.width;
    c.height = this.height;
    c.paneCount = this.paneCount;
    c.current = this.current;
    c.saved = structuredClone(this.saved);
    c.version = this.version;
    return c;
  }

  /** The plane view, whichever space is shown (for the URL's view.camera). */
  planeView(): { center: [number, number]; halfHeight: number } {
    const v = this.current === 'plane' ? this : (this.saved.plane ?? { cx: 0, cy: 0, halfHeight: 1.25 });
    return { center: [v.cx, v.cy], halfHeight: v.halfHeight };
  }

  /** Restores a plane view (from the URL's view.camera), whichever space is shown. */
  setPlaneView(center: [number, number], halfHeight: number): void {
    const v = { cx: center[0], cy: center[1], halfHeight: clampHalfHeight(halfHeight) };
    if (this.current === 'plane') Object.assign(this, v);
    else this.saved.plane = v;
    this.version++;
  }

  /**
   * Moves the plane view a fraction `k` (0–1) of the way toward `target`: the centre linearly, the
   * half-height geometrically (so zooming eases evenly). Called once a frame, it follows a moving target
   * smoothly; k = 1 jumps. Returns whether anything moved.
   */
  easeTo(target: { center: [number, number]; halfHeight: number }, k: number): boolean {
    if (!(k > 0 && k <= 1)) throw new RangeError(`easeTo: k must be in (0, 1], got ${k}`);
    const v = this.planeView();
    const h = clampHalfHeight(target.halfHeight);
    const near =
      Math.abs(v.center[0] - target.center[0]) < 1e-9 * h &&
      Math.abs(v.center[1] - target.center[1]) < 1e-9 * h &&
      Math.abs(Math.log(v.halfHeight / h)) < 1e-9;
    if (near) return false;
    const lerp = (a: number, b: number) => (k === 1 ? b : a + (b - a) * k);
    this.setPlaneView(
      [lerp(v.center[0], target.center[0]), lerp(v.center[1], target.center[1])],
      k === 1 ? h : Math.exp(lerp(Math.log(v.halfHeight), Math.log(h))),
    );
    return true;
  }

  /** Sets the whole canvas's CSS size; the viewport is one pane of it. */
  setViewport(cssWidth: number, cssHeight: number): void {
    const w = Math.max(1, cssWidth / this.paneCount);
    const h = Math.max(1, cssHeight);
    if (w === this.width && h === this.height) return;
    this.width = w;
    this.height = h;
    this.version++;
  }

  get aspect(): number {
    return this.width / this.height;
  }

  /**
   * Shows the rectangle |x|, |y| ≤ extent around (cx, cy), whichever axis is tighter. Applies to the plane
   * view; the polar view is refitted to the same radius (ln extent near the top), so both agree later.
   */
  fit(extent: number, cx = 0, cy = 0): void {
    const plane = { cx, cy, halfHeight: clampHalfHeight(this.aspect >= 1 ? extent : extent / this.aspect) };
    if (this.current === 'plane') Object.assign(this, plane);
    else this.saved.plane = plane;
    this.fitPolar(extent);
    this.version++;
  }

  /** Polar view: θ ∈ [−π, π] across the width, ln|w| with ln(extent) a fifth below the top. */
  fitPolar(extent: number): void {
    const h = clampHalfHeight(Math.PI / this.aspect);
    const v = { cx: 0, cy: Math.log(Math.max(1e-30, extent)) - 0.6 * h, halfHeight: h };
    if (this.current === 'polar') Object.assign(this, v);
    else this.saved.polar = v;
    this.version++;
  }

  get halfWidth(): number {
    return this.halfHeight * this.aspect;
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

  /** clip = world · scale + offset (for one pane's viewport). */
  clipTransform(): { scale: [number, number]; offset: [number, number] } {
    const sx = 1 / this.halfWidth;
    const sy = 1 / this.halfHeight;
    return { scale: [sx, sy], offset: [-this.cx * sx, -this.cy * sy] };
  }

  /** Pane index and pane-local CSS position of a canvas CSS position. */
  paneAt(px: number): { pane: number; x: number } {
    const pane = Math.min(this.paneCount - 1, Math.max(0, Math.floor(px / this.width)));
    return { pane, x: px - pane * this.width };
  }

  /** World point under a pane-local CSS-pixel position (origin top left). */
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

  /** Zooms by `factor` (> 1 zooms out) keeping the world point under pane-local (px, py) fixed. */
  zoomAt(px: number, py: number, factor: number): void {
    const [wx, wy] = this.worldAt(px, py);
    const h = clampHalfHeight(this.halfHeight * factor);
    const f = h / this.halfHeight;
    this.cx = wx + (this.cx - wx) * f;
    this.cy = wy + (this.cy - wy) * f;
    this.halfHeight = h;
    this.version++;
  }

  /** Applies a gesture given in canvas CSS pixels. */
  apply(a: GestureAction): void {
    if (a.kind === 'pan') this.panByPixels(a.dx, a.dy);
    else if (a.kind === 'pinch') {
      this.panByPixels(a.dx, a.dy);
      this.zoomAt(this.paneAt(a.x).x, a.y, a.factor);
    } else if (this.onPick) {
      const { pane, x } = this.paneAt(a.x);
      const [wx, wy] = this.worldAt(x, a.y);
      this.onPick(wx, wy, pane);
    }
  }

  /** Pointer (mouse, touch, pen) and wheel input on `el`; returns a function that removes the listeners. */
  attach(el: HTMLElement): () => void {
    const gesture = new PointerGesture();
    el.style.touchAction = 'none'; // the page must not scroll or zoom under a pinch
    const local = (e: PointerEvent | WheelEvent) => {
      const r = el.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top] as const;
    };
    const down = (e: PointerEvent) => {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      el.setPointerCapture(e.pointerId);
      for (const a of gesture.down(e.pointerId, ...local(e))) this.apply(a);
    };
    const move = (e: PointerEvent) => {
      for (const a of gesture.move(e.pointerId, ...local(e))) this.apply(a);
    };
    const up = (e: PointerEvent) => {
      for (const a of gesture.up(e.pointerId, ...local(e))) this.apply(a);
    };
    const cancel = (e: PointerEvent) => gesture.cancel(e.pointerId);
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const [x, y] = local(e);
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      this.zoomAt(this.paneAt(x).x, y, Math.exp(dy * WHEEL_ZOOM_PER_PIXEL));
    };
    const listeners: [string, EventListener][] = [
      ['pointerdown', down as EventListener],
      ['pointermove', move as EventListener],
      ['pointerup', up as EventListener],
      ['pointercancel', cancel as EventListener],
    ];
    for (const [name, fn] of listeners) el.addEventListener(name, fn);
    el.addEventListener('wheel', wheel, { passive: false });
    return () => {
      for (const [name, fn] of listeners) el.removeEventListener(name, fn);
      el.removeEventListener('wheel', wheel);
    };
  }
}

function clampHalfHeight(h: number): number {
  return Math.min(MAX_HALF_HEIGHT, Math.max(MIN_HALF_HEIGHT, h));
}
