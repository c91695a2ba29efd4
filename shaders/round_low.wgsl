// Rounding an f32 to two emulated low-precision formats, bf16 (8 significant bits, f32's exponent range)
// and f16 (IEEE binary16: 11 significant bits, max 65504, subnormals down to 2^-24), and the counter-based
// random bits for stochastic rounding. src/core/lowFloat.ts is the CPU mirror: the two must agree bit for
// bit on every f32 input (tests/gpu/lowFloat.gpu.test.ts checks it).
//
// No shader-f16 extension (SwiftShader lacks it): everything is integer ops on the f32 bits, plus a few f32
// operations that are exact. Rules kept throughout:
// - NaN/Inf are detected on the exponent bits (a compiler may assume x is finite, so x != x can fold away);
//   they are returned unchanged.
// - No operation produces or reads an f32 subnormal (GPUs flush them): subnormal inputs are detected on
//   the bits and flushed to a signed zero (so bf16 has no subnormals here), f16's subnormal range works on
//   normal f32 values, and the sign is put back with a bit or.
// - No reliance on the hardware rounding mode or on round(): the f32 operations used are exact.

const RL_SIGN: u32 = 0x80000000u;
const RL_ABS: u32 = 0x7fffffffu;
const RL_INF: u32 = 0x7f800000u;            // |x| bits at or above: Inf or NaN
const RL_MIN_NORMAL: u32 = 0x00800000u;     // below: +-0 or an f32 subnormal (flushed)
const RL_F16_MIN_NORMAL: u32 = 0x38800000u; // 2^-14
const RL_F16_MAX: u32 = 0x477fe000u;        // 65504
const RL_TWO_24: f32 = 16777216.0;
const RL_TWO_M24: f32 = 5.9604644775390625e-8;

// Every function here is branch-free (select only): the kernels inline one rounding per operation, and
// SwiftShader compiles every `if` of every copy (with early returns the f16 kernel took ~25 s to compile,
// branch-free ~2 s) and runs both sides anyway.

// f16's subnormal range, a < 2^-14 (quantum 2^-24): t = a * 2^24 < 2^10, and floor(t) and f = t - floor(t)
// are exact; returns vec2(floor(t), f). `a` is clamped into [2^-126, 2^-14] first, so that no input makes
// an f32 subnormal or an infinity here (callers select the result only where a is in that range).
fn rl_f16_grid(a: u32) -> vec2<f32> {
  let t = bitcast<f32>(clamp(a, RL_MIN_NORMAL, RL_F16_MIN_NORMAL)) * RL_TWO_24;
  let fl = floor(t);
  return vec2<f32>(fl, t - fl);
}

// (k + up) * 2^-24: exact, and a normal f32 unless 0.
fn rl_f16_from_grid(k: f32, up: bool) -> u32 {
  return bitcast<u32>((k + select(0.0, 1.0, up)) * RL_TWO_M24);
}

// The result's bits from the rounded magnitude `m` of normal inputs and `sub` of f16-subnormal ones:
// Inf and NaN pass through, f32 subnormals flush to a signed zero, past 65504 is Inf.
fn rl_f16_finish(b: u32, m: u32, sub: u32) -> f32 {
  let a = b & RL_ABS;
  var r = select(sub, select(m, RL_INF, m > RL_F16_MAX), a >= RL_F16_MIN_NORMAL);
  r = select(r, 0u, a < RL_MIN_NORMAL);
  r = select(r, a, a >= RL_INF);
  return bitcast<f32>((b & RL_SIGN) | r);
}

// Round to nearest f16, ties to even. Normal range: add 0xFFF plus the lowest kept bit, clear the 13
// dropped bits (a carry bumps the exponent). Subnormal range: on the 2^-24 grid, ties to even.
fn round_f16(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  let a = b & RL_ABS;
  let m = (a + 0xfffu + ((a >> 13u) & 1u)) & 0xffffe000u;
  let g = rl_f16_grid(a);
  let up = (g.y > 0.5) | ((g.y == 0.5) & ((u32(g.x) & 1u) == 1u));
  return rl_f16_finish(b, m, rl_f16_from_grid(g.x, up));
}

// Round to nearest bf16, ties to even: add 0x7FFF plus the lowest kept bit, clear the 16 dropped bits; a
// carry out of the largest binade gives Inf. Inf and NaN pass through; f32 subnormals flush.
fn round_bf16(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  let a = b & RL_ABS;
  var r = (a + 0x7fffu + ((a >> 16u) & 1u)) & 0xffff0000u;
  r = select(r, 0u, a < RL_MIN_NORMAL);
  r = select(r, a, a >= RL_INF);
  return bitcast<f32>((b & RL_SIGN) | r);
}

// Stochastic rounding of normal magnitude bits a, dropping the low d bits (d <= 24): the dropped fraction
// is exactly k / 2^24 with k = (a & mask) << (24 - d), and it rounds away when k > (r >> 8), i.e. with
// probability exactly k / 2^24.
fn rl_sr_drop(a: u32, d: u32, r: u32) -> u32 {
  let mask = (1u << d) - 1u;
  let frac = a & mask;
  let lo = a - frac;
  return select(lo, lo + mask + 1u, (frac << (24u - d)) > (r >> 8u));
}

// Stochastic rounding to f16: the neighbour toward zero or the next one away from zero, the latter with
// probability equal to x's fractional position between them (2^-24 resolution in f16's subnormal range,
// exact above). Representable values are unchanged; past 65504 gives Inf.
fn sr_f16(x: f32, r: u32) -> f32 {
  let b = bitcast<u32>(x);
  let a = b & RL_ABS;
  // Subnormal range: away when f > u = (r >> 8) * 2^-24 (exact): probability ceil(f * 2^24) / 2^24.
  let g = rl_f16_grid(a);
  let sub = rl_f16_from_grid(g.x, g.y > f32(r >> 8u) * RL_TWO_M24);
  return rl_f16_finish(b, rl_sr_drop(a, 13u, r), sub);
}

// Stochastic rounding to bf16 (as sr_f16; exact probability; a carry past f32's max gives Inf).
fn sr_bf16(x: f32, r: u32) -> f32 {
  let b = bitcast<u32>(x);
  let a = b & RL_ABS;
  var m = rl_sr_drop(a, 16u, r);
  m = select(m, 0u, a < RL_MIN_NORMAL);
  m = select(m, a, a >= RL_INF);
  return bitcast<f32>((b & RL_SIGN) | m);
}

// Wellons' lowbias32: a 32-bit bijection with strong avalanche.
fn rl_lowbias32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

// Counter-based random bits: a chain of lowbias32 over the four keys (same as srBits in lowFloat.ts).
fn sr_bits(seed: u32, traj: u32, step: u32, op: u32) -> u32 {
  var h = rl_lowbias32(seed ^ 0x9e3779b9u);
  h = rl_lowbias32(h ^ traj);
  h = rl_lowbias32(h ^ step);
  return rl_lowbias32(h ^ op);
}
