/**
 * GPU time of a frame from timestamp queries, where the device has the `timestamp-query` feature: an empty
 * compute pass writes a timestamp before the frame's work and another after it (the queue runs them in
 * order), the two are resolved and read back without stalling the frame loop. Without the feature, `begin`
 * and `end` do nothing and `lastMs` stays NaN (the overlay then shows submit → done time instead).
 */
export class FrameTimer {
  /** GPU milliseconds of the last measured frame; NaN until one is measured or without the feature. */
  lastMs = Number.NaN;
  private readonly querySet: GPUQuerySet | null = null;
  private readonly resolve: GPUBuffer | null = null;
  private readonly readback: GPUBuffer | null = null;
  private reading = false;

  constructor(private readonly device: GPUDevice) {
    if (!device.features.has('timestamp-query')) return;
    this.querySet = device.createQuerySet({ label: 'frame timer queries', type: 'timestamp', count: 2 });
    this.resolve = device.createBuffer({
      label: 'frame timer resolve',
      size: 16,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    this.readback = device.createBuffer({
      label: 'frame timer readback',
      size: 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  get available(): boolean {
    return this.querySet !== null;
  }

  private stamp(index: 0 | 1): GPUCommandEncoder {
    const encoder = this.device.createCommandEncoder({
      label: `frame timer ${index === 0 ? 'begin' : 'end'}`,
    });
    const pass = encoder.beginComputePass({
      label: `frame timer stamp ${index}`,
      timestampWrites:
        index === 0
          ? { querySet: this.querySet!, beginningOfPassWriteIndex: 0 }
          : { querySet: this.querySet!, endOfPassWriteIndex: 1 },
    });
    pass.end();
    return encoder;
  }

  /** Before the frame's submits. Skipped while the previous measurement is still being read. */
  begin(): boolean {
    if (!this.querySet || this.reading) return false;
    this.device.queue.submit([this.stamp(0).finish()]);
    return true;
  }

  /** After the frame's submits (only when begin() returned true). */
  end(): void {
    if (!this.querySet || !this.resolve || !this.readback) return;
    const encoder = this.stamp(1);
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
    encoder.copyBufferToBuffer(this.resolve, 0, this.readback, 0, 16);
    this.device.queue.submit([encoder.finish()]);
    this.reading = true;
    const readback = this.readback;
    readback.mapAsync(GPUMapMode.READ).then(
      () => {
        const [t0, t1] = new BigUint64Array(readback.getMappedRange().slice(0));
        readback.unmap();
        // Timestamps may be quantised or reset on some drivers: keep only sane, ordered pairs.
        if (t1 >= t0) this.lastMs = Number(t1 - t0) / 1e6;
        this.reading = false;
      },
      () => {
        this.reading = false;
      },
    );
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.readback?.destroy();
  }
}
