/** Checks a batch against the device's limits before anything is allocated; the message names the limit. */

import { ringBytes } from './layout';

export class EngineLimitError extends Error {
  override name = 'EngineLimitError';
}

export interface BatchShape {
  count: number;
  trajectoryBytes: number;
  metricBytes: number;
  historyLength: number;
}

export interface LimitsLike {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

const MIB = 1024 * 1024;

export function batchBuffers(shape: BatchShape): { name: string; bytes: number }[] {
  return [
    { name: 'trajectory state', bytes: shape.count * shape.trajectoryBytes },
    { name: 'metrics', bytes: shape.count * shape.metricBytes },
    { name: 'path history', bytes: ringBytes(shape.count, shape.historyLength) },
  ];
}

/** Total GPU memory the batch's buffers take, in bytes (shown to users for large runs). */
export function batchMemoryBytes(shape: BatchShape): number {
  return batchBuffers(shape).reduce((s, b) => s + b.bytes, 0);
}

export function checkBatchLimits(limits: LimitsLike, shape: BatchShape): void {
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const capName =
    limits.maxStorageBufferBindingSize <= limits.maxBufferSize
      ? 'maxStorageBufferBindingSize'
      : 'maxBufferSize';
  for (const b of batchBuffers(shape)) {
    if (b.bytes > cap) {
      const perTraj = b.bytes / Math.max(1, shape.count);
      const fit = Math.floor(cap / perTraj);
      throw new EngineLimitError(
        `${shape.count} trajectories need a ${b.name} buffer of ${(b.bytes / MIB).toFixed(1)} MiB, above this ` +
          `device's ${capName} of ${(cap / MIB).toFixed(1)} MiB; use at most ${fit} trajectories` +
          (b.name === 'path history' ? ' or a shorter path history' : ''),
      );
    }
  }
}
