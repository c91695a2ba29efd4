/**
 * The models page's tour: "the same story in a real model", three figures. Each is a page state (a preset
 * with its settings); its caption's claims (where the runs part, in which precision, and why) are checked
 * against the CPU reference in tests/playground/model/tour.test.ts, so a caption stays true when a preset
 * changes. The page's stats line gives each run's own counts by cause beside the caption.
 */
import { type ModelsPageState, stateFromPreset } from './pageState';
import type { ModelPresetName } from './presets';

export interface ModelFigure {
  id: string;
  title: string;
  caption: string;
  state: ModelsPageState;
}

function figure(id: string, title: string, caption: string, preset: ModelPresetName): ModelFigure {
  return { id, title, caption, state: stateFromPreset(preset) };
}

export const MODEL_FIGURES: readonly ModelFigure[] = [
  figure(
    'models-agree',
    'The same story in a real model',
    'BN logistic regression in ℝ⁸ on 256 points: weight decay (solid) and the exponential run projected ' +
      'back (dashed) agree for ~110 steps in f32 and in f64, then part within a few steps of each other.',
    'bn-logistic-gaussians',
  ),
  figure(
    'models-chaos',
    'Why they part: chaos',
    'A BN MLP, 8 hidden units on two spirals: the instability crossing η·λmax > 2 comes early, and nearly ' +
      'every split follows it (cause: chaos); f32 parts near step 90, f64 only after step 150.',
    'bn-mlp-spirals',
  ),
  figure(
    'models-precision',
    'Precision buys steps',
    'Momentum 0.9 on two moons (ℝ², so the slice is the whole space): f32 parts after the crossing, ' +
      'near step 200; f64 keeps the two runs together for all 300 steps.',
    'bn-logistic-moons',
  ),
];

export function findModelFigure(id: string): ModelFigure | undefined {
  return MODEL_FIGURES.find((f) => f.id === id);
}
