/**
 * f16 range on the GPU (shaders/real_low.wgsl through the trajectory kernel): without renormalisation every
 * trajectory's overflow step is the one src/core/rangePrediction.ts predicts from the schedule and the start,
 * and the CPU mirror's; with renormalisation every preset runs 10^5 steps at ηλ = 0.1 without an overflow.
 * The predictions themselves are swept, and shown to fail when wrong, in tests/core/rangePrediction.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { NumericsConfig } from '../../src/core/config/types';
import { Integrator } from '../../src/core/integrator';
import { lowArith } from '../../src/core/lowArith';
import { PRESET_NAMES } from '../../src/core/presets';
import { predictRangeFailure } from '../../src/core/rangePrediction';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { GENERAL_STARTS } from '../core/rangeStarts';
import { presetLoss } from './engineHelpers';
import { captureRun, gpuTestSetup, testOptimizer as opt } from './gpuTestUtils';

const { ctx, isSwiftShader } = await gpuTestSetup();

const PLAIN: NumericsConfig = { renormalize: false, lrMode: 'recurrence' };
const RENORM: NumericsConfig = { renormalize: true, lrMode: 'recurrence' };
// One start on the x-axis as well: on double-well that is a ray where the gradient cancels exactly.
const STARTS: [number, number][] = [...GENERAL_STARTS, [0.5, 0]];
const POINTS = new Float64Array(STARTS.flat());
/** SwiftShader crashes on very long dispatches (src/gpu/device.ts): a few thousand steps each. */
const MAX_STEPS_PER_DISPATCH = 4000;

/** ηλ 0.01 / 0.05 / 0.1, with and without momentum, a milestone schedule, and the run whose η̃ hits 2^16. */
const PLAIN_SCHEDULES: [string, OptimizerConfig][] = [
  ['ηλ 0.01', opt({ lr: 0.1, weightDecay: 0.1 })],
  ['ηλ 0.05, γ 0.5', opt({ lr: 0.5, weightDecay: 0.1, momentum: 0.5 })],
  ['ηλ 0.1', opt({ lr: 1, weightDecay: 0.1 })],
  ['ηλ 0.002, γ 0.9', opt({ lr: 0.1, weightDecay: 0.02, momentum: 0.9 })],
  ['milestones', opt({ lr: 0.1, weightDecay: 0.5, milestones: [100, 200], lrDecay: 0.5 })],
  ['first η̃ past max is 2^16', opt({ lr: 0.68, weightDecay: 0.1 / 0.68 })],
];

describe.skipIf(!ctx)('f16 range on the GPU', () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}, no renormalisation: overflows at the predicted step, as the CPU mirror does`, async () => {
      const loss = presetLoss(preset);
      const rows: string[] = [];
      for (const [name, o] of PLAIN_SCHEDULES) {
        const sch = toExponential(o);
        const predicted = STARTS.map(([x, y]) => predictRangeFailure(loss, sch, x, y));
        const mirror = new Integrator(lowArith('f16'), loss, sch, 1e-3, PLAIN);
        const cpu = STARTS.map(([x, y]) => {
          const s = mirror.init(x, y);
          while (s.overflowStep === null) mirror.step(s);
          return s.overflowStep;
        });
        const end = Math.max(...predicted.map((p) => p.step!)) + 2;
        const [snap] = await captureRun(
          ctx!,
          {
            precision: 'f16',
            loss,
            schedule: sch,
            points: POINTS,
            tolerance: 1e-3,
            numerics: PLAIN,
            maxStepsPerDispatch: MAX_STEPS_PER_DISPATCH,
          },
          [end],
        );
        const gpu = Array.from(snap.overflowStep);
        expect(predicted.map((p) => p.quantity)).toEqual(STARTS.map(() => 'lr'));
        expect(gpu, name).toEqual(predicted.map((p) => p.step));
        expect(gpu, name).toEqual(cpu);
        rows.push(`${name}: ${gpu.join(' ')}`);
      }
      console.log(
        `[f16 range] ${preset}, overflow steps per start (prediction = CPU = GPU)\n${rows.join('\n')}`,
      );
    });
  }

  // It ends in inverseSqrt(0), which WGSL leaves indeterminate: the mirror is SwiftShader's ∞.
  it.skipIf(!isSwiftShader)(
    'a weight-decay run on a ray of exactly zero gradient: |w|² underflows first, as on the CPU',
    async () => {
      // single-well's f' cancels exactly on x = y and double-well's on the x-axis; the weight-decay run only
      // shrinks there until x² and y² round to 0, and 1/√0 = ∞ turns it into NaN (predicted within a step).
      const rows: string[] = [];
      let wdFirst = 0;
      for (const [preset, dx, dy] of [
        ['single-well', 1, 1],
        ['double-well', -1, 0],
      ] as const) {
        const loss = presetLoss(preset);
        const starts = [0.05, 0.3].map((a) => [a * dx, a * dy]);
        for (const etaLambda of [0.01, 0.1]) {
          const sch = toExponential(opt({ lr: 0.05, weightDecay: etaLambda / 0.05 }));
          const predicted = starts.map(([x, y]) => predictRangeFailure(loss, sch, x, y));
          const mirror = new Integrator(lowArith('f16'), loss, sch, 1e-3, PLAIN);
          const cpu = starts.map(([x, y]) => {
            const s = mirror.init(x, y);
            while (s.overflowStep === null) mirror.step(s);
            return s.overflowStep;
          });
          const [snap] = await captureRun(
            ctx!,
            {
              precision: 'f16',
              loss,
              schedule: sch,
              points: new Float64Array(starts.flat()),
              tolerance: 1e-3,
              numerics: PLAIN,
              maxStepsPerDispatch: MAX_STEPS_PER_DISPATCH,
            },
            [Math.max(...predicted.map((p) => p.step!)) + 3],
          );
          const gpu = Array.from(snap.overflowStep);
          const label = `${preset}, ηλ ${etaLambda}`;
          expect(gpu, label).toEqual(cpu);
          predicted.forEach((p, i) => {
            expect(Math.abs(gpu[i] - p.step!), label).toBeLessThanOrEqual(1);
            if (p.quantity === 'wd-r2-underflow') wdFirst++;
          });
          rows.push(
            `${label}: GPU ${gpu.join(' ')}, predicted ${predicted.map((p) => `${p.step} (${p.quantity})`).join(' ')}`,
          );
        }
      }
      expect(wdFirst).toBeGreaterThan(0);
      console.log(`[f16 range] weight-decay run on a zero-gradient ray\n${rows.join('\n')}`);
    },
  );

  it('every preset, renormalised: 10^5 steps at ηλ = 0.1 without an overflow', async () => {
    const rows: string[] = [];
    const o = opt({ lr: 0.1, weightDecay: 1 });
    for (const preset of PRESET_NAMES) {
      const started = performance.now();
      const [snap] = await captureRun(
        ctx!,
        {
          precision: 'f16',
          loss: presetLoss(preset),
          schedule: toExponential(o),
          points: POINTS,
          tolerance: 1e-3,
          numerics: RENORM,
          maxStepsPerDispatch: MAX_STEPS_PER_DISPATCH,
        },
        [100_000],
      );
      expect(Array.from(snap.overflowStep), preset).toEqual(STARTS.map(() => -1));
      expect(Array.from(snap.ex).every(Number.isFinite), preset).toBe(true);
      expect(Array.from(snap.wd).every(Number.isFinite), preset).toBe(true);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      rows.push(`${preset}: K ${Array.from(snap.scaleExp).join(' ')} (${secs} s)`);
    }
    console.log(`[f16 range] renormalised, lr 0.1, λ 1, 10^5 steps, no overflow\n${rows.join('\n')}`);
  });
});
