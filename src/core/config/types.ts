/** The one experiment configuration shared by the CLI, the URL state and the GUI. */
import type { OptimizerConfig } from '../schedule';

/**
 * mp: arbitrary-precision CPU reference (src/core/mp.ts; bits from the CLI's --bits, default 256).
 * bf16, f16: the training formats, emulated (f32 operations rounded to the format, src/core/lowArith.ts).
 */
export type Precision = 'f64' | 'f32' | 'df64' | 'dd' | 'mp' | 'bf16' | 'f16';
export type Backend = 'cpu' | 'gpu';

export const PRECISIONS: readonly Precision[] = ['bf16', 'f16', 'f32', 'df64', 'f64', 'dd', 'mp'];
export const BACKENDS: readonly Backend[] = ['cpu', 'gpu'];
/** Which backend can run which precision. */
export const BACKEND_PRECISIONS: Record<Backend, readonly Precision[]> = {
  cpu: ['f64', 'f32', 'dd', 'mp', 'bf16', 'f16'],
  gpu: ['f32', 'df64', 'bf16', 'f16'],
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

/** How the state updates of bf16 and f16 runs round (docs/numerics.md, "Training formats"). */
export type Rounding = 'nearest' | 'stochastic';
export const ROUNDINGS: readonly Rounding[] = ['nearest', 'stochastic'];

/** Numerical choices of the exponential run (docs/math.md §5, docs/numerics.md). */
export interface NumericsConfig {
  /** Exact power-of-two rescaling of w̃, ṽ and η̃ whenever |w̃| leaves the safe band. */
  renormalize: boolean;
  lrMode: LrMode;
  /**
   * bf16/f16 only: 'stochastic' rounds each state update (w, v, η̃) up or down with probability given by
   * its distance, from random bits keyed by (seed, trajectory, step, operation). Absent: 'nearest'.
   */
  rounding?: Rounding;
  /** The stochastic rounding's key (a 32-bit unsigned integer; absent: 0). */
  seed?: number;
  /**
   * bf16/f16 only: 'f32' keeps w, v and η̃ in f32 (master weights) and computes the gradient in the
   * format, as mixed-precision training does. Absent: everything in the format.
   */
  master?: 'f32';
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
