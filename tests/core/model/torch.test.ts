/**
 * The CPU reference of the batch-normalised models against PyTorch (scripts/torch_reference.py): the same
 * float64 data and starts, torch.optim.SGD with weight decay and momentum on nn.Linear + nn.BatchNorm1d
 * (+ ReLU + readout), and its exponential twin by LambdaLR with the pre-set momentum buffer.
 *
 * Agreement window. Two float64 implementations of a chaotic map agree only until their rounding
 * differences are amplified; the weight-decay run and its twin split the same way (their angle gap is
 * rounding amplified), so each trajectory is compared over the steps before the angle gap of either side's
 * equivalent runs first exceeds HORIZON (1e−11 rad, 10⁸ below the 1e−3 split tolerance). Where the gap
 * jumps through the tolerance (gaussians) that is ~10 steps before the split; where the runs wander
 * (moons), rounding differences reach 1e−9 long before the gap reaches 1e−3, so the window ends earlier.
 *
 * Skipped loudly without PyTorch (Debian's python3-torch under /usr/bin/python3); in CI (CI set) its
 * absence is a failure: scripts/test.sh installs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRunOutput, ModelTrajectoryOutput } from '../../../src/core/model/modelOutput';
import {
  maxRelError,
  ourRun,
  TORCH_PYTHON,
  TORCH_SCRIPT,
  type TorchProblem,
  type TorchResult,
  type TorchTrajectory,
  torchAvailable,
  torchProblem,
} from './torchHarness';

const RTOL = 1e-9;
/** The window ends where either side's weight-decay run and twin are this far apart in angle. */
const HORIZON = 1e-11;
const STEPS = 300;
const STARTS = 3;

const SETTINGS = {
  issue: { lr: 0.2, weightDecay: 0.05, momentum: 0.5 },
  noMomentum: { lr: 0.2, weightDecay: 0.05, momentum: 0 },
  lr05: { lr: 0.5, weightDecay: 0.05, momentum: 0.5 },
  stepDecay: { lr: 0.2, weightDecay: 0.05, momentum: 0.5, milestones: [100], lrDecay: 0.5 },
} as const;
type SettingName = keyof typeof SETTINGS;

type ModelName = 'bnLogistic' | 'bnMlp';
type DatasetName = 'gaussians' | 'moons';

function loss(model: ModelName, dataset: DatasetName, eps?: number) {
  const body = { dataset, n: 64, d: 8, seed: 3, ...(eps === undefined ? {} : { eps }) };
  return model === 'bnLogistic' ? { bnLogistic: body } : { bnMlp: { ...body, hidden: 4 } };
}

function configInput(
  model: ModelName,
  dataset: DatasetName,
  setting: SettingName,
  extra: { eps?: number; steps?: number; count?: number } = {},
): Record<string, unknown> {
  return {
    loss: loss(model, dataset, extra.eps),
    optimizer: SETTINGS[setting],
    init: { random: { count: extra.count ?? STARTS, seed: 1, radius: [1, 1] } },
    steps: extra.steps ?? STEPS,
    sampleEvery: 1,
    precision: 'f64',
  };
}

interface Case {
  id: string;
  model: ModelName;
  dataset: DatasetName;
  setting: SettingName;
  input: Record<string, unknown>;
}

const CASES: Case[] = [];
for (const model of ['bnLogistic', 'bnMlp'] as const) {
  for (const dataset of ['gaussians', 'moons'] as const) {
    const settings: SettingName[] = ['issue', 'noMomentum', 'lr05'];
    // Step decay (the twin's rate jump and buffer correction at the milestone) on two of them.
    if ((model === 'bnLogistic') === (dataset === 'gaussians')) settings.push('stepDecay');
    for (const setting of settings) {
      CASES.push({
        id: `${model}/${dataset}/${setting}`,
        model,
        dataset,
        setting,
        input: configInput(model, dataset, setting),
      });
    }
  }
}
/** The issue's example runs through the CLI (bin/scaleinv-lab.mjs run), the rest through runModelCpu. */
const CLI_CASE = 'bnLogistic/gaussians/issue';

// (c) eps = 1e−5: not scale invariant. (d) sabotaged PyTorch calls. One start each, on both models.
const SHORT = 150;
const EPS_INPUTS = {
  bnLogistic: configInput('bnLogistic', 'gaussians', 'issue', { eps: 1e-5, steps: SHORT, count: 1 }),
  bnMlp: configInput('bnMlp', 'gaussians', 'issue', { eps: 1e-5, steps: SHORT, count: 1 }),
};
const SHORT_INPUTS = {
  bnLogistic: configInput('bnLogistic', 'gaussians', 'issue', { steps: SHORT, count: 1 }),
  bnMlp: configInput('bnMlp', 'gaussians', 'issue', { steps: SHORT, count: 1 }),
};
const SABOTAGES: Record<string, Partial<TorchProblem>> = {
  'weight decay ×(1 + 1e−6)': { weight_decay: 0.05 * (1 + 1e-6) },
  'momentum + 1e−6': { momentum: 0.5 + 1e-6 },
  'twin without the pre-set buffer': { twin_buffer: 'absent' },
};

function allProblems(): TorchProblem[] {
  const out = CASES.map((c) => torchProblem(c.id, c.input));
  for (const m of ['bnLogistic', 'bnMlp'] as const) {
    out.push(torchProblem(`eps/${m}`, EPS_INPUTS[m]));
    out.push(torchProblem(`short/${m}`, SHORT_INPUTS[m]));
    for (const [name, change] of Object.entries(SABOTAGES)) {
      out.push(torchProblem(`sabotage/${m}/${name}`, SHORT_INPUTS[m], change));
    }
  }
  return out;
}

/** One Python process for the whole batch, asynchronous so that our runs proceed meanwhile. */
function runTorchAsync(problems: TorchProblem[]): Promise<Map<string, TorchResult>> {
  return new Promise((resolve, reject) => {
    const child = spawn(TORCH_PYTHON, [TORCH_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`torch_reference.py exited with ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const doc = JSON.parse(Buffer.concat(out).toString()) as { results: TorchResult[] };
      resolve(new Map(doc.results.map((r) => [r.id, r])));
    });
    child.stdin.end(JSON.stringify({ problems }));
  });
}

function runCli(input: Record<string, unknown>): ModelRunOutput {
  const dir = mkdtempSync(join(tmpdir(), 'scaleinv-torch-'));
  const path = join(dir, 'cfg.json');
  writeFileSync(path, JSON.stringify(input));
  const bin = fileURLToPath(new URL('../../../bin/scaleinv-lab.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'run', path], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`scaleinv-lab run failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** First step whose angle gap exceeds tol (or is missing), else the last step. */
function firstGapAbove(gaps: readonly (number | null)[], tol: number): number {
  const i = gaps.findIndex((g) => !(g !== null && g <= tol));
  return i < 0 ? gaps.length : i;
}

/** The last step of the agreement window (see the header). */
function windowEnd(ours: ModelTrajectoryOutput, torch: TorchTrajectory): number {
  return Math.min(firstGapAbove(ours.samples.angleGap, HORIZON), firstGapAbove(torch.angle, HORIZON)) - 1;
}

interface Comparison {
  id: string;
  start: number;
  window: number;
  oursSplit: number | null;
  torchSplit: number | null;
  /** Our weight-decay run vs PyTorch's, our projected twin vs PyTorch's, PyTorch's run vs its own twin. */
  wd: number;
  exp: number;
  torchTwin: number;
}

function compare(
  id: string,
  ours: ModelRunOutput,
  torch: TorchResult,
  end?: (o: ModelTrajectoryOutput, t: TorchTrajectory) => number,
) {
  return ours.trajectories.map((o, j): Comparison => {
    const t = torch.trajectories[j];
    const window = end ? end(o, t) : windowEnd(o, t);
    return {
      id,
      start: j,
      window,
      oursSplit: o.divergenceStep,
      torchSplit: t.split_step,
      wd: maxRelError(o.samples.wd, t.wd, window).max,
      exp: maxRelError(o.samples.expProjected, t.proj, window).max,
      torchTwin: maxRelError(t.proj, t.wd, window).max,
    };
  });
}

const fmt = (x: number) => x.toExponential(1);

const available = torchAvailable();
const required = Boolean(process.env.CI);

if (!available.ok && !required) {
  console.warn(
    `[torch.test] SKIPPING the PyTorch reference comparison: ${TORCH_PYTHON} cannot import torch (${available.detail}). Install it with: sudo apt-get install -y python3-torch`,
  );
}

describe('CPU reference vs PyTorch (float64)', () => {
  if (!available.ok) {
    if (required) {
      it('has PyTorch', () => {
        expect.fail(
          `PyTorch is missing in CI: ${TORCH_PYTHON} cannot import torch (${available.detail}). scripts/test.sh installs Debian's python3-torch; install it with apt-get install -y python3-torch.`,
        );
      });
    } else {
      it.skip(
        'compares with PyTorch (skipped: no torch under /usr/bin/python3; apt-get install python3-torch)',
      );
    }
    return;
  }

  let torch: Map<string, TorchResult>;
  const ours = new Map<string, ModelRunOutput>();
  let comparisons: Comparison[] = [];

  beforeAll(async () => {
    const pending = runTorchAsync(allProblems());
    for (const c of CASES) ours.set(c.id, c.id === CLI_CASE ? runCli(c.input) : ourRun(c.input));
    for (const m of ['bnLogistic', 'bnMlp'] as const) {
      ours.set(`eps/${m}`, ourRun(EPS_INPUTS[m]));
      ours.set(`short/${m}`, ourRun(SHORT_INPUTS[m]));
    }
    torch = await pending;
    comparisons = CASES.flatMap((c) => compare(c.id, ours.get(c.id)!, torch.get(c.id)!));
    console.log(
      [
        'case start window split(ours) split(torch) | max rel: wd  exp  torch-twin',
        ...comparisons.map(
          (r) =>
            `${r.id} ${r.start} ${r.window} ${r.oursSplit} ${r.torchSplit} | ${fmt(r.wd)} ${fmt(r.exp)} ${fmt(r.torchTwin)}`,
        ),
      ].join('\n'),
    );
  }, 180_000);

  it('(a) our runs equal PyTorch runs to 1e−9 before they split, and PyTorch has the equivalence too', () => {
    expect(comparisons.length).toBe(CASES.length * STARTS);
    for (const r of comparisons) {
      const what = `${r.id} start ${r.start} (steps 0..${r.window})`;
      // A window of a few steps would prove nothing: the shortest measured is 41 steps.
      expect(r.window, `${what}: agreement window`).toBeGreaterThanOrEqual(30);
      expect(r.wd, `${what}: weight-decay run vs torch`).toBeLessThan(RTOL);
      expect(r.exp, `${what}: projected exponential run vs torch's twin`).toBeLessThan(RTOL);
      expect(r.torchTwin, `${what}: torch's weight-decay run vs its own twin`).toBeLessThan(RTOL);
    }
  });

  it('(b) our divergence step is within 10 steps of PyTorch split step', () => {
    // A split step is a property of one rounding realisation where the gap wanders for long before it
    // reaches the tolerance (moons): asserted for every trajectory whose gap goes from the horizon to
    // the split within 30 steps, and reported for all.
    const sharp = comparisons.filter(
      (r) =>
        r.oursSplit !== null && r.torchSplit !== null && Math.max(r.oursSplit, r.torchSplit) - r.window <= 30,
    );
    console.log(
      `split steps, ours − torch: sharp ${sharp.map((r) => r.oursSplit! - r.torchSplit!).join(' ')}; all ${comparisons
        .map((r) =>
          r.oursSplit === null || r.torchSplit === null
            ? `${r.oursSplit}/${r.torchSplit}`
            : r.oursSplit - r.torchSplit,
        )
        .join(' ')}`,
    );
    // 11 of the 42 measured (all gaussians bnLogistic runs, two moons runs without momentum).
    expect(sharp.length, 'trajectories with a sharp split').toBeGreaterThanOrEqual(8);
    for (const r of sharp) {
      expect(Math.abs(r.oursSplit! - r.torchSplit!), `${r.id} start ${r.start}`).toBeLessThanOrEqual(10);
    }
    const close = comparisons.filter(
      (r) =>
        (r.oursSplit === null && r.torchSplit === null) ||
        (r.oursSplit !== null && r.torchSplit !== null && Math.abs(r.oursSplit - r.torchSplit) <= 10),
    );
    // Measured 38 of 42; the misses are moons runs whose gap wanders below the tolerance for 50+ steps.
    const misses = comparisons.filter((r) => !close.includes(r)).map((r) => `${r.id} start ${r.start}`);
    expect(
      close.length / comparisons.length,
      `within 10 steps; misses: ${misses.join(', ')}`,
    ).toBeGreaterThanOrEqual(0.75);
  });

  /** The honest comparison of the short runs: it passes, over a window the variants below reuse. */
  function control(m: ModelName): Comparison {
    const [r] = compare(`short/${m}`, ours.get(`short/${m}`)!, torch.get(`short/${m}`)!);
    expect(r.window, `${m}: control window`).toBeGreaterThanOrEqual(30);
    expect(Math.max(r.wd, r.exp, r.torchTwin), `${m}: control`).toBeLessThan(RTOL);
    return r;
  }

  it('(c) with eps = 1e−5 (not scale invariant) the equivalence fails, in PyTorch and in our run', () => {
    for (const m of ['bnLogistic', 'bnMlp'] as const) {
      const o = ours.get(`eps/${m}`)!;
      const t = torch.get(`eps/${m}`)!;
      expect(o.model.eps).toBe(1e-5);
      const last = control(m).window;
      const [r] = compare(`eps/${m}`, o, t, () => last);
      // The implementations still agree (same non-invariant model)...
      expect(r.wd, `${m}: weight-decay run vs torch`).toBeLessThan(RTOL);
      // ...but the weight-decay run and the projected twin no longer do, on either side.
      expect(r.torchTwin, `${m}: torch's weight-decay run vs its twin`).toBeGreaterThan(RTOL);
      const oursTwin = maxRelError(
        o.trajectories[0].samples.expProjected,
        o.trajectories[0].samples.wd,
        last,
      );
      expect(oursTwin.max, `${m}: our weight-decay run vs our projected twin`).toBeGreaterThan(RTOL);
      console.log(`eps 1e-5 ${m}: wd vs twin torch ${fmt(r.torchTwin)}, ours ${fmt(oursTwin.max)}`);
    }
  });

  it('(d) a sabotaged PyTorch reference fails the 1e−9 comparison', () => {
    for (const m of ['bnLogistic', 'bnMlp'] as const) {
      const o = ours.get(`short/${m}`)!;
      const last = control(m).window;
      for (const name of Object.keys(SABOTAGES)) {
        const t = torch.get(`sabotage/${m}/${name}`)!;
        const [r] = compare(name, o, t, () => last);
        const worst = Math.max(r.wd, r.exp);
        console.log(`sabotage ${m} ${name}: wd ${fmt(r.wd)}, exp ${fmt(r.exp)}`);
        expect(worst, `${m}, ${name}`).toBeGreaterThan(RTOL);
      }
    }
  });
});
