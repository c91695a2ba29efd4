/**
 * `npm run model-sweep [-- --steps N --seeds N --precisions f16,f32,f64,dd --subset N]`: the model drift
 * sweep of src/bench/modelSweep.ts on the CPU (f32 is the float32 mirror, equal to the kernel bit for bit),
 * printed as a markdown table with the time each cell took.
 */
import type { Precision } from '../core/config/types';
import { runModelCpu } from '../core/model/modelRun';
import { runModelStudy } from '../core/model/modelStudy';
import { modelSweepJobs, sweepHeader, sweepRow } from './modelSweep';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const steps = Number(option('steps', '1000'));
const seeds = Number(option('seeds', '16'));
const subset = Number(option('subset', '4'));
const only = option('model', '');
const precisions = option('precisions', 'bf16,f16,f32,f64,dd').split(',') as Precision[];

console.log(`model sweep: ${steps} steps, ${seeds} seeds (dd on ${subset}), tolerance 1e-3 rad, CPU`);
console.log(sweepHeader(precisions));
for (const job of modelSweepJobs(steps, seeds)) {
  if (only && !job.model.includes(only)) continue;
  const t0 = performance.now();
  const study = await runModelStudy(job.config, {
    precisions,
    subset,
    run: async (cfg, extra) => runModelCpu({ ...cfg, backend: 'cpu' }, extra ?? {}),
  });
  console.log(`${sweepRow(job, study, precisions)} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
