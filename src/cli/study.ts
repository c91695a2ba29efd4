/**
 * `scaleinv-lab study <config.json> [--precisions f32,df64,f64,dd,mp] [--out <dir>] [--subset N] [--bits N]
 * [--threads N]`: the same config in several precisions (f32/df64 on the GPU, f64/dd/mp on the CPU, on
 * --threads worker threads), with study.json, study.csv, study.svg (and study.png through ffmpeg's librsvg
 * when it is installed) and a summary table on stdout. With mp (the reference, at --bits and twice that) each other precision's departures are measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type ExperimentConfig, PRECISIONS, type Precision } from '../core/config/types';
import { validateConfig } from '../core/config/validate';
import { isModelLoss } from '../core/model/types';
import type { ChunkPool } from '../core/run/chunkPool';
import { studyToCsv } from '../core/study/csv';
import { runStudy, type StudyStage } from '../core/study/runStudy';
import { studyToSvg } from '../core/study/svg';
import { studySummaryTable } from '../core/study/table';
import type { StudyResult } from '../core/study/types';
import { parseBits, parseCommandArgs, parseThreads } from './args';
import { withCpuPool } from './cpuPool';
import { readConfigFile } from './runCommand';
import { UsageError } from './usage';

/** Every precision, in order of bits. */
const ALL: readonly Precision[] = PRECISIONS;
/** Without --precisions: mp is opt-in (a reference costs far more than it shows by default). */
const DEFAULT_PRECISIONS: readonly Precision[] = ['f32', 'df64', 'f64', 'dd'];
const BAR = 28;

export interface StudyArgs {
  file: string;
  precisions: Precision[];
  /** True when --precisions was given: a GPU precision that cannot run is then an error, not a skip. */
  explicit: boolean;
  out: string;
  subset?: number;
  /** mp's bits (default 256). */
  bits?: number;
  /** Worker threads for the CPU precisions (absent: every core, for runs big enough; src/cli/cpuPool.ts). */
  threads?: number;
}

export function parseStudyArgs(args: string[]): StudyArgs {
  const { file, values } = parseCommandArgs('study', args, {
    precisions: { type: 'string' },
    out: { type: 'string', short: 'o' },
    subset: { type: 'string' },
    bits: { type: 'string' },
    threads: { type: 'string' },
  });
  const { precisions: list, out, subset, bits, threads } = values;
  let precisions = [...DEFAULT_PRECISIONS];
  if (list !== undefined) {
    const names = list.split(',').map((s) => s.trim());
    for (const p of names) {
      if (!(ALL as readonly string[]).includes(p)) {
        throw new UsageError(`study: --precisions has '${p}'; allowed: ${ALL.join(', ')} (comma-separated)`);
      }
    }
    if (new Set(names).size !== names.length)
      throw new UsageError(`study: --precisions ${list} repeats a precision`);
    precisions = ALL.filter((p) => names.includes(p)); // always in order of bits
  }
  let n: number | undefined;
  if (subset !== undefined) {
    n = Number(subset);
    if (!/^\d+$/.test(subset) || !Number.isSafeInteger(n) || n < 1) {
      throw new UsageError(
        `study: --subset ${subset} must be a positive integer (dd and mp run the first N trajectories)`,
      );
    }
  }
  const b = bits === undefined ? undefined : parseBits('study', bits);
  if (b !== undefined && !precisions.includes('mp')) {
    throw new UsageError('study: --bits sets the precision of mp; add mp to --precisions');
  }
  return {
    file,
    precisions,
    explicit: list !== undefined,
    out: out ?? `study-${basename(file).replace(/\.json$/i, '')}`,
    ...(n === undefined ? {} : { subset: n }),
    ...(b === undefined ? {} : { bits: b }),
    ...(threads === undefined ? {} : { threads: parseThreads('study', threads) }),
  };
}

/** Runs a GPU precision, or says why it cannot (no adapter, df64 refused). */
async function runOnGpu(config: ExperimentConfig) {
  const { runGpu } = await import('./gpuRun');
  try {
    return await runGpu(config);
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'GpuUnavailableError' || name === 'Df64RefusedError') {
      return { skipped: (e as Error).message, noAdapter: name === 'GpuUnavailableError' };
    }
    throw e;
  }
}

/** runStudy with the CPU precisions on `pool` and the GPU ones on this process's adapter. */
function studyRuns(config: ExperimentConfig, opts: StudyArgs, pool: ChunkPool, progress: StudyProgress) {
  let noGpu: string | null = null;
  return runStudy(config, {
    precisions: opts.precisions,
    ...(opts.subset === undefined ? {} : { ddSubset: opts.subset }),
    ...(opts.bits === undefined ? {} : { mpBits: opts.bits }),
    now: () => performance.now() / 1000,
    onStage: (stage: StudyStage, k, count) => progress.stage(stage, k, count),
    onProgress: (stage, done, total) => progress.update(stage, done, total),
    run: async (cfg, onProgress, extra) => {
      if (cfg.backend === 'cpu') return pool.run(cfg, { onProgress, ...extra });
      // Once no adapter was found, do not look again for the next GPU precision.
      const out = noGpu !== null ? { skipped: noGpu, noAdapter: true } : await runOnGpu(cfg);
      if ('skipped' in out) {
        if (out.noAdapter) noGpu = out.skipped;
        // Asked for by name: the study cannot do what was asked (exit 1). By default: leave it out.
        if (opts.explicit) throw new Error(`study: cannot run ${cfg.precision}: ${out.skipped}`);
        progress.note(`skipping ${cfg.precision}: ${out.skipped}`);
      }
      return out;
    },
  });
}

export async function studyCommand(args: string[]): Promise<number> {
  const opts = parseStudyArgs(args);
  const raw = readConfigFile(opts.file);
  const progress = new StudyProgress(process.stderr);
  const started = performance.now();
  const study = isModelLoss((raw as { loss?: unknown } | null)?.loss)
    ? ((await modelStudy(raw, opts, progress)) as unknown as StudyResult)
    : await withCpuPool(opts.threads, (pool) => studyRuns(validateConfig(raw), opts, pool, progress));
  progress.done(
    `study: ${study.runs.length} precisions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (study.runs.length === 0) throw new Error('study: no precision could run');

  try {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'study.json'), `${JSON.stringify(study)}\n`);
    writeFileSync(join(opts.out, 'study.csv'), studyToCsv(study));
    writeFileSync(
      join(opts.out, 'study.svg'),
      studyToSvg(study, `${basename(opts.file)}: divergence step vs mantissa bits`),
    );
  } catch (e) {
    throw new UsageError(`study: cannot write into ${opts.out}: ${(e as Error).message}`);
  }
  const png = rasterize(join(opts.out, 'study.svg'), join(opts.out, 'study.png'));
  process.stdout.write(`${studySummaryTable(study)}\n`);
  process.stdout.write(
    `wrote ${join(opts.out, 'study.{json,csv,svg}')}${png === null ? ' and study.png' : ''}\n`,
  );
  if (png !== null) process.stdout.write(`no study.png: ${png}\n`);
  return 0;
}

/** The study of a model config: CPU precisions on this thread, f32 and df64 on the GPU (skipped without one). */
async function modelStudy(raw: unknown, opts: StudyArgs, progress: StudyProgress) {
  const { validateModelConfig } = await import('../core/model/modelConfig');
  const { runModelStudy } = await import('../core/model/modelStudy');
  const { runModelCpu } = await import('../core/model/modelRun');
  const config = validateModelConfig(raw);
  return runModelStudy(config, {
    precisions: opts.precisions,
    ...(opts.subset === undefined ? {} : { subset: opts.subset }),
    ...(opts.bits === undefined ? {} : { mpBits: opts.bits }),
    now: () => performance.now() / 1000,
    onStage: (stage, k, count) => progress.stage(stage, k, count),
    run: async (cfg, extra) => {
      if (cfg.backend === 'cpu') return runModelCpu(cfg, extra ?? {});
      try {
        const { runModelGpu } = await import('../gpu/model/modelGpuRun');
        return await runModelGpu(cfg);
      } catch (e) {
        // The CPU float32 mirror equals the kernel bit for bit (tests/gpu/model*.gpu.test.ts): same numbers.
        if (cfg.precision === 'f32') {
          progress.note(`f32 on the CPU mirror (no GPU run: ${(e as Error).message})`);
          return runModelCpu({ ...cfg, backend: 'cpu' });
        }
        if (opts.explicit) throw new Error(`study: cannot run ${cfg.precision}: ${(e as Error).message}`);
        progress.note(`skipping ${cfg.precision}: ${(e as Error).message}`);
        return { skipped: (e as Error).message };
      }
    },
  });
}

/** SVG → PNG with ffmpeg's librsvg decoder (no browser); returns why not, or null on success. */
function rasterize(svg: string, png: string): string | null {
  const r = spawnSync(
    'ffmpeg',
    ['-y', '-loglevel', 'error', '-width', '1440', '-i', svg, '-frames:v', '1', png],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (r.error)
    return `ffmpeg not found (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); the SVG is the plot`;
  if (r.status !== 0)
    return `ffmpeg could not rasterise the SVG (needs librsvg): ${r.stderr.trim().split('\n')[0] ?? ''}`;
  return null;
}

/** Progress on stderr: a redrawn bar on a TTY, one plain line per stage otherwise. */

class StudyProgress {
  private current: StudyStage | null = null;
  private last = 0;
  private t0 = 0;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream) {
    this.tty = Boolean(out.isTTY);
  }

  stage(stage: StudyStage, k: number, count: number): void {
    this.finishLine();
    this.current = stage;
    this.t0 = performance.now();
    const what = stage === 'lyapunov' ? 'lyapunov (f64 twin runs)' : stage;
    if (this.tty) this.out.write(`[${k + 1}/${count}] ${what} `);
    else this.out.write(`study: [${k + 1}/${count}] ${what}\n`);
  }

  update(stage: StudyStage, done: number, total: number): void {
    if (!this.tty || stage !== this.current) return;
    const now = performance.now();
    if (done < total && now - this.last < 100) return; // redraw at most 10 times a second
    this.last = now;
    const filled = Math.round((BAR * done) / Math.max(1, total));
    const secs = ((now - this.t0) / 1000).toFixed(1);
    this.out.write(
      `\r\x1b[2K[${this.current}] ${'█'.repeat(filled)}${'░'.repeat(BAR - filled)} ${done}/${total} ${secs} s`,
    );
  }

  note(line: string): void {
    this.finishLine();
    this.out.write(`study: ${line}\n`);
  }

  done(line: string): void {
    this.finishLine();
    this.out.write(`${line}\n`);
  }

  private finishLine(): void {
    if (this.tty && this.current !== null) this.out.write('\n');
    this.current = null;
  }
}
