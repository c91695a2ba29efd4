/**
 * The claims of the models page's tour captions (src/playground/model/tour.ts), checked on the first seeds of
 * each figure with the CPU reference (runModelCpu: f32 as its float32 mirror, which is the GPU kernel's
 * arithmetic, and f64). A claim checker is also run on numbers that contradict it, which it must reject.
 */
import { describe, expect, it } from 'vitest';
import { runModelCpu } from '../../../src/core/model/modelRun';
import { configFor, stateIssues } from '../../../src/playground/model/pageState';
import { findModelFigure, MODEL_FIGURES } from '../../../src/playground/model/tour';

interface Seeds {
  div: (number | null)[];
  cross: (number | null)[];
  causes: (string | null)[];
}

function run(id: string, precision: 'f32' | 'f64', seeds: number): Seeds {
  const f = findModelFigure(id)!;
  const out = runModelCpu(configFor(f.state, precision, 'cpu', seeds));
  return {
    div: out.trajectories.map((t) => t.divergenceStep),
    cross: out.trajectories.map((t) => t.crossingStep),
    causes: out.trajectories.map((t) => t.divergenceCause),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1];
const diverged = (s: Seeds) => s.div.filter((d): d is number => d !== null);
const chaosShare = (s: Seeds) =>
  s.causes.filter((c) => c === 'chaos').length / Math.max(1, diverged(s).length);

/** "agree for ~110 steps in f32 and in f64, then part within a few steps of each other". */
function agreeClaim(f32: Seeds, f64: Seeds): boolean {
  const a = diverged(f32);
  const b = diverged(f64);
  return (
    a.length === f32.div.length &&
    b.length === f64.div.length &&
    Math.min(...a, ...b) >= 95 &&
    median(a) >= 100 &&
    median(a) <= 130 &&
    median(b) >= 100 &&
    median(b) <= 140 &&
    Math.abs(median(b) - median(a)) <= 25
  );
}

/** "nearly every split follows the crossing (chaos); f32 parts near step 90, f64 only after step 150". */
function chaosClaim(f32: Seeds, f64: Seeds): boolean {
  const a = diverged(f32);
  return (
    chaosShare(f32) >= 0.9 &&
    chaosShare(f64) >= 0.9 &&
    median(a) >= 60 &&
    median(a) <= 120 &&
    diverged(f64).every((d) => d > 150)
  );
}

/** "f32 parts after the crossing, near step 200; f64 keeps the two runs together for all 300 steps". */
function precisionClaim(f32: Seeds, f64: Seeds): boolean {
  const a = diverged(f32);
  return (
    a.length >= f32.div.length / 2 &&
    chaosShare(f32) === 1 &&
    median(a) >= 150 &&
    median(a) <= 250 &&
    diverged(f64).length === 0
  );
}

describe('models tour captions', () => {
  it('three figures with unique ids, each a valid state', () => {
    expect(MODEL_FIGURES.map((f) => f.id)).toEqual(['models-agree', 'models-chaos', 'models-precision']);
    for (const f of MODEL_FIGURES) expect(stateIssues(f.state)).toEqual([]);
  });

  it('models-agree: the runs agree ~110 steps in f32 and f64, then part', () => {
    const f32 = run('models-agree', 'f32', 12);
    const f64 = run('models-agree', 'f64', 12);
    expect(agreeClaim(f32, f64)).toBe(true);
    // Rejects the same claim on the spirals' numbers (f64 splits much later there).
    expect(agreeClaim(f32, { ...f64, div: f64.div.map((d) => (d === null ? null : d + 120)) })).toBe(false);
  });

  it('models-chaos: nearly every split after the crossing, f32 near 90, f64 after 150', () => {
    const f32 = run('models-chaos', 'f32', 8);
    const f64 = run('models-chaos', 'f64', 8);
    expect(chaosClaim(f32, f64)).toBe(true);
    expect(chaosClaim(f32, { ...f64, causes: f64.causes.map((c) => (c ? 'precision' : c)) })).toBe(false);
  });

  it('models-precision: f32 parts near 200, f64 holds for 300 steps', () => {
    const f32 = run('models-precision', 'f32', 12);
    const f64 = run('models-precision', 'f64', 12);
    expect(precisionClaim(f32, f64)).toBe(true);
    expect(precisionClaim(f32, f32)).toBe(false);
  });
});
