// The kernels' real type R for the emulated low-precision formats (bf16, f16): each value is an f32 that
// the format represents exactly, and every operation is computed in f32 and rounded to the format by
// r_q (round_bf16 or round_f16 from round_low.wgsl, chosen by the host: src/gpu/shaderSource.ts). The
// CPU mirror is src/core/lowArith.ts, in the same operation order.
alias R = f32;

fn r_from(a: f32) -> R { return r_q(a); }
fn r_to_f32(a: R) -> f32 { return a; }
fn r_add(a: R, b: R) -> R { return r_q(a + b); }
fn r_sub(a: R, b: R) -> R { return r_q(a - b); }
fn r_mul(a: R, b: R) -> R { return r_q(a * b); }
fn r_div(a: R, b: R) -> R { return r_q(a / b); }
fn r_neg(a: R) -> R { return -a; }
fn r_inv_sqrt(a: R) -> R { return r_q(inverseSqrt(a)); }
// a·b + c·d and acc + (a·b + c·d), each operation rounded, in the CPU mirror's order.
fn r_dot2(a: R, b: R, c: R, d: R) -> R { return r_q(r_q(a * b) + r_q(c * d)); }
fn r_add_dot2(acc: R, a: R, b: R, c: R, d: R) -> R { return r_q(acc + r_dot2(a, b, c, d)); }

fn r_coef_ka(c: vec4<f32>) -> R { return c.x; }
fn r_coef_kb(c: vec4<f32>) -> R { return c.y; }

fn r_exponent_bits(a: R) -> u32 { return bitcast<u32>(a) & 0x7f800000u; }

fn r_round_state(a: R) -> R { return a; }

// a·2^k by an f32 power of two, rounded: exact inside the format's range, its overflow or underflow outside.
fn r_scale_pow2(a: R, p: f32) -> R { return r_q(a * p); }
// a·f.x·f.y·f.z, each product rounded (src/core/lowArith.ts scale2).
fn r_scale_by(a: R, f: vec3<f32>) -> R { return r_q(r_q(r_q(a * f.x) * f.y) * f.z); }
