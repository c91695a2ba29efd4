/**
 * Projection of an expression f(θ) onto the first K Fourier harmonics (the loss form of docs/math.md §1):
 *   f(θ) ≈ a_0 + Σ_{k=1..K} a_k cos kθ + b_k sin kθ,
 * by a DFT on N equispaced samples θ_j = −π + 2πj/N. The mean a_0 is reported but dropped from the loss:
 * a constant does not change the gradient.
 */

import { compileExpression } from './evaluate';
import { ExpressionError } from './lexer';
import { parseExpression } from './parser';

export const MAX_HARMONICS = 64;

export interface FourierProjection {
  /** a[k-1], b[k-1] multiply cos kθ, sin kθ, k = 1..harmonics. */
  a: number[];
  b: number[];
  /** The dropped mean a_0 (a constant does not change the gradient). */
  constant: number;
  /** max over a check grid of |expr(θ) − constant − Σ(a_k cos kθ + b_k sin kθ)|. */
  maxError: number;
  /** maxError / max(1e-300, max|expr − constant|) on the check grid. */
  relativeError: number;
  /** Number of DFT samples used. */
  samples: number;
}

/**
 * A sample this large is a pole the grid landed on, not a usable loss: in doubles tan(±π/2) ≈ 1.6e16 and
 * 1/sin(−π) ≈ −8e15 are finite, yet the projection of such a spike is meaningless.
 */
const POLE_BOUND = 1e15;

/**
 * cos and sin of 2πm/M for m = 0..M−1 (M divisible by 8). Only angles in [0, π/4] go through Math.cos and
 * Math.sin; the rest follow by exact symmetries, so e.g. sin π is exactly 0 and the table is exactly
 * symmetric, which keeps the DFT of a constant or of a pure harmonic clean.
 */
function unitCircleTable(M: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(M);
  const sin = new Float64Array(M);
  const q = M / 8;
  for (let m = 0; m < M; m++) {
    if (m <= q) {
      cos[m] = Math.cos((2 * Math.PI * m) / M);
      sin[m] = Math.sin((2 * Math.PI * m) / M);
    } else if (m <= 2 * q) {
      cos[m] = sin[2 * q - m]; // cos(π/2 − x) = sin x
      sin[m] = cos[2 * q - m];
    } else if (m <= 4 * q) {
      cos[m] = -cos[4 * q - m]; // cos(π − x) = −cos x
      sin[m] = sin[4 * q - m];
    } else {
      cos[m] = cos[M - m]; // cos(2π − x) = cos x
      sin[m] = -sin[M - m];
    }
  }
  return { cos, sin };
}

/** Neumaier-compensated sum: the DFT adds ~10³ terms of mixed signs, so plain summation would cost digits. */
function compensatedSum(terms: (i: number) => number, n: number): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = terms(i);
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Evaluates f at θ, rejecting NaN, ±Infinity and pole-sized values. */
function sampleAt(f: (theta: number) => number, theta: number): number {
  const v = f(theta);
  if (!Number.isFinite(v)) {
    throw new ExpressionError(1, `not finite at theta=${theta.toFixed(4)} (value ${v})`);
  }
  if (Math.abs(v) > POLE_BOUND) {
    throw new ExpressionError(
      1,
      `not finite at theta=${theta.toFixed(4)} (value ${v.toExponential(3)} is beyond ±${POLE_BOUND.toExponential(0)}: a pole)`,
    );
  }
  return v;
}

/**
 * Parses `source`, samples it on N = max(1024, 16·harmonics) points and returns its first `harmonics`
 * Fourier coefficients with the mean split off. The error is measured on a 4N-point grid offset by half a
 * sample, so it shows what the DFT grid cannot: jumps, kinks and missing harmonics.
 */
export function projectExpression(source: string, harmonics: number): FourierProjection {
  if (!Number.isInteger(harmonics) || harmonics < 1 || harmonics > MAX_HARMONICS) {
    throw new RangeError(`harmonics must be an integer in 1..${MAX_HARMONICS} (got ${harmonics})`);
  }
  const f = compileExpression(parseExpression(source));
  const N = Math.max(1024, 16 * harmonics);
  // θ = −π + 2πp/M on a table of M = 8N: DFT samples are p = 8j, check points p = 2i + 1 (half-offset, 4N).
  const M = 8 * N;
  const table = unitCircleTable(M);
  // cos kθ = (−1)^k cos(2π (kp mod M)/M): exact integer index arithmetic, no growth of argument errors.
  const cosK = (k: number, p: number): number => (k % 2 === 0 ? 1 : -1) * table.cos[(k * p) % M];
  const sinK = (k: number, p: number): number => (k % 2 === 0 ? 1 : -1) * table.sin[(k * p) % M];

  const values = new Float64Array(N);
  let scale = 0;
  for (let j = 0; j < N; j++) {
    values[j] = sampleAt(f, -Math.PI + (2 * Math.PI * j) / N);
    scale = Math.max(scale, Math.abs(values[j]));
  }
  const constant = compensatedSum((j) => values[j], N) / N;
  // Coefficients within the DFT's worst-case rounding error (products and table: ~3ε·max|f|, summed
  // compensated) are set to exactly 0, so a constant projects to zeros.
  const noise = 4 * Number.EPSILON * scale;
  const clean = (x: number): number => (Math.abs(x) <= noise ? 0 : x);
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 1; k <= harmonics; k++) {
    a.push(clean((2 / N) * compensatedSum((j) => values[j] * cosK(k, 8 * j), N)));
    b.push(clean((2 / N) * compensatedSum((j) => values[j] * sinK(k, 8 * j), N)));
  }

  let maxError = 0;
  let maxDeviation = 0;
  for (let i = 0; i < 4 * N; i++) {
    const p = 2 * i + 1;
    const deviation = sampleAt(f, -Math.PI + (2 * Math.PI * (i + 0.5)) / (4 * N)) - constant;
    let series = 0;
    for (let k = 1; k <= harmonics; k++) series += a[k - 1] * cosK(k, p) + b[k - 1] * sinK(k, p);
    maxError = Math.max(maxError, Math.abs(deviation - series));
    maxDeviation = Math.max(maxDeviation, Math.abs(deviation));
  }
  return { a, b, constant, maxError, relativeError: maxError / Math.max(1e-300, maxDeviation), samples: N };
}
