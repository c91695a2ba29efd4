/**
 * The CLI's worker-thread pool (src/cli/cpuPool.ts) in-process: it really starts the threads asked for (capped
 * at the trajectories), its output is byte-identical to runCpu on this thread, and the byte comparison used
 * here and in threads.test.ts fails for a merge in the wrong order and for a worker given the wrong slice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpuPool } from '../../src/cli/cpuPool';
import { validateConfig } from '../../src/core/config/validate';
import { type ChunkRunner, runCpuChunked, splitTrajectories } from '../../src/core/run/chunkedRun';
import { cpuOutput, cpuRecords, runCpu } from '../../src/core/run/cpuRun';
import { ringConfig } from '../core/ringConfig';

const CONFIG = validateConfig(ringConfig(10, 150, 10, 'dd'));

/** The comparison the thread tests rely on: the CLI's JSON, byte for byte. */
const bytes = (out: unknown) => JSON.stringify(out);
const reference = bytes(runCpu(CONFIG));

const pool = cpuPool(3);
afterAll(() => pool.close());

describe('cpuPool', () => {
  it('runs on 3 worker threads and gives runCpu’s bytes, with progress up to every trajectory', async () => {
    const seen: number[] = [];
    const out = await pool.run(CONFIG, { onProgress: (done, total) => seen.push(done / total) });
    expect(pool.workersStarted).toBe(3);
    expect(bytes(out)).toBe(reference);
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('starts no more threads than trajectories; one thread runs in-process', async () => {
    const two = validateConfig({
      ...CONFIG,
      init: {
        points: [
          [0.3, 1],
          [-1, 0.2],
        ],
      },
    });
    const big = cpuPool(8);
    try {
      expect(bytes(await big.run(two))).toBe(bytes(runCpu(two)));
      expect(big.workersStarted).toBe(2);
    } finally {
      await big.close();
    }
    const one = cpuPool(1);
    expect(bytes(await one.run(CONFIG))).toBe(reference);
    expect(one.workersStarted).toBe(0);
  });

  it('an error in a worker rejects the run with its message', async () => {
    const bad = { ...CONFIG, precision: 'df64' as const };
    await expect(pool.run(bad)).rejects.toThrow(/df64 runs on the gpu backend only/);
  });
});

describe('the byte comparison catches a broken split or merge (test of the test)', () => {
  // In-process runners, as the workers run them (cpuRecords on the task's range).
  const honest: ChunkRunner = async (task) => cpuRecords(task.config, task.range);

  it('honest in-process chunks give the reference', async () => {
    expect(bytes(await runCpuChunked(CONFIG, [honest, honest, honest]))).toBe(reference);
  });

  it('a worker given the slice one trajectory further on', async () => {
    const n = 10;
    const shifted: ChunkRunner = async (task) => {
      const start = Math.min(task.range.start + 1, n - (task.range.end - task.range.start));
      return cpuRecords(task.config, { start, end: start + task.range.end - task.range.start });
    };
    expect(bytes(await runCpuChunked(CONFIG, [honest, shifted, honest]))).not.toBe(reference);
  });

  it('chunks merged in reverse order', () => {
    const chunks = splitTrajectories(10, 3).map((r) => cpuRecords(CONFIG, r));
    expect(bytes(cpuOutput(CONFIG, chunks.reverse().flat()))).not.toBe(reference);
  });
});
