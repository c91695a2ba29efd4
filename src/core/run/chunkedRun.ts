/**
 * A CPU run split over several workers by trajectory. Trajectories are independent, so each chunk's records
 * are exactly those a single-threaded run gives for the same trajectories; merged in trajectory order they
 * give a byte-identical output. Pure: the workers are `ChunkRunner`s supplied by the caller (worker_threads in
 * src/cli/cpuPool.ts, Web Workers in src/playground/cpuWorkerPool.ts), so this file knows no thread API.
 */
import type { ExperimentConfig } from '../config/types';
import { trajectoryCount } from '../init';
import { type CpuRunOptions, cpuOutput, type TrajectoryRange } from './cpuRun';
import type { RunOutput, TrajectoryRecord } from './output';

/** One chunk's work: what cpuRecords(config, range, { bits }) computes. */
export interface CpuChunkTask {
  config: ExperimentConfig;
  range: TrajectoryRange;
  bits?: number;
}

/** Runs one chunk on some worker; reports trajectories done within the chunk. */
export type ChunkRunner = (
  task: CpuChunkTask,
  onProgress: (done: number) => void,
) => Promise<TrajectoryRecord[]>;

/** Chunks per worker: small enough to balance uneven workers, large enough that messages stay cheap. */
export const CHUNKS_PER_WORKER = 4;

/** `n` trajectories as at most `parts` contiguous ranges, in order, sizes differing by at most one. */
export function splitTrajectories(n: number, parts: number): TrajectoryRange[] {
  const k = Math.max(1, Math.min(n, Math.floor(parts)));
  const ranges: TrajectoryRange[] = [];
  for (let i = 0; i < k; i++) {
    const start = Math.floor((i * n) / k);
    const end = Math.floor(((i + 1) * n) / k);
    if (end > start) ranges.push({ start, end });
  }
  return ranges;
}

/** The chunks' records in trajectory order; throws if a chunk does not hold exactly its range. */
export function mergeChunks(
  ranges: readonly TrajectoryRange[],
  chunks: readonly (readonly TrajectoryRecord[])[],
): TrajectoryRecord[] {
  if (chunks.length !== ranges.length) throw new Error(`${chunks.length} chunks for ${ranges.length} ranges`);
  const merged: TrajectoryRecord[] = [];
  ranges.forEach((r, i) => {
    if (chunks[i].length !== r.end - r.start) {
      throw new Error(`chunk ${r.start}–${r.end} came back with ${chunks[i].length} trajectories`);
    }
    merged.push(...chunks[i]);
  });
  return merged;
}

/**
 * Every chunk of `config` through `runners` (each takes the next chunk when it is free), merged in order.
 * With one runner per worker, at most `runners.length` chunks are in flight at once.
 */
export async function runChunks(
  config: ExperimentConfig,
  runners: readonly ChunkRunner[],
  options: CpuRunOptions = {},
): Promise<TrajectoryRecord[]> {
  const n = trajectoryCount(config.init);
  const ranges = splitTrajectories(n, runners.length * CHUNKS_PER_WORKER);
  const chunks: TrajectoryRecord[][] = new Array(ranges.length);
  const doneIn = new Array<number>(ranges.length).fill(0);
  let total = 0;
  let next = 0;
  let failed = false; // once a chunk fails the run is lost: start no more
  const progress = (i: number, done: number) => {
    total += done - doneIn[i];
    doneIn[i] = done;
    options.onProgress?.(total, n);
  };
  const bits = options.bits === undefined ? {} : { bits: options.bits };
  const work = async (runner: ChunkRunner) => {
    while (!failed && next < ranges.length) {
      const i = next++;
      try {
        chunks[i] = await runner({ config, range: ranges[i], ...bits }, (d) => progress(i, d));
      } catch (e) {
        failed = true;
        throw e;
      }
      progress(i, ranges[i].end - ranges[i].start);
    }
  };
  await Promise.all(runners.slice(0, ranges.length).map(work));
  return mergeChunks(ranges, chunks);
}

/** runCpu's output, computed in chunks by `runners`: the same bytes as runCpu(config, options). */
export async function runCpuChunked(
  config: ExperimentConfig,
  runners: readonly ChunkRunner[],
  options: CpuRunOptions = {},
): Promise<RunOutput> {
  return cpuOutput(config, await runChunks(config, runners, options), options);
}
