/**
 * `npm run range-sweep [-- --steps N --ring N --precisions f32,df64,f64]`: the full range sweep of
 * src/bench/rangeSweep.ts (10^6 steps by default), f32/df64 on the GPU and f64 on the CPU. Prints a table and
 * exits 1 if any run overflowed.
 */
import { runGpu } from '../cli/gpuRun';
import type { Precision } from '../core/config/types';
import { runCpu } from '../core/run/cpuRun';
import { type SweepCell, sweepConfigs, sweepTable, tallyCell } from './rangeSweep';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const steps = Number(option('steps', '1000000'));
const ring = Number(option('ring', '16'));
const precisions = option('precisions', 'f32,df64,f64').split(',') as Precision[];
const cells: SweepCell[] = [];
for (const job of sweepConfigs(precisions, steps, ring)) {
  const t0 = performance.now();
  const out = job.config.backend === 'gpu' ? await runGpu(job.config) : runCpu(job.config);
  const cell = tallyCell(
    { ...job, precision: job.config.precision },
    out.trajectories,
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
