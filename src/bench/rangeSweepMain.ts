/**
 * `npm run range-sweep [-- --steps N --ring N --precisions f32,df64,f64]`: the full range sweep of
 * src/bench/rangeSweep.ts (10^6 steps by default), f32/df64 on the GPU and f64 on the CPU. Prints a table and
 * exits 1 if any run overflowed.
 */
import type { ExperimentConfig, Precision } from '../core/config/types';
import { runCpu } from '../core/run/cpuRun';
import type { TrajectoryRecord } from '../core/run/output';
import { runConfigOnGpu } from '../gpu/configRun';
import { acquireGpu, type GpuContext } from '../gpu/device';
import { df64Refusal, probeFor } from '../gpu/probeCache';
import { type SweepCell, sweepConfigs, sweepTable, tallyCell } from './rangeSweep';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const steps = Number(option('steps', '1000000'));
const ring = Number(option('ring', '16'));
const precisions = option('precisions', 'f32,df64,f64').split(',') as Precision[];

/** One device for every GPU cell, acquired on first use (a CPU-only sweep never asks for one). */
const device: { gpu: Promise<GpuContext> | null } = { gpu: null };

/** The records of one GPU cell, through the GPU layer's one config path (src/gpu/configRun.ts). */
async function runGpuCell(config: ExperimentConfig): Promise<TrajectoryRecord[]> {
  device.gpu ??= acquireGpu();
  const ctx = await device.gpu;
  const probe = config.precision === 'df64' ? await probeFor(ctx) : undefined;
  const refusal = probe ? df64Refusal(ctx, probe) : null;
  if (refusal) throw new Error(refusal);
  return (await runConfigOnGpu(ctx, config, { probe })).records;
}

const cells: SweepCell[] = [];
for (const job of sweepConfigs(precisions, steps, ring)) {
  const t0 = performance.now();
  const records =
    job.config.backend === 'gpu' ? await runGpuCell(job.config) : runCpu(job.config).trajectories;
  const cell = tallyCell(
    { ...job, precision: job.config.precision },
    records,
    (performance.now() - t0) / 1e3,
  );
  cells.push(cell);
  console.error(
    `${cell.preset} ηλ=${cell.etaLambda} γ=${cell.momentum} ${cell.precision}: ${cell.overflowed} overflowed`,
  );
}
console.log(`range sweep: ${steps} steps, a ring of ${ring} plus the minimum-ray starts, renormalisation on`);
console.log(sweepTable(cells));
const bad = cells.filter((c) => c.overflowed > 0);
console.log(bad.length === 0 ? 'no run overflowed' : `${bad.length} cells with overflows`);
process.exitCode = bad.length === 0 ? 0 : 1;
if (device.gpu) (await device.gpu).device.destroy();
