/**
 * The fallback's module Web Worker: runs CpuBatch (float64 reference integrator) off the main thread and
 * posts path line lists (transferred, not copied) and stats. Requests are handled one at a time, in order.
 */
import { CpuBatch } from './cpuBatch';
import type { PathFrame, WorkerReply, WorkerRequest } from './protocol';

let batch: CpuBatch | null = null;

function frame(b: CpuBatch, computeMs: number, withPoints = false): PathFrame {
  return {
    step: b.step,
    count: b.count,
    total: b.total,
    wd: b.history.lineList('wd'),
    ex: b.history.lineList('ex', true),
    computeMs,
    ...(withPoints ? { points: b.points } : {}),
  };
}

function handle(req: WorkerRequest): { reply: WorkerReply; transfer: Transferable[] } {
  const framed = (f: PathFrame) => ({
    reply: { id: req.id, type: 'frame', frame: f } as WorkerReply,
    transfer: [f.wd.buffer, f.ex.buffer] as Transferable[],
  });
  if (req.type === 'init') {
    batch = new CpuBatch(req.config, req.maxTrajectories, req.pathBudget);
    return framed(frame(batch, 0, true));
  }
  if (!batch) throw new Error('the fallback worker has no run yet (init first)');
  switch (req.type) {
    case 'advance': {
      const t0 = performance.now();
      batch.advance(req.steps);
      return framed(frame(batch, performance.now() - t0));
    }
    case 'reset':
      batch.reset();
      return framed(frame(batch, 0));
    case 'stats':
      return { reply: { id: req.id, type: 'stats', stats: batch.stats() }, transfer: [] };
  }
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  try {
    const { reply, transfer } = handle(req);
    scope.postMessage(reply, transfer);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    scope.postMessage({ id: req.id, type: 'error', message } satisfies WorkerReply);
  }
};
