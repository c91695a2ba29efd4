/**
 * The model section's GPU rows (issue 16): the WGSL model kernel in f32 and df64 with both layouts, timed
 * through the driver modelGpuDriver finds, each checked against the TS f32 mirror or the TS f64 run.
 */
import type { ModelRecord } from '../core/model/modelOutput';
import type { GpuContext } from '../gpu/device';
import {
  driverSeconds,
  findModelDriver,
  MODEL_LAYOUTS,
  type ModelDriver,
  type ModelLayout,
  recordSnapshot,
} from './modelGpuDriver';
import {
  CHECK_SEEDS,
  CHECK_STEP,
  DF64_AGREEMENT,
  F32_AGREEMENT,
  MIRROR_AGREEMENT,
  type ModelBenchOptions,
  modelBenchConfig,
} from './modelJob';
import { compareSnapshots, type ModelSnapshot } from './modelPeers';
import { type ModelRow, skippedRow } from './modelTable';

const MODEL_GPU_PRECISIONS = ['f32', 'df64'] as const;

export interface GpuModelRefs {
  f64: ModelSnapshot;
  f32: ModelSnapshot;
}

/** On a software adapter (SwiftShader: about the TS f64 row's speed) the GPU rows run this subset. */
export const SOFTWARE_GPU_SEEDS = 64;
export async function gpuModelRows(o: ModelBenchOptions, P: number, refs: GpuModelRefs): Promise<ModelRow[]> {
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
