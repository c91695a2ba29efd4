/**
 * The Precision tab's CPU precisions on several cores: a ChunkPool (src/core/run/chunkPool.ts) of module Web
 * Workers (src/playground/cpuWorker.ts), started by the study worker; the output is runCpu's, byte for byte.
 * Terminating the study worker ends these too (a dedicated worker does not outlive its owner).
 */
import { ChunkPool, type PoolWorker } from '../core/run/chunkPool';
import { type ChunkReply, chunkClient } from '../core/run/chunkProtocol';

/** Most CPU workers: each is a JS heap of its own, and more than 8 cores rarely pay for a study's runs. */
export const MAX_CPU_WORKERS = 8;

/** Workers for this machine: navigator.hardwareConcurrency (absent: 1), capped at MAX_CPU_WORKERS. */
export function cpuWorkerCount(hardwareConcurrency: number | undefined): number {
  const cores = Number.isInteger(hardwareConcurrency) ? (hardwareConcurrency as number) : 1;
  return Math.max(1, Math.min(MAX_CPU_WORKERS, cores));
}

function startWorker(k: number): PoolWorker {
  const worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), {
    type: 'module',
    name: `scaleinv-lab cpu ${k}`,
  });
  const client = chunkClient((req) => worker.postMessage(req));
  worker.onmessage = (ev: MessageEvent<ChunkReply>) => client.receive(ev.data);
  worker.onerror = (ev) => client.fail(new Error(`CPU worker ${k} failed: ${ev.message || 'error'}`));
  return {
    runner: client.runner,
    terminate: () => {
      worker.terminate();
      client.fail(new Error(`CPU worker ${k} was closed`));
      return undefined;
    },
  };
}

/** A pool sized for this machine (`navigator` of the page or of a worker). */
export function cpuWorkerPool(nav: { hardwareConcurrency?: number } = navigator): ChunkPool {
  return new ChunkPool(cpuWorkerCount(nav.hardwareConcurrency), startWorker);
}
