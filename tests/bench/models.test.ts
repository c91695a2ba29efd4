/**
 * The bench's model section (src/bench/models.ts, issue 16): its flop count against an independent count of
 * the operations the reference performs (an Arith that counts), and its NumPy and PyTorch peers against the
 * TypeScript float64 integrator on tiny problems — with a sabotaged input (a wrong momentum) that must fail
 * the same comparison. Peer tests are skipped loudly when no interpreter has numpy / torch, and fail in CI
 * (process.env.CI set) instead.
 */
import { describe, expect, it } from 'vitest';
import { modelFlops } from '../../src/bench/modelFlops';
import { F32_AGREEMENT, F64_AGREEMENT } from '../../src/bench/modelJob';
import {
  compareSnapshots,
  findPython,
  MODEL_NUMPY_PEER,
  MODEL_TORCH_PEER,
  type ModelPeerResult,
  type ModelProblem,
  type PeerConstants,
  type PeerRun,
  runModelPeersAsync,
  writeModelPeerInput,
} from '../../src/bench/modelPeers';
import { runModelTs } from '../../src/bench/modelRows';
import { type Arith, F64 } from '../../src/core/arith';
import { LEGACY_NUMERICS } from '../../src/core/integratorState';
import { BnGradient } from '../../src/core/model/bnGradient';
import { expConstants, expInFormat } from '../../src/core/model/expInFormat';
import { modelInitialPoints } from '../../src/core/model/modelInit';
import { ModelIntegrator } from '../../src/core/model/modelIntegrator';
import { resolveModel } from '../../src/core/model/resolveModel';
import { type ModelLossSpec, paramCount, type ResolvedModel } from '../../src/core/model/types';
import { angleGapInFormat } from '../../src/core/model/vectorGap';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';

// ---------------------------------------------------------------------------------------------------------
// An Arith that counts: + − × ÷ and 1/√ are one operation each; sign flips, scaling by powers of two and
// conversions are free (the conventions of modelFlops, except exp, which the test takes apart itself).

function countingArith(): { A: Arith<number>; count: () => number; reset: () => void } {
  let n = 0;
  const op =
    (f: (a: number, b: number) => number) =>
    (a: number, b: number): number => {
      n++;
      return f(a, b);
    };
  const A: Arith<number> = {
    ...F64,
    add: op(F64.add),
    sub: op(F64.sub),
    mul: op(F64.mul),
    div: op(F64.div),
    invSqrt: (a) => {
      n++;
      return F64.invSqrt(a);
    },
  };
  return {
    A,
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}

const LOGISTIC: ModelLossSpec = { bnLogistic: { dataset: 'gaussians', n: 10, d: 3, seed: 2 } };
const LOGISTIC_EPS: ModelLossSpec = { bnLogistic: { dataset: 'gaussians', n: 9, d: 4, seed: 3, eps: 1e-5 } };
const MLP: ModelLossSpec = { bnMlp: { dataset: 'moons', n: 12, d: 2, seed: 4, hidden: 3 } };
const OPT: OptimizerConfig = { lr: 0.2, weightDecay: 0.05, momentum: 0.5, milestones: [], lrDecay: 1 };

/** Operations of one expInFormat call (a fixed sequence for finite arguments). */
function expOps(): number {
  const { A, count, reset } = countingArith();
  const c = expConstants(A);
  const counts = [0.3, -1.7, 4.2].map((x) => {
    reset();
    expInFormat(A, c, x);
    return count();
  });
  expect(new Set(counts).size, 'exp costs the same for every argument').toBe(1);
  return counts[0];
}

/** ẑ_ij > 0 and ≤ 0 at w, computed here in float64 (bnMlp's reference skips products where ẑ ≤ 0). */
function reluSigns(m: ResolvedModel, w: ArrayLike<number>): { pos: number; nonpos: number } {
  let pos = 0;
  for (let j = 0; j < m.hidden; j++) {
    const z = Array.from({ length: m.n }, (_, i) => {
      let s = 0;
      for (let k = 0; k < m.d; k++) s += m.x[i * m.d + k] * w[j * m.d + k];
      return s;
    });
    const mean = z.reduce((a, b) => a + b, 0) / m.n;
    pos += z.filter((v) => v - mean > 0).length;
  }
  return { pos, nonpos: m.hidden * m.n - pos };
}

/**
 * What the reference performs beyond the dense count, per gradient: bnMlp multiplies a_j·relu(ẑ) and a_j·g
 * only where ẑ > 0 (nonpos fewer each) and forms ĝ twice, in the two backward loops (pos more).
 */
function referenceExtra(m: ResolvedModel, w: ArrayLike<number>): number {
  if (m.kind !== 'bnMlp') return 0;
  const { pos, nonpos } = reluSigns(m, w);
  return pos - 2 * nonpos;
}

describe('model flop count', () => {
  it('the bench job: bnLogistic, d 8, n 256', () => {
    const f = modelFlops({ kind: 'bnLogistic', n: 256, d: 8, hidden: 1, eps: 0 });
    expect(f).toEqual({ gradient: 12025, update: 81, seedStep: 24131 });
  });

  for (const [name, spec] of [
    ['bnLogistic', LOGISTIC],
    ['bnLogistic with eps', LOGISTIC_EPS],
    ['bnMlp', MLP],
  ] as const) {
    it(`${name}: one gradient and one seed-step, counted operation by operation`, () => {
      const m = resolveModel(spec);
      const P = paramCount(m);
      const w0 = modelInitialPoints({ random: { count: 1, seed: 7, radius: [0.5, 2] } }, P);
      const f = modelFlops(m);
      const perExp = expOps();
      const expExtra = m.n * (perExp - 1); // modelFlops counts each exp as 1
      const { A, count, reset } = countingArith();

      const grad = new BnGradient(A, m);
      const out = new Array<number>(P).fill(0);
      reset();
      grad.gradient(Array.from(w0), out);
      expect(count() - expExtra).toBe(f.gradient + referenceExtra(m, w0));

      // One step: both runs' gradients (both at w0 on the first step) and updates, and the drift test,
      // which modelFlops leaves out: count it on the same state and take it away.
      const integ = new ModelIntegrator(A, m, toExponential(OPT), 1e-3, LEGACY_NUMERICS, undefined, false);
      const s = integ.init(w0);
      reset();
      integ.step(s);
      const stepOps = count();
      reset();
      angleGapInFormat(A, s.wd.w, s.ex.w);
      const gapOps = count();
      expect(stepOps - gapOps - 2 * expExtra).toBe(f.seedStep + 2 * referenceExtra(m, w0));
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// The peers on tiny problems

const STEPS = 40;
const SEEDS = 6;
const CI = !!process.env.CI;

function tinyProblem(spec: ModelLossSpec): ModelProblem {
  const model = resolveModel(spec);
  return {
    model,
    optimizer: OPT,
    schedule: toExponential(OPT),
    tolerance: 1e-3,
    points: modelInitialPoints({ random: { count: SEEDS, seed: 5, radius: [0.5, 2] } }, paramCount(model)),
    steps: STEPS,
  };
}

const PROBLEMS = {
  bnLogistic: tinyProblem({ bnLogistic: { dataset: 'gaussians', n: 24, d: 3, seed: 1 } }),
  bnMlp: tinyProblem({ bnMlp: { dataset: 'moons', n: 24, d: 2, seed: 1, hidden: 3 } }),
};

const numpy = findPython('numpy');
const torch = findPython('torch');
for (const [module, py] of [
  ['numpy', numpy],
  ['torch', torch],
] as const) {
  if (!py) {
    console.warn(
      `[models.test] ${CI ? 'FAILING' : 'SKIPPED'} the ${module} model peer tests: no python with ${module} ` +
        `(Debian: apt-get install python3-${module}; /usr/bin/python3 is tried first)`,
    );
  }
}

interface PeerCase {
  what: string;
  python: string | null;
  script: string;
  problem: keyof typeof PROBLEMS;
  run: PeerRun;
  tolerance: number;
  sabotage?: Partial<PeerConstants>;
}

const torchRun = (grad: PeerRun['grad'], dtype: PeerRun['dtype'] = 'float64'): PeerRun => ({
  grad,
  dtype,
  threads: 1,
});

const CASES: PeerCase[] = [
  {
    what: 'NumPy f64',
    python: numpy,
    script: MODEL_NUMPY_PEER,
    problem: 'bnLogistic',
    run: {},
    tolerance: F64_AGREEMENT,
  },
  {
    what: 'NumPy f64',
    python: numpy,
    script: MODEL_NUMPY_PEER,
    problem: 'bnMlp',
    run: {},
    tolerance: F64_AGREEMENT,
  },
  {
    what: 'PyTorch f64 explicit gradient',
    python: torch,
    script: MODEL_TORCH_PEER,
    problem: 'bnLogistic',
    run: torchRun('formula'),
    tolerance: F64_AGREEMENT,
  },
  {
    what: 'PyTorch f64 explicit gradient',
    python: torch,
    script: MODEL_TORCH_PEER,
    problem: 'bnMlp',
    run: torchRun('formula'),
    tolerance: F64_AGREEMENT,
  },
  {
    what: 'PyTorch f64 autograd',
    python: torch,
    script: MODEL_TORCH_PEER,
    problem: 'bnMlp',
    run: torchRun('autograd'),
    tolerance: F64_AGREEMENT,
  },
  {
    what: 'PyTorch f64 functorch.vmap(grad)',
    python: torch,
    script: MODEL_TORCH_PEER,
    problem: 'bnLogistic',
    run: torchRun('vmap'),
    tolerance: F64_AGREEMENT,
  },
  {
    what: 'PyTorch f32 explicit gradient',
    python: torch,
    script: MODEL_TORCH_PEER,
    problem: 'bnLogistic',
    run: torchRun('formula', 'float32'),
    tolerance: F32_AGREEMENT,
  },
];

const SABOTAGED: PeerCase[] = [
  { ...CASES[0], sabotage: { momentum: 0.45 } },
  { ...CASES[3], sabotage: { momentum: 0.45 } },
];

const reference = {
  bnLogistic: runModelTs(F64, PROBLEMS.bnLogistic, SEEDS, STEPS, { seeds: SEEDS, step: STEPS }),
  bnMlp: runModelTs(F64, PROBLEMS.bnMlp, SEEDS, STEPS, { seeds: SEEDS, step: STEPS }),
};

// Every peer run at once: one process per script (its runs separated by --then), both scripts side by side.
const results = new Map<PeerCase, Promise<ModelPeerResult>>();
for (const script of [MODEL_NUMPY_PEER, MODEL_TORCH_PEER]) {
  const cases = [...CASES, ...SABOTAGED].filter((c) => c.script === script && c.python);
  if (cases.length === 0) continue;
  const jobs = cases.map((c) => {
    const name = `${c.problem}-${c.what.replace(/\W+/g, '-')}${c.sabotage ? '-sabotaged' : ''}.json`;
    const input = writeModelPeerInput(PROBLEMS[c.problem], { seeds: SEEDS, step: STEPS }, name, c.sabotage);
    return { input, run: c.run };
  });
  const all = runModelPeersAsync(cases[0].python!, script, jobs);
  all.catch(() => {}); // reported by the tests that await it
  cases.forEach((c, k) => {
    results.set(
      c,
      all.then((r) => r[k]),
    );
  });
}

describe('model peers against the TypeScript float64 integrator', () => {
  it('the tiny problems are compared before their runs split (the comparison is meaningful)', () => {
    for (const r of Object.values(reference)) {
      expect(r.snapshot.step).toBe(STEPS);
      expect(r.snapshotGap).toBeLessThan(1e-12);
    }
  });

  it.runIf(CI)('CI has numpy and torch for /usr/bin/python3 (or $BENCH_PYTHON)', () => {
    expect(numpy, 'no python with numpy').not.toBeNull();
    expect(torch, 'no python with torch').not.toBeNull();
  });

  for (const c of CASES) {
    it.skipIf(!c.python)(`${c.what} agrees on ${c.problem} (within ${c.tolerance})`, async () => {
      const r = await results.get(c)!;
      const P = paramCount(PROBLEMS[c.problem].model);
      expect(r.seeds).toBe(SEEDS);
      expect(r.steps).toBe(STEPS);
      const a = compareSnapshots(r, reference[c.problem].snapshot, P, SEEDS, c.tolerance);
      expect(a.seeds).toBe(SEEDS);
      expect(a.exSeeds).toBe(SEEDS);
      expect(a.ok, a.summary).toBe(true);
      if (c.run.dtype === 'float32') {
        // and it did compute in float32: not as close as a float64 run
        expect(a.wd, a.summary).toBeGreaterThan(1e-9);
      }
    });
  }

  for (const c of SABOTAGED) {
    it.skipIf(!c.python)(`${c.what} given a wrong momentum fails the comparison (${c.problem})`, async () => {
      const r = await results.get(c)!;
      const P = paramCount(PROBLEMS[c.problem].model);
      const a = compareSnapshots(r, reference[c.problem].snapshot, P, SEEDS, c.tolerance);
      expect(a.ok, a.summary).toBe(false);
      expect(a.wd).toBeGreaterThan(1e-6);
    });
  }

  it('the comparison refuses snapshots of different steps', () => {
    const ref = reference.bnLogistic.snapshot;
    expect(compareSnapshots({ ...ref, step: ref.step - 1 }, ref, 3, SEEDS, 1).ok).toBe(false);
    expect(compareSnapshots(ref, ref, 3, SEEDS, 0).ok).toBe(true);
  });
});
