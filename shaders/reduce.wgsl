// Exact drift summaries on the GPU: nearest-rank median and 95th percentile of the angle gaps by radix
// selection on their bit patterns (non-negative floats order like their u32 bits), plus max and counts
// (diverged, overflowed, and runs absorbed at an exact stationary point now, per run: wd and exp apart).
// Three levels of 11 + 11 + 10 bits; each level histograms the keys that share the prefix selected so far.
// Prepended by the host: the generated Metric struct (src/gpu/layout.ts).

struct ReduceParams {
  count: u32,
  offset: u32,
  invocations: u32,
  level: u32,
}

struct ReduceState {
  valid: atomic<u32>,
  diverged: atomic<u32>,
  overflowed: atomic<u32>,
  max_key: atomic<u32>,
  wd_absorbed: atomic<u32>,
  exp_absorbed: atomic<u32>,
  // Per target (median, p95): the key prefix selected so far and the rank still to find inside it.
  prefix: array<u32, 2>,
  rank: array<u32, 2>,
}

const BINS: u32 = 2048u;

@group(0) @binding(0) var<uniform> rp: ReduceParams;
@group(0) @binding(1) var<storage, read> metrics: array<Metric>;
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>, 4096>;
@group(0) @binding(3) var<storage, read_write> rstate: ReduceState;

fn level_bin(key: u32, level: u32) -> u32 {
  if (level == 0u) { return key >> 21u; }
  if (level == 1u) { return (key >> 10u) & 0x7ffu; }
  return key & 0x3ffu;
}

fn level_prefix(key: u32, level: u32) -> u32 {
  if (level == 1u) { return key >> 21u; }
  return key >> 10u;
}

@compute @workgroup_size(64)
fn reduce_histogram(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= rp.invocations) { return; }
  let i = rp.offset + gid.x;
  if (i >= rp.count) { return; }
  let m = metrics[i];
  let valid = m.overflow_step < 0 && m.gap >= 0.0;
  if (rp.level == 0u) {
    if (m.divergence_step >= 0) { atomicAdd(&rstate.diverged, 1u); }
    if (m.overflow_step >= 0) { atomicAdd(&rstate.overflowed, 1u); }
    // The kernel keeps −1 outside an absorbed streak, so ≥ 0 means "absorbed at the current step".
    if (m.wd_absorbed_step >= 0) { atomicAdd(&rstate.wd_absorbed, 1u); }
    if (m.exp_absorbed_step >= 0) { atomicAdd(&rstate.exp_absorbed, 1u); }
    if (valid) {
      atomicAdd(&rstate.valid, 1u);
      atomicMax(&rstate.max_key, bitcast<u32>(m.gap));
    }
  }
  if (!valid) { return; }
  let key = bitcast<u32>(m.gap);
  for (var q = 0u; q < 2u; q++) {
    if (rp.level == 0u || level_prefix(key, rp.level) == rstate.prefix[q]) {
      atomicAdd(&hist[q * BINS + level_bin(key, rp.level)], 1u);
    }
  }
}

// One invocation: walks each target's histogram to the bin holding its rank, then clears the bins.
@compute @workgroup_size(1)
fn reduce_select() {
  let n = atomicLoad(&rstate.valid);
  let bins = select(BINS, 1024u, rp.level == 2u);
  let shift = select(11u, 10u, rp.level == 2u);
  for (var q = 0u; q < 2u; q++) {
    if (rp.level == 0u) {
      // Nearest rank: ceil(q·n) − 1, computed in integers to avoid float rounding at the boundary.
      let num = select(n, n * 19u, q == 1u);
      let den = select(2u, 20u, q == 1u);
      let r = (num + den - 1u) / den;
      rstate.rank[q] = select(0u, r - 1u, r > 0u);
    }
    var cum = 0u;
    var chosen = 0u;
    var found = false;
    for (var b = 0u; b < bins; b++) {
      let h = atomicLoad(&hist[q * BINS + b]);
      if (!found && cum + h > rstate.rank[q]) {
        chosen = b;
        found = true;
        rstate.rank[q] = rstate.rank[q] - cum;
      }
      cum += h;
      atomicStore(&hist[q * BINS + b], 0u);
    }
    if (rp.level == 0u) {
      rstate.prefix[q] = chosen;
    } else {
      rstate.prefix[q] = (rstate.prefix[q] << shift) | chosen;
    }
  }
}
