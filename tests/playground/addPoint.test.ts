/**
 * Click to add (src/playground/addPoint.ts): the clicked point joins the config, and a polar click maps
 * back to the plane point it shows (checked against r·(cos θ, sin θ) worked by hand).
 */
import { describe, expect, it } from 'vitest';
import { planePointAt, withPointAdded } from '../../src/playground/addPoint';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';

describe('click to add', () => {
  it('a plane click is the point itself', () => {
    expect(planePointAt(0.3, -1.2, 'plane')).toEqual([0.3, -1.2]);
  });

  it('a polar click (θ, ln r) is r·(cos θ, sin θ)', () => {
    const [x, y] = planePointAt(Math.PI / 2, Math.log(2), 'polar');
    expect(x).toBeCloseTo(0, 12);
    expect(y).toBeCloseTo(2, 12);
    const [u, v] = planePointAt(Math.PI, 0, 'polar');
    expect([u, v].map((c) => Number(c.toFixed(12)))).toEqual([-1, 0]);
  });

  it('adds to init.points, or to init.extra beside a generated init, without touching the input', () => {
    const points = {
      ...structuredClone(PLAYGROUND_DEFAULTS),
      init: { points: [[1, 2]] as [number, number][] },
    };
    expect(withPointAdded(points, [3, 4]).init).toEqual({
      points: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(points.init.points).toHaveLength(1);
    const ring = { ...structuredClone(PLAYGROUND_DEFAULTS), init: { ring: { count: 8, radius: 1 } } };
    const once = withPointAdded(ring, [0.5, 0.5]);
    expect(withPointAdded(once, [-1, 0]).init).toEqual({
      ring: { count: 8, radius: 1 },
      extra: [
        [0.5, 0.5],
        [-1, 0],
      ],
    });
    expect(ring.init).toEqual({ ring: { count: 8, radius: 1 } });
  });
});
