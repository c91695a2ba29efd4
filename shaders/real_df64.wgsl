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
