// The df64 model kernel's divergence test: !(s2 > 0) || !(d2 <= T·s2) in df64 (the float64 reference
// evaluates it in float64; df64 is compared with it within a tolerance, not bit for bit).
fn exceeds(d2: R, s2: R) -> bool {
  let room = r_to_f32(r_sub(r_mul(params.tan2, s2), d2));
  return !(r_to_f32(s2) > 0.0) | !(room >= 0.0);
}
