/** float32 values from their bit patterns and back, and seeded u32s (tests of the rounding functions, CPU and GPU). */
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

/** Seeded uniform u32 (mulberry32), independent of the code under test's srBits. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}
