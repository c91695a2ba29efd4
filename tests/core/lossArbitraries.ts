/**
 * Random Fourier losses for the property tests of src/core/loss.ts, and the coefficient sums S_j their
 * error bounds are written in (docs/math.md §1).
 */
import fc from 'fast-check';
import type { FourierLoss } from '../../src/core/loss';

/** Coefficients in [−1, 1] with full mantissas (n/10^9), no subnormal corner cases. */
export const coefficient = fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1e9);

/** A loss of 1 to `maxHarmonics` harmonics. */
export function lossArbitrary(maxHarmonics: number): fc.Arbitrary<FourierLoss> {
  return fc.integer({ min: 1, max: maxHarmonics }).chain((K) =>
    fc.record({
      a: fc.array(coefficient, { minLength: K, maxLength: K }),
      b: fc.array(coefficient, { minLength: K, maxLength: K }),
    }),
  );
}

/** S_j = Σ k^j (|a_k| + |b_k|). */
export function S(loss: FourierLoss, j: number): number {
  let s = 0;
  for (let i = 0; i < loss.a.length; i++) s += (i + 1) ** j * (Math.abs(loss.a[i]) + Math.abs(loss.b[i]));
  return s;
}
