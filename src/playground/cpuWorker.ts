/**
 * A module Web Worker of the Precision tab's CPU pool (src/playground/cpuWorkerPool.ts): answers each chunk
 * request (trajectories of an f64, dd or mp run) with its records.
 */
import { answerChunk, type ChunkRequest } from '../core/run/chunkProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (ev: MessageEvent<ChunkRequest>) =>
  answerChunk(
    ev.data,
    (reply) => scope.postMessage(reply),
    () => performance.now(),
  );
