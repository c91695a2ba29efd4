/**
 * What the models page runs and shows: a preset (dataset + model) with the settings a person may change on
 * top of it (precisions, seeds, steps, η, λ, γ, the slice, how many seeds the CPU runs, the theme), and the
 * ModelConfig each precision runs. Validation goes through readModelConfig (src/core/model/modelConfig.ts):
 * its issues are mapped back to the page's own keys, so a message names what the person typed.
 */
import type { NumberRange } from '../../core/config/fields';
import type { ConfigIssue } from '../../core/config/issues';
import { RANGES } from '../../core/config/schema';
import type { Backend, Precision } from '../../core/config/types';
import { readModelConfig } from '../../core/model/modelConfig';
import type { ModelConfig, ModelLossSpec } from '../../core/model/types';
import type { Theme } from '../viewState';
import { DEFAULT_MODEL_PRESET, DEFAULT_PRECISIONS, type ModelPresetName, modelPreset } from './presets';

/** Precisions the page offers: f32 and df64 need the GPU driver; f64 runs in CPU workers. */
export const PAGE_PRECISIONS = ['f32', 'df64', 'f64'] as const;
export type PagePrecision = (typeof PAGE_PRECISIONS)[number];

/** The plane the heatmap shows: top-2 principal directions, two coordinate axes, or two seeds' weights. */
export type SliceChoice =
  | { kind: 'pca' }
  | { kind: 'axes'; i: number; j: number }
  | { kind: 'seeds'; a: number; b: number };

export interface ModelsPageState {
  preset: ModelPresetName;
  /** Run in this order; the first is drawn and gives the slice. */
  precisions: PagePrecision[];
  seeds: number;
  steps: number;
  lr: number;
  weightDecay: number;
  momentum: number;
  slice: SliceChoice;
  /** Seeds a CPU precision runs (the first ones): the CPU is ~100× slower than the GPU driver. */
  cpuSeeds: number;
  theme: Theme;
}

export const PAGE_RANGES = {
  seeds: { min: 1, max: 16384, integer: true },
  steps: { min: 1, max: 20000, integer: true },
  cpuSeeds: { min: 1, max: 4096, integer: true },
  lr: RANGES.lr,
  weightDecay: RANGES.weightDecay,
  momentum: RANGES.momentum,
} satisfies Record<string, NumberRange>;

export const DEFAULT_CPU_SEEDS = 256;

/** The page's state for a preset, everything else at its default. */
export function stateFromPreset(name: ModelPresetName = DEFAULT_MODEL_PRESET): ModelsPageState {
  const { config } = modelPreset(name);
  return {
    preset: name,
    precisions: [...DEFAULT_PRECISIONS],
    seeds: seedCount(config),
    steps: config.steps,
    lr: config.optimizer.lr,
    weightDecay: config.optimizer.weightDecay,
    momentum: config.optimizer.momentum,
    slice: { kind: 'pca' },
    cpuSeeds: DEFAULT_CPU_SEEDS,
    theme: 'dark',
  };
}

export const DEFAULT_PAGE_STATE: ModelsPageState = stateFromPreset();

function seedCount(c: ModelConfig): number {
  const init = c.init;
  if ('ring' in init) return init.ring.count;
  if ('random' in init) return init.random.count;
  return init.points.length;
}

/** Parameters P of a preset's model (d, or hidden·d). */
export function presetParams(name: ModelPresetName): number {
  return lossParams(modelPreset(name).config.loss);
}

export function lossParams(loss: ModelLossSpec): number {
  const body = 'bnLogistic' in loss ? loss.bnLogistic : loss.bnMlp;
  const d = 'x' in body ? body.x[0].length : body.d;
  return 'bnMlp' in loss ? loss.bnMlp.hidden * d : d;
}

/**
 * The config one precision runs: the preset's loss and init (ring seed and radius) with the state's
 * optimizer, steps and `count` seeds (the first `count` of the state's: ring starts do not depend on the
 * count), sampled every sampleEveryFor(steps) steps.
 */
export function configFor(
  state: ModelsPageState,
  precision: Precision,
  backend: Backend,
  count = state.seeds,
): ModelConfig {
  const base = modelPreset(state.preset).config;
  const init = 'ring' in base.init ? { ring: { ...base.init.ring, count } } : base.init;
  return {
    ...base,
    optimizer: {
      ...base.optimizer,
      lr: state.lr,
      weightDecay: state.weightDecay,
      momentum: state.momentum,
    },
    init,
    steps: state.steps,
    sampleEvery: sampleEveryFor(state.steps),
    precision,
    backend,
  };
}

/** The page draws and charts at most about this many samples of a run. */
export const MAX_SAMPLES = 64;

/**
 * Steps between samples: the least of 1, 2, 4, 8, 16, 32, 48, … (powers of two up to 16, then multiples of
 * 16) that keeps the samples to MAX_SAMPLES + 1. Every multiple of 16 is then a sample step, so the
 * instability crossing found from the samples (stats.ts) is checked at the CPU integrator's own steps.
 * Each sample costs the GPU a read-back: every step would double the run's time on SwiftShader.
 */
export function sampleEveryFor(steps: number): number {
  const need = Math.max(1, Math.ceil(steps / MAX_SAMPLES));
  if (need <= 16) return 2 ** Math.ceil(Math.log2(need));
  return 16 * Math.ceil(need / 16);
}

/** The page key a config field belongs to (for messages). */
const KEY_OF_PATH: [RegExp, keyof ModelsPageState][] = [
  [/^optimizer\.lr$/, 'lr'],
  [/^optimizer\.weightDecay$/, 'weightDecay'],
  [/^optimizer\.momentum$/, 'momentum'],
  [/^steps$/, 'steps'],
  [/^sampleEvery$/, 'steps'],
  [/^init\./, 'seeds'],
];

export function keyOfPath(path: string): keyof ModelsPageState | null {
  return KEY_OF_PATH.find(([re]) => re.test(path))?.[1] ?? null;
}

/**
 * Problems of a whole state, named by the page's fields ('lr', 'weightDecay', 'slice', …): the config as
 * readModelConfig reads it (η·λ with no real α and the like), the slice against P and the seed count.
 */
export function stateIssues(state: ModelsPageState): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { issues: read } = readModelConfig(configFor(state, 'f64', 'cpu'));
  for (const i of read) issues.push({ path: keyOfPath(i.path) ?? i.path, message: i.message });
  const why = sliceProblem(state.slice, presetParams(state.preset), state.seeds);
  if (why !== null) issues.push({ path: 'slice', message: why });
  return issues;
}

/** Why a slice choice cannot be drawn for P parameters and `seeds` seeds, or null. */
export function sliceProblem(slice: SliceChoice, P: number, seeds: number): string | null {
  if (slice.kind === 'pca') return P < 2 ? `the model has ${P} parameter; a slice needs 2` : null;
  if (slice.kind === 'axes') {
    const { i, j } = slice;
    if (i === j) return `the two axes must differ (got ${i} and ${j})`;
    if (i >= P || j >= P) return `axes are 0 to ${P - 1} for this model's ${P} parameters (got ${i},${j})`;
    return null;
  }
  const { a, b } = slice;
  if (a === b) return `the two seeds must differ (got ${a} and ${b})`;
  if (a >= seeds || b >= seeds) return `seeds are 0 to ${seeds - 1} (got ${a},${b})`;
  return null;
}
