/**
 * The probe's random inputs: a small seedable generator (sfc32) and the f32 / df64 operand pairs drawn from
 * it, with a share of nearly cancelling pairs so the error terms of TwoSum and df64 add are exercised hard.
 * Deterministic for a seed, so probe results repeat exactly.
 */
import type { Df64Op } from './probeChecks';

/** sfc32: small, fast, seedable; good enough for test inputs. */
export function makeRng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

const EXP_RANGE = 20;

export class Inputs {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = makeRng(seed);
  }
  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  sign(): number {
    return this.next() & 1 ? -1 : 1;
  }
  /** A random float32: random sign, 23 random mantissa bits, exponent in [-20, 20]. */
  f32(): number {
    const m = 1 + (this.next() >>> 9) / 8388608;
    return this.sign() * m * 2 ** this.int(-EXP_RANGE, EXP_RANGE);
  }
  /** A random float64: random sign, 52 random mantissa bits, exponent in [-20, 20]. */
  f64(): number {
    return this.sign() * (1 + this.uniform()) * 2 ** this.int(-EXP_RANGE, EXP_RANGE);
  }
}

/** Pairs of f32 (a, b); one in four nearly cancels (b ~ -a) so TwoSum's error term is exercised hard. */
export function makeF32Pairs(rng: Inputs, n: number): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = rng.f32();
    let b = rng.f32();
    if (i % 4 === 3) b = Math.fround(-a * (1 + rng.sign() * rng.uniform() * 2 ** -rng.int(1, 23)));
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

function splitF64(x: number): [number, number] {
  const hi = Math.fround(x);
  return [hi, Math.fround(x - hi)];
}

/** df64 pairs (a.hi, a.lo, b.hi, b.lo) from random float64; for add one in four nearly cancels. */
export function makeDfInputs(rng: Inputs, n: number, op: Df64Op): Float32Array {
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    let x = rng.f64();
    let y = rng.f64();
    if (op === 'sqrt' || op === 'inv_sqrt') x = Math.abs(x);
    if (op === 'add' && i % 4 === 3) y = -x * (1 + rng.sign() * rng.uniform() * 2 ** -rng.int(1, 50));
    const [ah, al] = splitF64(x);
    const [bh, bl] = splitF64(y);
    out[4 * i] = ah;
    out[4 * i + 1] = al;
    out[4 * i + 2] = bh;
    out[4 * i + 3] = bl;
  }
  return out;
}
