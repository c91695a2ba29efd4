/** `scaleinv-lab run <config.json> [--precision] [--backend] [--bits] [--out]`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { validateConfig } from '../core/config/validate';
import { trajectoryCount } from '../core/init';
import { MP_DEFAULT_BITS, MP_MAX_BITS, MP_MIN_BITS } from '../core/mp';
import { runCpu } from '../core/run/cpuRun';
import { type RunOutput, sampleSteps, toCsv } from '../core/run/output';
import { UsageError } from './usage';

/** Largest number of (trajectory, sample) records the CLI will write in one file. */
export const MAX_OUTPUT_SAMPLES = 20_000_000;

export function parseRunArgs(args: string[]) {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        precision: { type: 'string' },
        backend: { type: 'string' },
        bits: { type: 'string' },
        out: { type: 'string', short: 'o' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (e) {
    throw new UsageError(`run: ${(e as Error).message}`);
  }
  if (parsed.positionals.length !== 1) {
    throw new UsageError('run: expected exactly one config file (scaleinv-lab run <config.json> [options])');
  }
  const out = parsed.values.out;
  if (out !== undefined && !/\.(json|csv)$/i.test(out)) {
    throw new UsageError(`run: --out ${out} must end in .json or .csv`);
  }
  const { bits, ...values } = parsed.values;
  return {
    file: parsed.positionals[0],
    ...values,
    ...(bits === undefined ? {} : { bits: parseBits('run', bits) }),
  };
}

/** --bits N: mp's precision, an integer in [MP_MIN_BITS, MP_MAX_BITS] (default MP_DEFAULT_BITS). */
export function parseBits(command: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < MP_MIN_BITS || n > MP_MAX_BITS) {
    throw new UsageError(
      `${command}: --bits ${text} must be an integer from ${MP_MIN_BITS} to ${MP_MAX_BITS} (mp's precision; default ${MP_DEFAULT_BITS})`,
    );
  }
  return n;
}

export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read config ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`config ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function runCommand(args: string[]): Promise<number> {
  const opts = parseRunArgs(args);
  const raw = readConfigFile(opts.file);
  // Command-line precision/backend win over the file's.
  const merged =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? {
          ...raw,
          ...(opts.precision === undefined ? {} : { precision: opts.precision }),
          ...(opts.backend === undefined ? {} : { backend: opts.backend }),
        }
      : raw;
  const config = validateConfig(merged);
  if (opts.bits !== undefined && config.precision !== 'mp') {
    throw new UsageError(`run: --bits sets the precision of mp; this run's precision is ${config.precision}`);
  }
  const records = trajectoryCount(config.init) * sampleSteps(config.steps, config.sampleEvery).length;
  if (records > MAX_OUTPUT_SAMPLES) {
    throw new UsageError(
      `output would hold ${records} samples (limit ${MAX_OUTPUT_SAMPLES}); raise sampleEvery or use fewer trajectories`,
    );
  }
  let output: RunOutput;
  if (config.backend === 'gpu') {
    const { runGpu } = await import('./gpuRun');
    output = await runGpu(config);
  } else {
    output = runCpu(config, opts.bits === undefined ? {} : { bits: opts.bits });
  }
  writeOutput(output, opts.out);
  return 0;
}

function writeOutput(output: RunOutput, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return;
  }
  const text = /\.csv$/i.test(out) ? toCsv(output) : `${JSON.stringify(output)}\n`;
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
}
