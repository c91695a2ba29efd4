/**
 * bf16 and f16 on the GPU (f32 operations rounded to the format, shaders/real_low.wgsl) against their CPU
 * mirrors (src/core/lowArith.ts through the reference Integrator): bit for bit on SwiftShader, on every
 * preset and schedule (momentum, milestones), with and without renormalisation, every state field and
 * event step. A sabotaged mirror (f32 arithmetic in place of the format's) must not match.
 */
import { describe, expect, it } from 'vitest';
import { type Arith, F32 } from '../../src/core/arith';
import type { NumericsConfig } from '../../src/core/config/types';
import { Integrator } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import { lowArith, masterArith } from '../../src/core/lowArith';
import type { LowFormat } from '../../src/core/lowFloat';
import { PRESET_NAMES } from '../../src/core/presets';
import { type ExponentialSchedule, type OptimizerConfig, toExponential } from '../../src/core/schedule';
import type { EngineSnapshot } from '../../src/gpu/engine';
import { presetLoss, randomPoints } from './engineHelpers';
import { captureRun, gpuTestSetup, testOptimizer as opt } from './gpuTestUtils';

const { ctx, isSwiftShader } = await gpuTestSetup();

const TOL = 1e-3;
const STEPS = 300;
const POINTS = randomPoints(64, 11, 0.3, 2);

/** The fields a GPU snapshot and the CPU mirror are compared on. */
type Fields = Record<string, number[]>;

function gpuFields(s: EngineSnapshot): Fields {
  return {
    ex: Array.from(s.ex),
    wd: Array.from(s.wd),
    scaleExp: Array.from(s.scaleExp),
    wdScaleExp: Array.from(s.wdScaleExp),
    divergence: Array.from(s.divergenceStep),
    overflow: Array.from(s.overflowStep),
    crossing: Array.from(s.crossingStep),
    wdAbsorbed: Array.from(s.wdAbsorbedStep),
    expAbsorbed: Array.from(s.expAbsorbedStep),
    underflow: Array.from(s.underflowStep),
  };
}

function cpuFields(
  A: Arith<number>,
  loss: FourierLoss,
  sch: ExponentialSchedule,
  numerics: NumericsConfig,
): Fields {
  const it = new Integrator(A, loss, sch, TOL, numerics);
  const f: Fields = {};
  for (const k of Object.keys(gpuFields(emptySnapshot()))) f[k] = [];
  const ev = (v: number | null) => v ?? -1;
  for (let i = 0; i < POINTS.length / 2; i++) {
    const s = it.init(POINTS[2 * i], POINTS[2 * i + 1], i);
    while (s.t < STEPS) it.step(s);
    f.ex.push(s.ex.x, s.ex.y);
    f.wd.push(s.wd.x, s.wd.y);
    f.scaleExp.push(s.scaleExp);
    f.wdScaleExp.push(s.wdScaleExp);
    f.divergence.push(ev(s.divergenceStep));
    f.overflow.push(ev(s.overflowStep));
    f.crossing.push(ev(s.crossingStep));
    f.wdAbsorbed.push(ev(s.wdAbsorbedStep));
    f.expAbsorbed.push(ev(s.expAbsorbedStep));
    f.underflow.push(ev(s.underflowStep));
  }
  return f;
}

function emptySnapshot(): EngineSnapshot {
  const z = () => new Int32Array(0);
  return {
    step: 0,
    wd: new Float64Array(0),
    ex: new Float64Array(0),
    gap: new Float32Array(0),
    divergenceStep: z(),
    overflowStep: z(),
    crossingStep: z(),
    scaleExp: z(),
    wdScaleExp: z(),
    wdAbsorbedStep: z(),
    expAbsorbedStep: z(),
    underflowStep: z(),
  };
}

const SCHEDULES: [string, OptimizerConfig][] = [
  ['constant', opt()],
  [
    'momentum + milestones',
    opt({ lr: 0.5, weightDecay: 0.1, momentum: 0.5, milestones: [100, 200], lrDecay: 0.5 }),
  ],
  ['fast growth', opt({ lr: 0.5, weightDecay: 0.2 })],
];

/**
 * Every preset with the schedule that exercises most (momentum, milestones), renormalised; the other
 * schedules on seed-wells, with and without renormalisation (each case compiles a kernel: ~2–5 s here).
 */
const CASES: [string, string, OptimizerConfig, boolean][] = [
  ...PRESET_NAMES.map(
    (p) => [p, SCHEDULES[1][0], SCHEDULES[1][1], true] as [string, string, OptimizerConfig, boolean],
  ),
  ['seed-wells', SCHEDULES[1][0], SCHEDULES[1][1], false],
  ['seed-wells', SCHEDULES[0][0], SCHEDULES[0][1], false],
  ['seed-wells', SCHEDULES[2][0], SCHEDULES[2][1], true],
  ['seed-wells', SCHEDULES[2][0], SCHEDULES[2][1], false],
];

async function gpuRun(
  format: LowFormat,
  loss: FourierLoss,
  sch: ExponentialSchedule,
  numerics: NumericsConfig,
) {
  const [snap] = await captureRun(
    ctx!,
    { precision: format, loss, schedule: sch, points: POINTS, tolerance: TOL, numerics },
    [STEPS],
  );
  return gpuFields(snap);
}

describe.skipIf(!ctx)('bf16 and f16 kernels vs their CPU mirrors', () => {
  for (const format of ['bf16', 'f16'] as const) {
    for (const [preset, name, o, renormalize] of CASES) {
      it(`${format}, ${preset}, ${name}, renormalize ${renormalize}: every field bit for bit`, async () => {
        const loss = presetLoss(preset);
        const sch = toExponential(o);
        const numerics: NumericsConfig = { renormalize, lrMode: 'recurrence' };
        const gpu = await gpuRun(format, loss, sch, numerics);
        const cpu = cpuFields(lowArith(format), loss, sch, numerics);
        if (!isSwiftShader) return; // elsewhere inverseSqrt may differ from the mirror by an ulp
        for (const k of Object.keys(cpu)) expect(gpu[k], `${k}`).toEqual(cpu[k]);
      });
    }
  }

  for (const format of ['bf16', 'f16'] as const) {
    it(`${format}, stochastic rounding (seed 7), two presets: every field bit for bit; another seed differs`, async () => {
      for (const preset of ['seed-wells', 'rugged']) {
        const loss = presetLoss(preset);
        const sch = toExponential(SCHEDULES[1][1]);
        const numerics: NumericsConfig = {
          renormalize: true,
          lrMode: 'recurrence',
          rounding: 'stochastic',
          seed: 7,
        };
        const gpu = await gpuRun(format, loss, sch, numerics);
        const cpu = cpuFields(lowArith(format), loss, sch, numerics);
        const nearest = cpuFields(lowArith(format), loss, sch, { renormalize: true, lrMode: 'recurrence' });
        const otherSeed = cpuFields(lowArith(format), loss, sch, { ...numerics, seed: 8 });
        expect(cpu.ex).not.toEqual(nearest.ex);
        expect(cpu.ex).not.toEqual(otherSeed.ex);
        if (!isSwiftShader) continue;
        for (const k of Object.keys(cpu)) expect(gpu[k], `${preset} ${k}`).toEqual(cpu[k]);
      }
    });
  }

  for (const format of ['bf16', 'f16'] as const) {
    it(`${format}, f32 master weights, two presets: every field bit for bit; differs from plain ${format} and f32`, async () => {
      for (const preset of ['seed-wells', 'rugged']) {
        const loss = presetLoss(preset);
        const sch = toExponential(SCHEDULES[1][1]);
        const numerics: NumericsConfig = { renormalize: true, lrMode: 'recurrence', master: 'f32' };
        const gpu = await gpuRun(format, loss, sch, numerics);
        const cpu = cpuFields(masterArith(format), loss, sch, numerics);
        const plain = { renormalize: true, lrMode: 'recurrence' } as const;
        expect(cpu.ex).not.toEqual(cpuFields(lowArith(format), loss, sch, plain).ex);
        expect(cpu.ex).not.toEqual(cpuFields(F32, loss, sch, plain).ex);
        if (!isSwiftShader) continue;
        for (const k of Object.keys(cpu)) expect(gpu[k], `${preset} ${k}`).toEqual(cpu[k]);
      }
    });
  }

  it('the test can fail: an f32 mirror in place of f16 does not match the f16 kernel', async () => {
    const loss = presetLoss('seed-wells');
    const sch = toExponential(SCHEDULES[1][1]);
    const numerics: NumericsConfig = { renormalize: true, lrMode: 'recurrence' };
    const gpu = await gpuRun('f16', loss, sch, numerics);
    const wrong = cpuFields(F32, loss, sch, numerics);
    expect(gpu.ex).not.toEqual(wrong.ex);
  });
});
