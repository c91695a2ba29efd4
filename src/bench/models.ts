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
 *
 * This file is the section's entry point (main.ts calls runModelSection); the job, flop count, rows and
 * table live in the model*.ts files beside it, one concern each.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { F32, F64 } from '../core/arith';
import { paramCount } from '../core/model/types';
import type { OptimizerConfig } from '../core/schedule';
import { type ModelFlops, modelFlops } from './modelFlops';
import { gpuModelRows } from './modelGpuRows';
import {
  CHECK_SEEDS,
  F32_AGREEMENT,
  F64_AGREEMENT,
  MODEL_BENCH_DEFAULTS,
  MODEL_OPTIMIZER,
  MODEL_TOLERANCE,
  type ModelBenchOptions,
  modelBenchConfig,
  modelProblem,
} from './modelJob';
import { peerRow, peerSpecs } from './modelPeerRows';
import { compareSnapshots, writeModelPeerInput } from './modelPeers';
import { timeModelTs, tsRow } from './modelRows';
import { bindingChecksPass, type ModelRow, modelTable, TS_F64 } from './modelTable';

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

  const ok = bindingChecksPass(rows);
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
