/**
 * Named losses. Each is a short Fourier series chosen for what it shows; `seed-wells` retells the seed blog
 * post (plain GD stalls in a shallow well, weight decay escapes it, the exponential run explodes).
 */
import type { FourierLoss } from './loss';

export interface LossPreset {
  name: string;
  title: string;
  description: string;
  loss: FourierLoss;
}

export const LOSS_PRESETS: readonly LossPreset[] = [
  {
    name: 'seed-wells',
    title: 'Seed wells',
    description:
      'A broad deep well at −47° and a shallow dent at 113° on the far slope. Plain GD from (−0.7, 0.7) stalls ' +
      'in the dent while |w| plateaus; with weight decay (lr 0.1, weightDecay 0.05) the effective step grows ' +
      'until the dent is unstable and the run escapes into the deep well.',
    loss: { a: [-0.197, 0.013, -0.02, 0.007, 0.005, -0.005], b: [0.186, 0.022, 0, -0.013, 0.009, 0] },
  },
  {
    name: 'single-well',
    title: 'Single well',
    description:
      'f(θ) = −cos(θ − π/4): one minimum at 45°. Nothing to escape; the runs stay together longest.',
    loss: { a: [-Math.SQRT1_2], b: [-Math.SQRT1_2] },
  },
  {
    name: 'double-well',
    title: 'Double well',
    description: 'f(θ) = −cos 2θ + 0.25 cos θ: two wells at 0° and 180°, the one at 180° deeper.',
    loss: { a: [0.25, -1], b: [0, 0] },
  },
  {
    name: 'rugged',
    title: 'Rugged',
    description:
      'Eight harmonics with decaying amplitudes: many wells of different depths; weight decay drives the ' +
      'angle into chaotic hopping, where rounding errors grow exponentially (the precision-divergence preset).',
    loss: {
      a: [0.3, -0.25, 0.2, 0.12, -0.1, 0.06, -0.05, 0.03],
      b: [-0.2, 0.15, -0.3, 0.1, 0.08, -0.07, 0.04, -0.02],
    },
  },
];

export const PRESET_NAMES: readonly string[] = LOSS_PRESETS.map((p) => p.name);

export function findPreset(name: string): LossPreset | undefined {
  return LOSS_PRESETS.find((p) => p.name === name);
}
