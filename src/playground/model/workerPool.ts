/**
 * The models page's CPU workers: a run's seeds (or the records to analyse) split into contiguous ranges, one
 * per worker, answered in parallel and merged in order, so the result equals one worker's (and runModelCpu's
 * records). `cancel` terminates the workers (a new run replaced this one); the next call starts fresh ones.
 */
import type { ModelRecord } from '../../core/model/modelOutput';
import type { ModelConfig } from '../../core/model/types';
import { concatCurves, type SeedCurves } from './series';
import type { AnalyseRequest, WorkerReply, WorkerRequest } from './workerProtocol';

/** What the pool needs of a Worker (a real one, or an inline stand-in in tests). */
export interface WorkerLike {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<WorkerReply>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

export class CancelledError extends Error {
  constructor() {
    super('the run was cancelled');
    this.name = 'CancelledError';
  }
}

/** Contiguous ranges [first, first + count) of `total` items over at most `parts` parts (none empty). */
export function splitRange(total: number, parts: number): { first: number; count: number }[] {
  const k = Math.max(1, Math.min(parts, total));
  const out: { first: number; count: number }[] = [];
  let first = 0;
  for (let i = 0; i < k; i++) {
    const count = Math.floor(total / k) + (i < total % k ? 1 : 0);
    if (count > 0) out.push({ first, count });
    first += count;
  }
  return out;
}

/** Workers for this machine: navigator.hardwareConcurrency (absent: 1), at most 8. */
export function workerCount(hardwareConcurrency: number | undefined): number {
  const cores = Number.isInteger(hardwareConcurrency) ? (hardwareConcurrency as number) : 1;
  return Math.max(1, Math.min(8, cores));
}

export class ModelWorkerPool {
  private workers: WorkerLike[] = [];
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; progress: (n: number) => void }
  >();

  constructor(
    readonly size: number,
    private readonly make: (k: number) => WorkerLike,
  ) {}

  private worker(k: number): WorkerLike {
    while (this.workers.length <= k) {
      const i = this.workers.length;
      const w = this.make(i);
      w.onmessage = (ev) => this.receive(ev.data);
      w.onerror = (ev) => {
        const why = new Error(`CPU worker ${i} failed: ${ev.message || 'error'}`);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
      };
      this.workers.push(w);
    }
    return this.workers[k];
  }

  private receive(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if (reply.kind === 'progress') {
      p.progress(reply.done);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.kind === 'error') p.reject(new Error(reply.message));
    else p.resolve(reply);
  }

  private send(k: number, req: WorkerRequest, progress: (n: number) => void): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject, progress });
      this.worker(k).postMessage(req);
    });
  }

  /** Runs seeds [0, count) of `config` (its init), curves for the first `chartSeeds` at `columns`. */
  async run(
    config: ModelConfig,
    count: number,
    chartSeeds: number,
    columns: number[],
    onProgress: (done: number) => void = () => undefined,
  ): Promise<{ records: ModelRecord[]; curves: SeedCurves }> {
    let done = 0;
    const progress = (n: number) => {
      done += n;
      onProgress(done);
    };
    const parts = splitRange(count, this.size);
    const replies = await Promise.all(
      parts.map((r, k) =>
        this.send(
          k,
          { kind: 'run', id: this.nextId++, config, first: r.first, count: r.count, chartSeeds, columns },
          progress,
        ),
      ),
    );
    const records: ModelRecord[] = [];
    const curves: SeedCurves[] = [];
    for (const r of replies) {
      if (r.kind !== 'run') throw new Error(`unexpected reply ${r.kind}`);
      records.push(...r.records);
      curves.push(r.curves);
    }
    return { records, curves: concatCurves(curves, columns.length) };
  }

  /** Curves of `chart` and crossings of `cross` (see AnalyseRequest), split over the workers. */
  async analyse(
    config: ModelConfig,
    chart: AnalyseRequest['chart'],
    cross: AnalyseRequest['cross'],
    columns: number[],
    onProgress: (done: number) => void = () => undefined,
  ): Promise<{ curves: SeedCurves; crossings: (number | null)[] }> {
    let done = 0;
    const progress = (n: number) => {
      done += n;
      onProgress(done);
    };
    const k = Math.max(1, Math.min(this.size, Math.max(chart.length, cross.length)));
    const cs = splitRange(chart.length, k);
    const xs = splitRange(cross.length, k);
    const replies = await Promise.all(
      Array.from({ length: k }, (_, i) => {
        const c = cs[i] ?? { first: chart.length, count: 0 };
        const x = xs[i] ?? { first: cross.length, count: 0 };
        return this.send(
          i,
          {
            kind: 'analyse',
            id: this.nextId++,
            config,
            chart: chart.slice(c.first, c.first + c.count),
            columns,
            cross: cross.slice(x.first, x.first + x.count),
          },
          progress,
        );
      }),
    );
    const curves: SeedCurves[] = [];
    const crossings: (number | null)[] = [];
    for (const r of replies) {
      if (r.kind !== 'analyse') throw new Error(`unexpected reply ${r.kind}`);
      curves.push(r.curves);
      crossings.push(...r.crossings);
    }
    return { curves: concatCurves(curves, columns.length), crossings };
  }

  /** Stops every worker; what they were doing is rejected with CancelledError. */
  cancel(): void {
    for (const w of this.workers) w.terminate();
    this.workers = [];
    for (const p of this.pending.values()) p.reject(new CancelledError());
    this.pending.clear();
  }
}

/** A pool of module Web Workers (modelWorker.ts) sized for this machine. */
export function browserWorkerPool(nav: { hardwareConcurrency?: number } = navigator): ModelWorkerPool {
  return new ModelWorkerPool(
    workerCount(nav.hardwareConcurrency),
    (k) =>
      new Worker(new URL('./modelWorker.ts', import.meta.url), {
        type: 'module',
        name: `scaleinv-lab models ${k}`,
      }) as unknown as WorkerLike,
  );
}
