/**
 * `scaleinv-lab study` on a model config, spawned as a process: the plane's table and files from a model
 * (every precision asked for, causes, the float64 twin's Lyapunov exponent), with fewer bits parting sooner.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateModelConfig } from '../../src/core/model/modelConfig';
import { cli, ROOT, tempConfig } from './cliHarness';

const MODEL = {
  loss: { bnLogistic: { dataset: 'gaussians', n: 32, d: 4, seed: 3 } },
  optimizer: { lr: 0.2, weightDecay: 0.05, momentum: 0.5 },
  init: { random: { count: 4, seed: 1, radius: [1, 1] } },
  steps: 300,
};

describe('study on a model config', () => {
  const paths = tempConfig('model-study', MODEL);
  it('writes study.json/csv/svg with a row per precision and a Lyapunov exponent per seed', () => {
    const out = join(paths.dir, 'out');
    const r = cli(['study', paths.config, '--precisions', 'f16,f64,dd', '--out', out], 120_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^f64\s+53\s+4\s/m);
    for (const f of ['study.json', 'study.csv', 'study.svg']) expect(existsSync(join(out, f))).toBe(true);
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    expect(study.runs.map((x: { precision: string }) => x.precision)).toEqual(['f16', 'f64', 'dd']);
    expect(study.trajectories).toHaveLength(4);
    expect(study.trajectories[0].initVector).toHaveLength(4);
    // f16 parts from f64 long before f64 parts from dd: fewer bits, earlier divergence.
    const f16 = study.aggregate.rows.find((x: { precision: string }) => x.precision === 'f16');
    const f64 = study.aggregate.rows.find((x: { precision: string }) => x.precision === 'f64');
    expect(f16.medianDivergence).toBeLessThan(f64.medianDivergence ?? Number.POSITIVE_INFINITY);
  });
});

describe('examples/models/', () => {
  it('every model example validates (the README points to them)', () => {
    const dir = join(ROOT, 'examples/models');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files)
      expect(() => validateModelConfig(JSON.parse(readFileSync(join(dir, f), 'utf8')))).not.toThrow();
  });
});
