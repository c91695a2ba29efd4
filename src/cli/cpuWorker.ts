/**
 * A worker thread of the CLI's CPU pool (src/cli/cpuPool.ts): answers each chunk request with its records.
 * Started through bin/cpu-worker.mjs, which registers tsx first so that this TypeScript file can load.
 */
import { parentPort } from 'node:worker_threads';
import { answerChunk, type ChunkRequest } from '../core/run/chunkProtocol';

const port = parentPort;
if (!port) throw new Error('src/cli/cpuWorker.ts runs as a worker thread only');
port.on('message', (req: ChunkRequest) =>
  answerChunk(
    req,
    (reply) => port.postMessage(reply),
    () => performance.now(),
  ),
);
