// The f32 model kernel's divergence test: vectorGap.ts gapExceeds(d2, s2, T) = !(s2 > 0) || !(d2 <= T·s2),
// which the float32 mirror evaluates in float64 (T = tan²(tol/2) is a float64, the product is rounded to
// float64). Emulated exactly here with float32 error-free transforms (df64.wgsl's two_sum and two_prod):
// with d2 = md·2^ed, s2 = ms·2^es (md, ms in [1, 2)) and T·2^m = a + b + c in [1, 2) (host, exact),
//   d2 <= fl64(T·s2)  ⇔  L <= fl64(q),  L = md·2^(ed + m − es),  q = (a + b + c)·ms in [1, 4),
// and since L is a float64 with its last 29 bits zero (even), L <= fl64(q) ⇔ q >= L − h, h half the gap
// from L down to the float64 below it (ties round to L). The sign of q − L + h is exact: an 8-term
// expansion (Shewchuk's Grow-Expansion), whose largest non-zero component has the sum's sign.

// The sign of the exact sum of 8 float32 values (−1, 0 or 1).
fn exact_sum_sign(terms: array<f32, 8>) -> f32 {
  var e: array<f32, 8>;
  for (var t = 0u; t < 8u; t++) {
    var q = terms[t];
    for (var j = 0u; j < t; j++) {
      let s = two_sum(q, e[j]);
      e[j] = s.y;
      q = s.x;
    }
    e[t] = q;
  }
  // Components grow in magnitude (zeros between them): the last non-zero one is the largest.
  var sgn = 0.0;
  for (var j = 0u; j < 8u; j++) {
    sgn = select(sgn, sign(e[j]), e[j] != 0.0);
  }
  return sgn;
}

fn mantissa_of(a: f32) -> f32 { return bitcast<f32>((bitcast<u32>(a) & 0x007fffffu) | 0x3f800000u); }

fn exceeds(d2: R, s2: R) -> bool {
  let db = bitcast<u32>(d2) & 0x7fffffffu; // d2 is a sum of squares: +0, positive or NaN
  let sb = bitcast<u32>(s2);
  let fd = db >> 23u;
  let fs = (sb >> 23u) & 0xffu;
  let md = mantissa_of(d2);
  let ms = mantissa_of(s2);
  let delta = clamp(i32(fd) - i32(fs) + params.tan2_exp, -8, 8);
  let l = md * pow2(delta);
  let h = pow2(delta - select(53, 54, md == 1.0));
  let pa = two_prod(params.tan2_a, ms);
  let pb = two_prod(params.tan2_b, ms);
  let pc = two_prod(params.tan2_c, ms);
  let sgn = exact_sum_sign(array<f32, 8>(pa.y, pb.y, pc.y, pc.x, pb.x, pa.x, h, -l));
  let le = select(select(sgn >= 0.0, false, delta >= 3), true, delta <= -2);
  // s2 > 0 (not NaN); s2 = +Inf: T·s2 = Inf holds any d2 but NaN; d2 = +Inf exceeds a finite bound.
  let s_ok = (sb != 0u) & (sb <= NON_FINITE);
  let d_nan = db > NON_FINITE;
  let within = select(select((db == 0u) | le, false, db == NON_FINITE), true, sb == NON_FINITE);
  return !(s_ok & !d_nan & within);
}
