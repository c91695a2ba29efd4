/**
 * Helpers of torch.test.ts: a model config turned into a problem of scripts/torch_reference.py (the same
 * float64 data and starting weights on both sides), one Python process per batch of problems, and the
 * per-step comparisons of the weight vectors.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateModelConfig } from '../../../src/core/model/modelConfig';
import { modelInitialPoints } from '../../../src/core/model/modelInit';
import type { ModelRunOutput } from '../../../src/core/model/modelOutput';
import { runModelCpu } from '../../../src/core/model/modelRun';
import { resolveModel } from '../../../src/core/model/resolveModel';
import { paramCount } from '../../../src/core/model/types';

export const TORCH_SCRIPT = fileURLToPath(new URL('../../../scripts/torch_reference.py', import.meta.url));

/** Debian's python3-torch lives under /usr/bin/python3 (a pyenv python3 on PATH may lack it). */
export const TORCH_PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';

export function torchAvailable(): { ok: boolean; detail: string } {
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.error) return { ok: false, detail: String(r.error) };
  return { ok: r.status === 0, detail: r.status === 0 ? r.stdout.trim() : r.stderr.trim() };
}

export interface TorchProblem {
  id: string;
  model: 'bnLogistic' | 'bnMlp';
  x: number[][];
  y: number[];
  eps: number;
  hidden: number;
  readout: number[];
  inits: number[][];
  lr: number;
  weight_decay: number;
  momentum: number;
  milestones: number[];
  lr_decay: number;
  steps: number;
  tolerance: number;
  twin_buffer: 'preset' | 'absent';
}

export interface TorchTrajectory {
  wd: number[][];
  proj: number[][];
  angle: number[];
  split_step: number | null;
}

export interface TorchResult {
  id: string;
  alphas: number[];
  trajectories: TorchTrajectory[];
}

/** A model config as the CLI reads it (defaults filled in by the validator). */
export function modelConfig(input: Record<string, unknown>) {
  return validateModelConfig(input);
}

/** The problem of a config: its resolved data and starts, its optimizer; `changes` sabotages the call. */
export function torchProblem(
  id: string,
  input: Record<string, unknown>,
  changes: Partial<TorchProblem> = {},
): TorchProblem {
  const config = modelConfig(input);
  const model = resolveModel(config.loss);
  const P = paramCount(model);
  const points = modelInitialPoints(config.init, P);
  const rows = (a: Float64Array, width: number) =>
    Array.from({ length: a.length / width }, (_, i) => Array.from(a.subarray(i * width, (i + 1) * width)));
  const o = config.optimizer;
  return {
    id,
    model: model.kind,
    x: rows(model.x, model.d),
    y: Array.from(model.y),
    eps: model.eps,
    hidden: model.hidden,
    readout: Array.from(model.readout),
    inits: rows(points, P),
    lr: o.lr,
    weight_decay: o.weightDecay,
    momentum: o.momentum,
    milestones: [...o.milestones],
    lr_decay: o.lrDecay,
    steps: config.steps,
    tolerance: config.driftTolerance,
    twin_buffer: 'preset',
    ...changes,
  };
}

/** Runs a batch of problems in one Python process. */
export function runTorch(problems: TorchProblem[]): { torch: string; results: TorchResult[] } {
  const r = spawnSync(TORCH_PYTHON, [TORCH_SCRIPT], {
    input: JSON.stringify({ problems }),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`torch_reference.py exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Our float64 CPU run of the same config (no sharpness checks: they do not change the trajectories). */
export function ourRun(input: Record<string, unknown>): ModelRunOutput {
  return runModelCpu(modelConfig(input), { crossing: false });
}

/** |a − b|/|b| (Euclidean norms); Infinity where either is missing or non-finite. */
export function relError(a: readonly number[] | null, b: readonly number[] | null): number {
  if (a === null || b === null) return Number.POSITIVE_INFINITY;
  let d2 = 0;
  let b2 = 0;
  for (let k = 0; k < b.length; k++) {
    d2 += (a[k] - b[k]) ** 2;
    b2 += b[k] ** 2;
  }
  const e = Math.sqrt(d2 / b2);
  return Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
}

/** The largest per-step relative error over steps 0..upto (inclusive), and the step where it occurs. */
export function maxRelError(
  a: readonly (readonly number[] | null)[],
  b: readonly (readonly number[] | null)[],
  upto: number,
): { max: number; at: number } {
  let max = 0;
  let at = 0;
  for (let t = 0; t <= upto; t++) {
    const e = relError(a[t], b[t]);
    if (!(e <= max)) {
      max = e;
      at = t;
    }
  }
  return { max, at };
}
