/**
 * The model kernels (shaders/model_step.wgsl: an invocation per trajectory; model_step_wg.wgsl: a
 * workgroup per trajectory) against their float32 mirror, the CPU ModelIntegrator over F32 with the
 * crossing check off: bit for bit on SwiftShader, for both decompositions, every stored state component
 * (both runs' w and v, lr, lrExp, scaleExp, wdScaleExp), the gap and every event step; bnLogistic and bnMlp
 * on gaussians, moons and spirals, with momentum, milestones, closed-form η̃, renormalisation on and off,
 * past the divergence step. A kernel summing z in another order, and a float64 mirror, must not match.
 * Also: the kernel's exact float64 divergence comparison, the records of runModelOnDevice and the
 * output of the CLI's runModelGpu, and the limit checks.
 */
import { describe, expect, it } from 'vitest';
import { type Arith, F32, F64 } from '../../src/core/arith';
import type { NumericsConfig } from '../../src/core/config/types';
import { modelInitialPoints } from '../../src/core/model/modelInit';
import { ModelIntegrator } from '../../src/core/model/modelIntegrator';
import { runModelCpu, simulateModel } from '../../src/core/model/modelRun';
import type { ModelState } from '../../src/core/model/modelState';
import { resolveModel } from '../../src/core/model/resolveModel';
import { type ModelConfig, type ModelLossSpec, paramCount } from '../../src/core/model/types';
import { gapExceeds } from '../../src/core/model/vectorGap';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { compileShaderModule } from '../../src/gpu/errors';
import { makeStructuredView, structDefinition } from '../../src/gpu/layout';
import { checkModelLimits, ModelEngine, ModelLimitError, tan2Parts } from '../../src/gpu/model/modelEngine';
import { runModelGpu, runModelOnDevice } from '../../src/gpu/model/modelGpuRun';
import { MODEL_LAYOUTS, MODEL_PARAMS_STRUCT, type ModelLayout } from '../../src/gpu/model/modelLayout';
import { type ModelSabotage, modelPrelude } from '../../src/gpu/model/modelShader';
import { readBufferRange } from '../../src/gpu/readback';
import { gpuTestSetup, testOptimizer as opt } from './gpuTestUtils';

const { ctx, isSwiftShader } = await gpuTestSetup();

const TOL = 1e-3;
const COUNT = 8;

interface Case {
  name: string;
  loss: ModelLossSpec;
  opt: OptimizerConfig;
  numerics: NumericsConfig;
  /** Steps at which the whole state is compared (the last is the run's end). */
  captures: number[];
  radius?: [number, number];
  /** Explicit starts (default: COUNT random ones). */
  points?: number[][];
  /** What the mirror's run must show for the case to test what it is meant to. */
  covers: (states: ModelState<number>[]) => void;
}

const renorm = (on: boolean, lrMode: NumericsConfig['lrMode'] = 'recurrence'): NumericsConfig => ({
  renormalize: on,
  lrMode,
});
const some = (states: ModelState<number>[], f: (s: ModelState<number>) => boolean) =>
  expect(states.some(f)).toBe(true);

/** Two classes on either side of x0 = 0 (labels alternate), x1 a nuisance. */
const SEPARABLE = {
  x: Array.from({ length: 8 }, (_, i) => [(i % 2 === 0 ? 1 : -1) * (1 + 0.05 * i), 0.1 * i - 0.3]),
  y: Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 1 : -1)),
};

const CASES: Case[] = [
  {
    name: 'bnLogistic gaussians n64 d8, momentum, renormalised, past divergence',
    loss: { bnLogistic: { dataset: 'gaussians', n: 64, d: 8, seed: 1 } },
    opt: opt({ lr: 0.2, weightDecay: 0.05, momentum: 0.5 }),
    numerics: renorm(true),
    captures: [90, 180],
    covers: (s) => expect(s.filter((x) => x.divergenceStep !== null).length).toBeGreaterThan(COUNT / 2),
  },
  {
    name: 'bnLogistic moons n48 d3, two milestones, not renormalised',
    loss: { bnLogistic: { dataset: 'moons', n: 48, d: 3, seed: 2 } },
    opt: opt({ lr: 0.2, weightDecay: 0.05, momentum: 0.5, milestones: [100, 150], lrDecay: 0.5 }),
    numerics: renorm(false),
    captures: [100, 101, 220],
    covers: (s) => some(s, (x) => x.divergenceStep !== null),
  },
  {
    name: 'bnMlp spirals n48 d3 hidden 4, momentum, milestone, renormalised',
    loss: { bnMlp: { dataset: 'spirals', n: 48, d: 3, seed: 3, hidden: 4 } },
    opt: opt({ lr: 0.4, weightDecay: 0.1, momentum: 0.5, milestones: [80], lrDecay: 0.5 }),
    numerics: renorm(true),
    captures: [40, 200],
    covers: (s) => {
      some(s, (x) => x.divergenceStep !== null);
      some(s, (x) => x.scaleExp !== 0);
    },
  },
  {
    name: 'bnMlp gaussians n32 d4 hidden 3, ε and a given readout, closed-form η̃',
    loss: {
      bnMlp: { dataset: 'gaussians', n: 32, d: 4, seed: 4, hidden: 3, eps: 1e-5, readout: [1, -0.5, 0.75] },
    },
    opt: opt({ lr: 0.5, weightDecay: 0.1, momentum: 0.5 }),
    numerics: renorm(true, 'closedForm'),
    captures: [10, 100],
    covers: (s) => some(s, (x) => x.divergenceStep !== null),
  },
  {
    name: 'bnLogistic moons n32 d3, fast growth without renormalisation: absorbed, then overflow',
    loss: { bnLogistic: { dataset: 'moons', n: 32, d: 3, seed: 2 } },
    opt: opt({ lr: 0.5, weightDecay: 0.5 }),
    numerics: renorm(false),
    captures: [150, 170],
    covers: (s) => {
      some(s, (x) => x.overflowStep !== null);
      some(s, (x) => x.expAbsorbedStep !== null);
    },
  },
  {
    name: 'bnLogistic gaussians n32 d4 from tiny weights: both runs renormalised',
    loss: { bnLogistic: { dataset: 'gaussians', n: 32, d: 4, seed: 2 } },
    opt: opt({ lr: 0.2, weightDecay: 0.05, momentum: 0.5 }),
    numerics: renorm(true),
    radius: [1e-6, 1e-5],
    captures: [1, 17, 120],
    covers: (s) => some(s, (x) => x.wdScaleExp !== 0 && x.scaleExp !== 0),
  },
  {
    name: 'bnMlp on separable data with a huge readout: gradient exactly 0, J while absorbed, merged at a milestone',
    loss: { bnMlp: { ...SEPARABLE, hidden: 2, readout: [1000, -1000] } },
    opt: opt({ lr: 0.5, weightDecay: 0.1, momentum: 0.5, milestones: [145], lrDecay: 0.5 }),
    numerics: renorm(true),
    points: [
      [1, 0, -1, 0],
      [2, 0.01, -1.5, 0.02],
      [1, 0.3, -1, 0.2],
    ],
    // J moves at 144 (absorbed since 124), is merged back at the switch into step 145, moves again later.
    captures: [144, 146, 300],
    covers: (s) => {
      some(s, (x) => x.lrExp !== 0);
      some(s, (x) => x.wdAbsorbedStep === 0);
    },
  },
];

type Fields = Record<string, number[]>;

function caseSetup(c: Case) {
  const model = resolveModel(c.loss);
  const P = paramCount(model);
  const init = c.points
    ? { points: c.points }
    : { random: { count: COUNT, seed: 5, radius: c.radius ?? ([0.5, 2] as [number, number]) } };
  const points = modelInitialPoints(init, P);
  return { model, P, points, count: points.length / P, schedule: toExponential(c.opt) };
}

/** The mirror's state at each capture step (every field compared), and its final states. */
function cpuCaptures(c: Case, A: Arith<number>) {
  const { model, P, points, count, schedule } = caseSetup(c);
  const integ = new ModelIntegrator(A, model, schedule, TOL, c.numerics, undefined, false);
  const out: Fields[] = c.captures.map(() => ({}));
  const push = (f: Fields, k: string, ...v: number[]) => {
    f[k] ??= [];
    f[k].push(...v);
  };
  const ev = (v: number | null) => v ?? -1;
  const finals: ModelState<number>[] = [];
  for (let i = 0; i < count; i++) {
    const s = integ.init(points.subarray(i * P, (i + 1) * P), i);
    c.captures.forEach((t, j) => {
      while (s.t < t) integ.step(s);
      const f = out[j];
      push(f, 'wd.w', ...s.wd.w);
      push(f, 'wd.v', ...s.wd.v);
      push(f, 'ex.w', ...s.ex.w);
      push(f, 'ex.v', ...s.ex.v);
      push(f, 'lr', s.lr);
      push(f, 'lrExp', s.lrExp);
      push(f, 'scaleExp', s.scaleExp);
      push(f, 'wdScaleExp', s.wdScaleExp);
      push(f, 'gap', integ.angleGap(s));
      push(f, 'divergence', ev(s.divergenceStep));
      push(f, 'overflow', ev(s.overflowStep));
      push(f, 'wdAbsorbed', ev(s.wdAbsorbedStep));
      push(f, 'expAbsorbed', ev(s.expAbsorbedStep));
      push(f, 'underflow', ev(s.underflowStep));
    });
    finals.push(s);
  }
  return { fields: out, finals };
}

async function gpuCaptures(c: Case, layout: ModelLayout, sabotage?: ModelSabotage): Promise<Fields[]> {
  const { model, points, schedule } = caseSetup(c);
  const engine = await ModelEngine.create(ctx!, {
    precision: 'f32',
    layout,
    model,
    schedule,
    tolerance: TOL,
    points,
    numerics: c.numerics,
    steps: c.captures[c.captures.length - 1],
    sabotage,
  });
  try {
    const snaps = await engine.capture(c.captures, { full: true });
    return snaps.map((s) => ({
      'wd.w': Array.from(s.wdW),
      'wd.v': Array.from(s.wdV!),
      'ex.w': Array.from(s.exW),
      'ex.v': Array.from(s.exV!),
      lr: Array.from(s.lr),
      lrExp: Array.from(s.lrExp),
      scaleExp: Array.from(s.scaleExp),
      wdScaleExp: Array.from(s.wdScaleExp),
      gap: Array.from(s.d2, (d2, i) =>
        s.overflowStep[i] >= 0 ? Number.NaN : 2 * Math.atan2(Math.sqrt(d2), Math.sqrt(s.s2[i])),
      ),
      divergence: Array.from(s.divergenceStep),
      overflow: Array.from(s.overflowStep),
      wdAbsorbed: Array.from(s.wdAbsorbedStep),
      expAbsorbed: Array.from(s.expAbsorbedStep),
      underflow: Array.from(s.underflowStep),
    }));
  } finally {
    engine.destroy();
  }
}

function expectSame(gpu: Fields[], cpu: Fields[], c: Case, label: string) {
  cpu.forEach((f, j) => {
    for (const k of Object.keys(f)) {
      expect(gpu[j][k], `${label}: ${k} at step ${c.captures[j]}`).toEqual(f[k]);
    }
  });
}

describe.skipIf(!ctx)('model kernels (f32) vs the float32 ModelIntegrator, bit for bit', () => {
  for (const c of CASES) {
    it(`${c.name}: both decompositions`, async () => {
      const cpu = cpuCaptures(c, F32);
      c.covers(cpu.finals);
      for (const layout of MODEL_LAYOUTS) {
        const gpu = await gpuCaptures(c, layout);
        if (!isSwiftShader) continue; // elsewhere inverseSqrt may differ from the mirror by an ulp
        expectSame(gpu, cpu.fields, c, layout);
      }
    });
  }

  it('the test can fail: a kernel summing z from the last feature, and a float64 mirror, do not match', async () => {
    const c = CASES[0];
    const cpu = cpuCaptures(c, F32).fields;
    const last = cpu.length - 1;
    const sabotaged = await gpuCaptures(c, 'invocation', 'dot-order');
    expect(sabotaged[last]['ex.w']).not.toEqual(cpu[last]['ex.w']);
    expect(sabotaged[last].divergence).not.toEqual(cpu[last].divergence);
    const gpu = await gpuCaptures(c, 'workgroup');
    const f64 = cpuCaptures(c, F64).fields;
    expect(gpu[last]['ex.w']).not.toEqual(f64[last]['ex.w']);
    expect(gpu[last].divergence).not.toEqual(f64[last].divergence);
  });

  it("the kernel's divergence test equals gapExceeds' float64 comparison at the threshold", async () => {
    // Pairs (d2, s2) with d2 the float32 values around fl64(T·s2), where float32 arithmetic would decide
    // differently, plus zeros, huge and tiny ratios and non-finite values.
    for (const tol of [1e-3, 0.3, 1e-7]) {
      const { t } = tan2Parts(tol);
      const d2: number[] = [];
      const s2: number[] = [];
      const next = (x: number, dir: number) => {
        const f = new Float32Array([x]);
        const u = new Uint32Array(f.buffer);
        u[0] += dir;
        return f[0];
      };
      let seed = 7;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      for (let k = 0; k < 2000; k++) {
        const s = Math.fround(4 * rnd() ** 3 + 1e-30);
        const y = Math.fround(t * s);
        for (const dv of [y, next(y, 1), next(y, -1)]) {
          d2.push(dv);
          s2.push(s);
        }
      }
      const inf = Number.POSITIVE_INFINITY;
      const specials: [number, number][] = [
        [0, 1],
        [0, 0],
        [1, 0],
        [0.5, 4],
        [3.9, 1e-20],
        [1e-30, 4],
        [Number.NaN, 1],
        [1, Number.NaN],
        [inf, 1],
        [1, inf],
        [inf, inf],
        [0, inf],
      ];
      for (const [a, b] of specials) {
        d2.push(a);
        s2.push(b);
      }
      const got = await gpuExceeds(tol, d2, s2);
      const want = d2.map((a, i) => (gapExceeds(a, s2[i], t) ? 1 : 0));
      expect(got).toEqual(want);
      // The float32 comparison would have decided some of these differently: the test reaches the edge.
      const f32Says = d2.map((a, i) => (!(s2[i] > 0) || !(a <= Math.fround(Math.fround(t) * s2[i])) ? 1 : 0));
      if (tol === 1e-3) expect(f32Says).not.toEqual(want);
    }
  });

  it('runModelOnDevice gives the records of simulateModel (f32 mirror, crossing off)', async () => {
    const config: ModelConfig = {
      loss: { bnMlp: { dataset: 'moons', n: 40, d: 2, seed: 6, hidden: 3 } },
      optimizer: opt({ lr: 0.3, weightDecay: 0.1, momentum: 0.5, milestones: [50], lrDecay: 0.5 }),
      init: { ring: { count: 6, radius: 1, seed: 3 } },
      steps: 90,
      sampleEvery: 7,
      driftTolerance: TOL,
      precision: 'f32',
      backend: 'gpu',
      numerics: { renormalize: true, lrMode: 'recurrence' },
    };
    const model = resolveModel(config.loss);
    const P = paramCount(model);
    const integ = new ModelIntegrator(
      F32,
      model,
      toExponential(config.optimizer),
      TOL,
      config.numerics,
      undefined,
      false,
    );
    const cpu = simulateModel(integ, modelInitialPoints(config.init, P), config.steps, config.sampleEvery);
    for (const layout of MODEL_LAYOUTS) {
      const run = await runModelOnDevice(ctx!, config, { layout });
      expect(run.records.length).toBe(6);
      expect(run.trajectoryStepsPerSecond).toBeGreaterThan(0);
      if (isSwiftShader) expect(run.records).toEqual(cpu);
    }
  });

  it("the CLI's runModelGpu: the CPU backend's output contract, crossing not checked", async () => {
    const config: ModelConfig = {
      loss: { bnLogistic: { dataset: 'gaussians', n: 32, d: 5, seed: 9 } },
      optimizer: opt({ lr: 0.2, weightDecay: 0.05, momentum: 0.5 }),
      init: { random: { count: 4, seed: 2, radius: [0.5, 2] } },
      steps: 160,
      sampleEvery: 20,
      driftTolerance: TOL,
      precision: 'f32',
      backend: 'gpu',
      numerics: { renormalize: true, lrMode: 'recurrence' },
    };
    const gpu = await runModelGpu(config);
    const cpu = runModelCpu({ ...config, backend: 'cpu' }, { crossing: false });
    expect(gpu.backend).toBe('gpu');
    expect(gpu.crossing).toBe('not checked on the gpu backend');
    expect(gpu.adapter).toBe(ctx!.description);
    for (const t of gpu.trajectories) expect(t.crossingStep).toBeNull();
    if (!isSwiftShader) return;
    expect(gpu.trajectories).toEqual(cpu.trajectories);
    expect(gpu.summary).toEqual(cpu.summary);
  });

  it('a batch beyond the device limits is refused before anything is allocated, naming the limit', () => {
    const lim = ctx!.device.limits;
    const shape = {
      precision: 'f32' as const,
      layout: 'invocation' as const,
      n: 256,
      d: 256,
      hidden: 1,
      rateCount: 1,
    };
    expect(() => checkModelLimits(lim, { ...shape, count: 1 << 22 })).toThrow(ModelLimitError);
    expect(() => checkModelLimits(lim, { ...shape, count: 1 << 22 })).toThrow(
      /weight-vector.*use at most \d+/,
    );
    expect(() => checkModelLimits(lim, { ...shape, count: 8, scratchBytes: 1024 })).toThrow(/scratch/);
    expect(() => checkModelLimits(lim, { ...shape, count: 8, workgroupSize: 1 << 16 })).toThrow(
      /workgroup size/,
    );
    const ok = checkModelLimits(lim, { ...shape, count: 40_000 }, ctx!.maxInvocationsPerDispatch);
    expect(ok.perDispatch).toBeLessThanOrEqual(ctx!.maxInvocationsPerDispatch);
  });
});

/** The f32 kernel's `exceeds` on each pair, as 0/1, through a kernel of its own on the model prelude. */
async function gpuExceeds(tol: number, d2: number[], s2: number[]): Promise<number[]> {
  const device = ctx!.device;
  const code = `${modelPrelude({ precision: 'f32', layout: 'invocation' })}
@group(1) @binding(0) var<storage, read> pairs: array<vec2<f32>>;
@group(1) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn exceeds_test(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= arrayLength(&pairs)) { return; }
  out[gid.x] = select(0u, 1u, exceeds(pairs[gid.x].x, pairs[gid.x].y));
}`;
  const module = await compileShaderModule(device, 'model exceeds test shader', code);
  const pipeline = await device.createComputePipelineAsync({
    label: 'model exceeds test pipeline',
    layout: 'auto',
    compute: { module, entryPoint: 'exceeds_test' },
  });
  const view = makeStructuredView(structDefinition(MODEL_PARAMS_STRUCT, 'f32'));
  const parts = tan2Parts(tol);
  view.set({ tan2_exp: parts.m, tan2_a: parts.a, tan2_b: parts.b, tan2_c: parts.c });
  const params = device.createBuffer({
    label: 'model exceeds test params',
    size: view.arrayBuffer.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(params, 0, view.arrayBuffer);
  const input = new Float32Array(d2.flatMap((a, i) => [a, s2[i]]));
  const n = d2.length;
  const inBuf = device.createBuffer({
    label: 'model exceeds test pairs',
    size: input.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  const outBuf = device.createBuffer({
    label: 'model exceeds test output',
    size: n * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  device.queue.writeBuffer(inBuf, 0, input);
  const encoder = device.createCommandEncoder({ label: 'model exceeds test encoder' });
  const pass = encoder.beginComputePass({ label: 'model exceeds test pass' });
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      label: 'model exceeds test params group',
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: params } }],
    }),
  );
  pass.setBindGroup(
    1,
    device.createBindGroup({
      label: 'model exceeds test io group',
      layout: pipeline.getBindGroupLayout(1),
      entries: [
        { binding: 0, resource: { buffer: inBuf } },
        { binding: 1, resource: { buffer: outBuf } },
      ],
    }),
  );
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  device.queue.submit([encoder.finish()]);
  const bytes = await readBufferRange(device, outBuf, n * 4, { label: 'model exceeds test readback' });
  for (const b of [params, inBuf, outBuf]) b.destroy();
  return Array.from(new Uint32Array(bytes));
}
