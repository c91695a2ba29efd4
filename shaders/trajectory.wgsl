// Steps many trajectories, each a weight-decay run and its equivalent exponential run side by side, for
// `params.steps` steps per dispatch without a CPU round trip. Mirrors src/core/integrator.ts step().
// Prepended by the host: the real type (real_f32.wgsl or df64.wgsl + real_df64.wgsl), the generated
// structs (src/gpu/layout.ts), loss.wgsl and `fn f_second(ux: R, uy: R) -> R` (src/gpu/engine.ts).
// Renormalisation, closed-form η̃ and the crossing step: docs/numerics.md.

override WORKGROUP_SIZE: u32 = 64u;
// Band of the larger |component| of the stored w̃, as binary exponents (src/core/integrator.ts RENORM_BAND).
override RENORM_MIN_LOG2: i32 = -16;
override RENORM_MAX_LOG2: i32 = 15;
override RENORM_MAX_SHIFT: i32 = 60;
// The band is checked before the steps t with t % RENORM_EVERY == 0 (src/core/integrator.ts RENORM_EVERY).
override RENORM_EVERY: u32 = 16u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read_write> trajectories: array<Trajectory>;
@group(0) @binding(3) var<storage, read_write> metrics: array<Metric>;
// Path ring for the renderer: slot-major, (w.x, w.y, projected w̃.x, projected w̃.y) as f32.
@group(0) @binding(4) var<storage, read_write> history: array<vec4<f32>>;

fn all_finite(s: Trajectory) -> bool {
  return r_is_finite(s.ex_x) && r_is_finite(s.ex_y) && r_is_finite(s.ex_vx) && r_is_finite(s.ex_vy)
    && r_is_finite(s.lr) && r_is_finite(s.wd_x) && r_is_finite(s.wd_y) && r_is_finite(s.wd_vx)
    && r_is_finite(s.wd_vy);
}

fn cross_dot(s: Trajectory) -> R2 {
  let cross = r_sub(r_mul(s.wd_x, s.ex_y), r_mul(s.wd_y, s.ex_x));
  let dot = r_add(r_mul(s.wd_x, s.ex_x), r_mul(s.wd_y, s.ex_y));
  return R2(cross, dot);
}

// α^t·w̃ in f32 for drawing: direction × 2^(log2|w̃| + log2 c_t), so neither factor over- or underflows.
fn projected(s: Trajectory, log2c: f32) -> vec2<f32> {
  let e = vec2<f32>(r_to_f32(s.ex_x), r_to_f32(s.ex_y));
  let r = length(e);
  return e / r * exp2(log2(r) + log2c);
}

// a·2^e exactly (two factors, so that e beyond float32's exponent range still over- or underflows as the
// true value would). `a * f` works for f32 and, component-wise, for df64's vec2<f32>.
fn r_pow2_scale(a: R, e: i32) -> R {
  let e1 = clamp(e, -120, 120);
  let e2 = clamp(e - e1, -120, 120);
  return a * ldexp(1.0, e1) * ldexp(1.0, e2);
}

// 2^k for k in [-126, 127] from its bits (ldexp is much slower on SwiftShader).
fn pow2(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }

// Exact power-of-two rescaling of a live exponential run whose larger |component| has left the band:
// w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, η̃ ← 2^−2k η̃, K += k (docs/numerics.md). Called once per RENORM_EVERY steps,
// between chunks of the step loop: per step, even this cheap test cost ~20% of the f32 kernel on SwiftShader.
fn renormalize(s: ptr<function, Trajectory>, live: bool) {
  let big = max(abs(r_to_f32((*s).ex_x)), abs(r_to_f32((*s).ex_y)));
  let e = i32((bitcast<u32>(big) >> 23u) & 0xffu) - 127;
  let out = live && (e < RENORM_MIN_LOG2 || e > RENORM_MAX_LOG2);
  let k = select(0, clamp(e, -RENORM_MAX_SHIFT, RENORM_MAX_SHIFT), out);
  (*s).ex_x = (*s).ex_x * pow2(-k);
  (*s).ex_y = (*s).ex_y * pow2(-k);
  (*s).ex_vx = (*s).ex_vx * pow2(k);
  (*s).ex_vy = (*s).ex_vy * pow2(k);
  (*s).lr = (*s).lr * pow2(-2 * k);
  (*s).scale_exp += k;
}

// One step of both runs from step t1 − 1 to t1. Branch-free where lanes may disagree (select, not if):
// SwiftShader runs every branch under a mask, so the selects cost less than the ifs did.
// `switch_now`: this step's end enters the next phase (uniform across the dispatch). Returns whether the
// exponential run was live (not yet overflowed) at the start of the step. Overflow and divergence are
// marked by the callers (advance_checked, advance_fast).
fn step_runs(s: ptr<function, Trajectory>, m: ptr<function, Metric>, t1: i32, switch_now: bool) -> bool {
  let eta = params.eta;
  let lam = params.lambda;
  let gamma = params.gamma;

  // Weight-decay run: v ← γv + ∇L(w) + λw;  w ← w − ηv. The gradient is loss_gradient() inlined, so that
  // u and r² also serve the crossing test: η·f''(θ_t) > 2|w_t|² (never when f'' ≤ 0), for state t = t1 − 1.
  let r2 = r_add(r_mul((*s).wd_x, (*s).wd_x), r_mul((*s).wd_y, (*s).wd_y));
  let inv = r_inv_sqrt(r2);
  let ux = r_mul((*s).wd_x, inv);
  let uy = r_mul((*s).wd_y, inv);
  let gs = r_mul(f_prime(ux, uy), inv);
  let g = R2(r_neg(r_mul(uy, gs)), r_mul(ux, gs));
  if ((*m).crossing_step < 0) {
    let lhs = r_to_f32(r_mul(eta, f_second(ux, uy)));
    let rhs = r_to_f32(r_mul(r_from(2.0), r2));
    if (lhs > rhs) { (*m).crossing_step = t1 - 1; }
  }
  (*s).wd_vx = r_add(r_mul(gamma, (*s).wd_vx), r_add(g.x, r_mul(lam, (*s).wd_x)));
  (*s).wd_vy = r_add(r_mul(gamma, (*s).wd_vy), r_add(g.y, r_mul(lam, (*s).wd_y)));
  (*s).wd_x = r_sub((*s).wd_x, r_mul(eta, (*s).wd_vx));
  (*s).wd_y = r_sub((*s).wd_y, r_mul(eta, (*s).wd_vy));

  // Exponential run: ṽ ← γṽ + ∇L(w̃);  w̃ ← w̃ − η̃ṽ. Computed always, kept only while it has not overflowed
  // (an overflowed run stays frozen).
  let live = (*m).overflow_step < 0;
  var n = *s;
  let h = loss_gradient(n.ex_x, n.ex_y);
  n.ex_vx = r_add(r_mul(gamma, n.ex_vx), h.x);
  n.ex_vy = r_add(r_mul(gamma, n.ex_vy), h.y);
  n.ex_x = r_sub(n.ex_x, r_mul(n.lr, n.ex_vx));
  n.ex_y = r_sub(n.ex_y, r_mul(n.lr, n.ex_vy));
  if (switch_now) {
    // Phase switch: move the buffer onto the new phase's change of variables, then rescale η̃.
    let kk = r_div(params.kappa, n.lr);
    n.ex_vx = r_add(n.ex_vx, r_mul(kk, n.ex_x));
    n.ex_vy = r_add(n.ex_vy, r_mul(kk, n.ex_y));
    n.lr = r_mul(n.lr, params.switch_factor);
  } else {
    n.lr = r_mul(n.lr, params.growth);
  }
  (*s).ex_x = select((*s).ex_x, n.ex_x, live);
  (*s).ex_y = select((*s).ex_y, n.ex_y, live);
  (*s).ex_vx = select((*s).ex_vx, n.ex_vx, live);
  (*s).ex_vy = select((*s).ex_vy, n.ex_vy, live);
  (*s).lr = select((*s).lr, n.lr, live);
  return live;
}

// Divergence: δ > tol ⇔ dot ≤ 0 or cross² > tan²(tol)·dot² (no atan2 per step).
fn mark_divergence(s: Trajectory, m: ptr<function, Metric>, t1: i32) {
  let cd = cross_dot(s);
  let lhs = r_to_f32(r_mul(cd.x, cd.x));
  let rhs = r_to_f32(r_mul(params.tan2_tol, r_mul(cd.y, cd.y)));
  let apart = !(r_to_f32(cd.y) > 0.0) || lhs > rhs;
  let diverges = (*m).divergence_step < 0 && (*m).overflow_step < 0 && apart;
  (*m).divergence_step = select((*m).divergence_step, t1, diverges);
}

fn record_sample(s: Trajectory, m: Metric, i: u32, t1: u32, k: u32, until_sample: ptr<function, u32>) {
  *until_sample -= 1u;
  if (*until_sample == 0u) {
    *until_sample = max(params.sample_every, 1u);
    if (params.history_len > 0u) { record_history(s, m, i, t1, k); }
  }
}

// Steps k0 .. k_end − 1 testing every state for overflow: the exact first non-finite step.
fn advance_checked(s: ptr<function, Trajectory>, m: ptr<function, Metric>, i: u32, k0: u32, k_end: u32,
                   until_sample: ptr<function, u32>) {
  for (var k = k0; k < k_end; k++) {
    let t1 = params.t0 + k + 1u;
    let live = step_runs(s, m, i32(t1), params.switch_at_end == 1u && k + 1u == params.steps);
    let overflows = live && !all_finite(*s);
    (*m).overflow_step = select((*m).overflow_step, i32(t1), overflows);
    mark_divergence(*s, m, i32(t1));
    record_sample(*s, *m, i, t1, k, until_sample);
  }
}

// The same steps without the per-step overflow test. A non-finite value never becomes finite again within
// the steps (NaN and ±Inf propagate through every update, and η̃ only grows), so one test at the end tells
// whether an overflow happened; only then are the steps redone by advance_checked from the saved state.
// That test cost ~15% of the f32 kernel when done every step.
fn advance_fast(s: ptr<function, Trajectory>, m: ptr<function, Metric>, i: u32, k0: u32, k_end: u32,
                until_sample: ptr<function, u32>) {
  let s0 = *s;
  let m0 = *m;
  let until0 = *until_sample;
  for (var k = k0; k < k_end; k++) {
    let t1 = params.t0 + k + 1u;
    step_runs(s, m, i32(t1), params.switch_at_end == 1u && k + 1u == params.steps);
    mark_divergence(*s, m, i32(t1));
    record_sample(*s, *m, i, t1, k, until_sample);
  }
  if (m0.overflow_step < 0 && !all_finite(*s)) {
    *s = s0;
    *m = m0;
    *until_sample = until0;
    advance_checked(s, m, i, k0, k_end, until_sample);
  }
}

fn record_history(s: Trajectory, m: Metric, i: u32, t1: u32, k: u32) {
  let slot = (t1 / params.sample_every) % params.history_len;
  let log2c = params.log2c_t0 + f32(k + 1u) * params.log2_alpha + f32(s.scale_exp);
  var p = vec2<f32>(0.0);
  if (m.overflow_step < 0) { p = projected(s, log2c); }
  history[slot * params.count + i] = vec4<f32>(r_to_f32(s.wd_x), r_to_f32(s.wd_y), p);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn step_trajectories(@builtin(global_invocation_id) gid: vec3<u32>) {
  // Bounds guard: the last workgroup of a dispatch may run past the batch.
  if (gid.x >= params.invocations) { return; }
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }

  var s = trajectories[i];
  var m = metrics[i];
  // Closed-form η̃: the host's double-double value at t0, scaled by this trajectory's 2^−2K (docs/numerics.md).
  if (params.lr_mode == 1u && m.overflow_step < 0) {
    s.lr = r_pow2_scale(params.lr_t0, params.lr_t0_exp - 2 * s.scale_exp);
  }
  // Steps to the next ring sample, counted down (no integer modulo per step).
  let every = max(params.sample_every, 1u);
  var until_sample = every - params.t0 % every;

  // Chunks that end where the global step is a multiple of RENORM_EVERY; renormalise between them.
  var k = 0u;
  while (k < params.steps) {
    let t = params.t0 + k;
    if (params.renormalize == 1u && t % RENORM_EVERY == 0u) { renormalize(&s, m.overflow_step < 0); }
    let chunk_end = min(params.steps, k + RENORM_EVERY - t % RENORM_EVERY);
    advance_fast(&s, &m, i, k, chunk_end, &until_sample);
    k = chunk_end;
  }

  if (m.overflow_step < 0) {
    let cd = cross_dot(s);
    m.gap = abs(atan2(r_to_f32(cd.x), r_to_f32(cd.y)));
  } else {
    m.gap = -1.0; // no gap once a run has overflowed (NaN constants are not expressible in WGSL)
  }
  trajectories[i] = s;
  metrics[i] = m;
}
