/**
 * One run of the models page: every precision of the state, each where it can run (runPlan), then the
 * charts' series and the stats. f32 and df64 run on the GPU driver when there is one, every seed; f64 (and
 * f32 without the driver, as its float32 mirror) runs in CPU workers on the first `cpuSeeds` seeds. What ran
 * where, and what could not run, is said in `notes` (shown on the page: nothing is dropped silently).
 */
import type { ModelRecord } from '../../core/model/modelOutput';
import { resolveModel } from '../../core/model/resolveModel';
import type { ModelConfig, ResolvedModel } from '../../core/model/types';
import { paramCount } from '../../core/model/types';
import { sampleSteps } from '../../core/run/output';
import { type GpuModelRunner, isDf64Refusal } from './gpuDriver';
import { configFor, type ModelsPageState, type PagePrecision } from './pageState';
import { chartColumns, type PrecisionSeries, precisionSeries, type SeedCurves } from './series';
import { type PrecisionStats, precisionStats } from './stats';
import { CancelledError, type ModelWorkerPool } from './workerPool';

/** Loss and accuracy bands are over at most this many seeds (the first ones); the gap band over all. */
export const CHART_SEEDS = 256;
export const CHART_COLUMNS = 200;
const GPU_PRECISIONS: readonly PagePrecision[] = ['f32', 'df64'];

export interface PlannedRun {
  precision: PagePrecision;
  backend: 'gpu' | 'cpu';
  seeds: number;
}

/** Where each precision runs and on how many seeds, and a note for each compromise. */
export function planRun(state: ModelsPageState, gpu: boolean): { runs: PlannedRun[]; notes: string[] } {
  const runs: PlannedRun[] = [];
  const notes: string[] = [];
  const cpuSeeds = Math.min(state.seeds, state.cpuSeeds);
  const fmt = (n: number) => n.toLocaleString('en-US');
  for (const p of state.precisions) {
    if (gpu && GPU_PRECISIONS.includes(p)) {
      runs.push({ precision: p, backend: 'gpu', seeds: state.seeds });
    } else if (p === 'df64') {
      notes.push('df64 runs only on the GPU driver, which is not available here: df64 was skipped.');
    } else {
      runs.push({ precision: p, backend: 'cpu', seeds: cpuSeeds });
      if (cpuSeeds < state.seeds) {
        const how = p === 'f32' ? ' (its float32 mirror, no GPU driver)' : '';
        notes.push(
          `${p} ran on the CPU${how} for the first ${fmt(cpuSeeds)} of ${fmt(state.seeds)} seeds (cpuSeeds).`,
        );
      }
    }
  }
  return { runs, notes };
}

export interface PrecisionResult {
  precision: PagePrecision;
  backend: 'gpu' | 'cpu';
  config: ModelConfig;
  records: ModelRecord[];
  /** Sample steps of the records. */
  steps: number[];
  series: PrecisionSeries;
  stats: PrecisionStats;
  /** Run, curves and crossings together (stats.seconds: the run alone, compilation included). */
  seconds: number;
  /** The GPU driver's own time (stepping and read-backs); null on the CPU. */
  driverSeconds: number | null;
}

export interface RunResult {
  state: ModelsPageState;
  model: ResolvedModel;
  P: number;
  results: PrecisionResult[];
  notes: string[];
  seconds: number;
}

export interface RunProgress {
  precision: PagePrecision;
  /** 'run' or 'analyse'. */
  phase: string;
  done: number;
  total: number;
}

export interface RunDeps {
  pool: ModelWorkerPool;
  gpu: GpuModelRunner | null;
  onProgress?: (p: RunProgress) => void;
  /** Polled during the GPU run (every 16 steps): true stops it with CancelledError. */
  isCancelled?: () => boolean;
  now?: () => number;
}

/** A failure of the GPU driver (device lost, validation): the page reruns on the CPU. */
export class GpuRunError extends Error {
  constructor(
    readonly precision: string,
    cause: unknown,
  ) {
    super(`the ${precision} GPU run failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'GpuRunError';
  }
}

/** The index of the first sample at or after step t. */
function sampleIndex(steps: readonly number[], t: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export async function runModels(state: ModelsPageState, deps: RunDeps): Promise<RunResult> {
  const now = deps.now ?? (() => performance.now());
  const t0 = now();
  const { runs, notes } = planRun(state, deps.gpu !== null);
  const model = resolveModel(configFor(state, 'f64', 'cpu').loss);
  const P = paramCount(model);
  const results: PrecisionResult[] = [];
  for (const plan of runs) {
    const started = now();
    const config = configFor(state, plan.precision, plan.backend, plan.seeds);
    const steps = sampleSteps(config.steps, config.sampleEvery);
    const columns = chartColumns(steps.length, CHART_COLUMNS);
    const chartSeeds = Math.min(CHART_SEEDS, plan.seeds);
    const report = (phase: string, total: number) => (done: number) =>
      deps.onProgress?.({ precision: plan.precision, phase, done, total });
    let records: ModelRecord[];
    let crossing: PrecisionStats['crossing'] = 'integrator';
    let curves: SeedCurves;
    let runSeconds = 0;
    let driverSeconds: number | null = null;
    if (plan.backend === 'gpu') {
      const progress = report('run', config.steps);
      progress(0);
      try {
        const run = await deps.gpu!(config, (step) => {
          if (deps.isCancelled?.()) throw new CancelledError();
          progress(step);
        });
        records = run.records;
        driverSeconds = run.seconds;
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        if (isDf64Refusal(e)) {
          notes.push(`df64 was skipped: ${(e as Error).message}`);
          continue;
        }
        throw new GpuRunError(plan.precision, e);
      }
      runSeconds = (now() - started) / 1000;
      const unchecked = records.every((r) => r.crossingStep === null || r.crossingStep === undefined);
      const cross = unchecked
        ? records
            .filter((r) => r.divergenceStep !== null)
            .map((r) => {
              const j = sampleIndex(steps, r.divergenceStep!) + 1;
              return {
                wd: r.wd.slice(0, j * P),
                wdScaleLog2: r.wdScaleLog2.slice(0, j),
                divergenceStep: r.divergenceStep,
              };
            })
        : [];
      const chart = records.slice(0, chartSeeds).map((r) => ({ wd: r.wd, ex: r.ex }));
      const analysed = await deps.pool.analyse(
        config,
        chart,
        cross,
        columns,
        report('analyse', chart.length + cross.length),
      );
      curves = analysed.curves;
      if (unchecked) {
        crossing = 'samples';
        let k = 0;
        for (const r of records) r.crossingStep = r.divergenceStep !== null ? analysed.crossings[k++] : null;
      }
    } else {
      const out = await deps.pool.run(config, plan.seeds, chartSeeds, columns, report('run', plan.seeds));
      records = out.records;
      curves = out.curves;
      runSeconds = (now() - started) / 1000;
    }
    results.push({
      precision: plan.precision,
      backend: plan.backend,
      config,
      records,
      steps,
      series: precisionSeries(curves, records, steps, columns),
      stats: precisionStats(plan.precision, records, {
        requested: state.seeds,
        backend: plan.backend,
        crossing,
        seconds: runSeconds,
      }),
      seconds: (now() - started) / 1000,
      driverSeconds,
    });
  }
  return { state, model, P, results, notes, seconds: (now() - t0) / 1000 };
}
