/**
 * Validation of model configs (src/core/model/modelConfig.ts): each bad input must give an issue at the
 * right field path whose message says what is wrong and what is allowed; `validateModelConfig` throws one
 * ConfigError on a single line. The test of the test: the very same check run on the valid base config
 * finds no such issue (so a validator that complained about everything, or nothing, fails).
 * The plane's readConfig (src/core/config/validate.ts) refuses a model loss and points to `scaleinv-lab run`.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/core/config/issues';
import { readConfig } from '../../../src/core/config/validate';
import { MODEL_LIMITS, readModelConfig, validateModelConfig } from '../../../src/core/model/modelConfig';

type Json = Record<string, unknown>;

const X = [
  [1, 2],
  [3, 4],
  [0, 1],
  [-1, 0.5],
];
const Y = [1, -1, 1, -1];

/** A small valid model config with explicit data (P = d = 2). */
function base(): Json {
  return {
    loss: { bnLogistic: { x: X, y: Y } },
    optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
    init: { points: [[1, 0]] },
    steps: 10,
  };
}

const withPatch = (patch: Json): Json => ({ ...base(), ...patch });

/** The issues of an input whose path is `path` and whose message matches `message`. */
function matching(input: unknown, path: string, message: RegExp): ConfigIssue[] {
  return readModelConfig(input).issues.filter((i) => i.path === path && message.test(i.message));
}

interface BadCase {
  name: string;
  input: Json;
  path: string;
  message: RegExp;
}

const CASES: BadCase[] = [
  {
    name: 'a label that is not ±1',
    input: withPatch({ loss: { bnLogistic: { x: X, y: [1, 0, 1, -1] } } }),
    path: 'loss.bnLogistic.y[1]',
    message: /^0 is not a label \(labels are 1 or -1\)$/,
  },
  {
    name: 'a label of 0.5',
    input: withPatch({ loss: { bnLogistic: { x: X, y: [1, -1, 0.5, -1] } } }),
    path: 'loss.bnLogistic.y[2]',
    message: /0\.5 is not a label \(labels are 1 or -1\)/,
  },
  {
    name: 'labels of the wrong count',
    input: withPatch({ loss: { bnLogistic: { x: X, y: [1, -1] } } }),
    path: 'loss.bnLogistic.y',
    message: /has 2 entries \(expected 4/,
  },
  {
    name: 'ragged rows of x',
    input: withPatch({ loss: { bnLogistic: { x: [[1, 2], [3], [0, 1], [1, 1]], y: Y } } }),
    path: 'loss.bnLogistic.x[1]',
    message: /has 1 entries \(expected 2/,
  },
  {
    name: 'a generated d beyond the limit',
    input: withPatch({ loss: { bnLogistic: { dataset: 'gaussians', n: 10, d: 300, seed: 1 } } }),
    path: 'loss.bnLogistic.d',
    message: new RegExp(`300 is out of range \\(expected an integer in \\[1, ${MODEL_LIMITS.dim}\\]\\)`),
  },
  {
    name: 'moons with d = 1 (they need two features)',
    input: withPatch({ loss: { bnLogistic: { dataset: 'moons', n: 10, d: 1, seed: 1 } } }),
    path: 'loss.bnLogistic.d',
    message: /expected an integer in \[2, 256\]/,
  },
  {
    name: 'hidden × d over the parameter limit',
    input: withPatch({ loss: { bnMlp: { dataset: 'gaussians', n: 10, d: 64, seed: 1, hidden: 17 } } }),
    path: 'loss.bnMlp.hidden',
    message: new RegExp(`17 units × 64 features = 1088 weights, more than ${MODEL_LIMITS.params}`),
  },
  {
    name: 'hidden beyond its own limit',
    input: withPatch({ loss: { bnMlp: { dataset: 'gaussians', n: 10, d: 2, seed: 1, hidden: 65 } } }),
    path: 'loss.bnMlp.hidden',
    message: /65 is out of range \(expected an integer in \[1, 64\]\)/,
  },
  {
    name: 'a readout of the wrong length',
    input: withPatch({
      loss: { bnMlp: { x: X, y: Y, hidden: 3, readout: [1, 2] } },
      init: { points: [[1, 0, 1, 0, 1, 0]] },
    }),
    path: 'loss.bnMlp.readout',
    message: /has 2 entries \(expected 3/,
  },
  {
    name: 'an init point of the wrong length',
    input: withPatch({ init: { points: [[1, 0, 2]] } }),
    path: 'init.points[0]',
    message: /has 3 entries \(expected 2/,
  },
  {
    name: 'an init point of the wrong length for bnMlp (P = hidden·d)',
    input: withPatch({ loss: { bnMlp: { x: X, y: Y, hidden: 3 } }, init: { points: [[1, 0]] } }),
    path: 'init.points[0]',
    message: /has 2 entries \(expected 6/,
  },
  {
    name: 'the zero vector as a start',
    input: withPatch({
      init: {
        points: [
          [1, 0],
          [0, 0],
        ],
      },
    }),
    path: 'init.points[1]',
    message: /zero vector, where the loss is undefined/,
  },
  {
    name: 'bf16 on the gpu backend',
    input: withPatch({ precision: 'bf16', backend: 'gpu' }),
    path: 'precision',
    message: /models run on the gpu backend in f32 and df64, not bf16 \(use backend "cpu"\)/,
  },
  {
    name: 'f16 on the gpu backend',
    input: withPatch({ precision: 'f16', backend: 'gpu' }),
    path: 'precision',
    message: /not f16 \(use backend "cpu"\)/,
  },
  {
    name: 'df64 on the cpu backend',
    input: withPatch({ precision: 'df64' }),
    path: 'precision',
    message: /df64 does not run on the cpu backend.*use backend "gpu"/,
  },
  {
    name: 'both x and a dataset',
    input: withPatch({ loss: { bnLogistic: { x: X, y: Y, dataset: 'moons' } } }),
    path: 'loss.bnLogistic',
    message: /give either the data as "x" and "y", or a generated "dataset" with "n", "d" and "seed"/,
  },
  {
    name: 'neither x nor a dataset',
    input: withPatch({ loss: { bnLogistic: { n: 10 } } }),
    path: 'loss.bnLogistic',
    message: /give either the data as "x" and "y"/,
  },
  {
    name: 'n with explicit data',
    input: withPatch({ loss: { bnLogistic: { x: X, y: Y, n: 4, dataset: undefined } } }),
    path: 'loss.bnLogistic.n',
    message: /belongs to a generated dataset; explicit data gives "x" and "y" only/,
  },
  {
    name: 'an unknown top-level field',
    input: withPatch({ lossFunction: 'x' }),
    path: 'lossFunction',
    message: /^unknown field \(allowed here: loss, optimizer, init, steps,/,
  },
  {
    name: 'an unknown field of bnLogistic (a misspelt hidden)',
    input: withPatch({ loss: { bnLogistic: { x: X, y: Y, hiden: 3 } } }),
    path: 'loss.bnLogistic.hiden',
    message: /^unknown field \(allowed here: x, y, dataset, n, d, seed, eps\)$/,
  },
  {
    name: 'hidden given to bnLogistic',
    input: withPatch({ loss: { bnLogistic: { x: X, y: Y, hidden: 3 } } }),
    path: 'loss.bnLogistic.hidden',
    message: /unknown field/,
  },
  {
    name: 'an unknown field of init.ring',
    input: withPatch({ init: { ring: { count: 3, radius: 1, seed: 1, centre: [0, 0] } } }),
    path: 'init.ring.centre',
    message: /unknown field \(allowed here: count, seed, radius\)/,
  },
  {
    name: 'an unknown loss',
    input: withPatch({ loss: { bnConv: { x: X, y: Y } } }),
    path: 'loss',
    message: /expected exactly one of bnLogistic, bnMlp/,
  },
  {
    name: 'an unknown dataset',
    input: withPatch({ loss: { bnLogistic: { dataset: 'circles', n: 10, d: 2, seed: 1 } } }),
    path: 'loss.bnLogistic.dataset',
    message: /"circles" is not allowed \(expected one of gaussians, moons, spirals\)/,
  },
  {
    name: 'too many points',
    input: withPatch({ loss: { bnLogistic: { dataset: 'moons', n: 5000, d: 2, seed: 1 } } }),
    path: 'loss.bnLogistic.n',
    message: new RegExp(`expected an integer in \\[2, ${MODEL_LIMITS.points}\\]`),
  },
  {
    name: 'a negative eps',
    input: withPatch({ loss: { bnLogistic: { x: X, y: Y, eps: -1 } } }),
    path: 'loss.bnLogistic.eps',
    message: /-1 is out of range \(expected a number in \[0, 1\]\)/,
  },
  {
    name: 'random radii with min > max',
    input: withPatch({ init: { random: { count: 3, seed: 1, radius: [2, 1] } } }),
    path: 'init.random.radius',
    message: /min > max \(expected \[rMin, rMax\] with rMin ≤ rMax\)/,
  },
];

describe('readModelConfig: each bad input names the field and what is allowed', () => {
  it('the base config (and the ones each case starts from) is valid', () => {
    expect(readModelConfig(base()).issues).toEqual([]);
    expect(validateModelConfig(base()).init).toEqual({ points: [[1, 0]] });
  });

  it.each(CASES)('$name → $path', ({ input, path, message }) => {
    expect(matching(input, path, message), JSON.stringify(readModelConfig(input).issues)).toHaveLength(1);
    // Test of the test: the same check does not fire on the valid base config.
    expect(matching(base(), path, message)).toHaveLength(0);
    // validateModelConfig throws one ConfigError on one line that carries the issue.
    let error: unknown = null;
    try {
      validateModelConfig(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).not.toContain('\n');
    expect(text).toContain(`${path}: `);
  });

  // KNOWN BUG (reported): explicit rows of more than 256 features give, for EVERY row,
  // "has 257 entries (expected 257 to 256)", a contradictory range that does not say d is too big.
  // Expected: one issue at loss.bnLogistic.x naming the limit. Flip to `it` once fixed.
  it('explicit rows beyond 256 features: one issue at x that names the limit', () => {
    const wide = Array.from({ length: 3 }, (_, i) => Array.from({ length: 257 }, (_, k) => i + k));
    const issues = readModelConfig(withPatch({ loss: { bnLogistic: { x: wide, y: [1, -1, 1] } } })).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('loss.bnLogistic.x');
    expect(issues[0].message).toMatch(/256/);
    expect(issues[0].message).not.toMatch(/expected 257 to 256/);
  });
});

describe('readModelConfig: valid configs', () => {
  it('defaults: f64 on the cpu, 1000 steps, random starts of radius 1, eps only when given', () => {
    const c = validateModelConfig({ loss: { bnMlp: { dataset: 'moons', n: 20, d: 3, seed: 2, hidden: 4 } } });
    expect([c.precision, c.backend, c.steps, c.sampleEvery]).toEqual(['f64', 'cpu', 1000, 1]);
    expect(c.init).toEqual({ random: { count: 256, seed: 1, radius: [1, 1] } });
    expect(c.loss).toEqual({ bnMlp: { dataset: 'moons', n: 20, d: 3, seed: 2, hidden: 4 } });
  });

  it('P = hidden·d for the init points; a given readout and eps are kept', () => {
    const c = validateModelConfig(
      withPatch({
        loss: { bnMlp: { x: X, y: Y, hidden: 2, readout: [1, -2], eps: 1e-5 } },
        init: { points: [[1, 0, 0, 1]] },
        precision: 'f32',
        backend: 'gpu',
      }),
    );
    expect(c.loss).toEqual({ bnMlp: { x: X, y: Y, hidden: 2, readout: [1, -2], eps: 1e-5 } });
    expect([c.precision, c.backend]).toEqual(['f32', 'gpu']);
  });

  it('the limits themselves are accepted: d = 256, hidden·d = 1024', () => {
    expect(
      readModelConfig(
        withPatch({
          loss: { bnMlp: { dataset: 'gaussians', n: 4, d: 16, seed: 1, hidden: 64 } },
          init: { ring: { count: 2, radius: 1, seed: 1 } },
        }),
      ).issues,
    ).toEqual([]);
    expect(
      readModelConfig(
        withPatch({
          loss: { bnLogistic: { dataset: 'gaussians', n: 4, d: 256, seed: 1 } },
          init: { ring: { count: 2, radius: 1, seed: 1 } },
        }),
      ).issues,
    ).toEqual([]);
  });
});

describe('the plane’s readConfig refuses model losses', () => {
  it.each(['bnLogistic', 'bnMlp'])('%s: an issue at loss pointing to `scaleinv-lab run`', (kind) => {
    const input = withPatch({ loss: { [kind]: { dataset: 'moons', n: 10, d: 2, seed: 1 } } });
    const issues = readConfig(input).issues.filter((i) => i.path === 'loss');
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toContain(`${kind} is a model in ℝᵈ`);
    expect(issues[0].message).toContain('`scaleinv-lab run`');
    // Test of the test: a plane loss gets no such issue.
    expect(
      readConfig(withPatch({ loss: { preset: 'seed-wells' }, init: { points: [[1, 0]] } })).issues.filter(
        (i) => i.path === 'loss',
      ),
    ).toEqual([]);
  });
});
