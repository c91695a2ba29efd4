/** The one experiment configuration shared by the CLI, the URL state and the GUI. */
import type { OptimizerConfig } from '../schedule';

/** mp: arbitrary-precision CPU reference (src/core/mp.ts; bits from the CLI's --bits, default 256). */
export type Precision = 'f64' | 'f32' | 'df64' | 'dd' | 'mp';
export type Backend = 'cpu' | 'gpu';

export const PRECISIONS: readonly Precision[] = ['f32', 'df64', 'f64', 'dd', 'mp'];
export const BACKENDS: readonly Backend[] = ['cpu', 'gpu'];
/** Which backend can run which precision. */
export const BACKEND_PRECISIONS: Record<Backend, readonly Precision[]> = {
  cpu: ['f64', 'f32', 'dd', 'mp'],
  gpu: ['f32', 'df64'],
};

export type LossSpec =
  | { fourier: { a: number[]; b: number[] } }
  | { preset: string }
  | { expression: string; harmonics: number };

/** Points added by hand (the playground's click-to-add) after a generated init's own points. */
export interface ExtraPoints {
  extra?: [number, number][];
}

export type InitSpec =
  | { points: [number, number][] }
  | ({ ring: { count: number; radius: number } } & ExtraPoints)
  | ({ grid: { count: [number, number]; extent: [number, number, number, number] } } & ExtraPoints)
  | ({ random: { count: number; seed: number; radius: [number, number] } } & ExtraPoints);

/** How η̃ advances: multiplied by α⁻² each step, or evaluated from its closed form (docs/numerics.md). */
export type LrMode = 'recurrence' | 'closedForm';
export const LR_MODES: readonly LrMode[] = ['recurrence', 'closedForm'];

/** Numerical choices of the exponential run (docs/math.md §5, docs/numerics.md). */
export interface NumericsConfig {
  /** Exact power-of-two rescaling of w̃, ṽ and η̃ whenever |w̃| leaves the safe band. */
  renormalize: boolean;
  lrMode: LrMode;
}

export interface ExperimentConfig {
  loss: LossSpec;
  optimizer: OptimizerConfig;
  init: InitSpec;
  steps: number;
  sampleEvery: number;
  driftTolerance: number;
  precision: Precision;
  backend: Backend;
  numerics: NumericsConfig;
}
