// df64: an emulated double as an unevaluated sum of two f32, stored as vec2<f32> (x = hi, y = lo) with
// |lo| <= ulp(hi)/2. About 44-48 significant bits, with f32's exponent range (no gain in range).
//
// Algorithms: Dekker (1971), Knuth (TAOCP vol. 2), Hida-Li-Bailey's QD library, Thall (2006), and the
// error bounds of Joldes, Muller & Popescu, "Tight and rigorous error bounds for basic building blocks of
// double-word arithmetic", ACM TOMS 2017 (u = 2^-24 below).
//
// Everything here relies on the error-free transforms (two_sum, two_prod) being evaluated exactly as
// written, in round-to-nearest f32. WGSL does NOT promise that: a compiler may reassociate (a + b) - a into
// b, contract a * b - c into an fma, or flush subnormals, and WGSL's fma() need not be fused. So the
// transforms are written plainly, and src/gpu/probe.ts checks them on the running device before df64
// results are trusted (and picks the two_prod variant that is exact there).
//
// Inputs are assumed finite and away from overflow/underflow (|x| in roughly [2^-100, 2^100]); no special
// handling of inf/NaN/subnormals is attempted.

// true: two_prod uses fma(a, b, -p) (needs a truly fused fma: 1 op instead of ~17).
// false: Veltkamp/Dekker splitting, which only needs correctly rounded f32 + - *.
// Set it per pipeline (GPUProgrammableStage.constants) from the probe's choice.
override DF64_TWO_PROD_FMA: bool = false;

// ---------------------------------------------------------------------------------------------------------
// Error-free transforms
// ---------------------------------------------------------------------------------------------------------

// Knuth's TwoSum: s + e == a + b exactly, for any a, b (6 flops, no branch, no |a| >= |b| requirement).
fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  // bb is the part of b that made it into s (exact: s - a is representable when s = fl(a + b)).
  let bb = s - a;
  // s - bb is the part of a that made it into s; what is left of a and of b is the rounding error.
  // A reassociating compiler would fold this to 0; the probe checks that it does not.
  let e = (a - (s - bb)) + (b - bb);
  return vec2<f32>(s, e);
}

// Dekker's Fast2Sum: s + e == a + b exactly, provided |a| >= |b| (or a == 0). 3 flops; used only for
// renormalisation where the ordering is known.
fn quick_two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  // s - a is exact under the precondition, and b minus it is the rounding error of s.
  let e = b - (s - a);
  return vec2<f32>(s, e);
}

// TwoProd with a fused multiply-add: p + e == a * b exactly, because fma rounds a*b - p only once and
// a*b - p is representable. If the device's fma is NOT fused, fma(a, b, -p) computes fl(fl(a*b) - p) = 0
// and the low part is silently lost: that is why the probe tests this variant before it is chosen.
fn two_prod_fma(a: f32, b: f32) -> vec2<f32> {
  let p = a * b;
  let e = fma(a, b, -p);
  return vec2<f32>(p, e);
}

// Split a == hi + lo exactly, each half with at most 12 significant bits, so that products of halves are
// exact in f32 (12 + 12 <= 24 bits): hi is a with the low 12 of its 23 stored significand bits cleared,
// and lo = a - hi is exact (it is those 12 bits). Unlike Veltkamp's split (4097·a), nothing can overflow,
// so huge values need no pre-scaling, and it costs 2 operations instead of ~10 with that scaling.
fn df_split(a: f32) -> vec2<f32> {
  let hi = bitcast<f32>(bitcast<u32>(a) & 0xfffff000u);
  return vec2<f32>(hi, a - hi);
}

// Dekker's TwoProd: p + e == a * b exactly without fma (~17 flops). Each partial product of halves is
// exact, and subtracting them from p in order from largest to smallest keeps every step exact.
fn two_prod_split(a: f32, b: f32) -> vec2<f32> {
  let p = a * b;
  let sa = df_split(a);
  let sb = df_split(b);
  let e = ((sa.x * sb.x - p) + sa.x * sb.y + sa.y * sb.x) + sa.y * sb.y;
  return vec2<f32>(p, e);
}

// The TwoProd used by all df64 arithmetic: the variant selected for this pipeline.
fn two_prod(a: f32, b: f32) -> vec2<f32> {
  if (DF64_TWO_PROD_FMA) {
    return two_prod_fma(a, b);
  }
  return two_prod_split(a, b);
}

// ---------------------------------------------------------------------------------------------------------
// df64 arithmetic
// ---------------------------------------------------------------------------------------------------------

fn df_from(a: f32) -> vec2<f32> {
  return vec2<f32>(a, 0.0);
}

fn df_to_f32(a: vec2<f32>) -> f32 {
  // hi is already fl(hi + lo) for a normalised df64; adding lo is harmless and keeps it correct otherwise.
  return a.x + a.y;
}

fn df_neg(a: vec2<f32>) -> vec2<f32> {
  return -a;
}

// Accurate df64 + df64 (QD's ieee_add, Joldes et al. AccurateDWPlusDW): relative error <= 3u^2 + 13u^3
// (~46.4 bits) for all inputs, including massive cancellation. The cheaper "sloppy" add (one TwoSum)
// loses all accuracy when hi parts cancel, so it is not provided.
fn df_add(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  // Exact sums of the high parts and of the low parts.
  let s = two_sum(a.x, b.x);
  let t = two_sum(a.y, b.y);
  // Fold the low-part sum into the high sum's error, renormalise (|s.x| dominates after two_sum).
  var r = quick_two_sum(s.x, s.y + t.x);
  // Fold in the remaining error term and renormalise again so |lo| <= ulp(hi)/2.
  r = quick_two_sum(r.x, r.y + t.y);
  return r;
}

fn df_sub(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return df_add(a, -b);
}

// df64 * df64 (QD's mul, Joldes et al. DWTimesDW1 without fma): relative error <= 7u^2 (~45.2 bits).
fn df_mul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  // Exact product of the high parts.
  let p = two_prod(a.x, b.x);
  // Cross terms only matter at the lo level, so plain f32 products suffice; lo*lo is below u^2 and dropped.
  let e = p.y + (a.x * b.y + a.y * b.x);
  // Renormalise: |p.x| >= |e|.
  return quick_two_sum(p.x, e);
}

// df64 * f32 (DWTimesFP1): relative error <= 2u^2 (~47 bits).
fn df_mul_f(a: vec2<f32>, b: f32) -> vec2<f32> {
  let p = two_prod(a.x, b);
  let e = p.y + a.y * b;
  return quick_two_sum(p.x, e);
}

// df64 / df64 by long division (QD's accurate_div): three f32 quotient digits, each from the exact-ish
// remainder of the previous ones. f32 division in WGSL is only accurate to 2.5 ulp, which is fine: each
// digit only has to be close, the remainder (computed in df64) carries the correction to the next digit.
fn df_div(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let q1 = a.x / b.x;
  // r = a - q1 * b, exact to ~u^2 relative: the first digit's error.
  var r = df_sub(a, df_mul_f(b, q1));
  let q2 = r.x / b.x;
  r = df_sub(r, df_mul_f(b, q2));
  // Third digit: corrects the 2.5-ulp f32 divisions and the neglected b.lo in q2.
  let q3 = r.x / b.x;
  let q = quick_two_sum(q1, q2);
  return df_add(q, df_from(q3));
}

// sqrt(a) for a >= 0 (0 for a <= 0; no NaN for negative input). Karp & Markstein's trick: from
// x ~ 1/sqrt(a.hi), y = a.hi * x ~ sqrt(a) to f32 accuracy, then one Newton step y + (a - y^2) * x / 2
// done with the residual a - y^2 computed in df64 (y^2 exactly by two_prod). WGSL's inverseSqrt is only
// 2-ulp accurate, so a second Newton step with a df64 square brings the result to ~46 bits.
fn df_sqrt(a: vec2<f32>) -> vec2<f32> {
  if (a.x <= 0.0) {
    return vec2<f32>(0.0, 0.0);
  }
  let x = inverseSqrt(a.x);
  let y = a.x * x;
  // a - y^2 with y^2 exact: the residual is ~u*a and known to ~u^2*a.
  let r1 = df_sub(a, two_prod(y, y));
  // Newton step; the correction is ~u*y, so its own f32 rounding is ~u^2*y.
  var s = two_sum(y, r1.x * (x * 0.5));
  // Second step: the residual is now ~u^2*a; one more correction removes the 2-ulp error of inverseSqrt
  // that the first step's correction still carried.
  let r2 = df_sub(a, df_mul(s, s));
  s = df_add(s, df_from(r2.x * (x * 0.5)));
  return s;
}

// 1/sqrt(a) for a > 0 (0 for a <= 0). Newton's iteration for 1/sqrt: x' = x + x * (1 - a x^2) / 2, twice:
// the first from f32 inverseSqrt (2 ulp) leaves ~u^2 error, the second with the residual in df64 removes it.
// Unrolled and branch-free (a select at the end): SwiftShader would otherwise run a loop and both sides.
fn df_inv_sqrt(a: vec2<f32>) -> vec2<f32> {
  var y = df_from(inverseSqrt(a.x));
  // h = 1 - a * y^2, computed in df64; it is small (~u, then ~u^2), so its f32 hi part is enough.
  var h = df_sub(df_from(1.0), df_mul(a, df_mul(y, y)));
  y = df_add(y, df_mul_f(y, h.x * 0.5));
  h = df_sub(df_from(1.0), df_mul(a, df_mul(y, y)));
  y = df_add(y, df_mul_f(y, h.x * 0.5));
  return select(vec2<f32>(0.0), y, a.x > 0.0);
}

// a·b + c·d with one renormalisation, after Ogita, Rump & Oishi's Dot2: both hi products exact by two_prod,
// their sum exact by two_sum, every lower-order term added in f32, then one two_sum. Absolute error about
// 4u^2·(|a·b| + |c·d|), like two df_mul and a df_add, for about 3/4 of their cost. Used for the complex
// rotations of the harmonic sums, where the splits of a shared factor are computed once.
fn df_dot2(a: vec2<f32>, b: vec2<f32>, c: vec2<f32>, d: vec2<f32>) -> vec2<f32> {
  let p = two_prod(a.x, b.x);
  let q = two_prod(c.x, d.x);
  let s = two_sum(p.x, q.x);
  let lo = (p.y + q.y) + ((a.x * b.y + a.y * b.x) + (c.x * d.y + c.y * d.x));
  return two_sum(s.x, s.y + lo);
}

// acc + (a·b + c·d), the same way with one more exact two_sum for the accumulator: a harmonic's term
// added to a running sum with a single renormalisation.
fn df_add_dot2(acc: vec2<f32>, a: vec2<f32>, b: vec2<f32>, c: vec2<f32>, d: vec2<f32>) -> vec2<f32> {
  let p = two_prod(a.x, b.x);
  let q = two_prod(c.x, d.x);
  let s = two_sum(p.x, q.x);
  let t = two_sum(acc.x, s.x);
  let lo = acc.y + (t.y + (s.y + ((p.y + q.y) + ((a.x * b.y + a.y * b.x) + (c.x * d.y + c.y * d.x)))));
  return two_sum(t.x, lo);
}
