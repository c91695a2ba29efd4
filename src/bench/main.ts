/**
 * `npm run bench`: throughput of one job — N trajectories (random init, seed 1), T steps, the 8-harmonic
 * `rugged` loss, lr 0.1, weight decay 0.01, no momentum, both runs of every trajectory — in every
 * implementation: the JS float64 reference, the WGSL f32, df64, bf16 and f16 kernels (the last two emulated,
 * with their cost against f32 in the same run), the CPU double-double, a NumPy float64 peer and a native C
 * float32 loop; then the CLI's CPU run on worker threads in f64, dd, f32, bf16 and f16. Startup (adapter,
 * pipeline compile, first dispatch) is excluded. Then the model section (src/bench/models.ts, issue 16);
 * --models runs it alone, --no-models skips it.
 */
import { writeFileSync } from 'node:fs';
import type { CpuPrecision } from '../core/arith';
import { DDA, F64 } from '../core/arith';
import { validateConfig } from '../core/config/validate';
import { initialPoints } from '../core/init';
import { findPreset } from '../core/presets';
import { type OptimizerConfig, toExponential } from '../core/schedule';
import { acquireGpu, type GpuContext } from '../gpu/device';
import type { Problem } from './cpuRows';
import { timeIntegrator } from './cpuRows';
import { type ThreadTiming, threadTable, timeThreads } from './cpuThreads';
import {
  cpuEmulationCosts,
  formatEmulationCosts,
  gpuEmulationCosts,
  skippedGpuRows,
  tableRows,
  threadJobs,
} from './emulated';
import type { MirrorAgreement } from './gpuRows';
import { type GpuReport, lowMirrorChecks, runGpuRows } from './gpuSection';
import { modelSectionOptions } from './modelJob';
import { runModelSection } from './models';
import { type BenchOptions, parseOptions, type Row, resultTable, USAGE } from './options';
import {
  C_FLAGS,
  compileCPeer,
  findNumpyPython,
  type PeerTiming,
  runCPeer,
  runNumpyPeer,
  writePeerInput,
} from './peers';
import { formatTargets, speedTargets } from './targets';

const PRESET = 'rugged';
const OPTIMIZER: OptimizerConfig = { lr: 0.1, weightDecay: 0.01, momentum: 0, milestones: [], lrDecay: 1 };
const TOLERANCE = 1e-3;
function cpuRow(
  name: string,
  A: typeof F64 | typeof DDA,
  p: Problem,
  subset: number,
  steps: number,
  note: string,
): Row {
  const t = A === F64 ? timeIntegrator(F64, p, subset, steps) : timeIntegrator(DDA, p, subset, steps);
  return {
    implementation: name,
    rate: t.rate,
    trajectories: t.trajectories,
    steps: t.steps,
    seconds: t.seconds,
    notes: `subset ${t.trajectories} trajectories x ${t.steps} steps, 1 thread${note}`,
  };
}

/** The bench's job as a CLI config: the first `subset` trajectories, in `precision` on the CPU. */
function cpuConfig(points: Float64Array, subset: number, steps: number, precision: CpuPrecision) {
  const n = Math.min(subset, points.length / 2);
  return validateConfig({
    loss: { preset: PRESET },
    optimizer: OPTIMIZER,
    init: { points: Array.from({ length: n }, (_, i) => [points[2 * i], points[2 * i + 1]]) },
    steps,
    sampleEvery: steps,
    driftTolerance: TOLERANCE,
    precision,
    backend: 'cpu',
  });
}

function peerRow(name: string, run: () => PeerTiming, notes: string): Row {
  const r = run();
  const n = r.trajectorySteps;
  return {
    implementation: name,
    rate: n / r.seconds,
    trajectories: r.n,
    steps: r.steps,
    seconds: r.seconds,
    notes: `${notes}; checksum ${r.checksum.toPrecision(8)}, ${r.diverged} past tol`,
  };
}

function skipped(name: string, why: string): Row {
  return {
    implementation: name,
    rate: null,
    trajectories: 0,
    steps: 0,
    seconds: null,
    notes: `skipped: ${why}`,
  };
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  if (opts.models === 'only') {
    const models = await runModelSection(modelSectionOptions(opts));
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ models }, null, 2)}\n`);
    return models.ok ? 0 : 1;
  }
  const loss = findPreset(PRESET)!.loss;
  const schedule = toExponential(OPTIMIZER);
  const points = initialPoints({ random: { count: opts.n, seed: 1, radius: [0.2, 2] } });
  const p: Problem = { loss, schedule, tolerance: TOLERANCE, points };
  const { n, steps } = opts;

  let ctx: GpuContext | null = null;
  let gpuSkip: string | null = null;
  try {
    ctx = await acquireGpu();
  } catch (e) {
    gpuSkip = (e as Error).message;
  }
  console.log(`adapter: ${ctx ? `${ctx.description}${ctx.isSoftware ? ' (software)' : ''}` : 'none'}`);
  console.log(
    `job: N=${n} trajectories (random init, seed 1, |w0| in [0.2, 2]), T=${steps} steps, ` +
      `K=${loss.a.length} harmonics (${PRESET}), lr ${OPTIMIZER.lr}, weightDecay ${OPTIMIZER.weightDecay}, ` +
      `momentum ${OPTIMIZER.momentum}, both runs per trajectory`,
  );

  // First, while the generic Integrator code has seen no other arithmetic (see timeIntegrator).
  console.log('timing the JS f64 reference ...');
  const jsRow = cpuRow(
    'JS f64 (Integrator, F64)',
    F64,
    p,
    opts.jsSubset,
    steps,
    ', timed first (monomorphic JIT)',
  );

  let gpu: GpuReport | null = null;
  if (ctx) {
    try {
      gpu = await runGpuRows(ctx, p, opts);
    } finally {
      ctx.device.destroy();
    }
  } else {
    console.log(`GPU rows skipped: ${gpuSkip}`);
  }

  console.log('timing the CPU double-double ...');
  const ddRow = cpuRow('CPU double-double (Integrator, DDA)', DDA, p, opts.ddSubset, steps, '');

  console.log(`timing the CPU rows on 1 and ${opts.threads} worker threads ...`);
  const threadRows: ThreadTiming[] = [];
  // Subsets several times the single-thread rows': a run of a fraction of a second is mostly worker
  // messaging and JIT warm-up, which would hide the split's speed-up.
  for (const [precision, subset] of threadJobs(n, opts)) {
    const config = cpuConfig(points, subset, steps, precision);
    threadRows.push(await timeThreads(config, subset, opts.threads));
  }
  // Only now: one more arithmetic through the Integrator would have slowed the single-thread rows down.
  const lowChecks: MirrorAgreement[] = gpu ? lowMirrorChecks(gpu, p, steps) : [];

  const peerProblem = { loss, optimizer: OPTIMIZER, schedule, tolerance: TOLERANCE, points, steps };
  const input = writePeerInput(peerProblem);
  const python = findNumpyPython();
  const numpyName = 'NumPy f64 (vectorised over trajectories)';
  console.log('timing the NumPy peer ...');
  const numpyRow = python
    ? peerRow(numpyName, () => runNumpyPeer(python, input), `${python}, full N x T`)
    : skipped(numpyName, 'no interpreter with numpy (apt-get install -y python3-numpy)');
  const c = compileCPeer();
  const cName = 'C f32 loop (native, 1 thread)';
  console.log('timing the C peer ...');
  const cRow =
    'path' in c
      ? peerRow(cName, () => runCPeer(c.path, input), `cc ${C_FLAGS}, full N x T`)
      : skipped(cName, c.error);

  const gpuRows = gpu?.rows ?? skippedGpuRows('no WebGPU adapter (see "GPU rows skipped" above)');
  const rows = tableRows({ js: jsRow, gpu: gpuRows, dd: ddRow, numpy: numpyRow, c: cRow });
  console.log('');
  console.log(resultTable(rows, numpyRow.rate, cRow.rate));
  const targets = speedTargets({
    f32: gpuRows.f32.rate,
    df64: gpuRows.df64.rate,
    numpy: numpyRow.rate,
    c: cRow.rate,
  });
  console.log('');
  console.log(formatTargets(targets));
  console.log('');
  console.log(threadTable(threadRows));
  const emulation = [
    ...gpuEmulationCosts(gpuRows, gpu?.f32SameSubset ?? null),
    ...cpuEmulationCosts(threadRows),
  ];
  console.log('');
  console.log(formatEmulationCosts(emulation));
  if (gpu?.workgroupTable) {
    console.log('');
    console.log(gpu.workgroupTable);
  }
  console.log('');
  if (gpu) console.log(`check: ${gpu.check.ok ? 'ok' : 'FAILED'} (${gpu.check.summary})`);
  else console.log('check: skipped (no GPU)');
  for (const c of lowChecks) console.log(`${c.format} mirror (informational): ${c.summary}`);
  console.log('(startup excluded: adapter, pipeline compilation and the first dispatch are not timed)');
  const models = opts.models === 'none' ? null : await runModelSection(modelSectionOptions(opts));

  if (opts.json) {
    const out = {
      adapter: ctx?.description ?? null,
      isSoftware: ctx?.isSoftware ?? null,
      gpuSkipped: gpuSkip,
      n,
      steps,
      harmonics: loss.a.length,
      preset: PRESET,
      optimizer: OPTIMIZER,
      tolerance: TOLERANCE,
      rows: rows.map((r) => ({
        ...r,
        ratioVsNumpy: r.rate !== null && numpyRow.rate ? r.rate / numpyRow.rate : null,
        ratioVsC: r.rate !== null && cRow.rate ? r.rate / cRow.rate : null,
      })),
      targets,
      emulation,
      f32SameSubset: gpu?.f32SameSubset ?? null,
      cpuThreads: threadRows,
      workgroupSizes: gpu?.workgroups ?? null,
      check: gpu?.check ?? null,
      lowMirror: lowChecks,
      probe: gpu?.probe ?? null,
      models,
    };
    writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`results written to ${opts.json}`);
  }
  return (gpu && !gpu.check.ok) || (models && !models.ok) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`bench failed: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  },
);
