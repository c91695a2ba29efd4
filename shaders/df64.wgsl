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

// true: two_prod uses fma(a, b, -p) (needs a truly fused fma: 1 op instead of ~12).
// false: Dekker's product with a bit-mask split, which only needs correctly rounded f32 + - *.
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

// Dekker's TwoProd: p + e == a * b exactly without fma (~12 operations). Each partial product of halves is
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

// 1/sqrt(a) for a > 0 (0 for a <= 0): from x = inverseSqrt(a.hi) (f32, within a few ulp), one step of the
// second-order (Halley-type) iteration y = x·(1 + h/2 + 3h²/8) with the residual h = 1 − a·x² in df64
// (x² exactly by two_prod). h is ~2^-22, so the correction x·(h/2 + 3h²/8) only needs f32 accuracy, and
// x + correction is one exact two_sum: the error is ~2^-47 plus O(h³), at a third of the cost of two
// Newton steps in df64. Branch-free (a select at the end): SwiftShader would run both sides of an `if`.
fn df_inv_sqrt(a: vec2<f32>) -> vec2<f32> {
  let x = inverseSqrt(a.x);
  let h = df_sub(df_from(1.0), df_mul(a, two_prod(x, x))).x;
  let y = two_sum(x, x * (h * (0.5 + 0.375 * h)));
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

// ---------------------------------------------------------------------------------------------------------
// Compensated complex Horner (Graillat, Langlois & Louvet, "Compensated Horner scheme", 2005, here with a
// complex argument): Σ d_k z^k for a df64 unit vector z = z0 + dz (z0 the hi parts, dz the lo parts) and
// df64 coefficients, evaluated in f32 with error-free transforms. The f32 value q follows the plain Horner
// recurrence on z0; e collects, in f32, every rounding error of it (exact by two_prod/two_sum), the
// coefficients' lo parts and the effect of dz ((q + e)·dz: first order, plus e·dz). q + e is about as
// accurate as Horner in twice f32's precision, for ~60% of the cost of complex powers in df64, but its error
// grows like K²u² against K·u² for powers (measured: 2^-45.6 of Σ|d_k| at K = 8, 2^-45.0 at 16, 2^-44.0 at
// 32; powers 2^-47): src/gpu/lossSource.ts uses it up to DF64_HORNER_MAX_HARMONICS.
// ---------------------------------------------------------------------------------------------------------

struct CHorner {
  q: vec2<f32>, // running value (re, im) in f32
  e: vec2<f32>, // its accumulated error (re, im)
}

// h ← h·z + d (d = d_hi + d_lo), z = z0 + dz.
fn chorner_step(h: CHorner, z0: vec2<f32>, dz: vec2<f32>, d_hi: vec2<f32>, d_lo: vec2<f32>) -> CHorner {
  let p1 = two_prod(h.q.x, z0.x);
  let p2 = two_prod(h.q.y, z0.y);
  let p3 = two_prod(h.q.x, z0.y);
  let p4 = two_prod(h.q.y, z0.x);
  let r = two_sum(p1.x, -p2.x);
  let i = two_sum(p3.x, p4.x);
  let r2 = two_sum(r.x, d_hi.x);
  let i2 = two_sum(i.x, d_hi.y);
  let qe = h.q + h.e;
  let er = (h.e.x * z0.x - h.e.y * z0.y) + (qe.x * dz.x - qe.y * dz.y)
    + (((p1.y - p2.y) + (r.y + r2.y)) + d_lo.x);
  let ei = (h.e.x * z0.y + h.e.y * z0.x) + (qe.x * dz.y + qe.y * dz.x)
    + (((p3.y + p4.y) + (i.y + i2.y)) + d_lo.y);
  return CHorner(vec2<f32>(r2.x, i2.x), vec2<f32>(er, ei));
}

// Re(h·z) as a df64: the last Horner step, whose imaginary part is not needed.
fn chorner_finish_re(h: CHorner, z0: vec2<f32>, dz: vec2<f32>) -> vec2<f32> {
  let p1 = two_prod(h.q.x, z0.x);
  let p2 = two_prod(h.q.y, z0.y);
  let r = two_sum(p1.x, -p2.x);
  let er = (h.e.x * z0.x - h.e.y * z0.y) + (h.q.x * dz.x - h.q.y * dz.y) + ((p1.y - p2.y) + r.y);
  return two_sum(r.x, er);
}
