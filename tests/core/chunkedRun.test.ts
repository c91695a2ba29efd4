/**
 * The pure split and merge behind --threads and the Precision tab's worker pool (src/core/run/chunkedRun.ts):
 * the ranges tile the trajectories in order with sizes within one of each other; a merge puts every
 * trajectory back in its place and refuses a chunk of the wrong size; progress adds up over the chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { type ChunkRunner, mergeChunks, runChunks, splitTrajectories } from '../../src/core/run/chunkedRun';
import { ChunkPool, cpuWork } from '../../src/core/run/chunkPool';
import { answerChunk, type ChunkReply, chunkClient } from '../../src/core/run/chunkProtocol';
import { cpuRecords, runCpu } from '../../src/core/run/cpuRun';
import type { TrajectoryRecord } from '../../src/core/run/output';
import { ringConfig } from './ringConfig';

/** A stand-in record that says which trajectory it is (mergeChunks only moves records). */
const tagged = (i: number) => ({ init: [i, 0] }) as unknown as TrajectoryRecord;

describe('splitTrajectories', () => {
  it('tiles [0, n) in order, min(n, parts) ranges, sizes within one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 }), (n, parts) => {
        const r = splitTrajectories(n, parts);
        expect(r).toHaveLength(Math.min(n, parts));
        expect(r[0].start).toBe(0);
        expect(r.at(-1)?.end).toBe(n);
        r.forEach((x, i) => {
          if (i > 0) expect(x.start).toBe(r[i - 1].end);
        });
        const sizes = r.map((x) => x.end - x.start);
        expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('a small case written out', () => {
    expect(splitTrajectories(7, 3)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 7 },
    ]);
  });
});

describe('mergeChunks', () => {
  it('gives trajectory i at place i, whatever the split', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 40 }), (n, parts) => {
        const ranges = splitTrajectories(n, parts);
        const chunks = ranges.map((r) =>
          Array.from({ length: r.end - r.start }, (_, k) => tagged(r.start + k)),
        );
        const merged = mergeChunks(ranges, chunks);
        expect(merged.map((m) => m.init[0])).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('refuses a chunk that came back short, or a missing chunk', () => {
    const ranges = splitTrajectories(6, 2);
    expect(() => mergeChunks(ranges, [[tagged(0), tagged(1), tagged(2)], [tagged(3)]])).toThrow(/3–6/);
    expect(() => mergeChunks(ranges, [[tagged(0), tagged(1), tagged(2)]])).toThrow(/1 chunks for 2/);
  });
});

describe('runChunks', () => {
  const config = validateConfig(ringConfig(9, 60, 60));

  it('equals the one-thread records, progress ends at n/n, and a failing chunk rejects the run', async () => {
    const runner: ChunkRunner = async (task, progress) => {
      progress(1);
      return cpuRecords(task.config, task.range);
    };
    const seen: [number, number][] = [];
    const merged = await runChunks(config, [runner, runner], { onProgress: (d, t) => seen.push([d, t]) });
    expect(merged).toEqual(cpuRecords(config, null));
    expect(seen.at(-1)).toEqual([9, 9]);
    const failing: ChunkRunner = async () => {
      throw new Error('worker lost');
    };
    await expect(runChunks(config, [runner, failing])).rejects.toThrow('worker lost');
  });
});

describe('ChunkPool (in-process stand-in workers)', () => {
  const config = validateConfig(ringConfig(5, 40, 10, 'dd'));
  const pool = (threads: number, minWork = 0) => {
    const started: number[] = [];
    const p = new ChunkPool(
      threads,
      (k) => {
        started.push(k);
        return { runner: async (task) => cpuRecords(task.config, task.range), terminate: () => undefined };
      },
      minWork,
    );
    return { p, started };
  };

  it('cpuWork weighs dd 30 times f64', () => {
    expect(cpuWork(config)).toBe(5 * 40 * 30);
    expect(cpuWork({ ...config, precision: 'f64' })).toBe(5 * 40);
  });

  it('starts min(threads, trajectories) workers, once, and gives runCpu', async () => {
    const { p, started } = pool(8);
    expect(JSON.stringify(await p.run(config))).toBe(JSON.stringify(runCpu(config)));
    await p.run(config);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    await p.close();
    expect(p.workersStarted).toBe(0);
  });

  it('stays on this thread with one thread, or below minWork (and starts workers at it)', async () => {
    const one = pool(1);
    await one.p.run(config);
    expect(one.started).toEqual([]);
    const small = pool(3, cpuWork(config) + 1);
    await small.p.run(config);
    expect(small.started).toEqual([]);
    const atThreshold = pool(3, cpuWork(config));
    await atThreshold.p.run(config);
    expect(atThreshold.started).toEqual([1, 2, 3]);
  });
});

describe('chunkClient and answerChunk (the worker messages, without a worker)', () => {
  const config = validateConfig(ringConfig(6, 30, 10, 'dd'));

  it('a round trip gives cpuRecords of the range; a failed chunk rejects with its message', async () => {
    const client = chunkClient((req) =>
      answerChunk(
        req,
        (r) => client.receive(r),
        () => 0,
      ),
    );
    const range = { start: 2, end: 5 };
    expect(await client.runner({ config, range }, () => {})).toEqual(cpuRecords(config, range));
    const df64 = { ...config, precision: 'df64' as const };
    await expect(client.runner({ config: df64, range }, () => {})).rejects.toThrow(/gpu backend only/);
  });

  it('progress goes to its chunk; a dead worker rejects what is pending and every later chunk', async () => {
    const sent: number[] = [];
    const client = chunkClient((req) => sent.push(req.id));
    const seen: number[] = [];
    const first = client.runner({ config, range: { start: 0, end: 3 } }, (d) => seen.push(d));
    client.receive({ id: sent[0], type: 'progress', done: 2 } satisfies ChunkReply);
    expect(seen).toEqual([2]);
    client.fail(new Error('worker exited'));
    await expect(first).rejects.toThrow('worker exited');
    await expect(client.runner({ config, range: { start: 3, end: 6 } }, () => {})).rejects.toThrow(
      'worker exited',
    );
    expect(sent).toHaveLength(1);
  });
});
