/** Ranges and defaults of every configuration field (one place for the CLI, the URL and the GUI). */
import type { NumberRange } from './fields';
import type { ExperimentConfig } from './types';

export const MAX_HARMONICS = 64;
/** Upper bound on trajectories in one experiment (GPU batches are also checked against device limits). */
export const MAX_TRAJECTORIES = 1 << 22;
/** Hand-added points beside a generated init (init.extra). */
export const MAX_EXTRA_POINTS = 1024;
export const MAX_STEPS = 100_000_000;
export const MAX_MILESTONES = 64;
export const MAX_COORDINATE = 1e6;

export const RANGES = {
  lr: { min: 0, max: 100, minInclusive: false },
  weightDecay: { min: 0, max: 100 },
  momentum: { min: 0, max: 0.999 },
  lrDecay: { min: 0, max: 1000, minInclusive: false },
  milestone: { min: 1, max: MAX_STEPS, integer: true },
  steps: { min: 1, max: MAX_STEPS, integer: true },
  sampleEvery: { min: 1, max: MAX_STEPS, integer: true },
  driftTolerance: { min: 0, max: 1.5, minInclusive: false },
  harmonics: { min: 1, max: MAX_HARMONICS, integer: true },
  coefficient: { min: -1e6, max: 1e6 },
  coordinate: { min: -MAX_COORDINATE, max: MAX_COORDINATE },
  count: { min: 1, max: MAX_TRAJECTORIES, integer: true },
  gridSide: { min: 1, max: 2048, integer: true },
  radius: { min: 0, max: MAX_COORDINATE, minInclusive: false },
  seed: { min: 0, max: 4294967295, integer: true },
} satisfies Record<string, NumberRange>;

export const DEFAULT_CONFIG: ExperimentConfig = {
  loss: { preset: 'seed-wells' },
  optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
  init: { points: [[-0.7, 0.7]] },
  steps: 3000,
  sampleEvery: 1,
  driftTolerance: 1e-3,
  precision: 'f64',
  backend: 'cpu',
  numerics: { renormalize: true, lrMode: 'recurrence' },
};
