// Divergence cause of one trajectory from its metrics: the WGSL twin of divergenceCause() in
// src/core/cause.ts, test by test in the same order of precedence (tests/render/causeWgsl.gpu.test.ts runs this
// function on a table of cases and compares each answer with the TypeScript one).
// Prepended by the host (src/render/cause.ts): the Metric struct (src/gpu/layout.ts) and the codes
// CAUSE_NONE, CAUSE_CHAOS, CAUSE_ABSORBED, CAUSE_RANGE, CAUSE_PRECISION. Steps are −1 for "never".

// The event happened, at or before step t (cause.ts: atOrBefore).
fn cause_at_or_before(event: i32, t: i32) -> bool {
  return event >= 0 && event <= t;
}

fn divergence_cause(m: Metric) -> u32 {
  let d = m.divergence_step;
  // A non-finite value ends the comparison: range, whether or not the runs had split before it.
  if (m.overflow_step >= 0 && (d < 0 || m.overflow_step <= d)) { return CAUSE_RANGE; }
  if (d < 0) { return CAUSE_NONE; }
  if (cause_at_or_before(m.underflow_step, d)) { return CAUSE_RANGE; }
  if (cause_at_or_before(m.wd_absorbed_step, d) || cause_at_or_before(m.exp_absorbed_step, d)) {
    return CAUSE_ABSORBED;
  }
  if (cause_at_or_before(m.crossing_step, d)) { return CAUSE_CHAOS; }
  return CAUSE_PRECISION;
}
