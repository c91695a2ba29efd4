/**
 * Configurations of the batch-normalised models in ℝᵈ (issue 16): the loss part names a model and its data,
 * the rest (optimizer, steps, precision, numerics) is the plane's. docs/math.md §7 has the mathematics.
 */
import type { Backend, NumericsConfig, Precision } from '../config/types';
import type { OptimizerConfig } from '../schedule';

export type DatasetName = 'gaussians' | 'moons' | 'spirals';
export const DATASET_NAMES: readonly DatasetName[] = ['gaussians', 'moons', 'spirals'];

/** Data given explicitly (rows of x, labels ±1) or generated from a seed. */
export type DataSpec =
  | { x: number[][]; y: number[] }
  | { dataset: DatasetName; n: number; d: number; seed: number };

export interface ModelOptions {
  /**
   * Added to the batch variance before the square root. 0 (the default) keeps the loss exactly scale
   * invariant; anything else breaks the equivalence (the tests use 1e-5 to show that the check can fail).
   */
  eps?: number;
}

export type ModelLossSpec =
  | { bnLogistic: DataSpec & ModelOptions }
  | { bnMlp: DataSpec & ModelOptions & { hidden: number; readout?: number[] } };

/** Starts in parameter space (ℝ^P, P = d or hidden·d): explicit, or directions uniform on the sphere. */
export type ModelInitSpec =
  | { points: number[][] }
  | { ring: { count: number; radius: number; seed: number } }
  | { random: { count: number; seed: number; radius: [number, number] } };

export interface ModelConfig {
  loss: ModelLossSpec;
  optimizer: OptimizerConfig;
  init: ModelInitSpec;
  steps: number;
  sampleEvery: number;
  driftTolerance: number;
  precision: Precision;
  backend: Backend;
  numerics: NumericsConfig;
}

/** A model with its data resolved: what the integrators and the kernels take. */
export interface ResolvedModel {
  kind: 'bnLogistic' | 'bnMlp';
  /** Points and features. */
  n: number;
  d: number;
  /** Hidden units (1 for bnLogistic: one weight vector). */
  hidden: number;
  /** Row-major n×d features and ±1 labels, float64. */
  x: Float64Array;
  y: Float64Array;
  /** The fixed readout of bnMlp (length hidden); [1] for bnLogistic. */
  readout: Float64Array;
  eps: number;
}

/** Parameters: hidden weight vectors of d components each, stored unit after unit. */
export function paramCount(m: ResolvedModel): number {
  return m.hidden * m.d;
}

/** Whether a loss spec names a d-dimensional model (and not a loss of the plane). */
export function isModelLoss(loss: unknown): loss is ModelLossSpec {
  return typeof loss === 'object' && loss !== null && ('bnLogistic' in loss || 'bnMlp' in loss);
}
