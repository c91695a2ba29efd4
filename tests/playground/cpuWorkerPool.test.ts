/**
 * The Precision tab's CPU pool size (src/playground/cpuWorkerPool.ts): one worker per reported core, at least
 * one, at most MAX_CPU_WORKERS; a browser that reports nothing (or nonsense) gets one. The split and merge
 * themselves are tests/core/chunkedRun.test.ts; the pool's output against runCpu is tests/cli/cpuPool.test.ts
 * (the same ChunkPool on worker_threads) and tests/e2e/precision.test.ts (in Chromium, against the CLI).
 */
import { describe, expect, it } from 'vitest';
import { cpuWorkerCount, MAX_CPU_WORKERS } from '../../src/playground/cpuWorkerPool';

describe('cpuWorkerCount', () => {
  it('follows navigator.hardwareConcurrency between 1 and the cap', () => {
    expect(MAX_CPU_WORKERS).toBe(8);
    expect([1, 2, 3, 8, 9, 64].map(cpuWorkerCount)).toEqual([1, 2, 3, 8, 8, 8]);
  });

  it('falls back to one worker when the count is missing or not a whole number', () => {
    expect([undefined, 0, -4, 2.5, Number.NaN].map(cpuWorkerCount)).toEqual([1, 1, 1, 1, 1]);
  });
});
