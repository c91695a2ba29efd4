/**
 * `scaleinv-lab run … --out run.arrow` (src/cli/arrowWriter.ts): one small f64 CPU run is written as JSON,
 * CSV and Arrow by the real command line, and the Arrow files are read back by three independent readers
 * (apache-arrow, @uwdata/flechette, and pyarrow in Python) and compared row for row with rows derived from
 * the JSON output (arrowRows.ts). A synthetic output with nulls checks null handling and batch boundaries.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC as flechetteFromIPC } from '@uwdata/flechette';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectoriesPath, writeArrowRun } from '../../src/cli/arrowWriter';
import type { RunOutput } from '../../src/core/run/output';
import {
  expectedSampleRows,
  expectedTrajectoryRows,
  type JsonRun,
  plainRows,
  type Row,
  rowDifferences,
} from './arrowRows';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FLOAT_COLUMNS = ['init_x', 'init_y', 'wd_x', 'wd_y', 'exp_projected_x', 'exp_projected_y'];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/scaleinv-lab.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return r;
}

let dir: string;
let json: JsonRun;
let csv: string[][];
const arrowPath = () => join(dir, 'run.arrow');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scaleinv-arrow-'));
  // rugged on a ring: some trajectories diverge (chaos, absorbed), some never do (null steps and cause).
  const config = {
    loss: { preset: 'rugged' },
    optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
    init: { ring: { count: 24, radius: 1 } },
    steps: 600,
    sampleEvery: 50,
    precision: 'f64',
    backend: 'cpu',
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  for (const ext of ['json', 'csv', 'arrow']) {
    const r = cli(['run', join(dir, 'config.json'), '--out', join(dir, `run.${ext}`)]);
    expect(r.status, r.stderr).toBe(0);
  }
  json = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  csv = readFileSync(join(dir, 'run.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readWithApacheArrow(path: string) {
  const table = tableFromIPC(readFileSync(path));
  return { table, rows: plainRows(table.toArray().map((r) => r.toJSON())) };
}

describe('run --out run.arrow, read back with apache-arrow', () => {
  it('holds the JSON output row for row, samples and per-trajectory tables', () => {
    const samples = readWithApacheArrow(arrowPath());
    expect(samples.rows.length).toBe(24 * 13);
    expect(rowDifferences(samples.rows, expectedSampleRows(json))).toEqual([]);
    const perTrajectory = readWithApacheArrow(trajectoriesPath(arrowPath()));
    expect(perTrajectory.rows.length).toBe(24);
    expect(rowDifferences(perTrajectory.rows, expectedTrajectoryRows(json))).toEqual([]);
    // The run has both kinds: causes and null causes, so text and null columns are exercised.
    const causes = new Set(perTrajectory.rows.map((r) => r.divergence_cause));
    expect(causes.has(null) && causes.size > 1).toBe(true);
  });

  it('names the columns as the CSV header does, in its order, with Float64 and Int32 types', () => {
    const { table } = readWithApacheArrow(arrowPath());
    expect(table.schema.fields.map((f) => f.name)).toEqual(csv[0]);
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    for (const c of FLOAT_COLUMNS) expect(types[c]).toBe('Float64');
    for (const c of ['trajectory', 'step', 'divergence_step']) expect(types[c]).toBe('Int32');
    expect(types.divergence_cause).toBe('Utf8');
  });

  it('agrees with the CSV cell for cell (empty cell = null, text numbers = the same double)', () => {
    const { rows } = readWithApacheArrow(arrowPath());
    const header = csv[0];
    const fromCsv: Row[] = csv
      .slice(1)
      .map((cells) =>
        Object.fromEntries(
          cells.map((c, k) => [
            header[k],
            c === '' ? null : header[k] === 'divergence_cause' ? c : Number(c),
          ]),
        ),
      );
    expect(rowDifferences(rows, fromCsv)).toEqual([]);
  });

  it("carries the run's header (the JSON output without trajectories) in the schema metadata", () => {
    const { table } = readWithApacheArrow(arrowPath());
    const header = JSON.parse(table.schema.metadata.get('scaleinv-lab.run') ?? 'null');
    const { trajectories: _, ...expected } = json;
    expect(header).toEqual(expected);
    expect(table.schema.metadata.get('scaleinv-lab.table')).toBe('samples');
  });

  it('the comparison catches shifted rows and a wrong column (sabotaged references)', () => {
    const { rows } = readWithApacheArrow(arrowPath());
    const expected = expectedSampleRows(json);
    const shifted = [...expected.slice(1), expected[0]];
    expect(rowDifferences(rows, shifted).length).toBeGreaterThan(0);
    const swapped = expected.map((r) => ({ ...r, wd_x: r.wd_y, wd_y: r.wd_x }));
    expect(rowDifferences(rows, swapped).length).toBeGreaterThan(0);
    expect(rowDifferences(rows.slice(1), expected)[0]).toMatch(/row count/);
  });
});

describe('read back with @uwdata/flechette (an Arrow reader written apart from apache-arrow)', () => {
  it('holds the same rows', () => {
    const read = (path: string) =>
      plainRows(flechetteFromIPC(readFileSync(path)).toArray() as Record<string, unknown>[]);
    expect(rowDifferences(read(arrowPath()), expectedSampleRows(json))).toEqual([]);
    expect(rowDifferences(read(trajectoriesPath(arrowPath())), expectedTrajectoryRows(json))).toEqual([]);
  });
});

// pyarrow: PYARROW_PYTHON names a Python that has it (scripts/test.sh: Debian's python3-pyarrow where the
// release ships it, else pip's in a virtual environment); without it, plain python3.
const PYTHON = process.env.PYARROW_PYTHON ?? 'python3';
const PYARROW_SCRIPT = `
import json, sys
import pyarrow as pa, pyarrow.ipc as ipc
out = {}
for name, path in (("samples", sys.argv[1]), ("trajectories", sys.argv[2])):
    with pa.memory_map(path) as source:
        table = ipc.open_file(source).read_all()
    out[name] = {"rows": table.to_pylist(), "types": {f.name: str(f.type) for f in table.schema}}
print(json.dumps(out))
`;
const pyarrow = spawnSync(PYTHON, ['-c', 'import pyarrow'], { encoding: 'utf8' });
const hasPyarrow = pyarrow.status === 0;
// CI runs scripts/test.sh, which provides pyarrow: there its absence is a failure, not a skip.
const pyarrowRequired = Boolean(process.env.CI);

describe('read back with pyarrow', () => {
  if (!hasPyarrow && !pyarrowRequired) {
    console.warn(
      `[arrow.test] SKIPPING the pyarrow read-back: ${PYTHON} cannot import pyarrow (run scripts/test.sh, or set PYARROW_PYTHON to a Python that has it).`,
    );
  }
  it.skipIf(!hasPyarrow && !pyarrowRequired)('holds the same rows and types', () => {
    expect(hasPyarrow, `pyarrow is missing in CI (scripts/test.sh installs it): ${pyarrow.stderr}`).toBe(
      true,
    );
    const r = spawnSync(PYTHON, ['-c', PYARROW_SCRIPT, arrowPath(), trajectoriesPath(arrowPath())], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(r.status, r.stderr).toBe(0);
    const read = JSON.parse(r.stdout);
    expect(rowDifferences(read.samples.rows, expectedSampleRows(json))).toEqual([]);
    expect(rowDifferences(read.trajectories.rows, expectedTrajectoryRows(json))).toEqual([]);
    expect(read.samples.types.wd_x).toBe('double');
    expect(read.samples.types.step).toBe('int32');
  });
});

describe('writeArrowRun on a synthetic output', () => {
  // Nulls in every nullable column, a trajectory with no divergence, and batches of 5 rows so that a
  // trajectory's 4 samples straddle batch boundaries.
  const trajectory = (k: number): RunOutput['trajectories'][number] => ({
    init: [k + 0.1, -k - 0.2],
    divergenceStep: k % 2 ? 10 * k : null,
    overflowStep: k === 2 ? 7 : null,
    crossingStep: null,
    wdAbsorbedStep: k === 1 ? 3 : null,
    expAbsorbedStep: null,
    underflowStep: k === 2 ? 5 : null,
    divergenceCause: k % 2 ? 'chaos' : null,
    samples: {
      step: [0, 1, 2, 3],
      wd: [
        [k, 1 / 3],
        [null, null],
        [2 ** -1074, -0.5],
        [1e308, 3],
      ],
      wdNormLog2: [0, null, -1074, 1023.5],
      expProjected: [
        [k, 1 / 3],
        [0.1, 0.2],
        [null, null],
        [5, 6],
      ],
      expNormLog2: [0, 1, null, 2],
      angleGap: [0, null, Math.PI, 1e-17],
    },
  });
  const output = {
    precision: 'f64',
    steps: 3,
    trajectories: [0, 1, 2].map(trajectory),
  } as unknown as RunOutput;

  it('writes every row, nulls as nulls, across several batches', async () => {
    const path = join(dir, 'synthetic.arrow');
    const result = await writeArrowRun(output, path, { batchRows: 5 });
    expect(result).toMatchObject({ sampleRows: 12, trajectoryRows: 3 });
    const samples = readWithApacheArrow(path);
    expect(samples.table.batches.length).toBe(3);
    const reference = JSON.parse(JSON.stringify(output)) as JsonRun;
    expect(rowDifferences(samples.rows, expectedSampleRows(reference))).toEqual([]);
    const perTrajectory = readWithApacheArrow(result.trajectoriesPath).rows;
    expect(rowDifferences(perTrajectory, expectedTrajectoryRows(reference))).toEqual([]);
  });

  it('reports a file it cannot write as an error', async () => {
    await expect(writeArrowRun(output, join(dir, 'no-such-dir', 'x.arrow'))).rejects.toThrow(/ENOENT/);
  });
});

describe('run --out validation', () => {
  it('names .arrow among the allowed extensions', () => {
    const r = cli(['run', join(dir, 'config.json'), '--out', join(dir, 'run.parquet')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.arrow/);
  });
});
