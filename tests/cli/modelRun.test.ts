/**
 * `scaleinv-lab run` on a model config (bnMlp, explicit data), spawned as a process: exit 0 and the JSON
 * contract (model info; per trajectory d-vectors in wd and expProjected, loss and accuracy arrays,
 * divergenceCause), with the f64 numbers checked against an independent weight-decay run written here in
 * decimal.js (the batch-norm gradient of tests/core/model/modelReference.ts, PyTorch's SGD buffer form
 * v ← γv + ∇L(w) + λw, w ← w − ηv). Bad usage exits 2 with one line on stderr: a bad label, --out x.csv
 * (a model run writes JSON only), --backend gpu --precision bf16.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../src/core/model/types';
import {
  type Dec,
  decimalModel,
  exactOf,
  normal,
  referenceGradient,
  referenceLoss,
} from '../core/model/modelReference';
import { type CliResult, cli, tempConfig } from './cliHarness';

/** Exit 2, nothing on stdout, exactly one line on stderr, no stack trace; returns that line. */
function expectUsageError(r: CliResult): string {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(lines[0].startsWith('scaleinv-lab: ')).toBe(true);
  return lines[0];
}

// Explicit data (12 points in ℝ³, labels alternating), drawn here so that the reference needs no dataset code.
const N = 12;
const DIM = 3;
const HIDDEN = 2;
const READOUT = [0.8, -0.6];
const g = normal(41);
const XS = Array.from({ length: N }, (_, i) =>
  Array.from({ length: DIM }, (_, k) => g() + (k === 0 ? (i % 2 ? -1 : 1) : 0)),
);
const YS = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 1 : -1));
const STARTS = [
  [0.6, -0.3, 0.2, -0.1, 0.5, 0.4],
  [-0.2, 0.9, -0.7, 0.3, 0.1, -0.8],
];
const LR = 0.2;
const WD = 0.05;
const MOMENTUM = 0.5;
const STEPS = 40;
const EVERY = 10;

const CONFIG = {
  loss: { bnMlp: { x: XS, y: YS, hidden: HIDDEN, readout: READOUT } },
  optimizer: { lr: LR, weightDecay: WD, momentum: MOMENTUM, milestones: [], lrDecay: 0.1 },
  init: { points: STARTS },
  steps: STEPS,
  sampleEvery: EVERY,
  driftTolerance: 1e-3,
  precision: 'f64',
  backend: 'cpu',
};

/** The model as the reference takes it (a plain object: no code under test). */
const MODEL: ResolvedModel = {
  kind: 'bnMlp',
  n: N,
  d: DIM,
  hidden: HIDDEN,
  x: Float64Array.from(XS.flat()),
  y: Float64Array.from(YS),
  readout: Float64Array.from(READOUT),
  eps: 0,
};
const M = decimalModel(MODEL, 40);

/** The weight-decay run in decimal: w at steps 0, EVERY, 2·EVERY, … */
function referenceRun(start: number[], weightDecay = WD): Dec[][] {
  let w = start.map((v) => exactOf(M.D, v));
  let v = w.map(() => new M.D(0));
  const [eta, lambda, gamma] = [LR, weightDecay, MOMENTUM].map((c) => exactOf(M.D, c));
  const out = [w];
  for (let t = 1; t <= STEPS; t++) {
    const grad = referenceGradient(M, w);
    v = v.map((vk, k) => vk.times(gamma).plus(grad[k]).plus(w[k].times(lambda)));
    w = w.map((wk, k) => wk.minus(v[k].times(eta)));
    if (t % EVERY === 0) out.push(w);
  }
  return out;
}

/** ‖a − b‖/‖b‖ (b decimal). */
function relDistance(a: number[], b: Dec[]): number {
  let d2 = new M.D(0);
  let n2 = new M.D(0);
  b.forEach((bk, k) => {
    d2 = d2.plus(exactOf(M.D, a[k]).minus(bk).pow(2));
    n2 = n2.plus(bk.pow(2));
  });
  return d2.div(n2).sqrt().toNumber();
}

interface Samples {
  step: number[];
  wd: (number[] | null)[];
  expProjected: (number[] | null)[];
  wdNormLog2: (number | null)[];
  expNormLog2: (number | null)[];
  angleGap: (number | null)[];
  wdLoss: (number | null)[];
  wdAccuracy: (number | null)[];
  expLoss: (number | null)[];
  expAccuracy: (number | null)[];
}
interface Output {
  model: { kind: string; n: number; d: number; hidden: number; params: number; eps: number };
  precision: string;
  backend: string;
  steps: number;
  sampleEvery: number;
  summary: unknown[];
  trajectories: {
    init: number[];
    divergenceStep: number | null;
    overflowStep: number | null;
    divergenceCause: string | null;
    samples: Samples;
  }[];
}

describe('scaleinv-lab run on a model config', () => {
  const tmp = tempConfig('scaleinv-model-', CONFIG);

  it('exits 0 with the model output contract, and the numbers of an independent decimal run', () => {
    const r = cli(['run', tmp.config]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Output;
    expect(out.model).toEqual({ kind: 'bnMlp', n: N, d: DIM, hidden: HIDDEN, params: HIDDEN * DIM, eps: 0 });
    expect([out.precision, out.backend, out.steps, out.sampleEvery]).toEqual(['f64', 'cpu', STEPS, EVERY]);
    expect(out.summary).toHaveLength(STEPS / EVERY + 1);
    expect(out.trajectories).toHaveLength(STARTS.length);
    out.trajectories.forEach((t, i) => {
      expect(t.init).toEqual(STARTS[i]);
      expect(t.divergenceStep).toBeNull();
      expect(t.overflowStep).toBeNull();
      expect(t).toHaveProperty('divergenceCause', null);
      const s = t.samples;
      expect(s.step).toEqual([0, 10, 20, 30, 40]);
      for (const key of Object.keys(s) as (keyof Samples)[]) expect(s[key], key).toHaveLength(s.step.length);
      const ref = referenceRun(STARTS[i]);
      s.step.forEach((_, j) => {
        const wd = s.wd[j] as number[];
        const ex = s.expProjected[j] as number[];
        expect(wd).toHaveLength(HIDDEN * DIM);
        expect(ex).toHaveLength(HIDDEN * DIM);
        expect(relDistance(wd, ref[j])).toBeLessThan(1e-12);
        expect(relDistance(ex, ref[j])).toBeLessThan(1e-12);
        const norm = ref[j]
          .reduce((a, c) => a.plus(c.pow(2)), new M.D(0))
          .sqrt()
          .toNumber();
        expect(Math.abs((s.wdNormLog2[j] as number) - Math.log2(norm))).toBeLessThan(1e-12);
        // The loss is scale invariant: the reference loss at w itself.
        const loss = referenceLoss(M, ref[j]).toNumber();
        expect(Math.abs((s.wdLoss[j] as number) / loss - 1)).toBeLessThan(1e-12);
        expect(Math.abs((s.expLoss[j] as number) / loss - 1)).toBeLessThan(1e-12);
        for (const acc of [s.wdAccuracy[j], s.expAccuracy[j]]) {
          expect(Number.isInteger((acc as number) * N)).toBe(true);
        }
        expect(s.angleGap[j]).toBeLessThan(1e-12);
      });
      // The run moved (a run standing still would match the reference's start trivially), and the check
      // sees a reference with the weight decay left out.
      expect(relDistance(s.wd[4] as number[], ref[0])).toBeGreaterThan(1e-3);
      expect(relDistance(s.wd[4] as number[], referenceRun(STARTS[i], 0)[4])).toBeGreaterThan(1e-6);
    });
  });

  it('--out run.json writes the same JSON to the file', () => {
    const file = join(tmp.dir, 'run.json');
    const r = cli(['run', tmp.config, '--out', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const out = JSON.parse(readFileSync(file, 'utf8')) as Output;
    expect(out.model.kind).toBe('bnMlp');
    expect(out.trajectories[1].samples.wd[4]).toHaveLength(HIDDEN * DIM);
  });

  it('a bad label exits 2 with the field and what is allowed', () => {
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ ...CONFIG, loss: { bnMlp: { ...CONFIG.loss.bnMlp, y: [1, 0, ...YS.slice(2)] } } }),
    );
    const line = expectUsageError(cli(['run', bad]));
    expect(line).toBe('scaleinv-lab: loss.bnMlp.y[1]: 0 is not a label (labels are 1 or -1)');
  });

  it('--out x.csv exits 2: a model run writes JSON (and no file is made)', () => {
    const csv = join(tmp.dir, 'x.csv');
    const line = expectUsageError(cli(['run', tmp.config, '--out', csv]));
    expect(line).toContain('a model run writes JSON');
    expect(line).toContain('use a .json file');
    expect(existsSync(csv)).toBe(false);
  });

  it('--backend gpu --precision bf16 exits 2: models run on the gpu in f32 and df64', () => {
    const line = expectUsageError(cli(['run', tmp.config, '--backend', 'gpu', '--precision', 'bf16']));
    expect(line).toContain(
      'precision: models run on the gpu backend in f32 and df64, not bf16 (use backend "cpu")',
    );
  });
});
