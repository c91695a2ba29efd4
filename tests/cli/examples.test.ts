/**
 * examples/: one config per preset plus the seed's figure settings and the other documented examples.
 * Every file must validate, and runs in-process through runCpu with its steps capped (for speed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import { trajectoryCount } from '../../src/core/init';
import { PRESET_NAMES } from '../../src/core/presets';
import { runCpu } from '../../src/core/run/cpuRun';
import { sampleSteps } from '../../src/core/run/output';

const EXAMPLES = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'examples');
const FILES = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .sort();
const CAP = 60;

function load(name: string): ExperimentConfig {
  return validateConfig(JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')));
}

describe('examples/', () => {
  it('has one config per preset and the named examples', () => {
    const want = [
      ...PRESET_NAMES.map((p) => `${p}.json`),
      'seed-figures.json',
      'momentum.json',
      'step-decay.json',
      'expression.json',
      'grid.json',
    ];
    for (const name of want) expect(FILES).toContain(name);
    for (const p of PRESET_NAMES) expect(load(`${p}.json`).loss).toEqual({ preset: p });
  });

  it('the examples show what their names say', () => {
    expect(load('seed-figures.json')).toMatchObject({
      loss: { preset: 'seed-wells' },
      optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [] },
      init: { points: [[-0.7, 0.7]] },
      steps: 3000,
    });
    const m = load('momentum.json').optimizer;
    expect(m.momentum).toBe(0.9);
    expect(m.weightDecay).toBeGreaterThan(0);
    expect(load('step-decay.json').optimizer.milestones.length).toBeGreaterThan(0);
    expect('expression' in load('expression.json').loss).toBe(true);
    expect(load('grid.json').init).toMatchObject({ grid: { count: [64, 64] } });
  });

  it.each(FILES)('%s validates, keeps its output small and runs (steps capped)', (name) => {
    const config = load(name);
    const records = trajectoryCount(config.init) * sampleSteps(config.steps, config.sampleEvery).length;
    expect(records).toBeLessThanOrEqual(100_000);
    const steps = Math.min(config.steps, CAP);
    const capped = validateConfig({ ...config, steps, sampleEvery: Math.min(config.sampleEvery, steps) });
    const out = runCpu(capped);
    expect(out.precision).toBe(config.precision);
    expect(out.trajectories).toHaveLength(trajectoryCount(config.init));
    for (const tr of out.trajectories) {
      expect(tr.overflowStep).toBeNull();
      expect(tr.samples.step[tr.samples.step.length - 1]).toBe(steps);
      for (const p of tr.samples.wd) expect(Number.isFinite(p[0]) && Number.isFinite(p[1])).toBe(true);
      for (const p of tr.samples.expProjected)
        expect(Number.isFinite(p[0]) && Number.isFinite(p[1])).toBe(true);
    }
  });

  it('seed-figures: the f64 runs drift apart near step 412 (README), without overflow', () => {
    const config = load('seed-figures.json');
    const out = runCpu({ ...config, sampleEvery: 500 });
    const tr = out.trajectories[0];
    expect(tr.overflowStep).toBeNull();
    expect(tr.divergenceStep).toBeGreaterThan(380);
    expect(tr.divergenceStep).toBeLessThan(450);
  });
});
