/**
 * The plain float64 evaluators at an angle (fAt, fPrimeAt, lossRange in src/core/loss.ts, docs/math.md §1),
 * against Σ a_k cos kθ + b_k sin kθ summed in decimal.js at 60 digits, with Decimal's own cos and sin.
 *
 * Error model (u = 2^-53, |θ| ≤ π): kθ rounds with absolute error ≤ kπ·u, which moves cos kθ and sin kθ by as
 * much; Math.cos/sin add ≲ u, and the K products and sums ≲ 2K·u each. With S_j = Σ k^j (|a_k| + |b_k|):
 *   |Δf| ≲ u·(π·S_1 + (2K + 2)·S_0),   |Δf'| ≲ u·(π·S_2 + (2K + 3)·S_1).
 * The assertions allow a further factor 2.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FourierLoss, fAt, fPrimeAt, lossRange } from '../../src/core/loss';
import { D, type Dec, exactDecimal } from '../oracle/decimalOracle';
import { lossArbitrary, S } from './lossArbitraries';

const U = 2 ** -53;

const lossArb = lossArbitrary(8);
const angleArb = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => -Math.PI + (2 * Math.PI * n) / 2 ** 32);

/** f(θ) and f'(θ) at the exact binary value of θ, in Decimal. */
function reference(loss: FourierLoss, theta: number): { f: Dec; fp: Dec } {
  const th = exactDecimal(theta);
  let f = new D(0);
  let fp = new D(0);
  for (let i = 0; i < loss.a.length; i++) {
    const k = i + 1;
    const c = D.cos(th.times(k));
    const s = D.sin(th.times(k));
    const a = exactDecimal(loss.a[i]);
    const b = exactDecimal(loss.b[i]);
    f = f.plus(a.times(c)).plus(b.times(s));
    fp = fp.plus(b.times(c).minus(a.times(s)).times(k));
  }
  return { f, fp };
}

const fBound = (loss: FourierLoss) => 2 * U * (Math.PI * S(loss, 1) + (2 * loss.a.length + 2) * S(loss, 0));
const fpBound = (loss: FourierLoss) => 2 * U * (Math.PI * S(loss, 2) + (2 * loss.a.length + 3) * S(loss, 1));
const err = (ref: Dec, v: number) => ref.minus(exactDecimal(v)).abs().toNumber();

/** A plausible slip (the sine terms with the wrong sign), to show the comparison catches it. */
function fAtSabotaged(loss: FourierLoss, theta: number): number {
  let f = 0;
  for (let k = 0; k < loss.a.length; k++)
    f += loss.a[k] * Math.cos((k + 1) * theta) - loss.b[k] * Math.sin((k + 1) * theta);
  return f;
}

describe('fAt and fPrimeAt vs a Decimal sum of cos kθ and sin kθ', () => {
  it('agree to the error model on random losses and angles', () => {
    let worst = 0;
    fc.assert(
      fc.property(lossArb, angleArb, (loss, theta) => {
        const ref = reference(loss, theta);
        const ef = err(ref.f, fAt(loss, theta));
        const efp = err(ref.fp, fPrimeAt(loss, theta));
        expect(ef).toBeLessThanOrEqual(fBound(loss));
        expect(efp).toBeLessThanOrEqual(fpBound(loss));
        if (S(loss, 0) > 0) worst = Math.max(worst, ef / fBound(loss), efp / fpBound(loss));
      }),
      { seed: 11, numRuns: 200 },
    );
    console.log(`fAt/fPrimeAt vs Decimal: worst error ${worst.toFixed(3)} of the bound`);
  });

  it('the comparison catches a wrong sign on the sine terms', () => {
    const loss = { a: [0.3, -0.2, 0.1], b: [0.1, 0.4, -0.25] };
    const theta = 0.9;
    const ref = reference(loss, theta);
    expect(err(ref.f, fAt(loss, theta))).toBeLessThanOrEqual(fBound(loss));
    expect(err(ref.f, fAtSabotaged(loss, theta))).toBeGreaterThan(1e6 * fBound(loss));
  });
});

describe('lossRange', () => {
  it('is the min and max of f over the sample angles 2πs/n', () => {
    const loss = { a: [0.3, -0.2, 0.1, 0.05], b: [0.1, 0.4, -0.25, 0] };
    const n = 360;
    const values = Array.from({ length: n }, (_, s) => reference(loss, (2 * Math.PI * s) / n).f.toNumber());
    const { min, max } = lossRange(loss, n);
    expect(Math.abs(min - Math.min(...values))).toBeLessThanOrEqual(fBound(loss));
    expect(Math.abs(max - Math.max(...values))).toBeLessThanOrEqual(fBound(loss));
    expect(max - min).toBeGreaterThan(0.1);
  });

  it('of cos θ is [−1, 1], attained at θ = π and 0', () => {
    expect(lossRange({ a: [1], b: [0] }, 8)).toEqual({ min: -1, max: 1 });
  });
});
