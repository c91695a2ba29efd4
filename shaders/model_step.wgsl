// Steps batch-normalised models in ℝ^P, one invocation per trajectory: the weight-decay run and its
// exponential twin side by side, `params.steps` steps per dispatch (src/core/model/modelIntegrator.ts step(),
// which is this kernel's float32 mirror, without the CPU-only sharpness check). The invocation keeps ẑ of
// every unit, g and one unit's ∂L/∂z in its scratch slot (rows of n values, zi()); the vectors stay in
// storage (vi()).
// Prepended by the host: see shaders/model_common.wgsl.

// 1/σ of every unit at the current forward pass.
var<private> rs: array<R, MAX_HIDDEN>;
// 2^−2Kw in three factors: the weight-decay run's gradient scaling (set at each step, after renormalising).
var<private> wd_gscale: vec3<f32>;

// Forward pass at vector `kind` (bnGradient.ts normalizeUnit for every unit, then g): ẑ into rows
// 0..hidden−1, 1/σ into rs, g into row hidden.
fn forward(kind: u32) {
  let n = params.n;
  for (var j = 0u; j < params.hidden; j++) {
    let wo = j * params.d;
    var sum = r_zero();
    for (var i = 0u; i < n; i++) {
      let z = dot_row(i, kind, wo);
      scratch[zi(j, i)] = z;
      sum = select(r_add(sum, z), z, i == 0u);
    }
    let mean = r_mul(sum, params.inv_n);
    var ss = r_zero();
    for (var i = 0u; i < n; i++) {
      let dev = r_sub(scratch[zi(j, i)], mean);
      let sq = r_mul(dev, dev);
      ss = select(r_add(ss, sq), sq, i == 0u);
    }
    var variance = r_mul(ss, params.inv_n);
    if (params.has_eps == 1u) {
      variance = r_add(variance, params.eps);
    }
    let r = r_inv_sqrt(variance);
    rs[j] = r;
    for (var i = 0u; i < n; i++) {
      let at = zi(j, i);
      scratch[at] = r_mul(r_sub(scratch[at], mean), r);
    }
  }
  for (var i = 0u; i < n; i++) {
    point_upstream(i);
  }
}

// Backward pass of unit j (bnGradient.ts unitGradient) up to ∂L/∂z, into scratch row hidden + 1.
fn unit_backward(j: u32) {
  let n = params.n;
  var gs = r_zero();
  var gz = r_zero();
  for (var i = 0u; i < n; i++) {
    let h = scratch[zi(j, i)];
    let gi = upstream(j, i, h);
    let p = r_mul(gi, h);
    gs = select(r_add(gs, gi), gi, i == 0u);
    gz = select(r_add(gz, p), p, i == 0u);
  }
  let gbar = r_mul(gs, params.inv_n);
  let gzbar = r_mul(gz, params.inv_n);
  let r = rs[j];
  for (var i = 0u; i < n; i++) {
    let h = scratch[zi(j, i)];
    scratch[zi(params.hidden + 1u, i)] = r_mul(r_sub(r_sub(upstream(j, i, h), gbar), r_mul(h, gzbar)), r);
  }
}

// ∂L/∂w_jk = Σ_i ∂L/∂z_ij·x_ik over the points in order (the mirror accumulates the same sums, point
// after point for all k at once; each sum sees the same terms in the same order).
fn weight_gradient(k: u32) -> R {
  var za = zi(params.hidden + 1u, 0u);
  let zs = zi_step();
  var xa = k;
  var acc = r_mul(scratch[za], data[xa]);
  for (var i = 1u; i < params.n; i++) {
    za += zs;
    xa += params.d;
    acc = r_add(acc, r_mul(scratch[za], data[xa]));
  }
  return acc;
}

// The largest exponent field over a vector (vectorBandShift's max |component|).
fn vec_field(kind: u32) -> u32 {
  var f = 0u;
  for (var c = 0u; c < params.params; c++) {
    f = max(f, exp_field(vecs[vi(kind, c)]));
  }
  return f;
}

fn scale_vec(kind: u32, e: i32) {
  for (var c = 0u; c < params.params; c++) {
    let at = vi(kind, c);
    vecs[at] = r_pow2_scale3(vecs[at], e);
  }
}

// modelState.ts renormalizeModelWd: w ← 2^−k w, v ← 2^−k v, Kw += k.
fn renormalize_wd(s: ptr<function, ModelTraj>) {
  let k = band_shift_field(vec_field(WD_W));
  if (k != 0) {
    scale_vec(WD_W, -k);
    scale_vec(WD_V, -k);
    (*s).wd_scale_exp += k;
  }
}

// w̃ ← 2^−k w̃, ṽ ← 2^k ṽ, η̃·2^lr_shift, K += k (modelState.ts shiftModelExp).
fn shift_exp(s: ptr<function, ModelTraj>, k: i32, lr_shift: i32) {
  scale_vec(EX_W, -k);
  scale_vec(EX_V, k);
  (*s).lr = r_pow2_scale3((*s).lr, lr_shift);
  (*s).scale_exp += k;
}

fn all_zero(kind: u32) -> bool {
  var z = true;
  for (var c = 0u; c < params.params; c++) {
    z = z & r_is_zero(vecs[vi(kind, c)]);
  }
  return z;
}

// modelState.ts renormalizeModelExp in a flushing format: J moves only while the run is absorbed.
fn renormalize_exp(s: ptr<function, ModelTraj>) {
  let k = band_shift_field(vec_field(EX_W));
  if (k != 0) {
    shift_exp(s, k, -2 * k);
  }
  let absorbed = ((*s).exp_absorbed_step >= 0) & all_zero(EX_V);
  let j = select(0, band_shift_field(exp_field((*s).lr)), absorbed);
  (*s).lr = r_pow2_scale3((*s).lr, -j);
  (*s).lr_exp += j;
}

// Whether every stored value of both runs and η̃ is finite (the mirror's allFinite).
fn all_finite(s: ModelTraj) -> bool {
  var f = r_exponent_bits(s.lr);
  for (var c = 0u; c < params.params; c++) {
    f = max(f, max(max(r_exponent_bits(vecs[vi(WD_W, c)]), r_exponent_bits(vecs[vi(WD_V, c)])),
                   max(r_exponent_bits(vecs[vi(EX_W, c)]), r_exponent_bits(vecs[vi(EX_V, c)]))));
  }
  return f != NON_FINITE;
}

// vectorGap.ts angleGapInFormat(wd w, ex w): each vector scaled by 2^−⌊log2 max|c|⌋ and by 1/|·|, then
// |â − b̂|² and |â + b̂|² summed over the components in order.
fn angle_gap(s: ptr<function, ModelTraj>) {
  let fa = pow2_chunks(-unit_exponent(vec_field(WD_W)));
  let fb = pow2_chunks(-unit_exponent(vec_field(EX_W)));
  var na = r_zero();
  var nb = r_zero();
  for (var c = 0u; c < params.params; c++) {
    let a = r_scale_by(vecs[vi(WD_W, c)], fa);
    let b = r_scale_by(vecs[vi(EX_W, c)], fb);
    na = select(r_add(na, r_mul(a, a)), r_mul(a, a), c == 0u);
    nb = select(r_add(nb, r_mul(b, b)), r_mul(b, b), c == 0u);
  }
  // A zero vector stays zero (the mirror returns it unscaled).
  let ia = select(r_inv_sqrt(na), r_one(), r_is_zero(na));
  let ib = select(r_inv_sqrt(nb), r_one(), r_is_zero(nb));
  var d2 = r_zero();
  var s2 = r_zero();
  for (var c = 0u; c < params.params; c++) {
    let a = r_mul(r_scale_by(vecs[vi(WD_W, c)], fa), ia);
    let b = r_mul(r_scale_by(vecs[vi(EX_W, c)], fb), ib);
    let dk = r_sub(a, b);
    let sk = r_add(a, b);
    d2 = select(r_add(d2, r_mul(dk, dk)), r_mul(dk, dk), c == 0u);
    s2 = select(r_add(s2, r_mul(sk, sk)), r_mul(sk, sk), c == 0u);
  }
  (*s).d2 = d2;
  (*s).s2 = s2;
}

// One step of both runs from global step t to t + 1 (modelIntegrator.ts step()). `switching`: this step's
// end enters the next phase (only ever the dispatch's last step).
fn step(s: ptr<function, ModelTraj>, t: u32, switching: bool) {
  let t1 = i32(t) + 1;
  let gamma = params.gamma;
  let lam = params.lambda;
  let eta = params.eta;
  let d = params.d;
  let renorm_due = (params.renormalize == 1u) & (t % RENORM_EVERY == 0u);
  if (renorm_due) {
    renormalize_wd(s);
  }
  wd_gscale = pow2_chunks(-2 * (*s).wd_scale_exp);

  // Weight-decay run: v ← γv + (2^−2Kw·∇L(w) + λw), w ← w − ηv, unit after unit (a unit's gradient only
  // reads ẑ and g, computed before any w changes).
  forward(WD_W);
  var wd_zero = true;
  var underflow = false;
  for (var j = 0u; j < params.hidden; j++) {
    unit_backward(j);
    for (var k = 0u; k < d; k++) {
      let c = j * d + k;
      let gk = r_scale_by(weight_gradient(k), wd_gscale);
      wd_zero = wd_zero & r_is_zero(gk);
      let w = vecs[vi(WD_W, c)];
      let v = r_add(r_mul(gamma, vecs[vi(WD_V, c)]), r_add(gk, r_mul(lam, w)));
      let w1 = r_round_state(r_sub(w, r_mul(eta, v)));
      underflow = underflow | rounds_to_zero(w, w1);
      vecs[vi(WD_V, c)] = v;
      vecs[vi(WD_W, c)] = w1;
    }
  }
  (*s).wd_absorbed_step = streak((*s).wd_absorbed_step, wd_zero, t1 - 1);

  // Exponential run: ṽ ← γṽ + ∇L(w̃), w̃ ← w̃ − η̃ṽ; frozen once it has overflowed.
  if ((*s).overflow_step < 0) {
    if (renorm_due) {
      renormalize_exp(s);
    }
    forward(EX_W);
    var still = true;
    let lr = (*s).lr;
    for (var j = 0u; j < params.hidden; j++) {
      unit_backward(j);
      for (var k = 0u; k < d; k++) {
        let c = j * d + k;
        let hk = weight_gradient(k);
        let v = r_add(r_mul(gamma, vecs[vi(EX_V, c)]), hk);
        still = still & r_is_zero(hk) & r_is_zero(v);
        let w = vecs[vi(EX_W, c)];
        // η̃·ṽ = lr·ṽ: in a flushing format J ≠ 0 only while ṽ = 0 (modelState.ts).
        let w1 = r_round_state(r_sub(w, r_mul(lr, v)));
        underflow = underflow | rounds_to_zero(w, w1);
        vecs[vi(EX_V, c)] = v;
        vecs[vi(EX_W, c)] = w1;
      }
    }
    (*s).exp_absorbed_step = streak((*s).exp_absorbed_step, still, t1 - 1);
    if (switching) {
      // ṽ += (κ/η̃)·w̃ with η̃ = lr·2^J, then η̃ ← η̃·switch factor; an absorbed run knocked off its fixed
      // point takes J back into the joint scaling (mergeModelLrExp).
      let kappa = r_pow2_scale3(r_div(params.kappa, (*s).lr), -(*s).lr_exp);
      var moving = false;
      for (var c = 0u; c < params.params; c++) {
        let v = r_add(vecs[vi(EX_V, c)], r_mul(kappa, vecs[vi(EX_W, c)]));
        moving = moving | !r_is_zero(v);
        vecs[vi(EX_V, c)] = v;
      }
      (*s).lr = r_mul((*s).lr, params.switch_factor);
      let j = (*s).lr_exp;
      if ((j != 0) & !r_is_zero(gamma) & moving) {
        let k = (j + select(0, 1, j > 0)) / 2;
        shift_exp(s, k, j - 2 * k);
        (*s).lr_exp = 0;
      }
    } else {
      (*s).lr = r_mul((*s).lr, params.growth);
    }
    if (params.lr_mode == 1u) {
      let rate = rates[t1];
      (*s).lr = r_pow2_scale3(rate.m, rate.e - 2 * (*s).scale_exp - (*s).lr_exp);
    }
    if (!all_finite(*s)) {
      (*s).overflow_step = t1;
    }
  }
  if (underflow & ((*s).underflow_step < 0)) {
    (*s).underflow_step = t1;
  }
  if ((*s).overflow_step < 0) {
    angle_gap(s);
    if (((*s).divergence_step < 0) & exceeds((*s).d2, (*s).s2)) {
      (*s).divergence_step = t1;
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn model_step(@builtin(global_invocation_id) gid: vec3<u32>) {
  // Bounds guard: the last workgroup of a dispatch may run past the batch.
  if (gid.x >= params.invocations) { return; }
  traj = params.offset + gid.x;
  if (traj >= params.count) { return; }
  slot = gid.x;
  var s = trajs[traj];
  for (var k = 0u; k < params.steps; k++) {
    step(&s, params.t0 + k, (params.switch_at_end == 1u) & (k + 1u == params.steps));
  }
  trajs[traj] = s;
}
