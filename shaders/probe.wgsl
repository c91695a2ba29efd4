// Precision probe kernels. src/gpu/probe.ts prepends shaders/df64.wgsl to this file.
//
// Buffers are flat f32 arrays indexed by the element id i (params.offset + global id), so that a large
// batch can be split into several dispatches:
//   pair kernels:  src[2i], src[2i+1] = (a, b)             -> dst[2i], dst[2i+1] (or dst[4i..4i+3])
//   df64 kernels:  src[4i..4i+3] = (a.hi, a.lo, b.hi, b.lo) -> dst[2i], dst[2i+1] = (r.hi, r.lo)

struct ProbeParams {
  count: u32,  // total number of elements; i >= count is out of range
  offset: u32, // first element of this dispatch
}

@group(0) @binding(0) var<uniform> params: ProbeParams;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

fn load_pair(i: u32) -> vec2<f32> {
  return vec2<f32>(src[2u * i], src[2u * i + 1u]);
}

fn store_pair(i: u32, v: vec2<f32>) {
  dst[2u * i] = v.x;
  dst[2u * i + 1u] = v.y;
}

fn load_df_a(i: u32) -> vec2<f32> {
  return vec2<f32>(src[4u * i], src[4u * i + 1u]);
}

fn load_df_b(i: u32) -> vec2<f32> {
  return vec2<f32>(src[4u * i + 2u], src[4u * i + 3u]);
}

// --- error-free transforms on f32 pairs -------------------------------------------------------------------

@compute @workgroup_size(64)
fn probe_two_sum(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  let p = load_pair(i);
  store_pair(i, two_sum(p.x, p.y));
}

@compute @workgroup_size(64)
fn probe_two_prod_fma(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  let p = load_pair(i);
  store_pair(i, two_prod_fma(p.x, p.y));
}

@compute @workgroup_size(64)
fn probe_two_prod_split(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  let p = load_pair(i);
  store_pair(i, two_prod_split(p.x, p.y));
}

// --- compiler damage --------------------------------------------------------------------------------------
// Plain expressions whose IEEE f32 value is known (the host recomputes them with Math.fround):
//   d0 = ((a + b) - a) - b     the rounding error of a + b, negated; 0 if the compiler reassociates
//   d1 = fma(a, b, -(a * b))   the exact product error if fma is fused, 0 if it is not
//   d2 = t - (t - a), t = 4097 a   a rounded to 12 bits (Veltkamp); == a if the compiler reassociates
//   d3 = a * b - p, p = a * b  0; the exact product error if the compiler contracts a*b - p into an fma
// Any difference from the host's values is reported as compiler damage.
@compute @workgroup_size(64)
fn probe_damage(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  let a = src[2u * i];
  let b = src[2u * i + 1u];
  let s = a + b;
  let d0 = (s - a) - b;
  let p = a * b;
  let d1 = fma(a, b, -p);
  let t = 4097.0 * a;
  let d2 = t - (t - a);
  let d3 = a * b - p;
  dst[4u * i] = d0;
  dst[4u * i + 1u] = d1;
  dst[4u * i + 2u] = d2;
  dst[4u * i + 3u] = d3;
}

// --- df64 arithmetic on df64 pairs ------------------------------------------------------------------------

@compute @workgroup_size(64)
fn probe_df_add(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  store_pair(i, df_add(load_df_a(i), load_df_b(i)));
}

@compute @workgroup_size(64)
fn probe_df_mul(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  store_pair(i, df_mul(load_df_a(i), load_df_b(i)));
}

@compute @workgroup_size(64)
fn probe_df_div(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  store_pair(i, df_div(load_df_a(i), load_df_b(i)));
}

// Unary: uses a only (b is ignored).
@compute @workgroup_size(64)
fn probe_df_sqrt(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  store_pair(i, df_sqrt(load_df_a(i)));
}

// Unary: uses a only (b is ignored).
@compute @workgroup_size(64)
fn probe_df_inv_sqrt(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = params.offset + gid.x;
  if (i >= params.count) { return; }
  store_pair(i, df_inv_sqrt(load_df_a(i)));
}
