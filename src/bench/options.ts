/** Command-line options of `npm run bench` and the result table's formatting. */
import { availableParallelism } from 'node:os';

export interface BenchOptions {
  n: number;
  steps: number;
  reps: number;
  /** Trajectories for the JS float64 row and the double-double row (subsets of N). */
  jsSubset: number;
  ddSubset: number;
  /** Trajectories for the GPU bf16 and f16 rows (emulated formats, tens of times slower than f32). */
  lowSubset: number;
  workgroupSizes: number[] | null;
  /** Worker threads for the "all threads" CPU rows (default: every core); also the PyTorch model rows'. */
  threads: number;
  /** The model section (src/bench/models.ts): after the plane's rows, alone (--models), or not (--no-models). */
  models: 'also' | 'only' | 'none';
  modelSeeds: number;
  modelSteps: number;
  modelPeerSeeds: number;
  modelTsSeeds: number;
  json: string | null;
  help: boolean;
}

/** The model section's job (src/bench/modelJob.ts): seeds, steps, and the subsets of the slower rows. */
export const MODEL_DEFAULTS = { seeds: 4096, steps: 200, peerSeeds: 128, tsSeeds: 16 } as const;

export const USAGE = `usage: npm run bench -- [options]
  --n N                      trajectories (default 16384)
  --steps T                  steps per trajectory (default 1000)
  --reps R                   timed repetitions of each GPU row, fastest reported (default 3)
  --js-subset M              trajectories for the JS float64 row (default 1024)
  --dd-subset M              trajectories for the double-double row (default 64)
  --low-subset M             trajectories for the GPU bf16 and f16 rows (default 1024)
  --workgroup-sizes 32,64,…  also time the f32 kernel at each workgroup size
  --threads N                worker threads for the CPU rows' "all threads" column (default: every core)
  --models                   only the model section (batch-normalised models, issue 16)
  --no-models                skip the model section
  --model-seeds N            seeds of the model job and its GPU rows (default ${MODEL_DEFAULTS.seeds})
  --model-steps T            steps of the model rows (default ${MODEL_DEFAULTS.steps})
  --model-peer-seeds M       seeds for the NumPy and PyTorch model rows (default ${MODEL_DEFAULTS.peerSeeds})
  --model-ts-seeds M         seeds for the TypeScript model rows (default ${MODEL_DEFAULTS.tsSeeds})
  --json FILE                also write the results as JSON
  --help`;

function positiveInt(name: string, v: string | undefined): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`${name} needs a positive integer, got '${v}'`);
  return x;
}

/** The options that take one positive integer, and the field each sets. */
const INTEGER_OPTIONS: Record<
  string,
  | 'n'
  | 'steps'
  | 'reps'
  | 'jsSubset'
  | 'ddSubset'
  | 'lowSubset'
  | 'threads'
  | 'modelSeeds'
  | 'modelSteps'
  | 'modelPeerSeeds'
  | 'modelTsSeeds'
> = {
  '--n': 'n',
  '--steps': 'steps',
  '--reps': 'reps',
  '--js-subset': 'jsSubset',
  '--dd-subset': 'ddSubset',
  '--low-subset': 'lowSubset',
  '--threads': 'threads',
  '--model-seeds': 'modelSeeds',
  '--model-steps': 'modelSteps',
  '--model-peer-seeds': 'modelPeerSeeds',
  '--model-ts-seeds': 'modelTsSeeds',
};

export function parseOptions(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    n: 16384,
    steps: 1000,
    reps: 3,
    jsSubset: 1024,
    ddSubset: 64,
    lowSubset: 1024,
    workgroupSizes: null,
    threads: availableParallelism(),
    models: 'also',
    modelSeeds: MODEL_DEFAULTS.seeds,
    modelSteps: MODEL_DEFAULTS.steps,
    modelPeerSeeds: MODEL_DEFAULTS.peerSeeds,
    modelTsSeeds: MODEL_DEFAULTS.tsSeeds,
    json: null,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => value ?? argv[++i];
    if (Object.hasOwn(INTEGER_OPTIONS, arg)) {
      o[INTEGER_OPTIONS[arg]] = positiveInt(arg, next());
      continue;
    }
    switch (arg) {
      case '--workgroup-sizes':
        o.workgroupSizes = (next() ?? '').split(',').map((s) => positiveInt(arg, s.trim()));
        break;
      case '--models':
        o.models = 'only';
        break;
      case '--no-models':
        o.models = 'none';
        break;
      case '--json': {
        const f = next();
        if (!f) throw new RangeError('--json needs a file name');
        o.json = f;
        break;
      }
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new RangeError(`unknown option '${argv[i]}'`);
    }
  }
  return o;
}

export interface Row {
  implementation: string;
  /** Trajectory-steps per second; null when the row was skipped. */
  rate: number | null;
  trajectories: number;
  steps: number;
  seconds: number | null;
  notes: string;
}

export function formatRate(r: number | null): string {
  if (r === null) return '—';
  if (r >= 1e9) return `${(r / 1e9).toFixed(2)} G`;
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)} k`;
  return r.toFixed(0);
}

function ratio(r: number | null, base: number | null): string {
  if (r === null || base === null || !(base > 0)) return '—';
  const x = r / base;
  return x >= 10 ? `${x.toFixed(0)}x` : x >= 0.1 ? `${x.toFixed(2)}x` : `${x.toExponential(1)}x`;
}

/** A plain-text table; columns padded to their widest cell. */
export function formatTable(header: string[], body: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((s, c) => (c === cells.length - 1 ? s : s.padEnd(widths[c])))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

export function resultTable(rows: Row[], numpyRate: number | null, cRate: number | null): string {
  return formatTable(
    ['implementation', 'trajectory-steps/s', 'ratio vs NumPy', 'ratio vs C f32', 'notes'],
    rows.map((r) => [
      r.implementation,
      formatRate(r.rate),
      ratio(r.rate, numpyRate),
      ratio(r.rate, cRate),
      r.notes,
    ]),
  );
}
