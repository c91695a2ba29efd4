/**
 * The scale-invariant loss (docs/math.md §1): Lemma 1 on random points, and f, f', f'', ∇L of the code (complex
 * powers of the unit vector) against the independent Decimal oracle (atan2, cos kθ, sin kθ at 60 digits).
 *
 * Error model (u = 2^-53): the unit vector costs ~2u, each complex multiplication z^k = z^{k−1}·u another
 * ~2u, so cos kθ and sin kθ carry ≲ 2k·u absolute error, and with S_j = Σ k^j (|a_k| + |b_k|)
 *   |Δf| ≲ 2K·u·S_0,  |Δf'| ≲ 2K·u·S_1,  |Δf''| ≲ 2K·u·S_2,  |Δ∇L| ≲ 2K·u·S_1/r (+ the 1/r rounding).
 * The assertions allow a further factor 2 (4K·u·S_j), and for ∇L another 6u for forming (−u_y, u_x)·f'/r.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { F32, F64 } from '../../src/core/arith';
import { evaluateLoss, fPrime, fSecond, gradient, lossCoefficients } from '../../src/core/loss';
import { exactDecimal, oracleEvaluate } from '../oracle/decimalOracle';
import { lossArbitrary, S } from './lossArbitraries';

const U = 2 ** -53;
const U32 = 2 ** -24;

const lossArb = lossArbitrary(6);
/** Uniform in [lo, hi] on a 2^32 grid. */
const uniform = (lo: number, hi: number) =>
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => lo + ((hi - lo) * n) / 2 ** 32);
/** A point at angle θ ∈ [−π, π) and radius 10^s, s ∈ [−3, 3). */
const pointArb = fc.tuple(uniform(-Math.PI, Math.PI), uniform(-3, 3)).map(([th, s]) => {
  const r = 10 ** s;
  return [r * Math.cos(th), r * Math.sin(th)] as [number, number];
});

/** ⟨g, w⟩ evaluated exactly (Decimal) from the float64 values. */
function exactDot(g: [number, number], x: number, y: number): number {
  return exactDecimal(g[0])
    .times(exactDecimal(x))
    .plus(exactDecimal(g[1]).times(exactDecimal(y)))
    .abs()
    .toNumber();
}

describe('Lemma 1 (scale invariance) on random points', () => {
  it('⟨∇L(w), w⟩ = 0 to rounding: |⟨g, w⟩| ≤ 4u·|g|·|w| (gradient() and evaluateLoss)', () => {
    let worst = 0;
    fc.assert(
      fc.property(lossArb, pointArb, (loss, [x, y]) => {
        const coeffs = lossCoefficients(F64, loss);
        const g = gradient(F64, coeffs, x, y);
        const e = evaluateLoss(loss, x, y, coeffs).gradient;
        const w = Math.hypot(x, y);
        for (const v of [g, e]) {
          const dot = exactDot(v, x, y);
          const bound = 4 * U * Math.hypot(v[0], v[1]) * w;
          if (bound > 0) worst = Math.max(worst, dot / bound);
          expect(dot).toBeLessThanOrEqual(bound);
        }
      }),
      { seed: 1, numRuns: 300 },
    );
    console.log(`Lemma 1: worst |<g,w>| / (4u|g||w|) = ${worst.toFixed(3)}`);
  });

  it('∇L(c·w) = ∇L(w)/c for c ∈ [1e-3, 1e3] (to rounding of c·w)', () => {
    fc.assert(
      fc.property(lossArb, pointArb, uniform(-3, 3), (loss, [x, y], s) => {
        const c = 10 ** s;
        const coeffs = lossCoefficients(F64, loss);
        const g = gradient(F64, coeffs, x, y);
        const h = gradient(F64, coeffs, c * x, c * y);
        const r = Math.hypot(x, y);
        // Rounding c·w moves θ by ≤ u, which changes f' by ≤ u·S_2; plus the evaluation errors at both points.
        const tol = (16 * loss.a.length * U * (S(loss, 1) + S(loss, 2))) / r;
        expect(Math.hypot(c * h[0] - g[0], c * h[1] - g[1])).toBeLessThanOrEqual(tol);
      }),
      { seed: 2, numRuns: 400 },
    );
  });

  it('∇L(2^k·w) = 2^-k·∇L(w) exactly in binary floating point', () => {
    fc.assert(
      fc.property(lossArb, pointArb, fc.integer({ min: -30, max: 30 }), (loss, [x, y], k) => {
        const coeffs = lossCoefficients(F64, loss);
        const g = gradient(F64, coeffs, x, y);
        const h = gradient(F64, coeffs, x * 2 ** k, y * 2 ** k);
        expect(h[0]).toBe(g[0] * 2 ** -k);
        expect(h[1]).toBe(g[1] * 2 ** -k);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('evaluateLoss vs the Decimal oracle', () => {
  it('f, f′, f″, θ, r and ∇L agree to 4K·u·S_j ((4K + 6)·u·S_1/r for ∇L)', () => {
    const worst = { f: 0, fp: 0, fpp: 0, grad: 0 };
    fc.assert(
      fc.property(lossArb, pointArb, (loss, [x, y]) => {
        const K = loss.a.length;
        const ev = evaluateLoss(loss, x, y);
        const o = oracleEvaluate(loss, x, y);
        const r = Math.hypot(x, y);
        const err = (ref: typeof o.f, v: number) => ref.minus(exactDecimal(v)).abs().toNumber();
        const ef = err(o.f, ev.value);
        const efp = err(o.fp, ev.fPrime);
        const efpp = err(o.fpp, ev.fSecond);
        const eg = Math.hypot(err(o.gradient[0], ev.gradient[0]), err(o.gradient[1], ev.gradient[1]));
        expect(ef).toBeLessThanOrEqual(4 * K * U * S(loss, 0));
        expect(efp).toBeLessThanOrEqual(4 * K * U * S(loss, 1));
        expect(efpp).toBeLessThanOrEqual(4 * K * U * S(loss, 2));
        expect(eg).toBeLessThanOrEqual(((4 * K + 6) * U * S(loss, 1)) / r);
        expect(err(o.theta, ev.theta)).toBeLessThanOrEqual(4 * U * Math.PI);
        expect(ev.radius).toBe(r);
        if (S(loss, 0) > 0) {
          worst.f = Math.max(worst.f, ef / (K * U * S(loss, 0)));
          worst.fp = Math.max(worst.fp, efp / (K * U * S(loss, 1)));
          worst.fpp = Math.max(worst.fpp, efpp / (K * U * S(loss, 2)));
          worst.grad = Math.max(worst.grad, (eg * r) / (K * U * S(loss, 1)));
        }
      }),
      { seed: 4, numRuns: 100 },
    );
    console.log(
      `evaluateLoss vs oracle, worst error in units of K·u·S_j: f ${worst.f.toFixed(2)}, f' ${worst.fp.toFixed(2)}, ` +
        `f'' ${worst.fpp.toFixed(2)}, grad ${worst.grad.toFixed(2)}`,
    );
  });

  it('catches a wrong derivative: f″ is not −f (the oracle discriminates)', () => {
    // A guard on the oracle comparison itself: for a two-harmonic loss f″ ≠ −f, so an implementation that
    // returned −f for f″ (right for K = 1 only) would be caught by the tolerance above.
    const loss = { a: [0.3, -0.2], b: [0.1, 0.4] };
    const o = oracleEvaluate(loss, -0.7, 0.7);
    const ev = evaluateLoss(loss, -0.7, 0.7);
    expect(o.fpp.plus(o.f).abs().toNumber()).toBeGreaterThan(1e3 * 8 * U * S(loss, 2));
    expect(o.fpp.minus(exactDecimal(ev.fSecond)).abs().toNumber()).toBeLessThanOrEqual(8 * U * S(loss, 2));
  });
});

describe("fPrime and fSecond alone (the integrator's step and crossing test) vs the Decimal oracle", () => {
  it('agree to 4K·u·S_1 and 4K·u·S_2 at the unit vector of random points', () => {
    fc.assert(
      fc.property(lossArb, pointArb, (loss, [x, y]) => {
        const K = loss.a.length;
        const r = Math.hypot(x, y);
        const coeffs = lossCoefficients(F64, loss);
        const o = oracleEvaluate(loss, x / r, y / r);
        const err = (ref: typeof o.f, v: number) => ref.minus(exactDecimal(v)).abs().toNumber();
        // (x/r, y/r) is off the unit circle by ~u, which moves θ by ≤ u: f' by ≤ u·S_2, f'' by ≤ u·S_3.
        expect(err(o.fp, fPrime(F64, coeffs, x / r, y / r))).toBeLessThanOrEqual(
          4 * K * U * S(loss, 1) + U * S(loss, 2),
        );
        expect(err(o.fpp, fSecond(F64, coeffs, x / r, y / r))).toBeLessThanOrEqual(
          4 * K * U * S(loss, 2) + U * S(loss, 3),
        );
      }),
      { seed: 5, numRuns: 100 },
    );
  });
});

describe('float32 mirror', () => {
  it('F32 gradient vs F64 gradient at the same (f32) point: ~1e-7 relative to S_1/r', () => {
    let worst = 0;
    fc.assert(
      fc.property(lossArb, pointArb, (loss, [x0, y0]) => {
        const x = Math.fround(x0);
        const y = Math.fround(y0);
        const g32 = gradient(F32, lossCoefficients(F32, loss), x, y);
        const g64 = gradient(F64, lossCoefficients(F64, loss), x, y);
        const scale = S(loss, 1) / Math.hypot(x, y);
        if (scale === 0) return;
        const rel = Math.hypot(g32[0] - g64[0], g32[1] - g64[1]) / scale;
        worst = Math.max(worst, rel);
        // Same error model as f64 with u → 2^-24, plus the float32 inverseSqrt and coefficient rounding.
        expect(rel).toBeLessThanOrEqual((4 * loss.a.length + 8) * U32);
        expect(Math.fround(g32[0])).toBe(g32[0]);
        expect(Math.fround(g32[1])).toBe(g32[1]);
      }),
      { seed: 5, numRuns: 500 },
    );
    console.log(
      `f32 vs f64 gradient: worst |Δg|/(S_1/r) = ${worst.toExponential(2)} (${(worst / U32).toFixed(2)}·2^-24)`,
    );
    // It really is float32 arithmetic, not float64 in disguise: differences at the 2^-24 level appear.
    expect(worst).toBeGreaterThan(0.5 * U32);
  });
});
