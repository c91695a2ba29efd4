/**
 * The benchmark's model section (issue 16): one batch-normalised model job — bnLogistic on 256 gaussians in
 * ℝ⁸, lr 0.2, weight decay 0.05, momentum 0.5, both runs of every seed (the weight-decay run and its
 * exponential twin), no renormalisation, no sharpness check — timed in every implementation: the TypeScript
 * ModelIntegrator in float64 and in the float32 mirror (a subset of seeds); the WGSL model kernel in f32 and
 * df64 with both decompositions through src/gpu/model's runModelOnDevice, when it exists (all seeds; a subset
 * on a software adapter); NumPy float64 and PyTorch CPU (float64 and float32, batched over seeds in one
 * tensor with torch.bmm; the explicit gradient and autograd) on a subset of seeds. Each row gives
 * seed-steps/s, flop/s (modelFlops) and its ratio to the TypeScript float64 row of the same run, and shows
 * that it computed the same thing: both runs' weights of the first seeds at the check step against the
 * TypeScript float64 run (relative 1e−9 for the float64 peers). The check step lies before the runs split:
 * later the weight-decay run has shrunk |w| into the unstable regime, where rounding differences grow —
 * between two float64 implementations as between the two runs of one.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Arith, F32, F64 } from '../core/arith';
import { LEGACY_NUMERICS } from '../core/integratorState';
import { modelInitialPoints } from '../core/model/modelInit';
import { ModelIntegrator } from '../core/model/modelIntegrator';
import type { ModelRecord } from '../core/model/modelOutput';
import { resolveModel } from '../core/model/resolveModel';
import { type ModelConfig, paramCount, type ResolvedModel } from '../core/model/types';
import { type OptimizerConfig, toExponential } from '../core/schedule';
import type { GpuContext } from '../gpu/device';
import {
  type Agreement,
  compareSnapshots,
  findPython,
  MODEL_NUMPY_PEER,
  MODEL_TORCH_PEER,
  type ModelPeerResult,
  type ModelProblem,
  type ModelSnapshot,
  type PeerRun,
  runModelPeer,
  writeModelPeerInput,
} from './modelPeers';
import { type BenchOptions, formatRate, formatTable, MODEL_DEFAULTS } from './options';

export const MODEL_OPTIMIZER: OptimizerConfig = {
  lr: 0.2,
  weightDecay: 0.05,
  momentum: 0.5,
  milestones: [],
  lrDecay: 1,
};
export const MODEL_TOLERANCE = 1e-3;
/** Seeds whose weights every row shows against the TypeScript float64 run. */
export const CHECK_SEEDS = 8;
/**
 * The step at which they are compared: before the split, which comes at steps ~100–170 for this job (the
 * TypeScript float64 runs' own angle gap is ~1e−16 up to step ~90; the header prints it at this step).
 */
export const CHECK_STEP = 64;
/** Float64 peers must agree with the TypeScript float64 run to this (normwise, relative). */
export const F64_AGREEMENT = 1e-9;
/** float32 rows against the float64 run at the check step (informational: float32 rounding, amplified). */
export const F32_AGREEMENT = 1e-3;
/** df64 (~44 significant bits) against float64. */
export const DF64_AGREEMENT = 1e-7;
/** GPU f32 against the CPU float32 mirror (bitwise where the GPU's f32 is the mirror's). */
export const MIRROR_AGREEMENT = 1e-4;

// ---------------------------------------------------------------------------------------------------------
// Flop count

export interface ModelFlops {
  /** One ∂L/∂w (forward and backward) of one seed. */
  gradient: number;
  /** The two runs' momentum and weight updates and η̃'s growth. */
  update: number;
  /** One seed-step: both runs' gradients and updates. */
  seedStep: number;
}

/**
 * Floating-point operations of one seed-step of bnLogistic / bnMlp, counted on the formula of
 * src/core/model/bnGradient.ts, with n points, d features, h hidden units (h = 1 for bnLogistic), P = h·d:
 * every add, subtract, multiply and divide is 1 flop (so a multiply-add is 2), 1/√x is 1, exp is 1 (one
 * special function, whatever it costs: the TypeScript exp is a ~13-term polynomial, NumPy's a library call),
 * a sign flip and a comparison are 0. relu's zeros are multiplied through (the dense count the batched
 * peers perform; the TypeScript reference skips products with ẑ ≤ 0 and recomputes ĝ, so bnMlp's reference
 * performs a data-dependent count near this one). Per unit j, then per gradient:
 *   z_i = x_i·w_j                      n·(d mul + (d−1) add)         = 2dn − n
 *   μ = Σz_i·(1/n)                     (n−1) add + 1 mul             = n
 *   σ² = Σ(z_i − μ)²·(1/n) [+ ε]       n sub + n mul + (n−1) add + 1 = 3n [+1]
 *   r = 1/√σ²                          1
 *   ẑ_i = (z_i − μ)·r                  2n
 *     → normalisation: h·(2dn + 5n + 1 [+1 with ε ≠ 0])
 *   out_i = Σ_j a_j·relu(ẑ_ij)         bnMlp only: n·(h mul + (h−1) add) = n·(2h − 1)
 *   g_i = ∓(1/n)/(1 + exp(y_i·out_i))  n·(exp + add + div)           = 3n
 *   ĝ_ij = a_j·g_i·[ẑ_ij > 0]          bnMlp only: h·n mul
 *   Σĝ, Σĝẑ (then ·(1/n) each)         h·((n−1) add + n mul + (n−1) add + 2 mul) = h·(3n)
 *   ∂L/∂z_ij = ((ĝ − ḡ) − ẑ·ḡẑ)·r      h·n·(2 sub + 2 mul)            = h·4n
 *   ∂L/∂w_j = Σ_i ∂L/∂z_ij·x_i         h·d·(n mul + (n−1) add)       = h·(2dn − d)
 *     → backward: h·(2dn + 7n − d)
 * Update, per component: weight decay v ← γv + (g + λw), w ← w − ηv (3 mul, 2 add, 1 sub = 6); exponential
 * ṽ ← γṽ + h, w̃ ← w̃ − η̃ṽ (2 mul, 1 add, 1 sub = 4); once per step η̃ ← η̃·growth: 10P + 1.
 * Not counted: the per-step drift (angle gap) test between the two runs, which every implementation here
 * performs too (O(P) bookkeeping next to the O(hdn) gradients).
 * bnLogistic, d 8, n 256: gradient 4dn + 15n + 1 − d = 12 025, seed-step 24 131.
 */
export function modelFlops(m: Pick<ResolvedModel, 'kind' | 'n' | 'd' | 'hidden' | 'eps'>): ModelFlops {
  const { n, d, hidden: h } = m;
  const mlp = m.kind === 'bnMlp';
  const normalize = h * (2 * d * n + 5 * n + 1 + (m.eps === 0 ? 0 : 1));
  const output = mlp ? n * (2 * h - 1) : 0;
  const loss = 3 * n;
  const upstream = mlp ? h * n : 0;
  const backward = h * (2 * d * n + 7 * n - d);
  const gradient = normalize + output + loss + upstream + backward;
  const update = 10 * h * d + 1;
  return { gradient, update, seedStep: 2 * gradient + update };
}

// ---------------------------------------------------------------------------------------------------------
// The job

export interface ModelBenchOptions {
  /** Seeds of the GPU rows and of the peers' shared input (default 4096). */
  seeds: number;
  steps: number;
  /** Seeds the NumPy and PyTorch rows run (a prefix of `seeds`; the autograd row a quarter of them). */
  peerSeeds: number;
  /** Seeds the TypeScript rows run (a prefix; at least CHECK_SEEDS for the comparisons). */
  tsSeeds: number;
  /** torch.set_num_threads of the PyTorch rows (default: every core). */
  threads: number;
  /** Timed repetitions of each GPU row, fastest reported. */
  reps: number;
}

export const MODEL_BENCH_DEFAULTS: ModelBenchOptions = {
  ...MODEL_DEFAULTS,
  threads: availableParallelism(),
  reps: 2,
};

/** The section's options from the bench's command line. */
export function modelSectionOptions(o: BenchOptions): ModelBenchOptions {
  return {
    seeds: o.modelSeeds,
    steps: o.modelSteps,
    peerSeeds: o.modelPeerSeeds,
    tsSeeds: o.modelTsSeeds,
    threads: o.threads,
    reps: o.reps,
  };
}

/** The bench's model job as a config (the GPU rows run it as given; the CPU rows run the same numbers). */
export function modelBenchConfig(
  seeds: number,
  steps: number,
  precision: ModelConfig['precision'] = 'f64',
  backend: ModelConfig['backend'] = 'cpu',
  sampleEvery = steps,
): ModelConfig {
  return {
    loss: { bnLogistic: { dataset: 'gaussians', n: 256, d: 8, seed: 1 } },
    optimizer: MODEL_OPTIMIZER,
    init: { random: { count: seeds, seed: 1, radius: [0.5, 2] } },
    steps,
    sampleEvery,
    driftTolerance: MODEL_TOLERANCE,
    precision,
    backend,
    numerics: { ...LEGACY_NUMERICS },
  };
}

export function modelProblem(config: ModelConfig): ModelProblem {
  const model = resolveModel(config.loss);
  return {
    model,
    optimizer: config.optimizer,
    schedule: toExponential(config.optimizer),
    tolerance: config.driftTolerance,
    points: modelInitialPoints(config.init, paramCount(model)),
    steps: config.steps,
  };
}

// ---------------------------------------------------------------------------------------------------------
// TypeScript rows

export interface TsRun {
  seeds: number;
  steps: number;
  seconds: number;
  /** Both runs of the first `checkSeeds` seeds after `checkStep` steps (or after all, if fewer). */
  snapshot: ModelSnapshot & { wd: Float64Array; ex: Float64Array; divergenceStep: Int32Array };
  /** Largest angle between the two runs over those seeds at the snapshot (radians). */
  snapshotGap: number;
}

/**
 * The first `count` seeds for `steps` steps on the reference ModelIntegrator in `A`: no renormalisation
 * (LEGACY_NUMERICS, as the peers), no sharpness check (crossing = false). Snapshot weights in true scale.
 */
export function runModelTs<T>(
  A: Arith<T>,
  p: ModelProblem,
  count: number,
  steps: number,
  check = { seeds: CHECK_SEEDS, step: CHECK_STEP },
): TsRun {
  const integ = new ModelIntegrator(A, p.model, p.schedule, p.tolerance, LEGACY_NUMERICS, undefined, false);
  const P = integ.P;
  const n = Math.min(count, p.points.length / P);
  const k = Math.min(check.seeds, n);
  const at = Math.min(check.step, steps);
  const states = Array.from({ length: n }, (_, i) => integ.init(p.points.subarray(i * P, (i + 1) * P), i));
  const wd = new Float64Array(k * P);
  const ex = new Float64Array(k * P);
  let snapshotGap = 0;
  const t0 = performance.now();
  states.forEach((s, i) => {
    for (let t = 0; t < steps; t++) {
      if (t === at && i < k) {
        for (let c = 0; c < P; c++) {
          wd[i * P + c] = A.toNumber(s.wd.w[c]) * 2 ** s.wdScaleExp;
          ex[i * P + c] = A.toNumber(s.ex.w[c]) * 2 ** s.scaleExp;
        }
        snapshotGap = Math.max(snapshotGap, integ.angleGap(s));
      }
      integ.step(s);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  if (at === steps) {
    states.slice(0, k).forEach((s, i) => {
      for (let c = 0; c < P; c++) {
        wd[i * P + c] = A.toNumber(s.wd.w[c]) * 2 ** s.wdScaleExp;
        ex[i * P + c] = A.toNumber(s.ex.w[c]) * 2 ** s.scaleExp;
      }
      snapshotGap = Math.max(snapshotGap, integ.angleGap(s));
    });
  }
  const divergenceStep = Int32Array.from(states.slice(0, k), (s) => s.divergenceStep ?? -1);
  return { seeds: n, steps, seconds, snapshot: { step: at, wd, ex, divergenceStep }, snapshotGap };
}

/**
 * Times `A` after a short untimed warm-up. ModelIntegrator and BnGradient are generic over the arithmetic:
 * once a second one has run through them they are polymorphic and slower, so time float64 first.
 */
export function timeModelTs<T>(A: Arith<T>, p: ModelProblem, count: number, steps: number): TsRun {
  for (let w = 0; w < 2; w++) runModelTs(A, p, 2, Math.min(steps, 40));
  return runModelTs(A, p, count, steps);
}

// ---------------------------------------------------------------------------------------------------------
// Rows and table

export interface ModelRow {
  implementation: string;
  /** Seed-steps per second; null when the row was skipped. */
  rate: number | null;
  seeds: number;
  steps: number;
  seconds: number | null;
  /** Its weights at the check step against a reference (null: not compared). */
  check: Agreement | null;
  /** What the row was compared with ('TS f64', 'TS f32 mirror'). */
  checkedAgainst: string | null;
  /**
   * Whether the row must pass its check for the bench to pass (float64 peers, GPU rows; a binding row that
   * failed to run or could not be compared fails it too); float32 peers and the TS rows are informational.
   */
  binding: boolean;
  notes: string;
}

function skippedRow(implementation: string, why: string): ModelRow {
  return {
    implementation,
    rate: null,
    seeds: 0,
    steps: 0,
    seconds: null,
    check: null,
    checkedAgainst: null,
    binding: false,
    notes: `skipped: ${why}`,
  };
}

function ratio(r: number | null, base: number | null): string {
  if (r === null || base === null || !(base > 0)) return '—';
  const x = r / base;
  return x >= 10 ? `${x.toFixed(0)}x` : x >= 0.1 ? `${x.toFixed(2)}x` : `${x.toExponential(1)}x`;
}

export const TS_F64 = 'TS f64 (ModelIntegrator, F64)';

/** The result table: rates, flop/s, the ratio to the TS f64 row of the same run, and each row's check. */
export function modelTable(rows: ModelRow[], flopsPerSeedStep: number): string {
  const base = rows.find((r) => r.implementation === TS_F64)?.rate ?? null;
  return formatTable(
    ['implementation', 'seed-steps/s', 'flop/s', 'vs TS f64', 'seeds x steps', 'agrees', 'notes'],
    rows.map((r) => [
      r.implementation,
      formatRate(r.rate),
      r.rate === null ? '—' : formatRate(r.rate * flopsPerSeedStep),
      ratio(r.rate, base),
      r.rate === null ? '—' : `${r.seeds} x ${r.steps}`,
      r.check === null ? '—' : `${r.check.ok ? 'yes' : 'NO'} (${r.checkedAgainst})`,
      r.notes,
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------------
// GPU rows through src/gpu/model's runModelOnDevice, when it exists

export type ModelLayout = 'invocation' | 'workgroup';
export const MODEL_LAYOUTS: readonly ModelLayout[] = ['invocation', 'workgroup'];
const MODEL_GPU_PRECISIONS = ['f32', 'df64'] as const;

/**
 * The assumed driver (written concurrently in src/gpu/model): runModelOnDevice(ctx, config, options) with
 * ctx the GpuContext of src/gpu/device.ts (what the repo's GPU runners take: runConfigOnGpu,
 * TrajectoryEngine.create), resolving to { records: ModelRecord[], timing } with one record per seed whose
 * samples follow config.sampleEvery (src/core/model/modelOutput.ts). `probe` is passed for df64 in case the
 * driver reads it (the df64 TwoProd variant, as runConfigOnGpu's options.probe).
 */
export type ModelDriver = (
  ctx: GpuContext,
  config: ModelConfig,
  options: { samples?: boolean; layout?: ModelLayout; probe?: unknown },
) => Promise<{ records: ModelRecord[]; timing?: unknown }>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The first module of src/gpu/model that exports runModelOnDevice, or why there is none. */
export async function findModelDriver(): Promise<{ run: ModelDriver; module: string } | { missing: string }> {
  const dir = join(ROOT, 'src/gpu/model');
  let files: string[] = [];
  try {
    // The driver's expected home first, then any other module of the folder.
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .sort((x, y) => Number(y === 'modelGpuRun.ts') - Number(x === 'modelGpuRun.ts') || x.localeCompare(y));
  } catch {
    // no folder: no kernel
  }
  const failures: string[] = [];
  for (const f of files) {
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as Record<string, unknown>;
      if (typeof mod.runModelOnDevice === 'function') {
        return { run: mod.runModelOnDevice as ModelDriver, module: `src/gpu/model/${f}` };
      }
    } catch (e) {
      failures.push(`${f}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const tried = failures.length > 0 ? `; failed to load ${failures.join(', ')}` : '';
  return {
    missing: `model kernel not available (no module in src/gpu/model exports runModelOnDevice${tried})`,
  };
}

/** Seconds the driver reports for its run, if its timing has a recognisable field. */
export function driverSeconds(timing: unknown): { seconds: number; field: string } | null {
  if (typeof timing !== 'object' || timing === null) return null;
  const t = timing as Record<string, unknown>;
  const positive = (f: string) => typeof t[f] === 'number' && Number.isFinite(t[f]) && (t[f] as number) > 0;
  for (const f of ['seconds', 'kernelSeconds', 'gpuSeconds', 'totalSeconds']) {
    if (positive(f)) return { seconds: t[f] as number, field: f };
  }
  for (const f of ['ms', 'milliseconds', 'kernelMs', 'gpuMs', 'totalMs', 'elapsedMs']) {
    if (positive(f)) return { seconds: (t[f] as number) / 1000, field: f };
  }
  return null;
}

/**
 * Both runs of the first `count` records at sample `j` (true scale: stored weights times 2^scaleLog2), or
 * null when the records carry no states there.
 */
export function recordSnapshot(
  records: ModelRecord[],
  P: number,
  count: number,
  j: number,
  step: number,
): ModelSnapshot | null {
  const n = Math.min(count, records.length);
  if (n === 0) return null;
  const wd = new Float64Array(n * P);
  const ex = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r.wd.length < (j + 1) * P || r.ex.length < (j + 1) * P) return null;
    for (let k = 0; k < P; k++) {
      wd[i * P + k] = r.wd[j * P + k] * 2 ** (r.wdScaleLog2[j] ?? 0);
      ex[i * P + k] = r.ex[j * P + k] * 2 ** (r.exScaleLog2[j] ?? 0);
    }
  }
  const divergenceStep = Int32Array.from(records.slice(0, n), (r) => r.divergenceStep ?? -1);
  return { step, wd, ex, divergenceStep };
}

export interface GpuModelRefs {
  f64: ModelSnapshot;
  f32: ModelSnapshot;
}

/** On a software adapter (SwiftShader: about the TS f64 row's speed) the GPU rows run this subset. */
export const SOFTWARE_GPU_SEEDS = 64;

async function gpuModelRows(o: ModelBenchOptions, P: number, refs: GpuModelRefs): Promise<ModelRow[]> {
  const name = (p: string, l: ModelLayout) => `WGSL ${p} model kernel (${l})`;
  const all = (why: string) =>
    MODEL_GPU_PRECISIONS.flatMap((p) => MODEL_LAYOUTS.map((l) => skippedRow(name(p, l), why)));
  const driver = await findModelDriver();
  if ('missing' in driver) return all(driver.missing);
  const { acquireGpu } = await import('../gpu/device');
  let ctx: GpuContext;
  try {
    ctx = await acquireGpu();
  } catch (e) {
    return all(`no WebGPU adapter (${(e as Error).message.split('\n')[0]})`);
  }
  console.log(
    `model GPU rows on ${ctx.description}${ctx.isSoftware ? ' (software)' : ''} via ${driver.module}`,
  );
  // A software adapter runs a subset up to the check step, once: all seeds would take minutes per row.
  const job: GpuJob = ctx.isSoftware
    ? {
        seeds: Math.min(o.seeds, SOFTWARE_GPU_SEEDS),
        steps: Math.min(o.steps, CHECK_STEP),
        reps: 1,
        warmUp: false,
        separateCheck: false,
        note: 'software adapter: subset',
      }
    : {
        seeds: o.seeds,
        steps: o.steps,
        reps: Math.max(1, o.reps),
        warmUp: true,
        separateCheck: true,
        note: 'all seeds',
      };
  const rows: ModelRow[] = [];
  try {
    const { probeFor } = await import('../gpu/probeCache');
    for (const precision of MODEL_GPU_PRECISIONS) {
      let probe: unknown;
      if (precision === 'df64') {
        const report = await probeFor(ctx);
        if (!report.df64Usable || report.chosenTwoProd === null) {
          for (const l of MODEL_LAYOUTS) rows.push(skippedRow(name(precision, l), `df64: ${report.reason}`));
          continue;
        }
        probe = report;
      }
      for (const layout of MODEL_LAYOUTS) {
        const row = name(precision, layout);
        console.log(`timing the ${row} (${job.seeds} seeds x ${job.steps} steps) ...`);
        try {
          rows.push(await timeGpuModel(driver.run, ctx, job, { precision, layout, probe }, P, refs, row));
        } catch (e) {
          console.error(`bench: ${row} failed: ${(e as Error).stack ?? e}`);
          rows.push({
            ...skippedRow(row, ''),
            binding: true,
            notes: `FAILED: ${(e as Error).message.split('\n')[0]}`,
          });
        }
      }
    }
  } finally {
    ctx.device.destroy();
  }
  return rows;
}

interface GpuJob {
  seeds: number;
  steps: number;
  reps: number;
  /** An untimed short run first (hardware: lazy driver work on the first dispatches). */
  warmUp: boolean;
  /**
   * Time runs that read back only the final state, and check a separate run to the check step (hardware,
   * where read-backs cost as much as many steps); false: the timed run reads back the check step too.
   */
  separateCheck: boolean;
  note: string;
}

async function timeGpuModel(
  run: ModelDriver,
  ctx: GpuContext,
  o: GpuJob,
  k: { precision: 'f32' | 'df64'; layout: ModelLayout; probe: unknown },
  P: number,
  refs: GpuModelRefs,
  implementation: string,
): Promise<ModelRow> {
  const base = { layout: k.layout, ...(k.probe ? { probe: k.probe } : {}) };
  // Samples every CHECK_STEP steps: sample 1 is the check step.
  const every = Math.min(CHECK_STEP, o.steps);
  const timed = o.separateCheck
    ? { config: modelBenchConfig(o.seeds, o.steps, k.precision, 'gpu'), options: { ...base, samples: false } }
    : {
        config: modelBenchConfig(o.seeds, o.steps, k.precision, 'gpu', every),
        options: { ...base, samples: true },
      };
  if (o.warmUp) {
    const warm = modelBenchConfig(Math.min(o.seeds, 64), Math.min(8, o.steps), k.precision, 'gpu');
    await run(ctx, warm, timed.options);
  }
  let best = Number.POSITIVE_INFINITY;
  let how = '';
  let records: ModelRecord[] = [];
  const reps: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    const t0 = performance.now();
    const out = await run(ctx, timed.config, timed.options);
    const wall = (performance.now() - t0) / 1000;
    const own = driverSeconds(out.timing);
    const s = own?.seconds ?? wall;
    how = own ? `driver timing '${own.field}'` : 'wall clock of the whole call (setup included)';
    reps.push(s);
    if (s < best) {
      best = s;
      records = out.records;
    }
  }
  if (o.separateCheck) {
    const check = modelBenchConfig(o.seeds, every, k.precision, 'gpu', every);
    records = (await run(ctx, check, { ...base, samples: true })).records;
  }
  const snap = recordSnapshot(records, P, CHECK_SEEDS, 1, every);
  const mirror = k.precision === 'f32';
  const ref = mirror ? refs.f32 : refs.f64;
  const check =
    snap === null
      ? null
      : compareSnapshots(snap, ref, P, CHECK_SEEDS, mirror ? MIRROR_AGREEMENT : DF64_AGREEMENT);
  const vs64 = snap && mirror ? compareSnapshots(snap, refs.f64, P, CHECK_SEEDS, F32_AGREEMENT) : null;
  const ms = reps.map((s) => (s * 1000).toFixed(0)).join('/');
  const readBack = o.separateCheck
    ? `final state read back; checked on a run of the same seeds to step ${every}`
    : `read back every ${every} steps`;
  return {
    implementation,
    rate: (o.seeds * o.steps) / best,
    seeds: o.seeds,
    steps: o.steps,
    seconds: best,
    check,
    checkedAgainst: check === null ? null : mirror ? 'TS f32 mirror' : 'TS f64',
    binding: true,
    notes:
      `${o.note}, ${how}, best of ${reps.length} (${ms} ms), ${readBack}` +
      (check ? `; ${check.summary}` : '; records carry no weights at the check step: not compared') +
      (vs64 ? `; vs TS f64 ${vs64.wd.toExponential(1)}` : ''),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Peer rows

interface PeerSpec {
  implementation: string;
  module: 'numpy' | 'torch';
  script: string;
  run: PeerRun;
  tolerance: number;
}

/**
 * The peer rows: NumPy f64; PyTorch f64 and f32 with the explicit gradient and f64 with autograd, on
 * torch.set_num_threads(every core) as asked; and PyTorch f64 on one thread, because on a 2-core machine
 * shared with other work the intra-op threads wait on each other (OpenMP barriers) and run several times
 * slower than one thread does — the pair shows how much (compare with the load average in the header).
 */
export function peerSpecs(o: ModelBenchOptions): PeerSpec[] {
  const torch = (dtype: 'float64' | 'float32', grad: 'formula' | 'autograd', threads: number): PeerSpec => ({
    implementation:
      `PyTorch CPU ${dtype === 'float64' ? 'f64' : 'f32'} (bmm, ${grad === 'formula' ? 'explicit gradient' : 'autograd'}` +
      `${threads === 1 && o.threads !== 1 ? ', 1 thread' : ''})`,
    module: 'torch',
    script: MODEL_TORCH_PEER,
    run: { seeds: o.peerSeeds, steps: o.steps, dtype, grad, threads },
    tolerance: dtype === 'float64' ? F64_AGREEMENT : F32_AGREEMENT,
  });
  const specs: PeerSpec[] = [
    {
      implementation: 'NumPy f64 (batched over seeds)',
      module: 'numpy',
      script: MODEL_NUMPY_PEER,
      run: { seeds: o.peerSeeds, steps: o.steps },
      tolerance: F64_AGREEMENT,
    },
    torch('float64', 'formula', o.threads),
  ];
  if (o.threads !== 1) specs.push(torch('float64', 'formula', 1));
  specs.push(torch('float32', 'formula', o.threads), torch('float64', 'autograd', o.threads));
  return specs;
}

function peerRow(spec: PeerSpec, input: string, ref: ModelSnapshot, P: number): ModelRow {
  const python = findPython(spec.module);
  if (!python) {
    return skippedRow(
      spec.implementation,
      `no python with ${spec.module} (Debian: apt-get install python3-${spec.module})`,
    );
  }
  let r: ModelPeerResult;
  try {
    r = runModelPeer(python, spec.script, input, spec.run);
  } catch (e) {
    console.error(`bench: ${spec.implementation}: ${(e as Error).message}`);
    // The interpreter and its module are there: a failing peer is a failed check, not a missing row.
    return {
      ...skippedRow(spec.implementation, ''),
      binding: true,
      notes: `FAILED: ${(e as Error).message.slice(0, 200)}`,
    };
  }
  const check = compareSnapshots(r, ref, P, CHECK_SEEDS, spec.tolerance);
  const threads = spec.module === 'torch' ? `torch.set_num_threads(${r.threads})` : 'elementwise 1 thread';
  return {
    implementation: spec.implementation,
    rate: r.seedSteps / r.seconds,
    seeds: r.seeds,
    steps: r.steps,
    seconds: r.seconds,
    check,
    checkedAgainst: 'TS f64',
    binding: spec.tolerance <= F64_AGREEMENT,
    notes:
      `${r.version}, ${python}, ${threads}; ${check.summary}; ` +
      `final Σwd ${r.checksum.toPrecision(8)} (implementation-specific past the split), ${r.diverged}/${r.seeds} past tol`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The section

export interface ModelReport {
  job: {
    model: string;
    n: number;
    d: number;
    hidden: number;
    optimizer: OptimizerConfig;
    tolerance: number;
    seeds: number;
    steps: number;
    flops: ModelFlops;
    checkStep: number;
    /** The TS f64 runs' largest angle gap over the check seeds at the check step (radians). */
    checkStepGap: number;
  };
  machine: { cpu: string; cores: number; loadAverage: number[] };
  rows: ModelRow[];
  /** Every binding check passed (float64 peers and GPU rows; float32 peers are informational). */
  ok: boolean;
}

function tsRow(name: string, t: TsRun, check: Agreement | null, note: string): ModelRow {
  const diverged = Array.from(t.snapshot.divergenceStep).filter((d) => d >= 0).length;
  return {
    implementation: name,
    rate: (t.seeds * t.steps) / t.seconds,
    seeds: t.seeds,
    steps: t.steps,
    seconds: t.seconds,
    check,
    checkedAgainst: check === null ? null : 'TS f64',
    binding: false,
    notes:
      `subset of seeds, 1 thread, crossing check off, no renormalisation${note}; ` +
      `${diverged}/${t.snapshot.divergenceStep.length} check seeds past tol`,
  };
}

export async function runModelSection(options: Partial<ModelBenchOptions> = {}): Promise<ModelReport> {
  const o = { ...MODEL_BENCH_DEFAULTS, ...options };
  o.tsSeeds = Math.min(Math.max(o.tsSeeds, CHECK_SEEDS), o.seeds);
  o.peerSeeds = Math.min(Math.max(o.peerSeeds, CHECK_SEEDS), o.seeds);
  const config = modelBenchConfig(o.seeds, o.steps);
  const p = modelProblem(config);
  const m = p.model;
  const P = paramCount(m);
  const flops = modelFlops(m);
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    loadAverage: loadavg(),
  };
  console.log('');
  console.log(
    `models (issue 16): ${m.kind}, ${m.n} gaussians in R^${m.d}, lr ${MODEL_OPTIMIZER.lr}, weightDecay ` +
      `${MODEL_OPTIMIZER.weightDecay}, momentum ${MODEL_OPTIMIZER.momentum}, ${o.seeds} seeds (|w0| in [0.5, 2]), ` +
      `${o.steps} steps, both runs per seed; ${flops.seedStep} flop per seed-step ` +
      `(2 x ${flops.gradient} gradient + ${flops.update} update; exp and 1/sqrt counted as 1 flop)`,
  );
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );

  // First, while ModelIntegrator has seen no other arithmetic (see timeModelTs).
  console.log(`timing the TS f64 model integrator (${o.tsSeeds} seeds) ...`);
  const f64 = timeModelTs(F64, p, o.tsSeeds, o.steps);
  console.log(`timing the TS f32 mirror (${o.tsSeeds} seeds) ...`);
  const f32 = timeModelTs(F32, p, o.tsSeeds, o.steps);
  const f32Check = compareSnapshots(f32.snapshot, f64.snapshot, P, CHECK_SEEDS, F32_AGREEMENT);
  const checkStep = f64.snapshot.step;
  console.log(
    `check: both runs of the first ${CHECK_SEEDS} seeds at step ${checkStep}, where the TS f64 runs' own ` +
      `angle gap is at most ${f64.snapshotGap.toExponential(1)} rad ` +
      (f64.snapshotGap < 1e-12
        ? '(before the split)'
        : '(WARNING: the runs are already parting there; the 1e-9 checks may fail for that reason alone)'),
  );
  const rows: ModelRow[] = [
    tsRow(TS_F64, f64, null, ', timed first (monomorphic JIT); the reference of the checks'),
    tsRow('TS f32 mirror (ModelIntegrator, F32)', f32, f32Check, `; ${f32Check.summary}`),
  ];

  rows.push(...(await gpuModelRows(o, P, { f64: f64.snapshot, f32: f32.snapshot })));

  const input = writeModelPeerInput(p, { seeds: CHECK_SEEDS, step: checkStep });
  for (const spec of peerSpecs(o)) {
    console.log(`timing the ${spec.implementation} peer (${spec.run.seeds} seeds) ...`);
    rows.push(peerRow(spec, input, f64.snapshot, P));
  }

  const ok = rows.every((r) => !r.binding || (r.check?.ok ?? false));
  console.log('');
  console.log(modelTable(rows, flops.seedStep));
  console.log(
    `model check: ${ok ? 'ok' : 'FAILED'} (float64 peers within ${F64_AGREEMENT.toExponential(0)} of TS f64, ` +
      `both runs of the first ${CHECK_SEEDS} seeds at step ${checkStep}; float32 rows informational within ` +
      `${F32_AGREEMENT.toExponential(0)}; flop/s = seed-steps/s x ${flops.seedStep})`,
  );
  return {
    job: {
      model: m.kind,
      n: m.n,
      d: m.d,
      hidden: m.hidden,
      optimizer: MODEL_OPTIMIZER,
      tolerance: MODEL_TOLERANCE,
      seeds: o.seeds,
      steps: o.steps,
      flops,
      checkStep,
      checkStepGap: f64.snapshotGap,
    },
    machine,
    rows,
    ok,
  };
}
