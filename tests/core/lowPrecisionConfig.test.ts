/**
 * The training formats in configs and CPU runs: bf16/f16 run on either backend; stochastic rounding and f32
 * master weights are accepted only for them (and not together), with messages naming the fix; a stochastic
 * run is reproducible, keyed by its trajectory's index in the whole config (so a run split into pieces, as
 * --threads does, equals the whole run), and differs with the seed.
 */
import { describe, expect, it } from 'vitest';
import { readConfig, validateConfig } from '../../src/core/config/validate';
import { cpuRecords } from '../../src/core/run/cpuRun';

const base = {
  loss: { preset: 'seed-wells' },
  optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0.5, milestones: [], lrDecay: 0.1 },
  init: { ring: { count: 24, radius: 1 } },
  steps: 300,
  sampleEvery: 50,
  precision: 'f16',
  backend: 'cpu',
};

function issues(patch: Record<string, unknown>) {
  return readConfig({ ...base, ...patch }).issues.map((i) => `${i.path}: ${i.message}`);
}

describe('training-format options in the config', () => {
  it('bf16 and f16 run on both backends', () => {
    for (const precision of ['bf16', 'f16'])
      for (const backend of ['cpu', 'gpu']) expect(issues({ precision, backend })).toEqual([]);
  });

  it('stochastic rounding and master weights are accepted for bf16/f16 and kept in the config', () => {
    const c = validateConfig({ ...base, numerics: { rounding: 'stochastic', seed: 7 } });
    expect(c.numerics).toMatchObject({ rounding: 'stochastic', seed: 7 });
    expect(validateConfig({ ...base, numerics: { master: 'f32' } }).numerics.master).toBe('f32');
    // Not given: absent, so existing outputs are unchanged.
    expect(validateConfig(base).numerics).toEqual({ renormalize: true, lrMode: 'recurrence' });
  });

  it('are refused elsewhere, together, or out of range, with what to do', () => {
    expect(issues({ precision: 'f32', numerics: { rounding: 'stochastic' } })).toEqual([
      'numerics.rounding: stochastic rounding applies to bf16 and f16, not f32 (use "nearest" or drop it)',
    ]);
    expect(issues({ precision: 'f64', numerics: { master: 'f32' } })[0]).toMatch(
      /apply to bf16 and f16, not f64/,
    );
    expect(issues({ numerics: { master: 'f32', rounding: 'stochastic' } })[0]).toMatch(/choose one/);
    expect(issues({ numerics: { seed: -1 } })[0]).toMatch(/^numerics\.seed: -1 is out of range/);
    expect(issues({ numerics: { rounding: 'up' } })[0]).toMatch(/expected one of nearest, stochastic/);
    expect(issues({ numerics: { master: 'f64' } })[0]).toMatch(/^numerics\.master/);
  });
});

describe('stochastic rounding in CPU runs', () => {
  const config = validateConfig({ ...base, numerics: { rounding: 'stochastic', seed: 3 } });
  const whole = cpuRecords(config, null);

  it('is reproducible and keyed by the trajectory index: pieces of the run equal the whole', () => {
    expect(cpuRecords(config, null)).toEqual(whole);
    const pieces = [
      ...cpuRecords(config, { start: 0, end: 10 }),
      ...cpuRecords(config, { start: 10, end: 24 }),
    ];
    expect(pieces).toEqual(whole);
  });

  it('differs from round-to-nearest and with the seed', () => {
    const nearest = cpuRecords(validateConfig(base), null);
    const other = cpuRecords(
      validateConfig({ ...base, numerics: { rounding: 'stochastic', seed: 4 } }),
      null,
    );
    expect(whole.map((r) => r.wd)).not.toEqual(nearest.map((r) => r.wd));
    expect(whole.map((r) => r.wd)).not.toEqual(other.map((r) => r.wd));
  });
});
