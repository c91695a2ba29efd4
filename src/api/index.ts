/**
 * The library entry of the package (`import { runConfig } from 'scaleinv-lab'`, through bin/lib.mjs): the
 * command line's `run` and `study` as functions, for scripts and notebooks. runConfig gives exactly the
 * RunOutput that `scaleinv-lab run` writes as JSON, and runStudy the StudyResult of study.json; nothing
 * is printed and no file is written unless asked (writeArrowRun).
 */
import { availableParallelism } from 'node:os';
import { withCpuPool } from '../cli/cpuPool';
import { ConfigError } from '../core/config/issues';
import type { ExperimentConfig, Precision } from '../core/config/types';
import { validateConfig } from '../core/config/validate';
import { MP_MAX_BITS, MP_MIN_BITS } from '../core/mp';
import type { RunOutput } from '../core/run/output';
import { runStudy as runStudyWith } from '../core/study/runStudy';
import type { StudyResult } from '../core/study/types';

export { type ArrowWriteResult, writeArrowRun } from '../cli/arrowWriter';
export { ConfigError, type ConfigIssue } from '../core/config/issues';
export type { ExperimentConfig, Precision } from '../core/config/types';
export type { RunOutput, TrajectoryOutput } from '../core/run/output';
export { toCsv } from '../core/run/output';
export type { SampleSummary } from '../core/run/summary';
export type { StudyResult } from '../core/study/types';
export { validateConfig };

export interface RunOptions {
  /** Overrides the config's precision (as `run --precision`). */
  precision?: Precision;
  /** Overrides the config's backend (as `run --backend`): 'gpu' runs f32/df64 through Dawn. */
  backend?: 'cpu' | 'gpu';
  /** mp's precision in bits (as `run --bits`); only for precision 'mp'. */
  bits?: number;
  /** Worker threads for the CPU precisions (default: every core); the output does not depend on it. */
  threads?: number;
}

export interface StudyOptions {
  /** Precisions to run (default f32, df64, f64, dd; as `study --precisions`). Named GPU ones must run. */
  precisions?: Precision[];
  /** Run dd and mp on the first `subset` trajectories only (as `study --subset`). */
  subset?: number;
  /** mp's bits (as `study --bits`). */
  bits?: number;
  threads?: number;
}

const DEFAULT_STUDY_PRECISIONS: readonly Precision[] = ['f32', 'df64', 'f64', 'dd'];

/** A config object, or its JSON text; invalid input throws ConfigError (with every issue listed). */
function parseConfig(config: unknown, overrides: Partial<Pick<ExperimentConfig, 'precision' | 'backend'>>) {
  let raw = config;
  if (typeof config === 'string') {
    try {
      raw = JSON.parse(config);
    } catch (e) {
      throw new ConfigError([{ path: '', message: `not valid JSON: ${(e as Error).message}` }]);
    }
  }
  const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  return validateConfig(isObject ? { ...(raw as object), ...overrides } : raw);
}

function checkThreads(threads: number | undefined): number {
  const n = threads ?? availableParallelism();
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`threads ${n} must be a positive integer`);
  return n;
}

function checkBits(bits: number | undefined, precisions: readonly Precision[]): void {
  if (bits === undefined) return;
  if (!Number.isInteger(bits) || bits < MP_MIN_BITS || bits > MP_MAX_BITS) {
    throw new RangeError(`bits ${bits} must be an integer from ${MP_MIN_BITS} to ${MP_MAX_BITS}`);
  }
  if (!precisions.includes('mp')) throw new RangeError('bits sets the precision of mp, which is not run');
}

/** Runs every trajectory of `config` (as `scaleinv-lab run`) and returns its output contract. */
export async function runConfig(config: unknown, options: RunOptions = {}): Promise<RunOutput> {
  const { precision, backend } = options;
  const validated = parseConfig(config, {
    ...(precision === undefined ? {} : { precision }),
    ...(backend === undefined ? {} : { backend }),
  });
  checkBits(options.bits, [validated.precision]);
  if (validated.backend === 'gpu') {
    const { runGpu } = await import('../cli/gpuRun');
    return runGpu(validated);
  }
  const extra = options.bits === undefined ? {} : { bits: options.bits };
  return withCpuPool(checkThreads(options.threads), (pool) => pool.run(validated, extra));
}

/**
 * Runs `config` in several precisions (as `scaleinv-lab study`) and returns what study.json holds. A GPU
 * precision that cannot run (no adapter, df64 refused) is left out and listed in `skipped`, unless it was
 * named in `precisions`: then it throws, as the command does.
 */
export async function runStudy(config: unknown, options: StudyOptions = {}): Promise<StudyResult> {
  const validated = parseConfig(config, {});
  const precisions = options.precisions ?? [...DEFAULT_STUDY_PRECISIONS];
  checkBits(options.bits, precisions);
  const explicit = options.precisions !== undefined;
  let noAdapter: string | null = null;
  return withCpuPool(checkThreads(options.threads), (pool) =>
    runStudyWith(validated, {
      precisions,
      ...(options.subset === undefined ? {} : { ddSubset: options.subset }),
      ...(options.bits === undefined ? {} : { mpBits: options.bits }),
      now: () => performance.now() / 1000,
      run: async (cfg, onProgress, extra) => {
        if (cfg.backend === 'cpu') return pool.run(cfg, { onProgress, ...extra });
        if (noAdapter !== null && !explicit) return { skipped: noAdapter };
        const { runGpu } = await import('../cli/gpuRun');
        try {
          return await runGpu(cfg);
        } catch (e) {
          const name = (e as Error).name;
          if (explicit || (name !== 'GpuUnavailableError' && name !== 'Df64RefusedError')) throw e;
          if (name === 'GpuUnavailableError') noAdapter = (e as Error).message;
          return { skipped: (e as Error).message };
        }
      },
    }),
  );
}
