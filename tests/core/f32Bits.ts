/** float32 values from their bit patterns and back (tests of the rounding functions, CPU and GPU). */
const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

export function f32(b: number): number {
  U[0] = b >>> 0;
  return F[0];
}

export function bits(x: number): number {
  F[0] = x;
  return U[0];
}
