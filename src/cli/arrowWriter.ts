/**
 * `scaleinv-lab run … --out run.arrow`: the run as two Apache Arrow IPC files (the random-access "file"
 * format, also called Feather v2; pyarrow, pandas, polars and DuckDB read it directly). An IPC file holds
 * one schema, so the run is split in two:
 *   run.arrow               one row per (trajectory, sample), the CSV's columns under the CSV's names;
 *   run.trajectories.arrow  one row per trajectory: its index, initial point, event steps and cause.
 * Both carry the run's header (the JSON output without its trajectories) as JSON in their schema metadata
 * under 'scaleinv-lab.run'. Record batches are written to the file as they are built, waiting for the
 * file to drain, so no more than a batch or two is held as Arrow buffers at a time; unlike JSON and CSV
 * (one string in memory) there is no cap on the number of samples.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordBatchFileWriter } from 'apache-arrow';
import type { RunOutput } from '../core/run/output';
import {
  type ArrowTableName,
  type IndexedTrajectory,
  recordBatches,
  runHeader,
  tableSchema,
} from './arrowBatches';

/** Rows per record batch: large enough for fast columnar reads, small enough to stream (~10 MB a batch). */
export const ARROW_BATCH_ROWS = 65_536;

/** `run.arrow` → `run.trajectories.arrow` (the per-trajectory table written beside the samples). */
export function trajectoriesPath(samplesPath: string): string {
  return samplesPath.replace(/(\.arrow)?$/i, '.trajectories.arrow');
}

export interface ArrowWriteResult {
  samplesPath: string;
  trajectoriesPath: string;
  sampleRows: number;
  trajectoryRows: number;
  batches: number;
}

/** Writes `output` as `samplesPath` and the per-trajectory table beside it (see the file comment). */
export async function writeArrowRun(
  output: RunOutput,
  samplesPath: string,
  options: { batchRows?: number } = {},
): Promise<ArrowWriteResult> {
  const batchRows = options.batchRows ?? ARROW_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new RangeError(`batchRows ${batchRows} must be ≥ 1`);
  const header = runHeader(output);
  const indexed = function* (): Generator<IndexedTrajectory> {
    for (let i = 0; i < output.trajectories.length; i++)
      yield { index: i, trajectory: output.trajectories[i] };
  };
  const perTrajectory = trajectoriesPath(samplesPath);
  const samples = await writeArrowTable(samplesPath, 'samples', header, indexed(), batchRows);
  const trajectories = await writeArrowTable(perTrajectory, 'trajectories', header, indexed(), batchRows);
  return {
    samplesPath,
    trajectoriesPath: perTrajectory,
    sampleRows: samples.rows,
    trajectoryRows: trajectories.rows,
    batches: samples.batches + trajectories.batches,
  };
}

/** One table to one IPC file, batch by batch; resolves once the file is closed. */
export async function writeArrowTable(
  path: string,
  table: ArrowTableName,
  header: Omit<RunOutput, 'trajectories'>,
  trajectories: Iterable<IndexedTrajectory>,
  batchRows: number,
): Promise<{ rows: number; batches: number }> {
  const schema = tableSchema(table, header);
  const writer = new RecordBatchFileWriter();
  const file = createWriteStream(path);
  const piped = pipeline(writer.toNodeStream() as unknown as Readable, file);
  // Write the schema now, so that a table without rows is still a valid file.
  writer.reset(undefined, schema);
  let rows = 0;
  let batches = 0;
  try {
    for (const batch of recordBatches(table, schema, trajectories, batchRows)) {
      writer.write(batch);
      rows += batch.numRows;
      batches++;
      await drained(file);
    }
    writer.close();
    await piped;
  } catch (e) {
    writer.abort();
    file.destroy();
    await piped.catch(() => undefined);
    throw e;
  }
  return { rows, batches };
}

/** Lets the queued bytes reach the file, and waits while the file's buffer is over its high-water mark. */
async function drained(file: ReturnType<typeof createWriteStream>): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (file.errored) throw file.errored;
  if (file.writableNeedDrain) await once(file, 'drain');
}
