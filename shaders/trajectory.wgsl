// Steps many trajectories, each a weight-decay run and its equivalent exponential run side by side, for
// `params.steps` steps per dispatch without a CPU round trip. Mirrors src/core/integrator.ts step().
// Prepended by the host: the real type (real_f32.wgsl or df64.wgsl + real_df64.wgsl), the generated
// structs (src/gpu/layout.ts), f_prime, loss.wgsl and f_prime_second (src/gpu/lossSource.ts).
// Renormalisation, closed-form η̃ and the crossing step: docs/numerics.md.
//
// Written for SwiftShader as much as for GPUs. SwiftShader runs 4 invocations per SIMD vector and, for
// `if`, `&&` and `||`, executes BOTH sides under a lane mask: it never skips a block, even when no lane
// takes it. A loop body runs at least once, then again while any lane continues. So the per-step code is
// branch-free (select, and `&`/`|` on bools); the phase switch only exists in the last loop's steps; the
// ring sample is behind an override that compiles it out; and the steps run in groups of STEPS_PER_GROUP
// (4 in f32: the loop's own overhead was ~10% of a step; 1 in df64, whose step is large enough, and whose
// compile time grows with every copy). Measured on SwiftShader: 2.6x the f32 speed of the branchy version,
// bit-identical results (docs/kernel-performance.md).

override WORKGROUP_SIZE: u32 = 64u;
// Band of the larger |component| of the stored w̃, as binary exponents (src/core/integrator.ts RENORM_BAND).
override RENORM_MIN_LOG2: i32 = -16;
override RENORM_MAX_LOG2: i32 = 15;
override RENORM_MAX_SHIFT: i32 = 60;
// The band is checked before the steps t with t % RENORM_EVERY == 0 (src/core/integrator.ts RENORM_EVERY).
override RENORM_EVERY: u32 = 16u;
// false: the pipeline has no path ring (params.history_len == 0), and the sampling code is compiled out.
override HISTORY: bool = true;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read_write> trajectories: array<Trajectory>;
@group(0) @binding(3) var<storage, read_write> metrics: array<Metric>;
// Path ring for the renderer: slot-major, (w.x, w.y, projected w̃.x, projected w̃.y) as f32.
@group(0) @binding(4) var<storage, read_write> history: array<vec4<f32>>;

const NON_FINITE = 0x7f800000u;

// Whether any component of either run is ±Inf or NaN: one max over the exponent fields, one compare.
fn any_non_finite(s: Trajectory) -> bool {
  let a = max(max(r_exponent_bits(s.ex_x), r_exponent_bits(s.ex_y)),
              max(r_exponent_bits(s.ex_vx), r_exponent_bits(s.ex_vy)));
  let b = max(max(r_exponent_bits(s.wd_x), r_exponent_bits(s.wd_y)),
              max(r_exponent_bits(s.wd_vx), r_exponent_bits(s.wd_vy)));
  return max(max(a, b), r_exponent_bits(s.lr)) == NON_FINITE;
}

// The same answer from five of the nine values, right after a step without a phase switch: the step sets
// x ← x − η·v with η > 0 finite (η̃ too), so a non-finite v makes x non-finite in the same step (Inf, or NaN
// from 0·Inf), and every value was finite before it. Only the switch step touches ṽ after x.
fn any_non_finite_after_step(s: Trajectory) -> bool {
  let a = max(r_exponent_bits(s.ex_x), r_exponent_bits(s.ex_y));
  let b = max(r_exponent_bits(s.wd_x), r_exponent_bits(s.wd_y));
  return max(max(a, b), r_exponent_bits(s.lr)) == NON_FINITE;
}

// (w_x·w̃_y − w_y·w̃_x, w_x·w̃_x + w_y·w̃_y); r_dot2 is the plain f32 expression in that order.
fn cross_dot(s: Trajectory) -> R2 {
  let cross = r_dot2(s.wd_x, s.ex_y, r_neg(s.wd_y), s.ex_x);
  let dot = r_dot2(s.wd_x, s.ex_x, s.wd_y, s.ex_y);
  return R2(cross, dot);
}

// α^t·w̃ in f32 for drawing, where α^t = 2^log2c and the stored w̃ may be huge or tiny (no renormalisation):
// w̃ = 2^k·m exactly (m's larger |component| in [1, 2)), then m·2^(k + log2c), whose exponent is moderate.
// One exp2, no log2, sqrt or division (SwiftShader evaluates this on every step of a pipeline with a ring).
fn projected(s: Trajectory, log2c: f32) -> vec2<f32> {
  let e = vec2<f32>(r_to_f32(s.ex_x), r_to_f32(s.ex_y));
  let big = max(abs(e.x), abs(e.y));
  let k = clamp(i32((bitcast<u32>(big) >> 23u) & 0xffu) - 127, -126, 126);
  return e * pow2(-k) * exp2(f32(k) + log2c);
}

// 2^e as three factors of at most 2^±120 (src/core/arith.ts pow2Chunks, the CPU mirror's order), so that
// a·2^e with e beyond float32's exponent range still over- or underflows as the true value would.
fn pow2_chunks(e: i32) -> vec3<f32> {
  let e1 = clamp(e, -120, 120);
  let e2 = clamp(e - e1, -120, 120);
  let e3 = clamp(e - e1 - e2, -120, 120);
  return vec3<f32>(pow2(e1), pow2(e2), pow2(e3));
}

// r_scale_by(a, f) = a·f.x·f.y·f.z in R comes with the real type (real_*.wgsl): emulated formats round each product.
// The same for a plain f32 (the crossing test and drawing work in f32 in both precisions).
fn f32_scale_by(a: f32, f: vec3<f32>) -> f32 { return a * f.x * f.y * f.z; }

fn r_pow2_scale3(a: R, e: i32) -> R { return r_scale_by(a, pow2_chunks(e)); }

// The exact scaling a step applies to the weight-decay run's gradient, 2^−2Kw. Kw only changes in
// renormalize(), so the factors are made there (once per group of steps) instead of in every step.
var<private> wd_gscale: vec3<f32>;

fn update_scales(s: Trajectory) {
  wd_gscale = pow2_chunks(-2 * s.wd_scale_exp);
}

// ±0 (in df64 both parts). Results are never subnormal here (GPUs flush them; so does the CPU mirror).
fn r_is_zero(a: R) -> bool { return r_exponent_bits(a) == 0u; }

// The shift that brings a value whose larger |component| is `big` back into the band, or 0 (also for 0).
fn band_shift(big: f32) -> i32 {
  let e = i32((bitcast<u32>(big) >> 23u) & 0xffu) - 127;
  let out = (big != 0.0) & ((e < RENORM_MIN_LOG2) | (e > RENORM_MAX_LOG2));
  return select(0, clamp(e, -RENORM_MAX_SHIFT, RENORM_MAX_SHIFT), out);
}

// 2^k for k in [-126, 127] from its bits (ldexp is much slower on SwiftShader).
fn pow2(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }

// Before step t (global), when t % RENORM_EVERY == 0 (docs/numerics.md), exact power-of-two rescalings;
// otherwise every shift is 0 and the multiplications by 1 change nothing:
// - a live exponential run whose larger |component| has left the band: w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, η̃ ← 2^−2k η̃,
//   K += k;
// - an absorbed exponential run (ṽ exactly 0, w̃ a fixed point, so η̃ is not used): lr's own exponent
//   moves into J when lr leaves the band (η̃ = lr·2^J), so that η̃ never overflows however long it stays
//   absorbed; GPUs flush subnormals, so a decaying buffer does reach 0 (src/core/integrator.ts);
// - the weight-decay run: w ← 2^−k w, v ← 2^−k v, Kw += k (its gradient picks up 2^−2Kw in step()), so that
//   a run shrinking for ever (an absorbed one) never underflows into 0/0.
fn renormalize(s: ptr<function, Trajectory>, m: ptr<function, Metric>, t: u32) {
  let on = (params.renormalize == 1u) & (t % RENORM_EVERY == 0u);
  let due = on & ((*m).overflow_step < 0);
  let k = select(0, band_shift(max(abs(r_to_f32((*s).ex_x)), abs(r_to_f32((*s).ex_y)))), due);
  (*s).ex_x = r_scale_pow2((*s).ex_x, pow2(-k));
  (*s).ex_y = r_scale_pow2((*s).ex_y, pow2(-k));
  (*s).ex_vx = r_scale_pow2((*s).ex_vx, pow2(k));
  (*s).ex_vy = r_scale_pow2((*s).ex_vy, pow2(k));
  (*s).lr = r_scale_pow2((*s).lr, pow2(-2 * k));
  (*s).scale_exp += k;

  // lr_band_always(): formats with gradual underflow (f16) move J whenever lr leaves the band (generated by
  // src/gpu/shaderSource.ts; src/core/renormalize.ts says why).
  let absorbed = ((*m).exp_absorbed_step >= 0) & r_is_zero((*s).ex_vx) & r_is_zero((*s).ex_vy);
  let frozen = due & (absorbed | lr_band_always());
  let j = select(0, band_shift(abs(r_to_f32((*s).lr))), frozen);
  (*s).lr = r_scale_pow2((*s).lr, pow2(-j));
  (*s).lr_exp += j;

  let kw = select(0, band_shift(max(abs(r_to_f32((*s).wd_x)), abs(r_to_f32((*s).wd_y)))), on);
  (*s).wd_x = r_scale_pow2((*s).wd_x, pow2(-kw));
  (*s).wd_y = r_scale_pow2((*s).wd_y, pow2(-kw));
  (*s).wd_vx = r_scale_pow2((*s).wd_vx, pow2(-kw));
  (*s).wd_vy = r_scale_pow2((*s).wd_vy, pow2(-kw));
  (*s).wd_scale_exp += kw;
  update_scales(*s);
}

// Start of the current streak of a condition that held at state t: kept, started at t, or cleared (−1).
fn streak(start: i32, holds: bool, t: i32) -> i32 {
  return select(-1, select(start, t, start < 0), holds);
}

// A component that was non-zero and is exactly zero after the step: it underflowed (or cancelled).
fn rounds_to_zero(before: R, after: R) -> bool { return r_is_zero(after) & !r_is_zero(before); }

// One step of both runs, to global step t1, with its marks: overflow (first non-finite component), crossing
// and divergence. `switching`: this step's end enters the next phase (only ever in the last single-step loop:
// in advance_group it is the constant false and the switch code is compiled out).
// The state updates go through upd_add/upd_sub/upd_mul (generated, src/gpu/shaderSource.ts): round to nearest,
// or stochastic rounding keyed by (seed, trajectory i, step t1, op), ops numbered as src/core/integrator.ts.
fn step(s: ptr<function, Trajectory>, m: ptr<function, Metric>, i: u32, t1: i32, switching: bool) {
  let tu = u32(t1);
  let eta = params.eta;
  let lam = params.lambda;
  let gamma = params.gamma;

  // Weight-decay run: v ← γv + ∇L(w) + λw;  w ← w − ηv. The gradient is loss_gradient() inlined, so that
  // u and r² also serve the crossing test: η·f''(θ_t) > 2|w_t|² (never when f'' ≤ 0), for state t = t1 − 1.
  // In the gradient's format (g_*, see loss.wgsl).
  let gwx = g_in((*s).wd_x);
  let gwy = g_in((*s).wd_y);
  let r2 = g_dot2(gwx, gwx, gwy, gwy);
  let inv = g_inv_sqrt(r2);
  let ux = g_mul(gwx, inv);
  let uy = g_mul(gwy, inv);
  // The stored run is 2^−Kw·(w, v), so the gradient term carries 2^−2Kw (exact: 1 while Kw = 0).
  let fd = f_prime_second(ux, uy);
  let gs = g_scale_by(g_mul(fd.fp, inv), wd_gscale);
  let g = R2(g_neg(g_mul(uy, gs)), g_mul(ux, gs));
  let crosses = ((*m).crossing_step < 0) &
                (f32_scale_by(r_to_f32(eta) * fd.fpp, wd_gscale) > 2.0 * r_to_f32(r2));
  (*m).crossing_step = select((*m).crossing_step, t1 - 1, crosses);
  (*m).wd_absorbed_step = streak((*m).wd_absorbed_step, r_is_zero(g.x) & r_is_zero(g.y), t1 - 1);
  let wx0 = (*s).wd_x;
  let wy0 = (*s).wd_y;
  (*s).wd_vx = upd_add(r_mul(gamma, (*s).wd_vx), r_add(g.x, r_mul(lam, (*s).wd_x)), i, tu, 0u);
  (*s).wd_vy = upd_add(r_mul(gamma, (*s).wd_vy), r_add(g.y, r_mul(lam, (*s).wd_y)), i, tu, 1u);
  (*s).wd_x = r_round_state(upd_sub((*s).wd_x, r_mul(eta, (*s).wd_vx), i, tu, 2u));
  (*s).wd_y = r_round_state(upd_sub((*s).wd_y, r_mul(eta, (*s).wd_vy), i, tu, 3u));
  var underflows = rounds_to_zero(wx0, (*s).wd_x) | rounds_to_zero(wy0, (*s).wd_y);

  // Exponential run: ṽ ← γṽ + ∇L(w̃);  w̃ ← w̃ − η̃ṽ. Computed always, kept only while it has not overflowed
  // (an overflowed run stays frozen).
  let live = (*m).overflow_step < 0;
  var n = *s;
  let h = loss_gradient(n.ex_x, n.ex_y);
  n.ex_vx = upd_add(r_mul(gamma, n.ex_vx), h.x, i, tu, 4u);
  n.ex_vy = upd_add(r_mul(gamma, n.ex_vy), h.y, i, tu, 5u);
  // Absorbed: w̃ − η̃·0 = w̃ exactly, so the next step sees the same w̃ and again a zero gradient.
  let still = r_is_zero(h.x) & r_is_zero(h.y) & r_is_zero(n.ex_vx) & r_is_zero(n.ex_vy);
  (*m).exp_absorbed_step = select((*m).exp_absorbed_step, streak((*m).exp_absorbed_step, still, t1 - 1), live);
  // η̃·ṽ = (lr·ṽ)·2^J (lr_times, generated): in flushing formats J ≠ 0 only while ṽ = 0 (renormalize() and
  // the switch below), so there it is lr·ṽ alone.
  n.ex_x = r_round_state(upd_sub(n.ex_x, lr_times(n.lr, n.ex_vx, n.lr_exp), i, tu, 6u));
  n.ex_y = r_round_state(upd_sub(n.ex_y, lr_times(n.lr, n.ex_vy, n.lr_exp), i, tu, 7u));
  if (switching) {
    // Phase switch: move the buffer onto the new phase's change of variables, then rescale η̃ (whose true
    // value is lr·2^J, so κ/η̃ carries 2^−J).
    let kk = r_pow2_scale3(r_div(params.kappa, n.lr), -n.lr_exp);
    n.ex_vx = r_add(n.ex_vx, r_mul(kk, n.ex_x));
    n.ex_vy = r_add(n.ex_vy, r_mul(kk, n.ex_y));
    n.lr = r_mul(n.lr, params.switch_factor);
    // An absorbed run knocked off its fixed point (momentum carries the new buffer): J goes back into the
    // joint scaling (src/core/renormalize.ts mergeLrExp).
    if (!lr_band_always() & (n.lr_exp != 0) & !r_is_zero(gamma) & !(r_is_zero(n.ex_vx) & r_is_zero(n.ex_vy))) {
      let k = (n.lr_exp + select(0, 1, n.lr_exp > 0)) / 2;
      n.ex_x = r_pow2_scale3(n.ex_x, -k);
      n.ex_y = r_pow2_scale3(n.ex_y, -k);
      n.ex_vx = r_pow2_scale3(n.ex_vx, k);
      n.ex_vy = r_pow2_scale3(n.ex_vy, k);
      n.lr = r_pow2_scale3(n.lr, n.lr_exp - 2 * k);
      n.scale_exp += k;
      n.lr_exp = 0;
    }
  } else {
    n.lr = upd_mul(n.lr, params.growth, i, tu, 8u);
  }
  underflows = underflows | (live & (rounds_to_zero((*s).ex_x, n.ex_x) | rounds_to_zero((*s).ex_y, n.ex_y)));
  (*m).underflow_step = select((*m).underflow_step, t1, ((*m).underflow_step < 0) & underflows);
  (*s).ex_x = select((*s).ex_x, n.ex_x, live);
  (*s).ex_y = select((*s).ex_y, n.ex_y, live);
  (*s).ex_vx = select((*s).ex_vx, n.ex_vx, live);
  (*s).ex_vy = select((*s).ex_vy, n.ex_vy, live);
  (*s).lr = select((*s).lr, n.lr, live);
  if (switching) {
    (*s).scale_exp = select((*s).scale_exp, n.scale_exp, live);
    (*s).lr_exp = select((*s).lr_exp, n.lr_exp, live);
  }

  let overflows = live & select(any_non_finite_after_step(*s), any_non_finite(*s), switching);
  (*m).overflow_step = select((*m).overflow_step, t1, overflows);

  // Divergence: δ > tol ⇔ dot ≤ 0 or cross² > tan²(tol)·dot² (no atan2 per step). cross and dot need R
  // (cross is a small difference of nearly equal products); the comparison only needs f32.
  let cd = cross_dot(*s);
  let cross = r_to_f32(cd.x);
  let dot = r_to_f32(cd.y);
  let apart = !(dot > 0.0) | (cross * cross > r_to_f32(params.tan2_tol) * (dot * dot));
  let diverges = ((*m).divergence_step < 0) & ((*m).overflow_step < 0) & apart;
  (*m).divergence_step = select((*m).divergence_step, t1, diverges);
}

// Where the next ring sample goes: steps left until it, and its slot. Counted down per step, because
// integer division (t / sample_every % history_len per step) is slow on SwiftShader.
struct Sampler {
  until: u32,
  slot: u32,
}

fn first_sample() -> Sampler {
  let every = max(params.sample_every, 1u);
  let until = every - params.t0 % every;
  return Sampler(until, ((params.t0 + until) / every) % max(params.history_len, 1u));
}

// After the step to global step t1: the ring sample when t1 is a sample step (a multiple of sample_every).
fn record_sample(s: Trajectory, m: Metric, smp: ptr<function, Sampler>, i: u32, t1: u32) {
  let due = (*smp).until == 1u;
  if (due) {
    let log2c = params.log2c_t0 + f32(t1 - params.t0) * params.log2_alpha + f32(s.scale_exp);
    let p = select(vec2<f32>(0.0), projected(s, log2c), m.overflow_step < 0);
    let wf = pow2_chunks(s.wd_scale_exp);
    let w = vec2<f32>(f32_scale_by(r_to_f32(s.wd_x), wf), f32_scale_by(r_to_f32(s.wd_y), wf));
    history[(*smp).slot * params.count + i] = vec4<f32>(w, p);
  }
  let next_slot = select((*smp).slot + 1u, 0u, (*smp).slot + 1u == params.history_len);
  (*smp).slot = select((*smp).slot, next_slot, due);
  (*smp).until = select((*smp).until - 1u, max(params.sample_every, 1u), due);
}

// One step to global step t1, then the ring sample (compiled out in a pipeline without a ring).
fn advance_one(s: ptr<function, Trajectory>, m: ptr<function, Metric>, smp: ptr<function, Sampler>, i: u32,
               t1: u32, switching: bool) {
  step(s, m, i, i32(t1), switching);
  if (HISTORY) { record_sample(*s, *m, smp, i, t1); }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn step_trajectories(@builtin(global_invocation_id) gid: vec3<u32>) {
  // Bounds guard: the last workgroup of a dispatch may run past the batch.
  if (gid.x >= params.invocations) { return; }
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }

  var s = trajectories[i];
  var m = metrics[i];
  var smp = first_sample();
  // Closed-form η̃: the host's double-double value at t0, scaled by this trajectory's 2^−2K (docs/numerics.md).
  if (params.lr_mode == 1u && m.overflow_step < 0) {
    s.lr = r_pow2_scale3(params.lr_t0, params.lr_t0_exp - 2 * s.scale_exp - s.lr_exp);
  }
  update_scales(s);

  // Single steps up to a multiple of STEPS_PER_GROUP, whole groups, then the single steps left, the last of
  // which may switch phase. Groups start at multiples of STEPS_PER_GROUP, which divides RENORM_EVERY, so
  // renormalisation is only ever due at a group's start (advance_group, generated by src/gpu/shaderSource.ts).
  let plain_steps = params.steps - params.switch_at_end;
  var k = 0u;
  if (STEPS_PER_GROUP > 1u) {
    let head = min(plain_steps, (STEPS_PER_GROUP - params.t0 % STEPS_PER_GROUP) % STEPS_PER_GROUP);
    for (; k < head; k++) {
      renormalize(&s, &m, params.t0 + k);
      advance_one(&s, &m, &smp, i, params.t0 + k + 1u, false);
    }
  }
  for (; k + STEPS_PER_GROUP <= plain_steps; k += STEPS_PER_GROUP) {
    advance_group(&s, &m, &smp, i, params.t0 + k);
  }
  for (; k < params.steps; k++) {
    renormalize(&s, &m, params.t0 + k);
    advance_one(&s, &m, &smp, i, params.t0 + k + 1u, (params.switch_at_end == 1u) & (k + 1u == params.steps));
  }

  if (m.overflow_step < 0) {
    let cd = cross_dot(s);
    // Two runs on the same axis (a component flushed to ±0) give cross = ±0; SwiftShader's atan2(−0, x > 0)
    // returns π there (measured, double-well in f32), so an exact zero cross product with dot > 0 is a gap of 0.
    let c = r_to_f32(cd.x);
    let d = r_to_f32(cd.y);
    m.gap = select(abs(atan2(c, d)), 0.0, (c == 0.0) & (d > 0.0));
  } else {
    m.gap = -1.0; // no gap once a run has overflowed (NaN constants are not expressible in WGSL)
  }
  trajectories[i] = s;
  metrics[i] = m;
}
