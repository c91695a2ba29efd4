/**
 * The bench's model job (issue 16): the optimiser, the agreement tolerances and the check seeds/step every
 * row is held to, the section's options, and the job as a ModelConfig and as the peers' ModelProblem. Kept
 * apart from the rows so that the TS, GPU and peer rows all read one definition of the job.
 */
import { availableParallelism } from 'node:os';
import { LEGACY_NUMERICS } from '../core/integratorState';
import { modelInitialPoints } from '../core/model/modelInit';
import { resolveModel } from '../core/model/resolveModel';
import { type ModelConfig, paramCount } from '../core/model/types';
import { type OptimizerConfig, toExponential } from '../core/schedule';
import type { ModelProblem } from './modelPeers';
import { type BenchOptions, MODEL_DEFAULTS } from './options';

export const MODEL_OPTIMIZER: OptimizerConfig = {
  lr: 0.2,
  weightDecay: 0.05,
  momentum: 0.5,
  milestones: [],
  lrDecay: 1,
};
export const MODEL_TOLERANCE = 1e-3;
/** Seeds whose weights every row shows against the TypeScript float64 run. */
export const CHECK_SEEDS = 8;
/**
 * The step at which they are compared: before the split, which comes at steps ~100–170 for this job (the
 * TypeScript float64 runs' own angle gap is ~1e−16 up to step ~90; the header prints it at this step).
 */
export const CHECK_STEP = 64;
/** Float64 peers must agree with the TypeScript float64 run to this (normwise, relative). */
export const F64_AGREEMENT = 1e-9;
/** float32 rows against the float64 run at the check step (informational: float32 rounding, amplified). */
export const F32_AGREEMENT = 1e-3;
/** df64 (~44 significant bits) against float64. */
export const DF64_AGREEMENT = 1e-7;
/** GPU f32 against the CPU float32 mirror (bitwise where the GPU's f32 is the mirror's). */
export const MIRROR_AGREEMENT = 1e-4;

export interface ModelBenchOptions {
  /** Seeds of the GPU rows and of the peers' shared input (default 4096). */
  seeds: number;
  steps: number;
  /** Seeds the NumPy and PyTorch rows run (a prefix of `seeds`; the autograd row a quarter of them). */
  peerSeeds: number;
  /** Seeds the TypeScript rows run (a prefix; at least CHECK_SEEDS for the comparisons). */
  tsSeeds: number;
  /** torch.set_num_threads of the PyTorch rows (default: every core). */
  threads: number;
  /** Timed repetitions of each GPU row, fastest reported. */
  reps: number;
}

export const MODEL_BENCH_DEFAULTS: ModelBenchOptions = {
  ...MODEL_DEFAULTS,
  threads: availableParallelism(),
  reps: 2,
};

/** The section's options from the bench's command line. */
export function modelSectionOptions(o: BenchOptions): ModelBenchOptions {
  return {
    seeds: o.modelSeeds,
    steps: o.modelSteps,
    peerSeeds: o.modelPeerSeeds,
    tsSeeds: o.modelTsSeeds,
    threads: o.threads,
    reps: o.reps,
  };
}

/** The bench's model job as a config (the GPU rows run it as given; the CPU rows run the same numbers). */
export function modelBenchConfig(
  seeds: number,
  steps: number,
  precision: ModelConfig['precision'] = 'f64',
  backend: ModelConfig['backend'] = 'cpu',
  sampleEvery = steps,
): ModelConfig {
  return {
    loss: { bnLogistic: { dataset: 'gaussians', n: 256, d: 8, seed: 1 } },
    optimizer: MODEL_OPTIMIZER,
    init: { random: { count: seeds, seed: 1, radius: [0.5, 2] } },
    steps,
    sampleEvery,
    driftTolerance: MODEL_TOLERANCE,
    precision,
    backend,
    numerics: { ...LEGACY_NUMERICS },
  };
}

export function modelProblem(config: ModelConfig): ModelProblem {
  const model = resolveModel(config.loss);
  return {
    model,
    optimizer: config.optimizer,
    schedule: toExponential(config.optimizer),
    tolerance: config.driftTolerance,
    points: modelInitialPoints(config.init, paramCount(model)),
    steps: config.steps,
  };
}
