/**
 * The CLI's CPU precisions on every core: a ChunkPool (src/core/run/chunkPool.ts) of worker_threads, each
 * running chunks of trajectories, merged in trajectory order so that the output is byte-identical to one
 * thread. Kept for a command's later runs (a study's several precisions); always closed at the end, as idle
 * workers would keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ChunkPool, type PoolWorker } from '../core/run/chunkPool';
import { type ChunkReply, chunkClient } from '../core/run/chunkProtocol';

/** The worker's bootstrap: registers tsx in the new thread, then loads src/cli/cpuWorker.ts. */
const WORKER_URL = new URL('../../bin/cpu-worker.mjs', import.meta.url);

/** Starts worker thread number `k` (the name it shows in a debugger or profiler). */
export function startCpuWorker(k: number): PoolWorker {
  // A worker inherits the process's execArgv; `--input-type` (node -e '…' importing the library) is refused
  // for a worker started from a file, so it is left out.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  const worker = new Worker(WORKER_URL, { name: `scaleinv-lab cpu ${k}`, execArgv });
  const client = chunkClient((req) => worker.postMessage(req));
  worker.on('message', (reply: ChunkReply) => client.receive(reply));
  worker.on('error', (e) => client.fail(e));
  worker.on('exit', (code) => client.fail(new Error(`CPU worker thread ${k} exited (code ${code})`)));
  return { runner: client.runner, terminate: () => worker.terminate() };
}

/**
 * Below this much work (f64 trajectory-steps, cpuWork) the default stays on one thread: starting a worker
 * (tsx included) costs about 0.3 s of CPU, about what f64 does in 1.5 M trajectory-steps.
 */
export const MIN_PARALLEL_WORK = 2_000_000;

/**
 * A pool of `threads` worker threads, exactly as asked; without `threads`, every core, for runs with at
 * least MIN_PARALLEL_WORK of work (a small run is faster on this thread, and the output is the same).
 */
export function cpuPool(threads?: number): ChunkPool {
  if (threads !== undefined) return new ChunkPool(threads, startCpuWorker);
  return new ChunkPool(availableParallelism(), startCpuWorker, MIN_PARALLEL_WORK);
}

/** Runs `body` with cpuPool(threads) and always closes it. */
export async function withCpuPool<R>(
  threads: number | undefined,
  body: (pool: ChunkPool) => Promise<R>,
): Promise<R> {
  const pool = cpuPool(threads);
  try {
    return await body(pool);
  } finally {
    await pool.close();
  }
}
