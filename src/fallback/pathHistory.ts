/**
 * Path samples of the fallback, kept in a fixed budget: each trajectory keeps at most `capacity` samples.
 * When full, every other sample is dropped and the sampling stride doubles, so a long run stays whole at
 * a coarser resolution. The newest position (the head) is kept apart, so a path always reaches it.
 * Layout: trajectory-major, (x, y) float32 pairs, sample j of trajectory i at 2·(i·capacity + j).
 */

export class PathHistory {
  /** Kept samples per trajectory. */
  len = 0;
  /** Sample indices kept are the multiples of `stride` (a power of two). */
  stride = 1;
  readonly wd: Float32Array;
  readonly ex: Float32Array;
  readonly headWd: Float32Array;
  readonly headEx: Float32Array;
  /** Sample index of the head and of the last kept sample (-1 before any). */
  headSample = -1;
  lastKept = -1;

  constructor(
    readonly count: number,
    readonly capacity: number,
  ) {
    if (capacity < 2 || capacity % 2 !== 0)
      throw new RangeError(`capacity must be even and ≥ 2: ${capacity}`);
    this.wd = new Float32Array(2 * count * capacity);
    this.ex = new Float32Array(2 * count * capacity);
    this.headWd = new Float32Array(2 * count);
    this.headEx = new Float32Array(2 * count);
  }

  clear(): void {
    this.len = 0;
    this.stride = 1;
    this.headSample = -1;
    this.lastKept = -1;
  }

  /** The newest positions, at (possibly fractional) sample index `index`; interleaved (x, y). */
  setHead(index: number, wd: ArrayLike<number>, ex: ArrayLike<number>): void {
    this.headWd.set(wd);
    this.headEx.set(ex);
    this.headSample = index;
  }

  /** Records sample `index` (whole, ascending) of both runs: interleaved (x, y) per trajectory. */
  push(index: number, wd: ArrayLike<number>, ex: ArrayLike<number>): void {
    this.setHead(index, wd, ex);
    if (index % this.stride !== 0) return;
    if (this.len === this.capacity) this.compact();
    if (index % this.stride !== 0) return;
    const { count, capacity } = this;
    for (let i = 0; i < count; i++) {
      const o = 2 * (i * capacity + this.len);
      this.wd[o] = wd[2 * i];
      this.wd[o + 1] = wd[2 * i + 1];
      this.ex[o] = ex[2 * i];
      this.ex[o + 1] = ex[2 * i + 1];
    }
    this.len++;
    this.lastKept = index;
  }

  /** Keeps samples 0, 2, 4, … (the multiples of the doubled stride). */
  private compact(): void {
    const { count, capacity } = this;
    const half = Math.ceil(this.len / 2);
    for (const buf of [this.wd, this.ex]) {
      for (let i = 0; i < count; i++) {
        const base = 2 * i * capacity;
        for (let j = 0; j < half; j++) {
          buf[base + 2 * j] = buf[base + 4 * j];
          buf[base + 2 * j + 1] = buf[base + 4 * j + 1];
        }
      }
    }
    this.len = half;
    this.stride *= 2;
    this.lastKept = (half - 1) * this.stride;
  }

  /**
   * Line-list vertices ((x, y) pairs, two per segment) of one run's paths: kept samples then the head.
   * Segments with a non-finite end (an overflowed exponential run) are left out. With `dashed`, only
   * every other segment is kept (the projected exponential run's style).
   */
  lineList(run: 'wd' | 'ex', dashed = false): Float32Array {
    const pts = run === 'wd' ? this.wd : this.ex;
    const head = run === 'wd' ? this.headWd : this.headEx;
    const withHead = this.headSample > this.lastKept;
    const perPath = this.len + (withHead ? 1 : 0);
    const out = new Float32Array(4 * this.count * Math.max(0, perPath - 1));
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const base = 2 * i * this.capacity;
      for (let j = 0; j + 1 < perPath; j++) {
        if (dashed && j % 2 === 1) continue;
        const a = base + 2 * j;
        const ax = pts[a];
        const ay = pts[a + 1];
        const last = j + 1 === this.len;
        const bx = last ? head[2 * i] : pts[a + 2];
        const by = last ? head[2 * i + 1] : pts[a + 3];
        if (!(Number.isFinite(ax + ay) && Number.isFinite(bx + by))) continue;
        out[n++] = ax;
        out[n++] = ay;
        out[n++] = bx;
        out[n++] = by;
      }
    }
    return out.subarray(0, n);
  }
}
