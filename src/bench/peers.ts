/**
 * The benchmark's external peers: a NumPy float64 script and a native C float32 loop
 * (scripts/bench/numpy_peer.py, scripts/bench/c_peer.c). Both read one text input written here, so every
 * implementation starts from the same points and the same schedule constants (the double-double values of
 * toExponential rounded to float64; the C peer rounds them on to float32 as the F32 mirror does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F64 } from '../core/arith';
import type { FourierLoss } from '../core/loss';
import type { ExponentialSchedule, OptimizerConfig } from '../core/schedule';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NUMPY_PEER = join(ROOT, 'scripts/bench/numpy_peer.py');
export const C_PEER_SOURCE = join(ROOT, 'scripts/bench/c_peer.c');

export interface PeerProblem {
  loss: FourierLoss;
  optimizer: OptimizerConfig;
  schedule: ExponentialSchedule;
  tolerance: number;
  /** Interleaved initial points. */
  points: Float64Array;
  steps: number;
}

/** Timing line printed by a peer in bench mode. */
export interface PeerTiming {
  seconds: number;
  trajectorySteps: number;
  checksum: number;
  diverged: number;
  n: number;
  steps: number;
  numpy?: string;
}

/** Final state printed by a peer in --check mode. */
export interface PeerCheck {
  wd: number[];
  ex: number[];
  divergenceStep: number[];
  overflowStep?: number[];
}

/** The peers' input file: a header, the constants, a_k, b_k, then one "x y" line per trajectory. */
export function peerInputText(p: PeerProblem): string {
  const n = p.points.length / 2;
  const s = p.schedule;
  if (s.phases.length !== 1) throw new RangeError('the bench peers implement a single phase (no milestones)');
  const c = [
    p.optimizer.lr,
    p.optimizer.weightDecay,
    p.optimizer.momentum,
    F64.fromDD(s.expLr0),
    F64.fromDD(s.phases[0].growth),
    F64.fromDD(s.bufferInit),
    Math.tan(p.tolerance) ** 2,
  ];
  const lines = [
    `scaleinv-bench-v1 ${n} ${p.steps} ${p.loss.a.length}`,
    c.map(String).join(' '),
    p.loss.a.map(String).join(' '),
    p.loss.b.map(String).join(' '),
  ];
  for (let i = 0; i < n; i++) lines.push(`${p.points[2 * i]} ${p.points[2 * i + 1]}`);
  return `${lines.join('\n')}\n`;
}

let workDir: string | null = null;
function scratch(): string {
  workDir ??= mkdtempSync(join(tmpdir(), 'scaleinv-bench-'));
  return workDir;
}

export function writePeerInput(p: PeerProblem, name = 'input.txt'): string {
  const file = join(scratch(), name);
  writeFileSync(file, peerInputText(p));
  return file;
}

/** First interpreter that imports numpy: $BENCH_PYTHON, python3 on PATH, Debian's /usr/bin/python3. */
export function findNumpyPython(): string | null {
  const candidates = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(
    (c): c is string => !!c,
  );
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import numpy'], { stdio: 'ignore', timeout: 30_000 });
    if (r.status === 0) return py;
  }
  return null;
}

export function findCompiler(): string | null {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter((c): c is string => !!c)) {
    const r = spawnSync(cc, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    if (r.status === 0) return cc;
  }
  return null;
}

let compiled: { path: string } | { error: string } | null = null;

/**
 * Compiles the C peer once per process: -O2 as asked, -ffp-contract=off so that no a*b+c is fused into an
 * fma (GCC fuses by default where the target has one), which keeps it the F32 mirror's exact algorithm.
 */
export function compileCPeer(): { path: string } | { error: string } {
  if (compiled) return compiled;
  const cc = findCompiler();
  if (!cc) {
    compiled = { error: 'no C compiler (cc) found' };
    return compiled;
  }
  const out = join(scratch(), 'c_peer');
  const r = spawnSync(cc, ['-O2', '-ffp-contract=off', '-o', out, C_PEER_SOURCE, '-lm'], {
    encoding: 'utf8',
  });
  compiled =
    r.status === 0 && existsSync(out)
      ? { path: out }
      : { error: `${cc} failed: ${(r.stderr || r.error?.message || '').trim()}` };
  return compiled;
}

export const C_FLAGS = '-O2 -ffp-contract=off';

function runJson<T>(cmd: string, args: string[], what: string): T {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.trim()}`);
  }
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${what} printed no JSON: ${r.stdout.slice(0, 500)}`);
  }
}

export function runNumpyPeer(python: string, input: string, check: true): PeerCheck;
export function runNumpyPeer(python: string, input: string, check?: false): PeerTiming;
export function runNumpyPeer(python: string, input: string, check = false): PeerTiming | PeerCheck {
  return runJson(python, [NUMPY_PEER, input, ...(check ? ['--check'] : [])], 'NumPy peer');
}

export function runCPeer(binary: string, input: string, check: true): PeerCheck;
export function runCPeer(binary: string, input: string, check?: false): PeerTiming;
export function runCPeer(binary: string, input: string, check = false): PeerTiming | PeerCheck {
  return runJson(binary, [input, ...(check ? ['--check'] : [])], 'C peer');
}
