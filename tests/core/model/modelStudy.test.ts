/**
 * The model study (src/core/model/modelStudy.ts): every precision on the same seeds, aggregated by the
 * plane's code, and GPU runs (which do not check the crossing) taking the f64 run's crossing step.
 * Reference for the causes: the CPU float32 mirror with its own crossing check, which equals the kernel bit
 * for bit (tests/gpu/model.gpu.test.ts), so a "GPU" run is emulated here by that mirror without crossing.
 */
import { describe, expect, it } from 'vitest';
import { divergenceCause } from '../../../src/core/cause';
import { validateModelConfig } from '../../../src/core/model/modelConfig';
import { runModelCpu } from '../../../src/core/model/modelRun';
import { runModelStudy } from '../../../src/core/model/modelStudy';
import type { ModelConfig } from '../../../src/core/model/types';

const config = validateModelConfig({
  loss: { bnLogistic: { dataset: 'gaussians', n: 64, d: 8, seed: 3 } },
  optimizer: { lr: 0.2, weightDecay: 0.05, momentum: 0.5 },
  init: { random: { count: 6, seed: 1, radius: [1, 1] } },
  steps: 250,
});

/** f32 as the GPU reports it: the mirror's numbers, no crossing, the cause without it. */
function asGpu(cfg: ModelConfig) {
  const out = runModelCpu({ ...cfg, backend: 'cpu' }, { crossing: false });
  return {
    ...out,
    backend: 'gpu' as const,
    trajectories: out.trajectories.map((t) => ({ ...t, divergenceCause: divergenceCause(t) })),
  };
}

async function study(borrow: boolean) {
  return runModelStudy(config, {
    precisions: ['f32', 'f64'],
    run: async (cfg) => {
      if (cfg.precision === 'f32') return asGpu(cfg);
      const out = runModelCpu(cfg);
      // Sabotage: an f64 run without crossings leaves nothing to borrow.
      return borrow
        ? out
        : { ...out, trajectories: out.trajectories.map((t) => ({ ...t, crossingStep: null })) };
    },
  });
}

describe('model study', () => {
  it('aggregates every precision and gives GPU runs the crossing of f64, as the CPU mirror finds it', async () => {
    const s = await study(true);
    expect(s.runs.map((r) => r.precision)).toEqual(['f32', 'f64']);
    expect(s.aggregate.rows).toHaveLength(2);
    const mirror = runModelCpu({ ...config, precision: 'f32', sampleEvery: config.steps });
    s.trajectories.forEach((t, i) => {
      expect(t.divergenceStep.f32).toBe(mirror.trajectories[i].divergenceStep);
      expect(t.cause?.f32).toBe(mirror.trajectories[i].divergenceCause);
    });
    // The case is one where the crossing matters: chaos, not precision, for the mirror.
    expect(mirror.trajectories.some((t) => t.divergenceCause === 'chaos')).toBe(true);
    expect(s.aggregate.lyapunovCount).toBeGreaterThan(0);
  });

  it('without the f64 crossing the GPU causes stay "precision" (the check can fail)', async () => {
    const s = await study(false);
    const mirror = runModelCpu({ ...config, precision: 'f32', sampleEvery: config.steps });
    const agree = s.trajectories.every((t, i) => t.cause?.f32 === mirror.trajectories[i].divergenceCause);
    expect(agree).toBe(false);
  });
});
