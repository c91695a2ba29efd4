// What both model kernels share (shaders/model_step.wgsl: an invocation per trajectory; model_step_wg.wgsl:
// a workgroup per trajectory): bindings, data access, exp in the format, the exact rescalings and the event
// helpers. Prepended by the host (src/gpu/model/modelShader.ts): the real type (real_f32.wgsl, or df64.wgsl
// and real_df64.wgsl), df64.wgsl's error-free transforms, the structs (src/gpu/model/modelLayout.ts), the
// constants 1 and exp's (generated from expConstantsDD: literals in f32, loads from the data buffer in
// df64), the index functions vi/zi, and model_f32.wgsl or model_df64.wgsl (the divergence test).
//
// Every operation mirrors src/core/model/ (bnGradient.ts, expInFormat.ts, modelIntegrator.ts,
// modelState.ts, vectorGap.ts) in the same order, so that the f32 kernel equals the float32 mirror bit for
// bit. Sums start from their first term, as the mirror's do.

override WORKGROUP_SIZE: u32 = 64u;
// bnMlp (relu units and a readout) or bnLogistic; compiled out either way.
override MLP: bool = false;
// The renormalisation band (src/core/integratorState.ts RENORM_BAND, RENORM_MAX_SHIFT, RENORM_EVERY).
override RENORM_MIN_LOG2: i32 = -16;
override RENORM_MAX_LOG2: i32 = 15;
override RENORM_MAX_SHIFT: i32 = 60;
override RENORM_EVERY: u32 = 16u;

@group(0) @binding(0) var<uniform> params: ModelParams;
// x (n·d, row after row), then y (n, ±1), the readout (hidden) and the constants (modelShader.ts
// modelConstantsDD), each rounded once into the format.
@group(0) @binding(1) var<storage, read> data: array<R>;
// The four vectors of every trajectory (wd w, wd v, ex w, ex v), indexed by vi(kind, component).
@group(0) @binding(2) var<storage, read_write> vecs: array<R>;
@group(0) @binding(3) var<storage, read_write> trajs: array<ModelTraj>;
// ẑ of every unit, g and ∂L/∂z per slot (modelLayout.ts scratchRows), indexed by zi(row, point).
@group(0) @binding(4) var<storage, read_write> scratch: array<R>;
// Closed-form η̃ at each global step (lr_mode 1; one dummy entry otherwise).
@group(0) @binding(5) var<storage, read> rates: array<ModelRate>;

const WD_W = 0u;
const WD_V = 1u;
const EX_W = 2u;
const EX_V = 3u;
const NON_FINITE = 0x7f800000u;

// The trajectory and scratch slot this invocation (or workgroup) works on; vi and zi read them.
var<private> traj: u32;
var<private> slot: u32;

fn x_at(i: u32, k: u32) -> R { return data[i * params.d + k]; }
fn positive(i: u32) -> bool { return r_to_f32(data[params.n * params.d + i]) > 0.0; }
fn readout(j: u32) -> R { return data[params.n * params.d + params.n + j]; }

fn r_zero() -> R { return R(0.0); }

// ±0 (in df64 both parts). Results are never subnormal (GPUs flush them; so does the float32 mirror).
fn r_is_zero(a: R) -> bool { return r_exponent_bits(a) == 0u; }

// 2^k for k in [-126, 127] from its bits.
fn pow2(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }

// 2^e as three factors of at most 2^±120 (src/core/arith.ts pow2Chunks, the mirror's scale2).
fn pow2_chunks(e: i32) -> vec3<f32> {
  let e1 = clamp(e, -120, 120);
  let e2 = clamp(e - e1, -120, 120);
  let e3 = clamp(e - e1 - e2, -120, 120);
  return vec3<f32>(pow2(e1), pow2(e2), pow2(e3));
}

// a·2^e as the mirror's scale2: a·f.x·f.y·f.z, each product rounded (exact while in range).
fn r_pow2_scale3(a: R, e: i32) -> R { return r_scale_by(a, pow2_chunks(e)); }

// The biased exponent field of a value as f32 (0: zero; 255: ±Inf or NaN). The largest over a vector is
// the exponent of its largest |component| (exact, in any order: what vectorBandShift's max needs).
fn exp_field(a: R) -> u32 { return (bitcast<u32>(r_to_f32(a)) >> 23u) & 0xffu; }

// vectorBandShift from the largest exponent field: 0 for a zero or non-finite vector and inside the band,
// else the exponent clamped to ±RENORM_MAX_SHIFT.
fn band_shift_field(field: u32) -> i32 {
  let e = i32(field) - 127;
  let out = (field != 0u) & (field != 255u) & ((e < RENORM_MIN_LOG2) | (e > RENORM_MAX_LOG2));
  return select(0, clamp(e, -RENORM_MAX_SHIFT, RENORM_MAX_SHIFT), out);
}

// floorLog2 of the largest |component| for vectorGap.ts unit(): 0 for a zero or non-finite vector.
fn unit_exponent(field: u32) -> i32 {
  return select(0, i32(field) - 127, (field != 0u) & (field != 255u));
}

// Start of the current streak of a condition that held at state t: kept, started at t, or cleared (−1).
fn streak(start: i32, holds: bool, t: i32) -> i32 {
  return select(-1, select(start, t, start < 0), holds);
}

// A component that was non-zero and is exactly zero after the step: it underflowed (or cancelled).
fn rounds_to_zero(before: R, after: R) -> bool { return r_is_zero(after) & !r_is_zero(before); }

// +Inf at run time (a constant Inf is a WGSL error).
fn r_inf() -> R { return r_from(bitcast<f32>(NON_FINITE | (params.n & 0u))); }

// exp(x) by expInFormat.ts: k = ⌊x·log2 e + ½⌋ (clamped to ±300), r = (x − k·ln2_hi) − k·ln2_lo, Horner
// on the Taylor coefficients (exp_poly, generated), then 2^k in three exact factors. NaN gives x back, a
// non-finite k gives +Inf or 0.
fn r_exp(x: R) -> R {
  let t = r_to_f32(r_add(r_mul(x, exp_log2e()), exp_half()));
  let kv = floor(t);
  let k = i32(clamp(kv, -300.0, 300.0));
  let kf = r_from(f32(k));
  let r = r_sub(r_sub(x, r_mul(kf, exp_ln2_hi())), r_mul(kf, exp_ln2_lo()));
  let y = r_pow2_scale3(exp_poly(r), k);
  let bits = bitcast<u32>(t) & 0x7fffffffu;
  let inf = select(r_zero(), r_inf(), r_to_f32(x) > 0.0);
  return select(select(y, inf, bits == NON_FINITE), x, bits > NON_FINITE);
}

// g_i = ∓(1/n)/(1 + e^(±out_i)) for point i from its ẑ (rows 0..hidden−1), into
// row `hidden` (bnGradient.ts gradient()).
fn point_upstream(i: u32) {
  var o = scratch[zi(0u, i)];
  if (MLP) {
    for (var j = 0u; j < params.hidden; j++) {
      let h = scratch[zi(j, i)];
      let term = select(r_zero(), r_mul(readout(j), h), r_to_f32(h) > 0.0);
      o = select(r_add(o, term), term, j == 0u);
    }
  }
  let pos = positive(i);
  let e = r_exp(select(r_neg(o), o, pos));
  scratch[zi(params.hidden, i)] = r_div(select(params.inv_n, r_neg(params.inv_n), pos), r_add(r_one(), e));
}

// ĝ of unit j at point i whose ẑ is h: g_i, or a_j·g_i where ẑ > 0 (bnMlp).
fn upstream(j: u32, i: u32, h: R) -> R {
  let g = scratch[zi(params.hidden, i)];
  if (MLP) {
    return select(r_zero(), r_mul(readout(j), g), r_to_f32(h) > 0.0);
  }
  return g;
}

// z of point i for the weight vector at components wo.. of vector `kind`: x_i·w_j, from the first product
// on (k ascending). Tests replace it with another order to see the bit-exact comparison fail.
fn dot_row(i: u32, kind: u32, wo: u32) -> R {
  var xa = i * params.d;
  var wa = vi(kind, wo);
  let ws = vi_step();
  var s = r_mul(data[xa], vecs[wa]);
  for (var k = 1u; k < params.d; k++) {
    xa += 1u;
    wa += ws;
    s = r_add(s, r_mul(data[xa], vecs[wa]));
  }
  return s;
}
