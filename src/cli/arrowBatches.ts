/**
 * The two Arrow tables of `--out run.arrow`, column by column from RUN_COLUMNS (the CSV's columns, in the
 * CSV's order): the samples table (one row per trajectory per sample) and the per-trajectory table (the
 * columns that are the same on every sample row of a trajectory, one row per trajectory). Numbers stay
 * numbers: Float64 for floats (full precision, where CSV writes text), Int32 for steps and indices
 * (MAX_STEPS and MAX_TRAJECTORIES are below 2³¹), null where the CSV writes an empty cell.
 */
import {
  type Data,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { RUN_COLUMNS, type RunColumn, type RunOutput, type TrajectoryOutput } from '../core/run/output';

/** Schema metadata key holding the run's header: the JSON output without its trajectories. */
export const ARROW_RUN_METADATA_KEY = 'scaleinv-lab.run';
/** Schema metadata key naming the table: 'samples' or 'trajectories'. */
export const ARROW_TABLE_METADATA_KEY = 'scaleinv-lab.table';

export type ArrowTableName = 'samples' | 'trajectories';

/** The columns of each table: the samples table has all of them, the per-trajectory one only its own. */
export function tableColumns(table: ArrowTableName): readonly RunColumn[] {
  return table === 'samples' ? RUN_COLUMNS : RUN_COLUMNS.filter((c) => c.perTrajectory);
}

/** The run's header (everything the JSON output has but the trajectories), for the schema metadata. */
export function runHeader(output: RunOutput): Omit<RunOutput, 'trajectories'> {
  const { trajectories: _, ...header } = output;
  return header;
}

export function tableSchema(table: ArrowTableName, header: Omit<RunOutput, 'trajectories'>): Schema {
  const fields = tableColumns(table).map(
    (c) =>
      new Field(
        c.name,
        c.kind === 'float' ? new Float64() : c.kind === 'int' ? new Int32() : new Utf8(),
        true,
      ),
  );
  const metadata = new Map([
    [ARROW_TABLE_METADATA_KEY, table],
    [ARROW_RUN_METADATA_KEY, JSON.stringify(header)],
  ]);
  return new Schema(fields, metadata);
}

/** One column's values for one batch, with a validity bit per row (Arrow's null bitmap, LSB first). */
class ColumnBuffer {
  private readonly numbers: Float64Array | Int32Array | null;
  private readonly texts: (string | null)[] | null;
  private readonly validity: Uint8Array;
  private nulls = 0;

  constructor(
    private readonly column: RunColumn,
    capacity: number,
  ) {
    this.numbers =
      column.kind === 'float'
        ? new Float64Array(capacity)
        : column.kind === 'int'
          ? new Int32Array(capacity)
          : null;
    this.texts = column.kind === 'text' ? [] : null;
    this.validity = new Uint8Array(Math.ceil(capacity / 8));
  }

  set(row: number, value: number | string | null): void {
    if (this.texts) {
      this.texts[row] = value === null ? null : String(value);
      return;
    }
    if (value === null || typeof value !== 'number') {
      this.nulls++;
      return;
    }
    (this.numbers as Float64Array | Int32Array)[row] = value;
    this.validity[row >> 3] |= 1 << (row & 7);
  }

  data(length: number): Data {
    if (this.texts) return vectorFromArray(this.texts.slice(0, length), new Utf8()).data[0];
    const type = this.column.kind === 'float' ? new Float64() : new Int32();
    const values = (this.numbers as Float64Array | Int32Array).subarray(0, length);
    return makeData({
      type,
      length,
      nullCount: this.nulls,
      data: values,
      ...(this.nulls === 0 ? {} : { nullBitmap: this.validity.subarray(0, Math.ceil(length / 8)) }),
    } as Parameters<typeof makeData>[0]) as Data;
  }
}

/** A trajectory with its index in the run (the `trajectory` column). */
export interface IndexedTrajectory {
  index: number;
  trajectory: TrajectoryOutput;
}

/**
 * Record batches of at most `maxRows` rows, built lazily: one batch is in memory at a time. For the samples
 * table a trajectory's rows may span two batches; the per-trajectory table has one row per trajectory.
 */
export function* recordBatches(
  table: ArrowTableName,
  schema: Schema,
  trajectories: Iterable<IndexedTrajectory>,
  maxRows: number,
): Generator<RecordBatch> {
  const columns = tableColumns(table);
  let buffers = columns.map((c) => new ColumnBuffer(c, maxRows));
  let rows = 0;
  const flush = () => {
    const children = buffers.map((b) => b.data(rows));
    const batch = new RecordBatch(
      schema,
      makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }),
    );
    buffers = columns.map((c) => new ColumnBuffer(c, maxRows));
    rows = 0;
    return batch;
  };
  for (const { index, trajectory } of trajectories) {
    const samples = table === 'samples' ? trajectory.samples.step.length : 1;
    for (let j = 0; j < samples; j++) {
      for (let k = 0; k < columns.length; k++) buffers[k].set(rows, columns[k].value(trajectory, index, j));
      rows++;
      if (rows === maxRows) yield flush();
    }
  }
  if (rows > 0) yield flush();
}
