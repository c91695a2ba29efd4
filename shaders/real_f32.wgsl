// The kernels' real type R for float32 runs: plain f32 arithmetic, in the order the CPU mirror uses.
alias R = f32;

fn r_from(a: f32) -> R { return a; }
fn r_to_f32(a: R) -> f32 { return a; }
fn r_add(a: R, b: R) -> R { return a + b; }
fn r_sub(a: R, b: R) -> R { return a - b; }
fn r_mul(a: R, b: R) -> R { return a * b; }
fn r_div(a: R, b: R) -> R { return a / b; }
fn r_neg(a: R) -> R { return -a; }
fn r_inv_sqrt(a: R) -> R { return inverseSqrt(a); }
// a·b + c·d and acc + (a·b + c·d), in that order (df64 fuses them; in f32 they are the plain operations).
fn r_dot2(a: R, b: R, c: R, d: R) -> R { return a * b + c * d; }
fn r_add_dot2(acc: R, a: R, b: R, c: R, d: R) -> R { return acc + (a * b + c * d); }


// Coefficient k of harmonic h from the uniform table (ka, kb, a, b as hi parts for f32).
fn r_coef_ka(c: vec4<f32>) -> R { return c.x; }
fn r_coef_kb(c: vec4<f32>) -> R { return c.y; }

// The exponent field of a (0x7f800000 exactly when a is ±Inf or NaN). WGSL lets compilers assume values are
// finite, so the kernel tests these bits instead of x != x: the max over many values, compared once, with no
// branch (SwiftShader pays for every branch; see trajectory.wgsl).
fn r_exponent_bits(a: R) -> u32 { return bitcast<u32>(a) & 0x7f800000u; }

// Stored positions keep every bit in f32 (its operations are correctly rounded: see real_df64.wgsl).
fn r_round_state(a: R) -> R { return a; }

// a·2^k by an f32 power of two (exact in range) and a·f.x·f.y·f.z, in the CPU mirror's order.
fn r_scale_pow2(a: R, p: f32) -> R { return a * p; }
fn r_scale_by(a: R, f: vec3<f32>) -> R { return a * f.x * f.y * f.z; }
