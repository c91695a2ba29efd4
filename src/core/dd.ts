/**
 * Double-double arithmetic (~106 significant bits): an unevaluated sum hi + lo of two float64 with
 * |lo| <= ulp(hi)/2. Algorithms after Hida, Li & Bailey's QD library and Joldes, Muller & Popescu (2017).
 * JavaScript has no fused multiply-add, so TwoProd uses Veltkamp/Dekker splitting.
 */
export class DD {
  constructor(
    readonly hi: number,
    readonly lo: number,
  ) {}
}

export const DD_ZERO = new DD(0, 0);
export const DD_ONE = new DD(1, 0);

const SPLITTER = 134217729; // 2^27 + 1
const SPLIT_THRESHOLD = 6.69692879491417e299; // above this 2^27 * a overflows
const TWO_M28 = 2 ** -28;
const TWO_P28 = 2 ** 28;

export function dd(x: number): DD {
  return new DD(x, 0);
}

/** Exact sum: s + e = a + b. Needs round-to-nearest. */
export function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** Exact sum when |a| >= |b| (or a == 0). */
function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return new DD(s, b - (s - a));
}

function split(a: number): [number, number] {
  if (a > SPLIT_THRESHOLD || a < -SPLIT_THRESHOLD) {
    const s = a * TWO_M28;
    const t = SPLITTER * s;
    const hi = t - (t - s);
    return [hi * TWO_P28, (s - hi) * TWO_P28];
  }
  const t = SPLITTER * a;
  const hi = t - (t - a);
  return [hi, a - hi];
}

/** Exact product: p + e = a * b (barring overflow/underflow). */
export function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

export function ddAdd(a: DD, b: DD): DD {
  const [s1, s2] = twoSum(a.hi, b.hi);
  const [t1, t2] = twoSum(a.lo, b.lo);
  const u = quickTwoSum(s1, s2 + t1);
  return quickTwoSum(u.hi, u.lo + t2);
}

export function ddNeg(a: DD): DD {
  return new DD(-a.hi, -a.lo);
}

export function ddSub(a: DD, b: DD): DD {
  return ddAdd(a, ddNeg(b));
}

export function ddMul(a: DD, b: DD): DD {
  const [p1, p2] = twoProd(a.hi, b.hi);
  return quickTwoSum(p1, p2 + (a.hi * b.lo + a.lo * b.hi));
}

export function ddMulNum(a: DD, b: number): DD {
  const [p1, p2] = twoProd(a.hi, b);
  return quickTwoSum(p1, p2 + a.lo * b);
}

export function ddDiv(a: DD, b: DD): DD {
  const q1 = a.hi / b.hi;
  let r = ddSub(a, ddMulNum(b, q1));
  const q2 = r.hi / b.hi;
  r = ddSub(r, ddMulNum(b, q2));
  const q3 = r.hi / b.hi;
  const q = quickTwoSum(q1, q2);
  return ddAdd(q, dd(q3));
}

export function ddSqrt(a: DD): DD {
  if (a.hi <= 0) return a.hi === 0 ? DD_ZERO : new DD(Number.NaN, Number.NaN);
  // One Newton step from the float64 estimate doubles the precision (Karp's trick).
  const x = 1 / Math.sqrt(a.hi);
  const ax = a.hi * x;
  const axdd = dd(ax);
  const diff = ddSub(a, ddMul(axdd, axdd));
  return ddAdd(axdd, dd(diff.hi * (x * 0.5)));
}

export function ddIsFinite(a: DD): boolean {
  return Number.isFinite(a.hi) && Number.isFinite(a.lo);
}

export function ddToNumber(a: DD): number {
  return a.hi + a.lo;
}

const f32Scratch = new Float32Array(1);
const f32Bits = new Uint32Array(f32Scratch.buffer);

/** The float32 next to r (a float32) in the direction of `dir` (±1). */
function f32Neighbor(r: number, dir: number): number {
  if (r === 0) return dir * 2 ** -149;
  f32Scratch[0] = r;
  f32Bits[0] += r > 0 === dir > 0 ? 1 : -1;
  return f32Scratch[0];
}

/**
 * Correctly rounded (to nearest, ties to even) float32 of hi + lo. `Math.fround(hi + lo)` equals
 * `Math.fround(hi)` and rounds twice: it is wrong when hi lies exactly halfway between two float32s.
 */
export function ddToF32(x: DD): number {
  const r = Math.fround(x.hi);
  if (!Number.isFinite(r)) return r;
  const d = x.hi - r; // exact
  if (d === 0 && x.lo === 0) return r;
  const toward = d !== 0 ? Math.sign(d) : Math.sign(x.lo);
  const n = f32Neighbor(r, toward);
  const half = Math.abs(n - r) / 2;
  const ad = Math.abs(d);
  if (ad < half) return r;
  if (ad > half) return n;
  // hi is exactly on the midpoint: lo decides, and only a true tie goes to even.
  if (x.lo !== 0) return Math.sign(x.lo) === toward ? n : r;
  f32Scratch[0] = r;
  return (f32Bits[0] & 1) === 0 ? r : n;
}
