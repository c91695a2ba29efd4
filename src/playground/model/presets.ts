/**
 * The models page's presets: a dataset and a batch-normalised model (src/core/model/types.ts), each a full
 * ModelConfig, with settings where the story of the plane plays out in ℝᴾ within a few hundred steps:
 * the weight-decay run and its exponential twin agree for ~100 steps, then part (numbers measured in
 * tests/playground/model/presets.test.ts with the CPU reference). The page runs the config once per
 * precision; `precision` and `backend` here are the first precision's (f32 on the GPU).
 */
import type { ModelConfig } from '../../core/model/types';

export const MODEL_PRESET_NAMES = ['bn-logistic-gaussians', 'bn-logistic-moons', 'bn-mlp-spirals'] as const;
export type ModelPresetName = (typeof MODEL_PRESET_NAMES)[number];

export interface ModelPreset {
  name: ModelPresetName;
  title: string;
  /** One line: what the preset shows. */
  description: string;
  config: ModelConfig;
}

/** The page's defaults besides the config: which precisions run, and how many seeds the CPU runs. */
export const DEFAULT_PRECISIONS = ['f32', 'f64'] as const;

const NUMERICS = { renormalize: true, lrMode: 'recurrence' } as const;

function preset(
  name: ModelPresetName,
  title: string,
  description: string,
  patch: Pick<ModelConfig, 'loss' | 'optimizer' | 'steps'> & { seeds: number },
): ModelPreset {
  return {
    name,
    title,
    description,
    config: {
      loss: patch.loss,
      optimizer: patch.optimizer,
      init: { ring: { count: patch.seeds, radius: 1, seed: 1 } },
      steps: patch.steps,
      sampleEvery: 1,
      driftTolerance: 1e-3,
      precision: 'f32',
      backend: 'gpu',
      numerics: { ...NUMERICS },
    },
  };
}

export const MODEL_PRESETS: readonly ModelPreset[] = [
  preset(
    'bn-logistic-gaussians',
    'BN logistic regression, two Gaussians in ℝ⁸',
    'w ∈ ℝ⁸, 256 points; η 0.2, λ 0.1: the runs agree until the instability crossing near step 110',
    {
      loss: { bnLogistic: { dataset: 'gaussians', n: 256, d: 8, seed: 1 } },
      optimizer: { lr: 0.2, weightDecay: 0.1, momentum: 0, milestones: [], lrDecay: 0.1 },
      steps: 200,
      seeds: 4096,
    },
  ),
  preset(
    'bn-logistic-moons',
    'BN logistic regression with momentum, two moons in ℝ²',
    'w ∈ ℝ² (the slice is the whole space); η 0.1, λ 0.02, γ 0.9: f32 parts near step 200, f64 holds',
    {
      loss: { bnLogistic: { dataset: 'moons', n: 256, d: 2, seed: 1 } },
      optimizer: { lr: 0.1, weightDecay: 0.02, momentum: 0.9, milestones: [], lrDecay: 0.1 },
      steps: 300,
      seeds: 1024,
    },
  ),
  preset(
    'bn-mlp-spirals',
    'BN MLP, 8 hidden units, two spirals',
    'W ∈ ℝ^(8×2), each unit batch-normalised; η 0.5, λ 0.1: f32 parts near step 90, f64 much later',
    {
      loss: { bnMlp: { dataset: 'spirals', n: 256, d: 2, seed: 1, hidden: 8 } },
      optimizer: { lr: 0.5, weightDecay: 0.1, momentum: 0, milestones: [], lrDecay: 0.1 },
      steps: 300,
      seeds: 1024,
    },
  ),
];

export const DEFAULT_MODEL_PRESET: ModelPresetName = 'bn-logistic-gaussians';

export function findModelPreset(name: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((p) => p.name === name);
}

/** A preset by name (a copy: callers may change it). */
export function modelPreset(name: ModelPresetName): ModelPreset {
  const p = findModelPreset(name);
  if (!p) throw new RangeError(`no model preset named ${name}`);
  return structuredClone(p);
}
