/**
 * The trajectory kernel's loop structure (shaders/trajectory.wgsl: single steps up to a group boundary,
 * groups of STEPS_PER_GROUP steps, single steps left with the phase switch) must not change any number:
 * dispatches of every length and alignment give the state of one long dispatch bit for bit, with
 * renormalisation, momentum and milestones that fall inside groups; the path ring (compiled in only when
 * the engine has one) holds the read-back positions and the projected run at every sample step.
 */
import { describe, expect, it } from 'vitest';
import { log2ProjectionFactor, type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { type EngineSetup, type EngineSnapshot, TrajectoryEngine } from '../../src/gpu/engine';
import { STEPS_PER_GROUP } from '../../src/gpu/shaderSource';
import { presetLoss, randomPoints } from './engineHelpers';
import { gpuTestSetup, readBuffer } from './gpuTestUtils';

const { ctx, twoProdFma } = await gpuTestSetup({ probePairs: 4096 });

const STEPS = 300;
// Milestones at 37 and 130 fall inside groups of 4 steps. With ηλ = 0.05 the runs renormalise a few times
// within STEPS; with ηλ = 0.3, w̃ grows ~2^0.5 per step and nearly every band check (one per 16 steps)
// renormalises, so a check skipped or misplaced by any loop shows in K and in w̃.
const SCHEDULES: [string, OptimizerConfig, number][] = [
  ['ηλ 0.05, momentum', { lr: 0.1, weightDecay: 0.5, momentum: 0.5, milestones: [37, 130], lrDecay: 0.5 }, 2],
  ['ηλ 0.3', { lr: 0.3, weightDecay: 1, momentum: 0, milestones: [37, 130], lrDecay: 0.8 }, 60],
];
// Dispatch lengths 1, 2, 3, 5, ... so that dispatches start at every alignment.
const PIECES = [1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 61];

function setupFor(
  precision: 'f32' | 'df64',
  opt: OptimizerConfig,
  extra: Partial<EngineSetup> = {},
): EngineSetup {
  return {
    precision,
    loss: presetLoss('rugged'),
    schedule: toExponential(opt),
    tolerance: 1e-3,
    points: randomPoints(96, 21, 0.3, 2),
    numerics: { renormalize: true, lrMode: 'recurrence' },
    twoProdFma,
    ...extra,
  };
}

/** Indices of the first differing entry in each field (bitwise, -1 when equal). */
function mismatches(a: EngineSnapshot, b: EngineSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ['wd', 'ex', 'divergenceStep', 'overflowStep', 'crossingStep', 'scaleExp'] as const) {
    const x = a[key];
    const y = b[key];
    out[key] = x.findIndex((v, i) => !Object.is(v, y[i]));
  }
  return out;
}

const EQUAL = { wd: -1, ex: -1, divergenceStep: -1, overflowStep: -1, crossingStep: -1, scaleExp: -1 };

describe.skipIf(!ctx)('trajectory kernel loops: dispatch lengths and the path ring change nothing', () => {
  for (const precision of ['f32', 'df64'] as const) {
    it.each(SCHEDULES)(
      `${precision} (groups of ${STEPS_PER_GROUP[precision]}), %s: dispatches of 1..61 steps equal one dispatch, with or without a ring`,
      async (_name, opt, minK) => {
        const whole = await TrajectoryEngine.create(ctx!, setupFor(precision, opt));
        const pieces = await TrajectoryEngine.create(
          ctx!,
          setupFor(precision, opt, { historyLength: 40, sampleEvery: 3 }),
        );
        try {
          const [ref] = await whole.capture([STEPS]);
          let done = 0;
          for (let j = 0; done < STEPS; j++) {
            const n = Math.min(PIECES[j % PIECES.length], STEPS - done);
            pieces.advance(n);
            done += n;
          }
          const got = await pieces.readState();
          expect(got.step).toBe(STEPS);
          expect(mismatches(got, ref)).toEqual(EQUAL);
          // The comparison sees renormalisation and real dynamics.
          expect(Math.max(...ref.scaleExp)).toBeGreaterThan(minK);
          expect(ref.divergenceStep.some((d) => d > 0)).toBe(true);
        } finally {
          whole.destroy();
          pieces.destroy();
        }
      },
    );
  }

  it('the ring holds w_t and α^t·w̃_t at each sample step (f32, sampleEvery 3, 40 slots)', async () => {
    const every = 3;
    const slots = 40;
    const setup = setupFor('f32', SCHEDULES[0][1], { historyLength: slots, sampleEvery: every });
    const engine = await TrajectoryEngine.create(ctx!, setup);
    try {
      const sampleSteps = Array.from({ length: Math.floor(STEPS / every) }, (_, j) => (j + 1) * every);
      const snaps = await engine.capture(sampleSteps);
      const ring = new Float32Array(await readBuffer(ctx!.device, engine.history, engine.history.size));
      const n = engine.count;
      let worstProjected = 0;
      for (const snap of snaps.slice(-slots)) {
        const slot = (snap.step / every) % slots;
        const log2c = log2ProjectionFactor(setup.schedule, snap.step);
        for (let i = 0; i < n; i++) {
          const at = 4 * (slot * n + i);
          expect(ring[at]).toBe(Math.fround(snap.wd[2 * i]));
          expect(ring[at + 1]).toBe(Math.fround(snap.wd[2 * i + 1]));
          // α^t·w̃_t from the read-back w̃ and its scale 2^K, in float64.
          const ex = snap.ex[2 * i];
          const ey = snap.ex[2 * i + 1];
          const scale = 2 ** (log2c + snap.scaleExp[i]);
          const px = ex * scale;
          const py = ey * scale;
          const err = Math.hypot(ring[at + 2] - px, ring[at + 3] - py) / Math.hypot(px, py);
          worstProjected = Math.max(worstProjected, err);
        }
      }
      console.log(
        `[kernel loops] ring: w bitwise, projected run max relative error ${worstProjected.toExponential(2)}`,
      );
      // exp2 in f32 is an approximation: a few ulp of float32, far below what a wrong step would give.
      expect(worstProjected).toBeLessThan(1e-5);
      expect(worstProjected).toBeGreaterThanOrEqual(0);
    } finally {
      engine.destroy();
    }
  });
});
