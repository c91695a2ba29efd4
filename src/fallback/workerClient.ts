/**
 * The page's side of the fallback worker: one promise per request, answered in order. A worker that
 * fails to load or crashes rejects everything pending (and every later request) with the reason.
 */

import type { ExperimentConfig } from '../core/config/types';
import type { RunStats } from '../playground/stats';
import type { PathFrame, WorkerReply, WorkerRequest } from './protocol';

type Body = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class WorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'scaleinv-lab fallback integrator',
    });
    this.worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const done = this.pending.get(ev.data.id);
      this.pending.delete(ev.data.id);
      done?.(ev.data);
    };
    this.worker.onerror = (ev) =>
      this.fail(new Error(`the fallback worker failed: ${ev.message || 'error'}`));
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const done of this.pending.values()) done({ id: 0, type: 'error', message: e.message });
    this.pending.clear();
  }

  private request(body: Body): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.type === 'error' ? reject(new Error(reply.message)) : resolve(reply),
      );
      this.worker.postMessage({ ...body, id });
    });
  }

  private async frame(body: Body): Promise<PathFrame> {
    const reply = await this.request(body);
    if (reply.type !== 'frame') throw new Error(`the fallback worker answered ${reply.type}, not a frame`);
    return reply.frame;
  }

  init(config: ExperimentConfig, maxTrajectories: number, pathBudget: number): Promise<PathFrame> {
    return this.frame({ type: 'init', config, maxTrajectories, pathBudget });
  }

  advance(steps: number): Promise<PathFrame> {
    return this.frame({ type: 'advance', steps });
  }

  reset(): Promise<PathFrame> {
    return this.frame({ type: 'reset' });
  }

  async stats(): Promise<RunStats> {
    const reply = await this.request({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error(`the fallback worker answered ${reply.type}, not stats`);
    return reply.stats;
  }

  terminate(): void {
    this.worker.terminate();
    this.fail(new Error('the fallback worker was stopped'));
  }
}
