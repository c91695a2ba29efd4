// Camera maths (panes, spaces, zoom about a point) and pointer gestures (pan, pinch, click), without a DOM.
import { describe, expect, it } from 'vitest';
import { Camera } from '../../src/render/camera';
import { PICK_SLOP, PointerGesture } from '../../src/render/gesture';
import { quiverGrid, quiverReference } from '../../src/render/quiver';

function camera(w = 800, h = 400, panes = 1): Camera {
  const c = new Camera();
  c.configure('plane', panes);
  c.setViewport(w, h);
  return c;
}

describe('Camera', () => {
  it('maps pane corners to the world rectangle', () => {
    const c = camera();
    c.fit(1);
    const r = c.rect();
    expect(c.worldAt(0, 0)).toEqual([r.x0, r.y1]);
    expect(c.worldAt(800, 400)).toEqual([r.x1, r.y0]);
    expect(r.y1).toBeCloseTo(1, 12);
    expect(r.x1).toBeCloseTo(2, 12);
  });

  it('side by side: two panes, positions taken relative to the pane', () => {
    const c = camera(800, 400, 2);
    c.fit(1);
    expect(c.aspect).toBe(1);
    expect(c.paneAt(600)).toEqual({ pane: 1, x: 200 });
    const picks: [number, number, number][] = [];
    c.onPick = (x, y, pane) => picks.push([x, y, pane]);
    c.apply({ kind: 'pick', x: 600, y: 200 });
    c.apply({ kind: 'pick', x: 200, y: 200 });
    expect(picks[0][2]).toBe(1);
    expect(picks[1][2]).toBe(0);
    expect(picks[0][0]).toBeCloseTo(0, 12); // both pane centres are the world centre
    expect(picks[1][0]).toBeCloseTo(0, 12);
  });

  it('zoomAt keeps the world point under the cursor', () => {
    const c = camera();
    c.fit(1, 0.3, -0.2);
    const before = c.worldAt(123, 77);
    c.zoomAt(123, 77, 0.37);
    const after = c.worldAt(123, 77);
    expect(after[0]).toBeCloseTo(before[0], 12);
    expect(after[1]).toBeCloseTo(before[1], 12);
  });

  it('a pinch keeps the world point under the fingers and zooms by the distance ratio', () => {
    const c = camera();
    c.fit(1);
    const g = new PointerGesture();
    g.down(1, 300, 200);
    g.down(2, 500, 200);
    const under = c.worldAt(400, 200);
    const h = c.halfHeight;
    // Fingers spread to twice the distance around the same midpoint: zoom in by 2.
    for (const a of g.move(1, 200, 200)) c.apply(a);
    for (const a of g.move(2, 600, 200)) c.apply(a);
    expect(c.halfHeight).toBeCloseTo(h * (200 / 300) * (300 / 400), 12);
    const now = c.worldAt(400, 200);
    expect(now[0]).toBeCloseTo(under[0], 12);
    expect(now[1]).toBeCloseTo(under[1], 12);
  });

  it('the plane and polar spaces keep their own views', () => {
    const c = camera();
    c.fit(2);
    c.panByPixels(10, 0);
    const plane = c.planeView();
    c.configure('polar', 1);
    const r = c.rect();
    expect(r.x0).toBeCloseTo(-Math.PI, 12); // θ across the width
    expect(r.x1).toBeCloseTo(Math.PI, 12);
    expect(c.planeView()).toEqual(plane);
    c.configure('plane', 1);
    expect([c.cx, c.cy, c.halfHeight]).toEqual([plane.center[0], plane.center[1], plane.halfHeight]);
  });
});

describe('PointerGesture', () => {
  it('a press released in place is a pick; a drag is not', () => {
    const g = new PointerGesture();
    g.down(1, 10, 10);
    expect(g.move(1, 12, 11)).toEqual([]);
    expect(g.up(1, 12, 11)).toEqual([{ kind: 'pick', x: 12, y: 11 }]);
    g.down(1, 10, 10);
    const pans = g.move(1, 10 + PICK_SLOP + 1, 10);
    expect(pans).toEqual([{ kind: 'pan', dx: PICK_SLOP + 1, dy: 0 }]); // the whole way from the press
    expect(g.up(1, 20, 10)).toEqual([]);
  });

  it('a second finger cancels the pick', () => {
    const g = new PointerGesture();
    g.down(1, 10, 10);
    g.down(2, 50, 10);
    expect(g.up(2, 50, 10)).toEqual([]);
    expect(g.up(1, 10, 10)).toEqual([]);
  });
});

describe('quiver references', () => {
  it('are scale invariant: zooming scales |∇L| and g_ref alike', () => {
    // |∇L| = |f′|/r; at the view edge r = H on the steepest ray, the log mode's reference is reached.
    const fpMax = 0.8;
    for (const H of [1e-3, 1, 1e3]) {
      expect(fpMax / H / quiverReference('log', fpMax, H)).toBeCloseTo(1, 12);
      expect(fpMax / (H / 2) / quiverReference('clamped', fpMax, H)).toBeCloseTo(1, 12);
    }
    expect(quiverGrid(1000, 500, 64)).toEqual([15, 7]);
  });
});

describe('Camera.setPlaneView', () => {
  it('restores the plane view even while the polar view is shown', () => {
    const c = camera();
    c.configure('polar', 1);
    c.setPlaneView([0.5, -0.25], 2);
    expect(c.planeView()).toEqual({ center: [0.5, -0.25], halfHeight: 2 });
    c.configure('plane', 1);
    expect([c.cx, c.cy, c.halfHeight]).toEqual([0.5, -0.25, 2]);
  });
});

describe('Camera.easeTo (the follow camera)', () => {
  it('moves a fraction of the way each call: centre linearly, half-height geometrically; k = 1 jumps', () => {
    const c = camera();
    c.setPlaneView([0, 0], 1);
    const target = { center: [1, -2] as [number, number], halfHeight: 4 };
    expect(c.easeTo(target, 0.5)).toBe(true);
    expect(c.planeView().center).toEqual([0.5, -1]);
    expect(c.planeView().halfHeight).toBeCloseTo(2, 12); // √(1·4)
    for (let i = 0; i < 200; i++) c.easeTo(target, 0.12);
    expect(c.planeView().center[0]).toBeCloseTo(1, 7);
    expect(c.planeView().halfHeight).toBeCloseTo(4, 7);
    c.easeTo({ center: [3, 3], halfHeight: 0.5 }, 1);
    expect(c.planeView()).toEqual({ center: [3, 3], halfHeight: 0.5 });
    expect(c.easeTo({ center: [3, 3], halfHeight: 0.5 }, 0.3)).toBe(false);
    expect(() => c.easeTo(target, 0)).toThrow(/k must be/);
  });

  it('pans by exactly the CSS drag over the viewport height, whatever the drawing buffer size', () => {
    // Presentation mode: a 1920×1080 buffer shown at 1280×720 CSS px; the camera's viewport is the CSS box.
    const c = camera(1280, 720);
    c.setPlaneView([0, 0], 1.5);
    c.apply({ kind: 'pan', dx: 100, dy: 0 } as never);
    expect(c.planeView().center[0]).toBeCloseTo((-100 * 2 * 1.5) / 720, 12);
  });
});
