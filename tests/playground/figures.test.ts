/**
 * The tour's figures: each config and view is valid for the playground, and each caption's claim holds when
 * the figure's own config is re-run on the CPU reference integrator (float32 mirror of the GPU kernel, and
 * float64; df64 has no CPU twin, so float64 stands in for it where a caption speaks of df64).
 */
import { describe, expect, it } from 'vitest';
import { type Arith, F32, F64 } from '../../src/core/arith';
import { resolveLoss } from '../../src/core/config/resolve';
import { initialPoints } from '../../src/core/init';
import { Integrator, type TrajectoryState } from '../../src/core/integrator';
import { evaluateLoss, gradient, lossCoefficients } from '../../src/core/loss';
import { log2ProjectionFactor, toExponential } from '../../src/core/schedule';
import { FIGURES, type Figure, findFigure } from '../../src/playground/figures';
import { strictPlayConfig } from '../../src/playground/playConfig';
import { readViewState } from '../../src/playground/viewState';

const ARITHS: Arith<number>[] = [F32, F64];

function fig(id: string): Figure {
  const f = FIGURES.find((g) => g.id === id);
  if (!f) throw new Error(`no figure ${id}`);
  return f;
}

function integrator(A: Arith<number>, f: Figure): Integrator<number> {
  const { loss } = resolveLoss(f.config.loss);
  return new Integrator(A, loss, toExponential(f.config.optimizer), f.config.driftTolerance);
}

/** Runs one trajectory of the figure, calling `each` after every step; stops early when it returns false. */
function run(
  A: Arith<number>,
  f: Figure,
  start: [number, number],
  each: (s: TrajectoryState<number>, I: Integrator<number>) => boolean | undefined = () => true,
  steps = f.config.steps,
): TrajectoryState<number> {
  const I = integrator(A, f);
  const s = I.init(start[0], start[1]);
  for (let t = 1; t <= steps; t++) {
    I.step(s);
    if (each(s, I) === false) break;
  }
  return s;
}

const deg = (x: number, y: number) => (Math.atan2(y, x) * 180) / Math.PI;
/** Smallest difference between two angles in degrees. */
const angleDiff = (a: number, b: number) => Math.abs(((((a - b) % 360) + 540) % 360) - 180);
const START: [number, number] = [-0.7, 0.7];

describe('figures: validity', () => {
  it('has the nine figures of the tour with unique ids and one-line captions', () => {
    expect(FIGURES).toHaveLength(9);
    expect(new Set(FIGURES.map((f) => f.id)).size).toBe(FIGURES.length);
    for (const f of FIGURES) {
      expect(f.title.length).toBeGreaterThan(0);
      expect(f.caption).not.toMatch(/\n/);
      expect(f.caption.length).toBeLessThanOrEqual(150);
    }
    expect(FIGURES[6].view.mode).toBe('sideBySide');
    expect(FIGURES[1].view.quiver).toBe('log');
    expect(FIGURES[8].view.colorBy).toBe('divergence');
  });

  it.each(FIGURES.map((f) => [f.id, f] as const))(
    '%s: config passes strictPlayConfig, view has no issues',
    (_, f) => {
      expect(strictPlayConfig(structuredClone(f.config))).toEqual(f.config);
      const { view, issues } = readViewState(structuredClone(f.view));
      expect(issues).toEqual([]);
      expect(view).toEqual(f.view);
    },
  );

  it('findFigure returns a copy, and undefined for an unknown id', () => {
    const f = findFigure('projected');
    expect(f).toEqual(fig('projected'));
    if (f) f.config.steps = 1;
    expect(fig('projected').config.steps).not.toBe(1);
    expect(findFigure('nope')).toBeUndefined();
  });
});

describe('figures: the captions are true', () => {
  it('1 loss: depends only on the angle; deep well at −47°, shallower dent at 113°', () => {
    const { loss } = resolveLoss(fig('loss').config.loss);
    const f = (d: number, r = 1) =>
      evaluateLoss(loss, r * Math.cos((d * Math.PI) / 180), r * Math.sin((d * Math.PI) / 180)).value;
    let best = 0;
    for (let d = -180; d < 180; d += 0.25) if (f(d) < f(best)) best = d;
    expect(Math.abs(best + 47)).toBeLessThan(1);
    // A local minimum near 113° that is shallower than the deep well.
    const dent = [112, 112.5, 113, 113.5, 114].reduce((a, d) => (f(d) < f(a) ? d : a));
    expect(f(dent)).toBeLessThan(f(dent - 5));
    expect(f(dent)).toBeLessThan(f(dent + 5));
    expect(f(dent)).toBeGreaterThan(f(-47) + 0.1);
    for (const d of [-47, 30, 113]) expect(f(d, 0.01)).toBeCloseTo(f(d, 100), 12);
  });

  it('2 quiver: the gradient is orthogonal to w and shrinks like 1/|w|', () => {
    const { loss } = resolveLoss(fig('quiver').config.loss);
    const c = lossCoefficients(F64, loss);
    for (const [x, y] of [
      [0.3, -0.2],
      [-0.7, 0.7],
      [1.5, 0.4],
    ]) {
      const [gx, gy] = gradient(F64, c, x, y);
      const [hx, hy] = gradient(F64, c, 10 * x, 10 * y);
      expect(Math.abs(gx * x + gy * y)).toBeLessThan(1e-14 * Math.hypot(gx, gy) * Math.hypot(x, y) + 1e-300);
      expect(Math.hypot(hx, hy) * 10).toBeCloseTo(Math.hypot(gx, gy), 12);
    }
  });

  it.each(ARITHS.map((A) => [A.name, A] as const))(
    '3 GD without weight decay stalls at 113° (%s)',
    (_, A) => {
      const f = fig('gd-stalls');
      expect(f.config.optimizer.weightDecay).toBe(0);
      let at1000 = Number.NaN;
      const s = run(A, f, START, (s) => {
        if (s.t === 1000) at1000 = deg(s.wd.x, s.wd.y);
        return true;
      });
      expect(angleDiff(at1000, 113)).toBeLessThan(1.5);
      expect(angleDiff(deg(s.wd.x, s.wd.y), 113)).toBeLessThan(1.5);
      const r = Math.hypot(s.wd.x, s.wd.y);
      expect(r).toBeGreaterThan(0.991);
      expect(r).toBeLessThan(0.994);
    },
  );

  it.each(ARITHS.map((A) => [A.name, A] as const))(
    '4 GD with weight decay escapes to −47° within ~100 steps (%s)',
    (_, A) => {
      const f = fig('gd-weight-decay');
      // The start and nearby ones: the escape must not hinge on rounding.
      const starts: [number, number][] = [START];
      for (const e of [-2e-5, -1e-5, 1e-5, 2e-5])
        starts.push([START[0] + e, START[1]], [START[0], START[1] + e]);
      for (const p of starts) {
        let arrival = -1;
        let inWell = 0;
        const half = f.config.steps / 2;
        run(A, f, p, (s) => {
          const near = angleDiff(deg(s.wd.x, s.wd.y), -47) < 10;
          if (near && arrival < 0) arrival = s.t;
          if (near && s.t > half) inWell++;
          return true;
        });
        expect(arrival).toBeGreaterThan(0);
        expect(arrival).toBeLessThan(150);
        expect(inWell / half).toBeGreaterThan(0.8);
      }
    },
  );

  it.each(ARITHS.map((A) => [A.name, A] as const))(
    '5 the exponential run leaves the view near step 600 and grows ~2^19 (%s)',
    (_, A) => {
      const f = fig('exponential');
      const half = f.view.camera?.halfHeight ?? 0;
      let leaves = -1;
      let maxGap = 0;
      const s = run(A, f, START, (s, I) => {
        if (leaves < 0 && Math.abs(s.ex.y) > half) leaves = s.t;
        if (s.t <= 300) maxGap = Math.max(maxGap, I.angleGap(s));
        return true;
      });
      expect(leaves).toBeGreaterThan(450);
      expect(leaves).toBeLessThan(750);
      const growth = Math.log2(Math.hypot(s.ex.x, s.ex.y) / Math.hypot(...START));
      expect(growth).toBeGreaterThan(17);
      expect(growth).toBeLessThan(21);
      expect(maxGap).toBeLessThan(1e-4);
    },
  );

  it.each(ARITHS.map((A) => [A.name, A] as const))(
    '6 the projected run drifts from the weight-decay run at step ~400 (%s)',
    (_, A) => {
      const f = fig('projected');
      expect(f.config.steps).toBeGreaterThan(500);
      // The start and two nearby ones: the drift step belongs to the setting, not to one rounding.
      const starts: [number, number][] = [START, [START[0] + 1e-5, START[1]], [START[0] - 1e-5, START[1]]];
      for (const p of starts) {
        let split = 0;
        const s = run(A, f, p, (s, I) => {
          split = Math.max(split, I.angleGap(s));
          return s.t < 500;
        });
        expect(s.divergenceStep).toBeGreaterThan(300);
        expect(s.divergenceStep).toBeLessThan(500);
        // Visibly apart (> 5°) by step 500, not just past the 1e-3 rad tolerance.
        expect(split).toBeGreaterThan(0.09);
      }
    },
  );

  it('7 side by side: |w̃_t| = |w_t|/αᵗ with 1/α ≈ 1.005', () => {
    const f = fig('side-by-side');
    const { lr, weightDecay } = f.config.optimizer;
    const alpha = 1 - lr * weightDecay;
    expect((1 / alpha).toFixed(3)).toBe('1.005');
    let worst = 0;
    run(F64, f, START, (s) => {
      const ratio = Math.hypot(s.ex.x, s.ex.y) / Math.hypot(s.wd.x, s.wd.y);
      worst = Math.max(worst, Math.abs(ratio * alpha ** s.t - 1));
      return s.t < 300;
    });
    expect(worst).toBeLessThan(1e-9);
  });

  it('8 momentum: TEXP projected back matches the weight-decay run; f64 holds through the decay, f32 drifts near 250', () => {
    const f = fig('momentum');
    const opt = f.config.optimizer;
    expect(opt.momentum).toBe(0.9);
    expect(opt.milestones).toEqual([1000]);
    expect(opt.lrDecay).toBe(0.1);
    expect(f.config.precision).toBe('df64');
    const schedule = toExponential(opt);
    let worst200 = 0;
    let worstGap = 0;
    const s64 = run(F64, f, START, (s, I) => {
      if (s.t <= 200) {
        const c = 2 ** log2ProjectionFactor(schedule, s.t);
        const err = Math.hypot(c * s.ex.x - s.wd.x, c * s.ex.y - s.wd.y) / Math.hypot(s.wd.x, s.wd.y);
        worst200 = Math.max(worst200, err);
      }
      worstGap = Math.max(worstGap, I.angleGap(s));
      return true;
    });
    expect(worst200).toBeLessThan(1e-6);
    // Stand-in for df64: no drift through the escape and the decay at step 1000.
    expect(s64.divergenceStep).toBeNull();
    expect(worstGap).toBeLessThan(f.config.driftTolerance / 10);
    const s32 = run(F32, f, START);
    expect(s32.divergenceStep).toBeGreaterThan(150);
    expect(s32.divergenceStep).toBeLessThan(400);
    for (const s of [s64, s32]) expect(angleDiff(deg(s.wd.x, s.wd.y), -47)).toBeLessThan(5);
  });

  it('9 precision divergence: nearly all f32 pairs split within ~300 steps; more bits hold them longer', () => {
    const f = fig('precision-divergence');
    expect(f.view.colorBy).toBe('divergence');
    const pts = initialPoints(f.config.init);
    expect(pts.length / 2).toBeGreaterThanOrEqual(4096);
    // Every 32nd start (128 of 4096) keeps the test fast; each run stops at its divergence step.
    const steps = (A: Arith<number>) => {
      const out: number[] = [];
      for (let i = 0; i < pts.length / 2; i += 32) {
        const s = run(
          A,
          f,
          [pts[2 * i], pts[2 * i + 1]],
          (s) => s.divergenceStep === null && s.overflowStep === null,
        );
        expect(s.overflowStep).toBeNull();
        out.push(s.divergenceStep ?? Number.POSITIVE_INFINITY);
      }
      return out.sort((a, b) => a - b);
    };
    const d32 = steps(F32);
    const d64 = steps(F64);
    const n = d32.length;
    expect(d32.filter((d) => d <= 400).length / n).toBeGreaterThan(0.85);
    expect(d32.filter(Number.isFinite).length / n).toBeGreaterThan(0.9);
    expect(d64[n >> 1]).toBeGreaterThan(1.3 * d32[n >> 1]);
  });
});
