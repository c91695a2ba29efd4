/**
 * Pointer gestures, kept free of the DOM so they can be unit-tested: one pointer drags (pan), two pointers
 * pinch (zoom about their midpoint, and pan with it), and a press released without moving more than a few
 * pixels — and without a second finger — is a pick (click / tap).
 */

export type GestureAction =
  | { kind: 'pan'; dx: number; dy: number }
  | { kind: 'pinch'; x: number; y: number; factor: number; dx: number; dy: number }
  | { kind: 'pick'; x: number; y: number };

/** Movement (CSS px) up to which a press still counts as a click. */
export const PICK_SLOP = 5;

interface Press {
  x: number;
  y: number;
}

export class PointerGesture {
  private readonly points = new Map<number, Press>();
  /** Start of a potential pick; null once it moved too far or a second pointer came down. */
  private pick: { id: number; x0: number; y0: number } | null = null;
  /** Drag started (moved past the slop): from then on moves pan. */
  private dragging = false;

  get active(): number {
    return this.points.size;
  }

  down(id: number, x: number, y: number): GestureAction[] {
    this.points.set(id, { x, y });
    if (this.points.size === 1) {
      this.pick = { id, x0: x, y0: y };
      this.dragging = false;
    } else {
      this.pick = null;
    }
    return [];
  }

  move(id: number, x: number, y: number): GestureAction[] {
    const p = this.points.get(id);
    if (!p) return [];
    if (this.points.size >= 2) {
      const [a, b] = [...this.points.entries()].slice(0, 2);
      if (a[0] !== id && b[0] !== id) {
        p.x = x;
        p.y = y;
        return [];
      }
      const other = a[0] === id ? b[1] : a[1];
      const before = {
        mx: (p.x + other.x) / 2,
        my: (p.y + other.y) / 2,
        d: Math.hypot(p.x - other.x, p.y - other.y),
      };
      p.x = x;
      p.y = y;
      const mx = (x + other.x) / 2;
      const my = (y + other.y) / 2;
      const d = Math.hypot(x - other.x, y - other.y);
      if (before.d < 1 || d < 1) return [];
      // Zoom factor > 1 zooms out: fingers coming together show more.
      return [{ kind: 'pinch', x: mx, y: my, factor: before.d / d, dx: mx - before.mx, dy: my - before.my }];
    }
    const dx = x - p.x;
    const dy = y - p.y;
    if (this.pick && !this.dragging) {
      if (Math.hypot(x - this.pick.x0, y - this.pick.y0) <= PICK_SLOP) return [];
      // Past the slop: a drag after all; pan by the whole way from the press.
      this.dragging = true;
      this.pick = null;
      p.x = x;
      p.y = y;
      return [{ kind: 'pan', dx, dy }];
    }
    p.x = x;
    p.y = y;
    return dx === 0 && dy === 0 ? [] : [{ kind: 'pan', dx, dy }];
  }

  up(id: number, x: number, y: number): GestureAction[] {
    if (!this.points.has(id)) return [];
    this.points.delete(id);
    const pick = this.pick;
    this.pick = null;
    if (pick && pick.id === id && this.points.size === 0) return [{ kind: 'pick', x, y }];
    return [];
  }

  /** pointercancel: forget the pointer, never a pick. */
  cancel(id: number): void {
    this.points.delete(id);
    this.pick = null;
  }
}
