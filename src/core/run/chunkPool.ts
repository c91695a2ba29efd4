/**
 * A pool of CPU workers for runCpu, independent of the thread API: the caller says how to start one worker
 * (worker_threads in src/cli/cpuPool.ts, Web Workers in src/playground/cpuWorkerPool.ts). Workers start on
 * first use, at most `threads` and never more than a run has trajectories, and are kept for later runs;
 * with one thread, or too little work, the run stays on the calling thread. The output is runCpu's, byte for byte.
 */
import type { ExperimentConfig } from '../config/types';
import { trajectoryCount } from '../init';
import { type ChunkRunner, runCpuChunked } from './chunkedRun';
import { type CpuRunOptions, runCpu } from './cpuRun';
import type { RunOutput } from './output';

/** One started worker: how to give it chunks, and how to end it. */
export interface PoolWorker {
  runner: ChunkRunner;
  terminate: () => Promise<unknown> | undefined;
}

/** Cost of one trajectory-step relative to f64 (measured roughly: npm run bench; mp at its default bits). */
const STEP_COST: Record<string, number> = { f32: 1, f64: 1, dd: 30, mp: 1000 };

/** A run's work in f64 trajectory-steps: what decides whether starting workers pays. */
export function cpuWork(config: ExperimentConfig): number {
  return trajectoryCount(config.init) * config.steps * (STEP_COST[config.precision] ?? 1);
}

export class ChunkPool {
  private readonly workers: PoolWorker[] = [];

  /**
   * `threads` ≥ 1: the most workers a run uses; `start(k)` starts worker number k (from 1). A run whose
   * cpuWork is below `minWork` stays on this thread (starting a worker can cost more than it saves).
   */
  constructor(
    readonly threads: number,
    private readonly start: (k: number) => PoolWorker,
    private readonly minWork = 0,
  ) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`threads ${threads} is not a positive integer`);
    }
  }

  /** Workers running now (0 until a run needs them). */
  get workersStarted(): number {
    return this.workers.length;
  }

  /** runCpu(config, options), its trajectories shared among up to `threads` workers. */
  async run(config: ExperimentConfig, options: CpuRunOptions = {}): Promise<RunOutput> {
    const wanted = Math.min(this.threads, trajectoryCount(config.init));
    if (wanted <= 1 || cpuWork(config) < this.minWork) return runCpu(config, options);
    while (this.workers.length < wanted) this.workers.push(this.start(this.workers.length + 1));
    return runCpuChunked(
      config,
      this.workers.slice(0, wanted).map((w) => w.runner),
      options,
    );
  }

  /** Ends every worker; the pool starts new ones if it is used again. */
  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
