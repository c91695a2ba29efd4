/**
 * Scale-invariant losses in the plane, L(w) = f(θ) with f a trigonometric polynomial (docs/math.md §1):
 *   f(θ) = Σ_{k=1..K} a_k cos kθ + b_k sin kθ.
 * Everything is evaluated through complex powers z^k = z^{k-1}·u of the unit vector u = w/|w|, with no
 * trigonometric calls, so that the same sequence of + − × runs in float32, df64, float64 and double-double.
 */
import type { Arith } from './arith';
import { F64 } from './arith';
import { DD, ddMulNum } from './dd';

/** Fourier coefficients: a[k-1], b[k-1] multiply cos kθ and sin kθ. */
export interface FourierLoss {
  readonly a: readonly number[];
  readonly b: readonly number[];
}

/** Coefficients rounded into one number format, with the k- and k²-scaled copies the derivatives use. */
export interface LossCoefficients<T> {
  readonly harmonics: number;
  readonly a: readonly T[];
  readonly b: readonly T[];
  /** k·a_k and k·b_k, for f'(θ). */
  readonly ka: readonly T[];
  readonly kb: readonly T[];
  /** k²·a_k and k²·b_k, for f''(θ). */
  readonly kka: readonly T[];
  readonly kkb: readonly T[];
}

/** The k- and k²-scaled coefficients, exact in double-double, before rounding to a format. */
export function scaledCoefficientsDD(loss: FourierLoss): {
  a: DD[];
  b: DD[];
  ka: DD[];
  kb: DD[];
  kka: DD[];
  kkb: DD[];
} {
  const K = loss.a.length;
  const out = {
    a: [] as DD[],
    b: [] as DD[],
    ka: [] as DD[],
    kb: [] as DD[],
    kka: [] as DD[],
    kkb: [] as DD[],
  };
  for (let i = 0; i < K; i++) {
    const k = i + 1;
    const a = new DD(loss.a[i], 0);
    const b = new DD(loss.b[i], 0);
    out.a.push(a);
    out.b.push(b);
    out.ka.push(ddMulNum(a, k));
    out.kb.push(ddMulNum(b, k));
    out.kka.push(ddMulNum(a, k * k));
    out.kkb.push(ddMulNum(b, k * k));
  }
  return out;
}

export function lossCoefficients<T>(A: Arith<T>, loss: FourierLoss): LossCoefficients<T> {
  const s = scaledCoefficientsDD(loss);
  const r = (xs: DD[]) => xs.map((x) => A.fromDD(x));
  return {
    harmonics: loss.a.length,
    a: r(s.a),
    b: r(s.b),
    ka: r(s.ka),
    kb: r(s.kb),
    kka: r(s.kka),
    kkb: r(s.kkb),
  };
}

/** cos kθ and sin kθ as the k-th complex power of the unit vector (ux, uy): z^k = (c, s). */
interface Harmonic<T> {
  c: T;
  s: T;
}

/**
 * z^k → z^{k+1} = z^k·u in place: (c, s) ← (c·ux − s·uy, c·uy + s·ux). The one rotation every harmonic sum
 * here uses, in the operation order of the WGSL kernels (src/gpu/lossSource.ts).
 */
function nextHarmonic<T>(A: Arith<T>, h: Harmonic<T>, ux: T, uy: T): void {
  const cn = A.sub(A.mul(h.c, ux), A.mul(h.s, uy));
  h.s = A.add(A.mul(h.c, uy), A.mul(h.s, ux));
  h.c = cn;
}

/**
 * f'(θ) at the unit vector (ux, uy). The operation order is the one the WGSL kernels use:
 * acc += kb_k·c_k − ka_k·s_k, then the rotation to harmonic k + 1.
 */
export function fPrime<T>(A: Arith<T>, c: LossCoefficients<T>, ux: T, uy: T): T {
  let acc = A.zero;
  const h: Harmonic<T> = { c: ux, s: uy };
  for (let i = 0; i < c.harmonics; i++) {
    acc = A.add(acc, A.sub(A.mul(c.kb[i], h.c), A.mul(c.ka[i], h.s)));
    nextHarmonic(A, h, ux, uy);
  }
  return acc;
}

/**
 * f''(θ) at (ux, uy), accumulated as angularTerms() does and as the f32 kernel's generated f_prime_second
 * (src/gpu/lossSource.ts): acc −= kka_k·c_k + kkb_k·s_k, then the rotation to harmonic k + 1. The powers
 * are A's; the sum may be taken in a wider format W with its own coefficients `cw`, as the kernel sums f''
 * in f32 from the powers of an emulated format.
 */
export function fSecond<T>(
  A: Arith<T>,
  c: LossCoefficients<T>,
  ux: T,
  uy: T,
  W: Arith<T> = A,
  cw: LossCoefficients<T> = c,
): T {
  let acc = W.zero;
  const h: Harmonic<T> = { c: ux, s: uy };
  for (let i = 0; i < c.harmonics; i++) {
    acc = W.sub(acc, W.add(W.mul(cw.kka[i], h.c), W.mul(cw.kkb[i], h.s)));
    nextHarmonic(A, h, ux, uy);
  }
  return acc;
}

export interface AngularTerms<T> {
  f: T;
  fp: T;
  fpp: T;
}

/** f, f' and f'' at the unit vector (ux, uy). */
export function angularTerms<T>(A: Arith<T>, c: LossCoefficients<T>, ux: T, uy: T): AngularTerms<T> {
  let f = A.zero;
  let fp = A.zero;
  let fpp = A.zero;
  const h: Harmonic<T> = { c: ux, s: uy };
  for (let i = 0; i < c.harmonics; i++) {
    f = A.add(f, A.add(A.mul(c.a[i], h.c), A.mul(c.b[i], h.s)));
    fp = A.add(fp, A.sub(A.mul(c.kb[i], h.c), A.mul(c.ka[i], h.s)));
    fpp = A.sub(fpp, A.add(A.mul(c.kka[i], h.c), A.mul(c.kkb[i], h.s)));
    nextHarmonic(A, h, ux, uy);
  }
  return { f, fp, fpp };
}

/** Gradient ∇L(w) = f'(θ)·(−uy, ux)/r at w = (x, y), in the operation order of shaders/loss.wgsl. */
export function gradient<T>(A: Arith<T>, c: LossCoefficients<T>, x: T, y: T): [T, T] {
  const inv = A.invSqrt(A.add(A.mul(x, x), A.mul(y, y)));
  const ux = A.mul(x, inv);
  const uy = A.mul(y, inv);
  const g = A.mul(fPrime(A, c, ux, uy), inv);
  return [A.neg(A.mul(uy, g)), A.mul(ux, g)];
}

export interface LossEvaluation {
  theta: number;
  radius: number;
  value: number;
  gradient: [number, number];
  fPrime: number;
  fSecond: number;
}

/** Convenience float64 evaluation of everything at a point (tests, field, study). */
export function evaluateLoss(loss: FourierLoss, x: number, y: number, coeffs = lossCoefficients(F64, loss)) {
  const r = Math.hypot(x, y);
  const ux = x / r;
  const uy = y / r;
  const t = angularTerms(F64, coeffs, ux, uy);
  const result: LossEvaluation = {
    theta: Math.atan2(y, x),
    radius: r,
    value: t.f,
    gradient: [(-uy * t.fp) / r, (ux * t.fp) / r],
    fPrime: t.fp,
    fSecond: t.fpp,
  };
  return result;
}

/*
 * Plain float64 evaluation at an angle, with Math.cos and Math.sin: for display and analysis (colour range,
 * basins, the polar profile), where no format has to be mirrored. f(θ) = Σ a_k cos kθ + b_k sin kθ.
 */

/** f(θ) (docs/math.md §1). */
export function fAt(loss: FourierLoss, theta: number): number {
  let f = 0;
  for (let k = 0; k < loss.a.length; k++)
    f += loss.a[k] * Math.cos((k + 1) * theta) + loss.b[k] * Math.sin((k + 1) * theta);
  return f;
}

/** f'(θ) = Σ k·(b_k cos kθ − a_k sin kθ). */
export function fPrimeAt(loss: FourierLoss, theta: number): number {
  let d = 0;
  for (let k = 0; k < loss.a.length; k++) {
    const n = k + 1;
    d += n * (-loss.a[k] * Math.sin(n * theta) + loss.b[k] * Math.cos(n * theta));
  }
  return d;
}

/** Smallest and largest f(θ) over `samples` equally spaced angles from 0 (the heatmap's colour range). */
export function lossRange(loss: FourierLoss, samples = 4096): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < samples; s++) {
    const f = fAt(loss, (2 * Math.PI * s) / samples);
    min = Math.min(min, f);
    max = Math.max(max, f);
  }
  return { min, max };
}
