/**
 * The model rows' external peers (issue 16): a NumPy float64 script and a PyTorch CPU script batched over
 * seeds in one tensor (scripts/bench/model_numpy_peer.py, scripts/bench/model_torch_peer.py). Both read one
 * JSON input written here — the data, the readout, every seed's initial weights and the schedule constants
 * of the exponential twin (toExponential's double-double values rounded to float64) — so every
 * implementation integrates the same problem from the same start. Each prints the weights of its first
 * `checkSeeds` seeds at `checkStep`, which `compareSnapshots` holds against the TypeScript float64 integrator.
 * The check step lies before the runs split: past it the dynamics amplify rounding (that is the split), so
 * two correct float64 implementations part there as the two runs of one implementation do.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F64 } from '../core/arith';
import type { ResolvedModel } from '../core/model/types';
import type { ExponentialSchedule, OptimizerConfig } from '../core/schedule';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MODEL_NUMPY_PEER = join(ROOT, 'scripts/bench/model_numpy_peer.py');
export const MODEL_TORCH_PEER = join(ROOT, 'scripts/bench/model_torch_peer.py');

export interface ModelProblem {
  model: ResolvedModel;
  optimizer: OptimizerConfig;
  schedule: ExponentialSchedule;
  tolerance: number;
  /** Initial weights of every seed, P numbers each (seed after seed). */
  points: Float64Array;
  steps: number;
}

/** What the peers print (one JSON line). */
export interface ModelPeerResult {
  seconds: number;
  seedSteps: number;
  seeds: number;
  steps: number;
  /** Σ of the weight-decay run's final weights over every seed the peer ran. */
  checksum: number;
  diverged: number;
  /** The weights of the first checkSeeds seeds (P each) of both runs after `step` steps (the check step). */
  step: number;
  wd: number[];
  ex: number[];
  /** Their divergence steps within the whole run (−1: none). */
  divergenceStep: number[];
  threads: number;
  version: string;
}

/** The same snapshot from the TypeScript side (or a GPU run), for `compareSnapshots`. */
export interface ModelSnapshot {
  /** Steps taken when wd and ex were read. */
  step: number;
  /** Weights in true scale, P per seed, seed after seed. */
  wd: ArrayLike<number>;
  ex: ArrayLike<number>;
  /** Per seed, the first step past the drift tolerance within the whole run; −1: none. */
  divergenceStep: ArrayLike<number>;
}

/** Constants a test may replace in the peers' input (to show that a wrong input fails the comparison). */
export interface PeerConstants {
  lr: number;
  weightDecay: number;
  momentum: number;
  expLr0: number;
  growth: number;
  bufferInit: number;
  tan2HalfTol: number;
}

export function peerConstants(p: ModelProblem): PeerConstants {
  const s = p.schedule;
  if (s.phases.length !== 1) throw new RangeError('the model peers implement a single phase (no milestones)');
  return {
    lr: p.optimizer.lr,
    weightDecay: p.optimizer.weightDecay,
    momentum: p.optimizer.momentum,
    expLr0: F64.fromDD(s.expLr0),
    growth: F64.fromDD(s.phases[0].growth),
    bufferInit: F64.fromDD(s.bufferInit),
    tan2HalfTol: Math.tan(p.tolerance / 2) ** 2,
  };
}

/** The peers' input as JSON (JSON numbers round-trip float64 exactly in JavaScript and Python). */
export function modelPeerInputText(
  p: ModelProblem,
  check: { seeds: number; step: number },
  override: Partial<PeerConstants> = {},
): string {
  const m = p.model;
  const P = m.hidden * m.d;
  return JSON.stringify({
    format: 'scaleinv-model-bench-v1',
    kind: m.kind,
    n: m.n,
    d: m.d,
    hidden: m.hidden,
    eps: m.eps,
    // 1/n rounded once, as BnGradient's invN (the double-double 1/n rounded to float64).
    invN: 1 / m.n,
    x: Array.from(m.x),
    y: Array.from(m.y),
    readout: Array.from(m.readout),
    seeds: p.points.length / P,
    P,
    w0: Array.from(p.points),
    steps: p.steps,
    checkSeeds: check.seeds,
    checkStep: check.step,
    ...peerConstants(p),
    ...override,
  });
}

let workDir: string | null = null;
function scratch(): string {
  workDir ??= mkdtempSync(join(tmpdir(), 'scaleinv-model-bench-'));
  return workDir;
}

export function writeModelPeerInput(
  p: ModelProblem,
  check: { seeds: number; step: number },
  name = 'model-input.json',
  override: Partial<PeerConstants> = {},
): string {
  const file = join(scratch(), name);
  writeFileSync(file, modelPeerInputText(p, check, override));
  return file;
}

/**
 * First interpreter that imports `module`: $BENCH_PYTHON, Debian's /usr/bin/python3 (whose python3-torch and
 * python3-numpy a pyenv python3 on PATH lacks), python3, python. Cached per module.
 */
const found = new Map<string, string | null>();
export function findPython(module: 'numpy' | 'torch'): string | null {
  if (found.has(module)) return found.get(module)!;
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(
    (c): c is string => !!c,
  );
  let hit: string | null = null;
  for (const py of candidates) {
    // find_spec locates the module without importing it (importing torch alone takes seconds).
    const probe = `import importlib.util, sys; sys.exit(importlib.util.find_spec('${module}') is None)`;
    const r = spawnSync(py, ['-c', probe], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) {
      hit = py;
      break;
    }
  }
  found.set(module, hit);
  return hit;
}

export interface PeerRun {
  seeds?: number;
  steps?: number;
  /** torch only. */
  dtype?: 'float64' | 'float32';
  grad?: 'formula' | 'autograd' | 'vmap';
  threads?: number;
}

/** One run's arguments: INPUT and its options. */
function runArgs(input: string, o: PeerRun): string[] {
  const args = [input];
  if (o.seeds !== undefined) args.push('--seeds', String(o.seeds));
  if (o.steps !== undefined) args.push('--steps', String(o.steps));
  if (o.dtype !== undefined) args.push('--dtype', o.dtype);
  if (o.grad !== undefined) args.push('--grad', o.grad);
  if (o.threads !== undefined) args.push('--threads', String(o.threads));
  return args;
}

function peerOutput(script: string, failed: string | null, stdout: string, stderr: string): ModelPeerResult {
  const name = script.split('/').pop();
  if (failed !== null) {
    throw new Error(`${name} failed (${failed}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as ModelPeerResult;
  } catch {
    throw new Error(`${name} printed no JSON: ${stdout.slice(0, 300)}`);
  }
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs a peer script (alone: the bench times it); throws with its stderr when it fails or prints no JSON. */
export function runModelPeer(
  python: string,
  script: string,
  input: string,
  o: PeerRun = {},
): ModelPeerResult {
  const r = spawnSync(python, [script, ...runArgs(input, o)], { encoding: 'utf8', maxBuffer: MAX_OUTPUT });
  const failed = r.status === 0 ? null : (r.error?.message ?? `exit ${r.status}`);
  return peerOutput(script, failed, r.stdout ?? '', r.stderr ?? '');
}

/**
 * Several runs of one peer in one process (`--then`: one interpreter start and one torch import for all),
 * without blocking: for checks (the tests), not for timing. One result per job, in order.
 */
export function runModelPeersAsync(
  python: string,
  script: string,
  jobs: { input: string; run?: PeerRun }[],
): Promise<ModelPeerResult[]> {
  const argv = [
    script,
    ...jobs.flatMap((j, i) => [...(i > 0 ? ['--then'] : []), ...runArgs(j.input, j.run ?? {})]),
  ];
  return new Promise((done, fail) => {
    execFile(python, argv, { maxBuffer: MAX_OUTPUT }, (error, stdout, stderr) => {
      try {
        const failed = error ? error.message.split('\n')[0] : null;
        peerOutput(script, failed, stdout, stderr);
        const lines = stdout.trim().split('\n');
        if (lines.length !== jobs.length)
          throw new Error(`expected ${jobs.length} results, got ${lines.length}`);
        done(lines.map((l) => JSON.parse(l) as ModelPeerResult));
      } catch (e) {
        fail(e);
      }
    });
  });
}

export interface Agreement {
  step: number;
  seeds: number;
  /** Largest max_k |a_k − b_k| / max_k |b_k| over the compared seeds, per run (∞: a NaN). */
  wd: number;
  /** Over the seeds whose exponential run had not parted from its weight-decay run in the reference. */
  ex: number;
  exSeeds: number;
  tolerance: number;
  ok: boolean;
  summary: string;
}

/** Normwise relative difference of one seed's P weights (the reference's largest |component| as scale). */
function seedDiff(a: ArrayLike<number>, b: ArrayLike<number>, i: number, P: number): number {
  let scale = 0;
  let diff = 0;
  for (let k = i * P; k < (i + 1) * P; k++) {
    scale = Math.max(scale, Math.abs(b[k]));
    const d = Math.abs(a[k] - b[k]);
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
  }
  return diff / Math.max(scale, 1e-300);
}

/**
 * How far `got`'s weights are from `ref`'s over the first `seeds` seeds, both read after the same number of
 * steps. The weight-decay run is always compared; the exponential run only where the reference had not
 * diverged by then. ok when both are within `tolerance` (and there was something to compare).
 */
export function compareSnapshots(
  got: ModelSnapshot,
  ref: ModelSnapshot,
  P: number,
  seeds: number,
  tolerance: number,
): Agreement {
  let wd = 0;
  let ex = 0;
  let exSeeds = 0;
  const n = Math.min(seeds, got.wd.length / P, ref.wd.length / P);
  const sameStep = got.step === ref.step;
  for (let i = 0; i < n; i++) {
    wd = Math.max(wd, seedDiff(got.wd, ref.wd, i, P));
    const d = ref.divergenceStep[i];
    if (d < 0 || d > ref.step) {
      ex = Math.max(ex, seedDiff(got.ex, ref.ex, i, P));
      exSeeds++;
    }
  }
  const ok = sameStep && n > 0 && wd <= tolerance && ex <= tolerance;
  const at = `step ${ref.step}, ${n} seeds`;
  const summary = !sameStep
    ? `compared step ${got.step} with step ${ref.step}`
    : n === 0
      ? 'nothing to compare'
      : `${at}: max rel diff wd ${wd.toExponential(1)}, exp ${exSeeds > 0 ? ex.toExponential(1) : '—'}` +
        `${exSeeds < n ? ` (${exSeeds} undiverged)` : ''} ${ok ? '<=' : '>'} ${tolerance.toExponential(0)}`;
  return { step: ref.step, seeds: n, wd, ex, exSeeds, tolerance, ok, summary };
}
