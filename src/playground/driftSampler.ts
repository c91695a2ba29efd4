/**
 * Drift sampling for the drift panel: one sample per precision (GPU reductions, a few bytes read back
 * each), skipped while the previous one is pending. A sample in flight when the run is replaced or the
 * device is lost fails by design and is not reported; any other failure is logged.
 */
import type { DriftHistogram, DriftRecorder, DriftSeries } from './driftRecorder';

/** Where samples go (src/ui/driftPanel.ts). */
export interface DriftSink {
  update(seriesByPrecision: Map<string, DriftSeries>): void;
  updateHistogram(byPrecision: Map<string, DriftHistogram>): void;
}

export class DriftSampler {
  private pending = false;

  constructor(
    private readonly sink: DriftSink,
    /** Resolves true once the device is lost (never resolves otherwise). */
    private readonly deviceLost: Promise<unknown>,
  ) {}

  /** Samples `recorders` unless a sample is pending; `current()` says whether they still are the run's. */
  sample(recorders: DriftRecorder[], current: () => boolean): void {
    if (this.pending || recorders.length === 0 || recorders[0].busy) return;
    this.pending = true;
    Promise.all(recorders.map((r) => r.sample()))
      .then(
        () => {
          if (!current()) return; // the run was replaced meanwhile
          this.sink.update(new Map(recorders.map((r) => [r.precision, r.series()])));
          const hists = recorders.flatMap((r) => {
            const h = r.histogram();
            return h ? [[r.precision, h] as const] : [];
          });
          this.sink.updateHistogram(new Map(hists));
        },
        (e: Error) => {
          // The loss itself is reported (and recovered from) elsewhere, which may hear of it a little later.
          const lost = Promise.race([
            this.deviceLost.then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), 1000)),
          ]);
          void lost.then((wasLost) => {
            if (!wasLost && current()) console.error(`[drift] ${e.message}`);
          });
        },
      )
      .finally(() => {
        this.pending = false;
      });
  }
}
