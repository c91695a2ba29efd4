/**
 * Keeps the benchmark's external peers honest: the NumPy float64 peer must reproduce the TypeScript F64
 * integrator and the C float32 peer the F32 mirror (which the WGSL f32 kernel follows), on a tiny case.
 * Same operations in the same order on IEEE numbers, so the final states are expected bit for bit.
 * Skipped loudly when no interpreter has numpy or there is no C compiler.
 */
import { describe, expect, it } from 'vitest';
import {
  compileCPeer,
  findNumpyPython,
  type PeerCheck,
  type PeerProblem,
  runCPeer,
  runNumpyPeer,
  writePeerInput,
} from '../../src/bench/peers';
import { type Arith, F32, F64 } from '../../src/core/arith';
import { Integrator } from '../../src/core/integrator';
import { findPreset } from '../../src/core/presets';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';

const STEPS = 50;
const TOLERANCE = 1e-3;
// Radii from 0.3 (effective step η/r² ≈ 1.1: unstable, rounding differences would show) to 2.
const POINTS = new Float64Array([-0.7, 0.7, 1.2, -0.3, 0.25, 0.17, -1.5, -1.1]);
const loss = findPreset('rugged')!.loss;

function problem(momentum: number): PeerProblem {
  const optimizer: OptimizerConfig = { lr: 0.1, weightDecay: 0.01, momentum, milestones: [], lrDecay: 1 };
  return {
    loss,
    optimizer,
    schedule: toExponential(optimizer),
    tolerance: TOLERANCE,
    points: POINTS,
    steps: STEPS,
  };
}

function reference(A: Arith<number>, p: PeerProblem): PeerCheck {
  const integ = new Integrator(A, p.loss, p.schedule, p.tolerance);
  const out: PeerCheck = { wd: [], ex: [], divergenceStep: [] };
  for (let i = 0; i < POINTS.length / 2; i++) {
    const s = integ.init(POINTS[2 * i], POINTS[2 * i + 1]);
    for (let t = 0; t < p.steps; t++) integ.step(s);
    expect(s.overflowStep).toBeNull();
    out.wd.push(s.wd.x, s.wd.y);
    out.ex.push(s.ex.x, s.ex.y);
    out.divergenceStep.push(s.divergenceStep ?? -1);
  }
  return out;
}

function maxRelDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((x, k) => Math.abs(x - b[k]) / Math.max(Math.abs(b[k]), 1e-300)));
}

function expectSame(peer: PeerCheck, ref: PeerCheck, what: string): void {
  for (const key of ['wd', 'ex'] as const) {
    expect(peer[key].length, `${what} ${key} length`).toBe(ref[key].length);
    expect(peer[key], `${what} ${key}: max rel diff ${maxRelDiff(peer[key], ref[key])}`).toEqual(ref[key]);
  }
  expect(peer.divergenceStep, `${what} divergence steps`).toEqual(ref.divergenceStep);
}

const python = findNumpyPython();
if (!python) {
  console.warn(
    '[benchPeers] SKIPPED NumPy peer test: no interpreter with numpy (apt-get install -y python3-numpy)',
  );
}
const cPeer = compileCPeer();
if ('error' in cPeer) console.warn(`[benchPeers] SKIPPED C peer test: ${cPeer.error}`);

describe('benchmark peers', () => {
  for (const momentum of [0, 0.9]) {
    const p = problem(momentum);

    it.skipIf(!python)(`NumPy float64 peer equals the F64 integrator (momentum ${momentum})`, () => {
      const input = writePeerInput(p, `numpy-check-${momentum}.txt`);
      expectSame(runNumpyPeer(python!, input, true), reference(F64, p), 'numpy');
    });

    it.skipIf('error' in cPeer)(`C float32 peer equals the F32 mirror (momentum ${momentum})`, () => {
      const input = writePeerInput(p, `c-check-${momentum}.txt`);
      const out = runCPeer((cPeer as { path: string }).path, input, true);
      expectSame(out, reference(F32, p), 'C');
      expect(out.overflowStep).toEqual([-1, -1, -1, -1]);
    });
  }

  it('the peers and the references actually differ between f32 and f64 (the check can fail)', () => {
    const p = problem(0);
    expect(reference(F32, p).wd).not.toEqual(reference(F64, p).wd);
  });
});
