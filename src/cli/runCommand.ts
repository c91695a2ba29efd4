/**
 * `scaleinv-lab run <config.json> [--precision] [--backend] [--bits] [--threads] [--out]`. The CPU
 * precisions run on --threads worker threads (src/cli/cpuPool.ts), with the same output as one thread.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { validateConfig } from '../core/config/validate';
import { trajectoryCount } from '../core/init';
import { isModelLoss } from '../core/model/types';
import { type RunOutput, sampleSteps, toCsv } from '../core/run/output';
import { parseBits, parseCommandArgs, parseThreads } from './args';
import { withCpuPool } from './cpuPool';
import { UsageError } from './usage';

/** Largest number of (trajectory, sample) records the CLI will write in one file. */
export const MAX_OUTPUT_SAMPLES = 20_000_000;

export function parseRunArgs(args: string[]) {
  const { file, values } = parseCommandArgs('run', args, {
    precision: { type: 'string' },
    backend: { type: 'string' },
    bits: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string', short: 'o' },
  });
  const out = values.out;
  if (out !== undefined && !/\.(json|csv|arrow)$/i.test(out)) {
    throw new UsageError(`run: --out ${out} must end in .json, .csv or .arrow`);
  }
  const { bits, threads, ...rest } = values;
  return {
    file,
    ...rest,
    ...(bits === undefined ? {} : { bits: parseBits('run', bits) }),
    threads: parseThreads('run', threads),
  };
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
  if (isModelConfigInput(merged)) {
    const { runModelCommand } = await import('./modelCommand');
    const output = await runModelCommand(merged, { out: opts.out, bits: opts.bits });
    await writeOutput(output as unknown as RunOutput, opts.out);
    return 0;
  }
  const config = validateConfig(merged);
  if (opts.bits !== undefined && config.precision !== 'mp') {
    throw new UsageError(`run: --bits sets the precision of mp; this run's precision is ${config.precision}`);
  }
  const records = trajectoryCount(config.init) * sampleSteps(config.steps, config.sampleEvery).length;
  // JSON and CSV are built as one string in memory; Arrow streams record batches and has no cap.
  if (records > MAX_OUTPUT_SAMPLES && !/\.arrow$/i.test(opts.out ?? '')) {
    throw new UsageError(
      `output would hold ${records} samples (limit ${MAX_OUTPUT_SAMPLES}); raise sampleEvery or use fewer trajectories`,
    );
  }
  let output: RunOutput;
  if (config.backend === 'gpu') {
    const { runGpu } = await import('./gpuRun');
    output = await runGpu(config);
  } else {
    const bits = opts.bits === undefined ? {} : { bits: opts.bits };
    output = await withCpuPool(opts.threads, (pool) => pool.run(config, bits));
  }
  await writeOutput(output, opts.out);
  return 0;
}

async function writeOutput(output: RunOutput, out: string | undefined): Promise<void> {
  if (out === undefined) {
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return;
  }
  if (/\.arrow$/i.test(out)) {
    // Loaded only here: apache-arrow stays off the start-up path of JSON and CSV runs.
    const { writeArrowRun } = await import('./arrowWriter');
    await writeArrowRun(output, out).catch((e: Error) => {
      throw new UsageError(`cannot write ${out}: ${e.message}`);
    });
    return;
  }
  const text = /\.csv$/i.test(out) ? toCsv(output) : `${JSON.stringify(output)}\n`;
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
}

/** A config whose loss names a model in ℝᵈ (bnLogistic, bnMlp) rather than a loss of the plane. */
function isModelConfigInput(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && isModelLoss((raw as { loss?: unknown }).loss);
}
