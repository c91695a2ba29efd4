/**
 * The benchmark's CPU rows on worker threads: the CLI's CPU run (runCpu's chunks, src/cli/cpuPool.ts) timed
 * on one worker thread and on N, and the speed-up between them. Each precision gets fresh workers (a worker
 * that has run another arithmetic is polymorphic and slower, see cpuRows.ts), warmed up before timing;
 * starting the workers is not timed.
 */
import { startCpuWorker } from '../cli/cpuPool';
import type { ExperimentConfig } from '../core/config/types';
import { runCpuChunked } from '../core/run/chunkedRun';
import { formatRate, formatTable } from './options';

export interface ThreadTiming {
  precision: string;
  trajectories: number;
  steps: number;
  /** Trajectory-steps per second on one worker thread and on `threads`. */
  oneThread: number;
  threads: number;
  allThreads: number;
  /** allThreads / oneThread. */
  speedup: number;
}

/** Trajectory-steps per second of `config` on `threads` fresh worker threads (after one warm-up run). */
async function rateOn(config: ExperimentConfig, threads: number, trajectories: number): Promise<number> {
  const workers = Array.from({ length: threads }, (_, k) => startCpuWorker(k + 1));
  const runners = workers.map((w) => w.runner);
  try {
    const warm = { ...config, steps: Math.min(config.steps, 200), sampleEvery: Math.min(config.steps, 200) };
    await runCpuChunked(warm, runners);
    const t0 = performance.now();
    await runCpuChunked(config, runners);
    return (trajectories * config.steps) / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** `config` (sampled at its start and end only, as the bench's other rows) on 1 and on `threads` threads. */
export async function timeThreads(
  config: ExperimentConfig,
  trajectories: number,
  threads: number,
): Promise<ThreadTiming> {
  const run = { ...config, sampleEvery: config.steps };
  const oneThread = await rateOn(run, 1, trajectories);
  const allThreads = await rateOn(run, threads, trajectories);
  return {
    precision: config.precision,
    trajectories,
    steps: config.steps,
    oneThread,
    threads,
    allThreads,
    speedup: allThreads / oneThread,
  };
}

export function threadTable(rows: ThreadTiming[]): string {
  return formatTable(
    ['CPU run (worker_threads)', 'subset', '1 thread', 'all threads', 'speed-up'],
    rows.map((r) => [
      r.precision,
      `${r.trajectories} x ${r.steps}`,
      `${formatRate(r.oneThread)}/s`,
      `${formatRate(r.allThreads)}/s on ${r.threads}`,
      `${r.speedup.toFixed(2)}x`,
    ]),
  );
}
