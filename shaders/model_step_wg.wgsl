// Steps batch-normalised models in ℝ^P, one workgroup per trajectory (the same step as model_step.wgsl,
// src/core/model/modelIntegrator.ts): the invocations share the batch statistics. Work that is parallel
// over the points (z, ẑ, g with its exp, the backward terms) or over the P weights (their gradient sums,
// the updates) is spread over the invocations. The sums that the float32 mirror runs in one sequential
// order (Σz, Σ(z − μ)², Σĝ, Σĝẑ over the n points, |·|² and the gap over P) stay sequential: one invocation
// per sum adds, in the mirror's order, values the others computed in parallel, so that the results stay
// bit for bit the mirror's. Reductions that are exact in any order (the largest exponent, any/all flags) go
// through workgroup atomics. Every invocation keeps its own copy of the trajectory's scalars and updates it
// identically from the reduced values; invocation 0 writes it back (with the gap and divergence, which
// only it computes). Prepended by the host: see shaders/model_common.wgsl.

var<private> lid: u32;
var<private> wd_gscale: vec3<f32>;

// Per unit: μ, 1/σ, mean ĝ and mean ĝẑ (written by the unit's summing invocation, read by all).
var<workgroup> wg_mean: array<R, MAX_HIDDEN>;
var<workgroup> wg_rs: array<R, MAX_HIDDEN>;
var<workgroup> wg_gbar: array<R, MAX_HIDDEN>;
var<workgroup> wg_gzbar: array<R, MAX_HIDDEN>;

// Max-reductions of u32 values (exponent fields, flags as 0/1), in three rotating slots: round r uses slot
// r % 3 and clears slot (r + 2) % 3, last read in round r − 1 (before this round's barrier) and next
// written in round r + 2 (after the next round's barrier).
const RED_FIELD_A = 0u;
const RED_FIELD_B = 1u;
const RED_FLAG_A = 2u;
const RED_FLAG_B = 3u;
const RED_FLAG_C = 4u;
const RED_FIELD_C = 5u;
const RED_FIELD_D = 6u;
const RED_SLOTS = 7u;
var<workgroup> red: array<array<atomic<u32>, RED_SLOTS>, 3>;
var<private> red_round: u32;
var<private> red_cur: u32;

fn sync() {
  storageBarrier();
  workgroupBarrier();
}

fn red_max(q: u32, v: u32) { atomicMax(&red[red_round % 3u][q], v); }
fn red_flag(q: u32, b: bool) {
  if (b) { atomicMax(&red[red_round % 3u][q], 1u); }
}

// Ends a reduction round: after it red_get reads the round's results.
fn red_finish() {
  sync();
  red_cur = red_round % 3u;
  if (lid == 0u) {
    let old = (red_cur + 2u) % 3u;
    for (var q = 0u; q < RED_SLOTS; q++) {
      atomicStore(&red[old][q], 0u);
    }
  }
  red_round += 1u;
}

fn red_get(q: u32) -> u32 { return atomicLoad(&red[red_cur][q]); }

// Forward pass at vector `kind`: z in parallel over (unit, point); Σz and Σ(z − μ)² by one invocation per
// unit, in the mirror's order; ẑ in parallel; g in parallel over the points.
fn forward(kind: u32) {
  let n = params.n;
  for (var j = 0u; j < params.hidden; j++) {
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
      scratch[zi(j, i)] = dot_row(i, kind, j * params.d);
    }
  }
  sync();
  for (var j = lid; j < params.hidden; j += WORKGROUP_SIZE) {
    var sum = scratch[zi(j, 0u)];
    for (var i = 1u; i < n; i++) {
      sum = r_add(sum, scratch[zi(j, i)]);
    }
    let mean = r_mul(sum, params.inv_n);
    var dev = r_sub(scratch[zi(j, 0u)], mean);
    var ss = r_mul(dev, dev);
    for (var i = 1u; i < n; i++) {
      dev = r_sub(scratch[zi(j, i)], mean);
      ss = r_add(ss, r_mul(dev, dev));
    }
    var variance = r_mul(ss, params.inv_n);
    if (params.has_eps == 1u) {
      variance = r_add(variance, params.eps);
    }
    wg_mean[j] = mean;
    wg_rs[j] = r_inv_sqrt(variance);
  }
  sync();
  for (var j = 0u; j < params.hidden; j++) {
    let mean = wg_mean[j];
    let r = wg_rs[j];
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
      let at = zi(j, i);
      scratch[at] = r_mul(r_sub(scratch[at], mean), r);
    }
  }
  sync();
  for (var i = lid; i < n; i += WORKGROUP_SIZE) {
    point_upstream(i);
  }
  sync();
}

// Backward pass of every unit up to ∂L/∂z (rows hidden+1.. of the scratch): Σĝ and Σĝẑ of a unit by two
// invocations, in the mirror's order; then ∂L/∂z in parallel.
fn backward() {
  let n = params.n;
  let h = params.hidden;
  for (var q = lid; q < 2u * h; q += WORKGROUP_SIZE) {
    let j = q >> 1u;
    let z0 = scratch[zi(j, 0u)];
    if ((q & 1u) == 0u) {
      var gs = upstream(j, 0u, z0);
      for (var i = 1u; i < n; i++) {
        gs = r_add(gs, upstream(j, i, scratch[zi(j, i)]));
      }
      wg_gbar[j] = r_mul(gs, params.inv_n);
    } else {
      var gz = r_mul(upstream(j, 0u, z0), z0);
      for (var i = 1u; i < n; i++) {
        let zh = scratch[zi(j, i)];
        gz = r_add(gz, r_mul(upstream(j, i, zh), zh));
      }
      wg_gzbar[j] = r_mul(gz, params.inv_n);
    }
  }
  sync();
  for (var j = 0u; j < h; j++) {
    let gbar = wg_gbar[j];
    let gzbar = wg_gzbar[j];
    let r = wg_rs[j];
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
      let zh = scratch[zi(j, i)];
      scratch[zi(h + 1u + j, i)] = r_mul(r_sub(r_sub(upstream(j, i, zh), gbar), r_mul(zh, gzbar)), r);
    }
  }
  sync();
}

// ∂L/∂w of weight c = j·d + k: Σ_i ∂L/∂z_ij·x_ik over the points in order (one invocation per weight).
fn weight_gradient(c: u32) -> R {
  let j = c / params.d;
  let k = c - j * params.d;
  let row = params.hidden + 1u + j;
  var acc = r_mul(scratch[zi(row, 0u)], x_at(0u, k));
  for (var i = 1u; i < params.n; i++) {
    acc = r_add(acc, r_mul(scratch[zi(row, i)], x_at(i, k)));
  }
  return acc;
}

fn scale_own(kind: u32, e: i32) {
  for (var c = lid; c < params.params; c += WORKGROUP_SIZE) {
    let at = vi(kind, c);
    vecs[at] = r_pow2_scale3(vecs[at], e);
  }
}

// vectorGap.ts angleGapInFormat by invocation 0 alone (sequential sums over P), from the largest exponent
// fields of both vectors.
fn angle_gap(s: ptr<function, ModelTraj>, field_a: u32, field_b: u32) {
  let fa = pow2_chunks(-unit_exponent(field_a));
  let fb = pow2_chunks(-unit_exponent(field_b));
  var na = r_zero();
  var nb = r_zero();
  for (var c = 0u; c < params.params; c++) {
    let a = r_scale_by(vecs[vi(WD_W, c)], fa);
    let b = r_scale_by(vecs[vi(EX_W, c)], fb);
    na = select(r_add(na, r_mul(a, a)), r_mul(a, a), c == 0u);
    nb = select(r_add(nb, r_mul(b, b)), r_mul(b, b), c == 0u);
  }
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

// One step of both runs from global step t to t + 1 (modelIntegrator.ts step()); control flow around
// barriers depends on the params only (the exponential run is computed but not stored once overflowed).
fn step(s: ptr<function, ModelTraj>, t: u32, switching: bool) {
  let t1 = i32(t) + 1;
  let gamma = params.gamma;
  let lam = params.lambda;
  let eta = params.eta;
  let renorm_due = (params.renormalize == 1u) & (t % RENORM_EVERY == 0u);
  if (renorm_due) {
    for (var c = lid; c < params.params; c += WORKGROUP_SIZE) {
      red_max(RED_FIELD_A, exp_field(vecs[vi(WD_W, c)]));
    }
    red_finish();
    let k = band_shift_field(red_get(RED_FIELD_A));
    if (k != 0) {
      scale_own(WD_W, -k);
      scale_own(WD_V, -k);
      (*s).wd_scale_exp += k;
    }
    sync();
  }
  wd_gscale = pow2_chunks(-2 * (*s).wd_scale_exp);

  // Weight-decay run.
  forward(WD_W);
  backward();
  var underflow = false;
  for (var c = lid; c < params.params; c += WORKGROUP_SIZE) {
    let gk = r_scale_by(weight_gradient(c), wd_gscale);
    red_flag(RED_FLAG_A, !r_is_zero(gk));
    let w = vecs[vi(WD_W, c)];
    let v = r_add(r_mul(gamma, vecs[vi(WD_V, c)]), r_add(gk, r_mul(lam, w)));
    let w1 = r_round_state(r_sub(w, r_mul(eta, v)));
    underflow = underflow | rounds_to_zero(w, w1);
    vecs[vi(WD_V, c)] = v;
    vecs[vi(WD_W, c)] = w1;
  }
  let live = (*s).overflow_step < 0;
  // The exponential run's band (same round): the largest exponent of w̃ and whether ṽ is all zero.
  let due = renorm_due & live;
  if (due) {
    for (var c = lid; c < params.params; c += WORKGROUP_SIZE) {
      red_max(RED_FIELD_B, exp_field(vecs[vi(EX_W, c)]));
      red_flag(RED_FLAG_B, !r_is_zero(vecs[vi(EX_V, c)]));
    }
  }
  red_finish();
  (*s).wd_absorbed_step = streak((*s).wd_absorbed_step, red_get(RED_FLAG_A) == 0u, t1 - 1);

  // Exponential run (renormalisation as modelState.ts renormalizeModelExp: J only while absorbed).
  if (due) {
    let k = band_shift_field(red_get(RED_FIELD_B));
    if (k != 0) {
      scale_own(EX_W, -k);
      scale_own(EX_V, k);
      (*s).lr = r_pow2_scale3((*s).lr, -2 * k);
      (*s).scale_exp += k;
    }
    // ṽ scaled by 2^k is zero exactly when it was.
    let absorbed = ((*s).exp_absorbed_step >= 0) & (red_get(RED_FLAG_B) == 0u);
    let j = select(0, band_shift_field(exp_field((*s).lr)), absorbed);
    (*s).lr = r_pow2_scale3((*s).lr, -j);
    (*s).lr_exp += j;
  }
  sync();
  forward(EX_W);
  backward();
  let lr = (*s).lr;
  for (var c = lid; c < params.params; c += WORKGROUP_SIZE) {
    let hk = weight_gradient(c);
    let v = r_add(r_mul(gamma, vecs[vi(EX_V, c)]), hk);
    red_flag(RED_FLAG_A, !(r_is_zero(hk) & r_is_zero(v)));
    let w = vecs[vi(EX_W, c)];
    let w1 = r_round_state(r_sub(w, r_mul(lr, v)));
    if (live) {
      underflow = underflow | rounds_to_zero(w, w1);
      vecs[vi(EX_V, c)] = v;
      vecs[vi(EX_W, c)] = w1;
    }
  }
  red_finish();
  if (live) {
    (*s).exp_absorbed_step = streak((*s).exp_absorbed_step, red_get(RED_FLAG_A) == 0u, t1 - 1);
  }
  if (switching) {
    let kappa = r_pow2_scale3(r_div(params.kappa, (*s).lr), -(*s).lr_exp);
    for (var c = lid; c < params.params; c += WORKGROUP_SIZE) {
      let v = r_add(vecs[vi(EX_V, c)], r_mul(kappa, vecs[vi(EX_W, c)]));
      red_flag(RED_FLAG_A, !r_is_zero(v));
      if (live) {
        vecs[vi(EX_V, c)] = v;
      }
    }
    red_finish();
    if (live) {
      (*s).lr = r_mul((*s).lr, params.switch_factor);
      let j = (*s).lr_exp;
      if ((j != 0) & !r_is_zero(gamma) & (red_get(RED_FLAG_A) != 0u)) {
        let k = (j + select(0, 1, j > 0)) / 2;
        scale_own(EX_W, -k);
        scale_own(EX_V, k);
        (*s).lr = r_pow2_scale3((*s).lr, j - 2 * k);
        (*s).scale_exp += k;
        (*s).lr_exp = 0;
      }
    }
  } else if (live) {
    (*s).lr = r_mul((*s).lr, params.growth);
  }
  if (live & (params.lr_mode == 1u)) {
    let rate = rates[t1];
    (*s).lr = r_pow2_scale3(rate.m, rate.e - 2 * (*s).scale_exp - (*s).lr_exp);
  }
  // Finiteness of everything, the underflow flag, and the exponent fields the gap scales by.
  for (var c = lid; c < params.params; c += WORKGROUP_SIZE) {
    let a = vecs[vi(WD_W, c)];
    let b = vecs[vi(EX_W, c)];
    red_max(RED_FIELD_C, max(max(r_exponent_bits(a), r_exponent_bits(vecs[vi(WD_V, c)])),
                             max(r_exponent_bits(b), r_exponent_bits(vecs[vi(EX_V, c)]))));
    red_max(RED_FIELD_A, exp_field(a));
    red_max(RED_FIELD_D, exp_field(b));
  }
  red_flag(RED_FLAG_C, underflow);
  red_finish();
  if (live & (max(red_get(RED_FIELD_C), r_exponent_bits((*s).lr)) == NON_FINITE)) {
    (*s).overflow_step = t1;
  }
  if ((red_get(RED_FLAG_C) != 0u) & ((*s).underflow_step < 0)) {
    (*s).underflow_step = t1;
  }
  if ((lid == 0u) & ((*s).overflow_step < 0)) {
    angle_gap(s, red_get(RED_FIELD_A), red_get(RED_FIELD_D));
    if (((*s).divergence_step < 0) & exceeds((*s).d2, (*s).s2)) {
      (*s).divergence_step = t1;
    }
  }
  sync();
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn model_step(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  // Bounds guard (the whole workgroup leaves together).
  if (wid.x >= params.invocations) { return; }
  let i = params.offset + wid.x;
  if (i >= params.count) { return; }
  traj = i;
  slot = wid.x;
  lid = li;
  var s = trajs[traj];
  for (var k = 0u; k < params.steps; k++) {
    step(&s, params.t0 + k, (params.switch_at_end == 1u) & (k + 1u == params.steps));
  }
  if (lid == 0u) {
    trajs[traj] = s;
  }
}
