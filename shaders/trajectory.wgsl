// Steps many trajectories, each a weight-decay run and its equivalent exponential run side by side, for
// `params.steps` steps per dispatch without a CPU round trip. Mirrors src/core/integrator.ts step().
// Prepended by the host: the real type (real_f32.wgsl or df64.wgsl + real_df64.wgsl), the generated
// structs (src/gpu/layout.ts) and loss.wgsl.

override WORKGROUP_SIZE: u32 = 64u;

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

// One step of both runs from step t1 − 1 to t1. Branch-free where lanes may disagree (select, not if):
// SwiftShader runs every branch under a mask, so the selects cost less than the ifs did.
// `switch_now`: this step's end enters the next phase (uniform across the dispatch).
fn step_once(s: ptr<function, Trajectory>, m: ptr<function, Metric>, t1: i32, switch_now: bool) {
  let eta = params.eta;
  let lam = params.lambda;
  let gamma = params.gamma;

  // Weight-decay run: v ← γv + ∇L(w) + λw;  w ← w − ηv.
  let g = loss_gradient((*s).wd_x, (*s).wd_y);
  (*s).wd_vx = r_add(r_mul(gamma, (*s).wd_vx), r_add(g.x, r_mul(lam, (*s).wd_x)));
  (*s).wd_vy = r_add(r_mul(gamma, (*s).wd_vy), r_add(g.y, r_mul(lam, (*s).wd_y)));
  (*s).wd_x = r_sub((*s).wd_x, r_mul(eta, (*s).wd_vx));
  (*s).wd_y = r_sub((*s).wd_y, r_mul(eta, (*s).wd_vy));

  // Exponential run: ṽ ← γṽ + ∇L(w̃);  w̃ ← w̃ − η̃ṽ. Computed always, kept only while it has not overflowed
  // (an overflowed run stays frozen at its last finite state).
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
  let live = (*m).overflow_step < 0;
  (*s).ex_x = select((*s).ex_x, n.ex_x, live);
  (*s).ex_y = select((*s).ex_y, n.ex_y, live);
  (*s).ex_vx = select((*s).ex_vx, n.ex_vx, live);
  (*s).ex_vy = select((*s).ex_vy, n.ex_vy, live);
  (*s).lr = select((*s).lr, n.lr, live);
  let overflows = live && !all_finite(*s);
  (*m).overflow_step = select((*m).overflow_step, t1, overflows);

  // Divergence: δ > tol ⇔ dot ≤ 0 or cross² > tan²(tol)·dot² (no atan2 per step).
  let cd = cross_dot(*s);
  let lhs = r_to_f32(r_mul(cd.x, cd.x));
  let rhs = r_to_f32(r_mul(params.tan2_tol, r_mul(cd.y, cd.y)));
  let apart = !(r_to_f32(cd.y) > 0.0) || lhs > rhs;
  let diverges = (*m).divergence_step < 0 && (*m).overflow_step < 0 && apart;
  (*m).divergence_step = select((*m).divergence_step, t1, diverges);
}

fn record_history(s: Trajectory, m: Metric, i: u32, t1: u32, k: u32) {
  let slot = (t1 / params.sample_every) % params.history_len;
  let log2c = params.log2c_t0 + f32(k + 1u) * params.log2_alpha;
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
  // Steps to the next ring sample, counted down (no integer modulo per step).
  let sampling = params.history_len > 0u;
  let every = max(params.sample_every, 1u);
  var until_sample = every - params.t0 % every;

  for (var k = 0u; k < params.steps; k++) {
    let t1 = params.t0 + k + 1u;
    step_once(&s, &m, i32(t1), params.switch_at_end == 1u && k + 1u == params.steps);
    until_sample -= 1u;
    if (until_sample == 0u) {
      until_sample = every;
      if (sampling) { record_history(s, m, i, t1, k); }
    }
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
