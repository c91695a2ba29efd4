/**
 * The messages between a CPU run and its workers (worker_threads or Web Workers alike), and both ends of
 * them: `answerChunk` is all a worker does; `chunkClient` turns a worker into a ChunkRunner (chunkedRun.ts).
 * Records travel by structured clone (Float64Arrays survive it bit for bit).
 */
import type { ChunkRunner, CpuChunkTask } from './chunkedRun';
import { cpuRecords } from './cpuRun';
import type { TrajectoryRecord } from './output';

export interface ChunkRequest {
  id: number;
  task: CpuChunkTask;
}

export type ChunkReply =
  | { id: number; type: 'progress'; done: number }
  | { id: number; type: 'done'; records: TrajectoryRecord[] }
  | { id: number; type: 'error'; message: string };

/** At most one progress message per PROGRESS_MS per chunk (the run calls back per trajectory). */
const PROGRESS_MS = 50;

/** The worker's side: runs the chunk and posts its progress and records (or why it failed). */
export function answerChunk(req: ChunkRequest, post: (reply: ChunkReply) => void, now: () => number): void {
  const { id, task } = req;
  let last = now();
  try {
    const records = cpuRecords(task.config, task.range, {
      ...(task.bits === undefined ? {} : { bits: task.bits }),
      onProgress: (done) => {
        const t = now();
        if (t - last < PROGRESS_MS) return;
        last = t;
        post({ id, type: 'progress', done });
      },
    });
    post({ id, type: 'done', records });
  } catch (e) {
    post({ id, type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * The run's side for one worker: `runner` posts a chunk and resolves with its records; `receive` must be
 * given every reply from that worker, and `fail` rejects what is pending and all later chunks (the worker
 * died or was closed).
 */
export function chunkClient(send: (req: ChunkRequest) => void): {
  runner: ChunkRunner;
  receive: (reply: ChunkReply) => void;
  fail: (error: Error) => void;
} {
  const pending = new Map<
    number,
    { resolve: (r: TrajectoryRecord[]) => void; reject: (e: Error) => void; progress: (d: number) => void }
  >();
  let nextId = 1;
  let dead: Error | null = null; // a worker that died answers nothing more: refuse at once
  return {
    runner: (task, progress) =>
      new Promise((resolve, reject) => {
        if (dead) return reject(dead);
        const id = nextId++;
        pending.set(id, { resolve, reject, progress });
        send({ id, task });
      }),
    receive: (reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      if (reply.type === 'progress') return p.progress(reply.done);
      pending.delete(reply.id);
      if (reply.type === 'done') p.resolve(reply.records);
      else p.reject(new Error(reply.message));
    },
    fail: (error) => {
      dead ??= error;
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    },
  };
}
