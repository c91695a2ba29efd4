/**
 * Click to add a trajectory: the clicked point joins the config itself (init.points, or init.extra beside
 * a generated init), so the URL still reproduces the run.
 */
import type { ExperimentConfig } from '../core/config/types';

/** The plane point under a click; the polar view's coordinates are (θ, ln r). */
export function planePointAt(x: number, y: number, space: 'plane' | 'polar'): [number, number] {
  return space === 'polar' ? [Math.exp(y) * Math.cos(x), Math.exp(y) * Math.sin(x)] : [x, y];
}

/** A copy of `config` with `p` added as one more start point. */
export function withPointAdded(config: ExperimentConfig, p: [number, number]): ExperimentConfig {
  const next = structuredClone(config);
  const init = next.init;
  if ('points' in init) init.points.push(p);
  else init.extra = [...(init.extra ?? []), p];
  return next;
}
