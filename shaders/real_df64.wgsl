// The kernels' real type R for emulated-double runs: vec2<f32> (hi, lo) through shaders/df64.wgsl.
alias R = vec2<f32>;

fn r_from(a: f32) -> R { return df_from(a); }
fn r_to_f32(a: R) -> f32 { return df_to_f32(a); }
fn r_add(a: R, b: R) -> R { return df_add(a, b); }
fn r_sub(a: R, b: R) -> R { return df_sub(a, b); }
fn r_mul(a: R, b: R) -> R { return df_mul(a, b); }
fn r_div(a: R, b: R) -> R { return df_div(a, b); }
fn r_neg(a: R) -> R { return df_neg(a); }
fn r_inv_sqrt(a: R) -> R { return df_inv_sqrt(a); }
fn r_dot2(a: R, b: R, c: R, d: R) -> R { return df_dot2(a, b, c, d); }
fn r_add_dot2(acc: R, a: R, b: R, c: R, d: R) -> R { return df_add_dot2(acc, a, b, c, d); }


// The coefficient table holds (ka_hi, ka_lo, kb_hi, kb_lo) per harmonic for df64.
fn r_coef_ka(c: vec4<f32>) -> R { return c.xy; }
fn r_coef_kb(c: vec4<f32>) -> R { return c.zw; }

// The larger exponent field of hi and lo (0x7f800000 exactly when either is ±Inf or NaN): see real_f32.wgsl.
fn r_exponent_bits(a: R) -> u32 { return max(bitcast<u32>(a.x) & 0x7f800000u, bitcast<u32>(a.y) & 0x7f800000u); }

// Significant bits a stored position keeps (docs/numerics.md, "Why df64 and dd were absorbed"): 4 under
// what df64's own operations deliver (~46 bits measured), so that the state never resolves points the
// gradient computed from it cannot tell apart (which let runs settle where the computed gradient is 0).
override DF64_STATE_BITS: i32 = 42; // set by the engine from src/core/arith.ts

// a with lo rounded (to nearest even) to a multiple of 2^(e_hi + 1 − DF64_STATE_BITS), e_hi = hi's exponent:
// hi + lo becomes a DF64_STATE_BITS-bit number. Exact operations only (powers of two, round()).
fn r_round_state(a: R) -> R {
  let e = i32((bitcast<u32>(a.x) >> 23u) & 0xffu) - 127;
  let s = clamp(DF64_STATE_BITS - 1 - e, -126, 127);
  let lo = round(a.y * pow2_df(s)) * pow2_df(-s);
  return select(vec2<f32>(a.x, lo), a, (e < -100) | (e > 100));
}

fn pow2_df(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }

// a·2^k and a·f.x·f.y·f.z: scaling both parts by powers of two is exact (while in range).
fn r_scale_pow2(a: R, p: f32) -> R { return a * p; }
fn r_scale_by(a: R, f: vec3<f32>) -> R { return a * f.x * f.y * f.z; }
