// Histogram of divergence steps over trajectories (src/gpu/divergenceHistogram.ts). Categories are
// exclusive, so the bins sum to the trajectory count:
//   bins 0 … B−1: diverged, bin = min(divergence_step / bin_width, B − 1) (a trajectory that diverged and
//                 overflowed later is counted by its divergence step: the divergence happened first);
//   bin B:        never diverged and not overflowed;
//   bin B + 1:    overflowed without having diverged before.
// Integer bin widths keep the binning exactly reproducible on the CPU (no float rounding at the edges).
// Prepended by the host: the generated Metric struct (src/gpu/layout.ts).

struct HistParams {
  count: u32,       // trajectories in the batch
  offset: u32,      // first trajectory of this dispatch
  invocations: u32, // trajectories handled by this dispatch
  bins: u32,        // B
  bin_width: u32,   // steps per bin (≥ 1)
}

// Per-workgroup counts first (workgroup memory starts zeroed), then one global atomic per non-empty bin:
// on a GPU most trajectories land in the same few bins, and global atomics on one address serialise.
const MAX_BINS: u32 = 256u;
var<workgroup> local_counts: array<atomic<u32>, 258>; // MAX_BINS + 2

@group(0) @binding(0) var<uniform> hp: HistParams;
@group(0) @binding(1) var<storage, read> metrics: array<Metric>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(64)
fn divergence_histogram(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let bins = min(hp.bins, MAX_BINS);
  let i = hp.offset + gid.x;
  // Bounds guard (no early return: every invocation must reach the barriers).
  if (gid.x < hp.invocations && i < hp.count) {
    let m = metrics[i];
    var bin = bins;
    if (m.divergence_step >= 0) {
      bin = min(u32(m.divergence_step) / max(hp.bin_width, 1u), bins - 1u);
    } else if (m.overflow_step >= 0) {
      bin = bins + 1u;
    }
    atomicAdd(&local_counts[bin], 1u);
  }
  workgroupBarrier();
  for (var b = li; b < bins + 2u; b += 64u) {
    let c = atomicLoad(&local_counts[b]);
    if (c > 0u) { atomicAdd(&counts[b], c); }
  }
}
