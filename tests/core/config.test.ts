/**
 * Config validation (src/core/config): every rule is fed a bad value and the message must name the field
 * path, the bad value and what is allowed. `readConfig` (lenient) substitutes defaults and lists every issue;
 * `validateConfig` throws one ConfigError whose message is a single line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue, formatIssue } from '../../src/core/config/issues';
import { DEFAULT_CONFIG, MAX_MILESTONES, MAX_TRAJECTORIES } from '../../src/core/config/schema';
import type { ExperimentConfig } from '../../src/core/config/types';
import { readConfig, validateConfig } from '../../src/core/config/validate';
import { initialPoints, trajectoryCount } from '../../src/core/init';
import { PRESET_NAMES } from '../../src/core/presets';
import { phaseLearningRates, toExponential } from '../../src/core/schedule';

type Json = Record<string, unknown>;

/** A small valid config with every field given. */
function base(): Json {
  return {
    loss: { preset: 'seed-wells' },
    optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
    init: { points: [[-0.7, 0.7]] },
    steps: 100,
    sampleEvery: 10,
    driftTolerance: 1e-3,
    precision: 'f64',
    backend: 'cpu',
    numerics: { renormalize: true, lrMode: 'recurrence' },
  };
}

/** `base()` with the value at `path` replaced (objects on the way are created). */
function withField(path: (string | number)[], value: unknown, start: Json = base()): Json {
  const root = structuredClone(start);
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]] = value;
  return root;
}

/** Merges `patch` into `base()` one level deep per key (objects replace objects). */
function cfg(patch: Json): Json {
  return { ...base(), ...patch };
}

function thrown(input: unknown): ConfigError {
  try {
    validateConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`validateConfig accepted ${JSON.stringify(input)}`);
}

/**
 * validateConfig must reject `input` with an issue at `path` whose one-line text contains every fragment;
 * readConfig must report the same issue without throwing. Returns the issue.
 */
function expectIssue(input: unknown, path: string, ...fragments: string[]): ConfigIssue {
  const err = thrown(input);
  expect(err.message).not.toMatch(/[\r\n]/);
  const issue = err.issues.find((i) => i.path === path);
  expect(issue, `no issue at "${path}" among ${JSON.stringify(err.issues)}`).toBeDefined();
  const text = formatIssue(issue!);
  if (path !== '') expect(text.startsWith(`${path}: `)).toBe(true);
  for (const f of fragments) expect(text).toContain(f);
  expect(err.message).toContain(text);
  const lenient = readConfig(input);
  expect(lenient.issues).toEqual(err.issues);
  expect(() => validateConfig(lenient.config)).not.toThrow();
  return issue!;
}

function expectValid(input: unknown): ExperimentConfig {
  const { issues, config } = readConfig(input);
  expect(issues).toEqual([]);
  return config;
}

const MAX = String(MAX_TRAJECTORIES);

describe('unknown fields', () => {
  it.each<[string, Json, string, string[]]>([
    [
      'top level',
      cfg({ stpes: 10 }),
      'stpes',
      ['unknown field', 'loss, optimizer, init, steps, sampleEvery, driftTolerance, precision, backend'],
    ],
    [
      'optimizer',
      withField(['optimizer', 'learningRate'], 0.1),
      'optimizer.learningRate',
      ['unknown field', 'lr, weightDecay, momentum, milestones, lrDecay'],
    ],
    ['loss.fourier', { loss: { fourier: { a: [1], b: [0], c: [2] } } }, 'loss.fourier.c', ['a, b']],
    ['loss with preset', { loss: { preset: 'rugged', harmonics: 8 } }, 'loss.harmonics', ['preset']],
    [
      'loss with expression',
      { loss: { expression: 'sin(theta)', harmonics: 4, scale: 2 } },
      'loss.scale',
      ['expression, harmonics'],
    ],
    ['init next to a variant', { init: { points: [[1, 0]], count: 3 } }, 'init.count', ['points']],
    [
      'init.ring',
      { init: { ring: { count: 8, radius: 1, phase: 0 } } },
      'init.ring.phase',
      ['count, radius'],
    ],
    [
      'init.random',
      { init: { random: { count: 8, seed: 1, radii: [1, 2] } } },
      'init.random.radii',
      ['count, seed, radius'],
    ],
    ['init.grid', { init: { grid: { count: [2, 2], size: 2 } } }, 'init.grid.size', ['count, extent']],
  ])('%s', (_name, input, path, fragments) => {
    expectIssue(input, path, 'unknown field (allowed here: ', ...fragments);
  });
});

describe('wrong types', () => {
  it.each<[string, unknown, string, string[]]>([
    ['config is an array', [], '', ['expected an object', 'an array of 0']],
    ['config is null', null, '', ['expected an object', 'null']],
    ['config is a string', 'steps=3', '', ['expected an object', '"steps=3"']],
    ['steps is a string', cfg({ steps: '100' }), 'steps', ['"100"', 'an integer in [1, 100000000]']],
    ['steps is null', cfg({ steps: null }), 'steps', ['null', '[1, 100000000]']],
    ['sampleEvery is a boolean', cfg({ sampleEvery: true }), 'sampleEvery', ['boolean', '[1, 100]']],
    [
      'driftTolerance is an array',
      cfg({ driftTolerance: [1] }),
      'driftTolerance',
      ['an array of 1', '(0, 1.5]'],
    ],
    [
      'optimizer is an array',
      cfg({ optimizer: [0.1] }),
      'optimizer',
      ['expected an object', 'an array of 1'],
    ],
    ['optimizer is null', cfg({ optimizer: null }), 'optimizer', ['expected an object', 'null']],
    ['lr is a string', withField(['optimizer', 'lr'], '0.1'), 'optimizer.lr', ['"0.1"', '(0, 100]']],
    ['lr is null', withField(['optimizer', 'lr'], null), 'optimizer.lr', ['null', '(0, 100]']],
    ['lr is an object', withField(['optimizer', 'lr'], {}), 'optimizer.lr', ['an object', '(0, 100]']],
    [
      'weightDecay is a string',
      withField(['optimizer', 'weightDecay'], 'none'),
      'optimizer.weightDecay',
      ['"none"', '[0, 100]'],
    ],
    [
      'momentum is null',
      withField(['optimizer', 'momentum'], null),
      'optimizer.momentum',
      ['null', '[0, 0.999]'],
    ],
    [
      'lrDecay is an array',
      withField(['optimizer', 'lrDecay'], [0.1]),
      'optimizer.lrDecay',
      ['an array of 1', '(0, 1000]'],
    ],
    [
      'milestones is a string',
      withField(['optimizer', 'milestones'], '1000'),
      'optimizer.milestones',
      ['expected an array of numbers', '"1000"'],
    ],
    [
      'milestones is an object',
      withField(['optimizer', 'milestones'], { 0: 10 }),
      'optimizer.milestones',
      ['expected an array of numbers', 'an object'],
    ],
    [
      'a milestone is a string',
      withField(['optimizer', 'milestones'], ['10']),
      'optimizer.milestones[0]',
      ['"10"', 'an integer in [1, 100000000]'],
    ],
    ['loss is an array', cfg({ loss: [] }), 'loss', ['"fourier", "preset", "expression"', 'an array of 0']],
    ['loss is null', cfg({ loss: null }), 'loss', ['"fourier", "preset", "expression"', 'null']],
    [
      'loss is a string',
      cfg({ loss: 'seed-wells' }),
      'loss',
      ['"fourier", "preset", "expression"', '"seed-wells"'],
    ],
    ['loss.preset is a number', cfg({ loss: { preset: 3 } }), 'loss.preset', ['3', PRESET_NAMES.join(', ')]],
    [
      'loss.fourier is an array',
      cfg({ loss: { fourier: [[1], [0]] } }),
      'loss.fourier',
      ['expected an object'],
    ],
    [
      'loss.fourier.a is a string',
      cfg({ loss: { fourier: { a: '1', b: [0] } } }),
      'loss.fourier.a',
      ['expected an array of numbers', '"1"'],
    ],
    [
      'loss.fourier.b is missing',
      cfg({ loss: { fourier: { a: [1] } } }),
      'loss.fourier.b',
      ['expected an array of numbers', 'nothing'],
    ],
    [
      'a coefficient is a boolean',
      cfg({ loss: { fourier: { a: [true], b: [0] } } }),
      'loss.fourier.a[0]',
      ['boolean', '[-1000000, 1000000]'],
    ],
    [
      'loss.expression is a number',
      cfg({ loss: { expression: 5 } }),
      'loss.expression',
      ['expected a string', 'got 5'],
    ],
    [
      'loss.harmonics is a string',
      cfg({ loss: { expression: 'sin(theta)', harmonics: '8' } }),
      'loss.harmonics',
      ['"8"', 'an integer in [1, 64]'],
    ],
    [
      'init is an array',
      cfg({ init: [[1, 1]] }),
      'init',
      ['"points", "ring", "grid", "random"', 'an array of 1'],
    ],
    ['init is null', cfg({ init: null }), 'init', ['"points", "ring", "grid", "random"', 'null']],
    [
      'init.points is an object',
      cfg({ init: { points: { x: 1, y: 1 } } }),
      'init.points',
      [`expected 1 to ${MAX} points [x, y]`, 'an object'],
    ],
    [
      'a point is a number',
      cfg({ init: { points: [5] } }),
      'init.points[0]',
      ['expected an array of numbers', 'got 5'],
    ],
    [
      'a coordinate is a string',
      cfg({ init: { points: [[1, '2']] } }),
      'init.points[0][1]',
      ['"2"', '[-1000000, 1000000]'],
    ],
    [
      'init.ring is an array',
      cfg({ init: { ring: [8, 1] } }),
      'init.ring',
      ['expected an object', 'an array of 2'],
    ],
    [
      'init.ring.count is a string',
      cfg({ init: { ring: { count: '8' } } }),
      'init.ring.count',
      ['"8"', `an integer in [1, ${MAX}]`],
    ],
    [
      'init.grid.count is a string',
      cfg({ init: { grid: { count: 'big' } } }),
      'init.grid.count',
      ['expected an array of numbers', '"big"'],
    ],
    [
      'init.random.radius is a number',
      cfg({ init: { random: { radius: 1 } } }),
      'init.random.radius',
      ['expected an array of numbers', 'got 1'],
    ],
    ['precision is a number', cfg({ precision: 64 }), 'precision', ['64', 'f32, df64, f64, dd']],
    ['backend is null', cfg({ backend: null }), 'backend', ['null', 'cpu, gpu']],
  ])('%s', (_name, input, path, fragments) => {
    expectIssue(input, path, ...fragments);
  });

  // `r.count ?? 4096` and friends turn an explicit null into the default instead of reporting it; every
  // other field (top level, optimizer, loss.harmonics) reports null as a wrong type.
  const nestedNulls: [string, (string | number)[]][] = [
    ['init.ring.count', ['init', 'ring', 'count']],
    ['init.ring.radius', ['init', 'ring', 'radius']],
    ['init.random.count', ['init', 'random', 'count']],
    ['init.random.seed', ['init', 'random', 'seed']],
    ['init.random.radius', ['init', 'random', 'radius']],
    ['init.grid.count', ['init', 'grid', 'count']],
    ['init.grid.extent', ['init', 'grid', 'extent']],
  ];
  for (const [path, keys] of nestedNulls) {
    // BUG (validate.ts readInit/readGrid use `??`): null is silently accepted as the default.
    it(`${path}: null is reported, not replaced by the default`, () => {
      expectIssue(withField(keys, null, { init: {} }), path, 'null');
    });
  }
});

// BUG (fields.ts readFiniteArray): an undefined entry or a hole in an array is read by readNumber as "field
// not given" and silently becomes the fallback NaN, so in-process callers (GUI, URL state, lab.setConfig) get
// NaN coordinates, coefficients and milestones accepted. JSON files cannot contain undefined, so the CLI is
// not affected. Reading entries with Array.from and reporting undefined as "got nothing" fixes it.
describe('undefined entries in arrays (in-process inputs)', () => {
  const cases: [string, Json, string][] = [
    ['a point coordinate', { init: { points: [[undefined, 1]] } }, 'init.points[0][0]'],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    ['a hole in a point', { init: { points: [[, 1]] } }, 'init.points[0][0]'],
    ['a milestone', { optimizer: { milestones: [undefined] } }, 'optimizer.milestones[0]'],
    ['a Fourier coefficient', { loss: { fourier: { a: [undefined, 1], b: [0, 0] } } }, 'loss.fourier.a[0]'],
  ];
  for (const [name, input, path] of cases) {
    it(`${name} that is undefined is reported`, () => {
      expectIssue(input, path, 'nothing');
    });
  }
});

describe('NaN and infinities (in-process inputs)', () => {
  const fields: [string, (string | number)[], string][] = [
    ['optimizer.lr', ['optimizer', 'lr'], '(0, 100]'],
    ['optimizer.weightDecay', ['optimizer', 'weightDecay'], '[0, 100]'],
    ['optimizer.momentum', ['optimizer', 'momentum'], '[0, 0.999]'],
    ['optimizer.lrDecay', ['optimizer', 'lrDecay'], '(0, 1000]'],
    ['steps', ['steps'], '[1, 100000000]'],
    ['sampleEvery', ['sampleEvery'], '[1, 100]'],
    ['driftTolerance', ['driftTolerance'], '(0, 1.5]'],
  ];
  for (const [path, keys, range] of fields) {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      it(`${path} = ${value}`, () => {
        expectIssue(withField(keys, value), path, `${value} is not a finite number`, range);
      });
    }
  }
  it.each<[string, Json, string]>([
    ['a Fourier coefficient', { loss: { fourier: { a: [1, Number.NaN], b: [0, 0] } } }, 'loss.fourier.a[1]'],
    [
      'a b coefficient',
      { loss: { fourier: { a: [1], b: [Number.POSITIVE_INFINITY] } } },
      'loss.fourier.b[0]',
    ],
    ['a point coordinate', { init: { points: [[Number.NaN, 1]] } }, 'init.points[0][0]'],
    ['a milestone', { optimizer: { milestones: [10, Number.POSITIVE_INFINITY] } }, 'optimizer.milestones[1]'],
    ['loss.harmonics', { loss: { expression: 'sin(theta)', harmonics: Number.NaN } }, 'loss.harmonics'],
    ['init.ring.radius', { init: { ring: { radius: Number.POSITIVE_INFINITY } } }, 'init.ring.radius'],
    ['init.grid.extent', { init: { grid: { extent: [-1, Number.NaN, -1, 1] } } }, 'init.grid.extent[1]'],
  ])('%s', (_name, input, path) => {
    expectIssue(input, path, 'is not a finite number (expected ');
  });
});

describe('ranges', () => {
  it.each<[string, (string | number)[], unknown, string, string[]]>([
    [
      'lr = 0 (excluded)',
      ['optimizer', 'lr'],
      0,
      'optimizer.lr',
      ['0 is out of range', 'a number in (0, 100]'],
    ],
    ['lr < 0', ['optimizer', 'lr'], -0.1, 'optimizer.lr', ['-0.1', '(0, 100]']],
    ['lr > 100', ['optimizer', 'lr'], 100.5, 'optimizer.lr', ['100.5', '(0, 100]']],
    ['weightDecay < 0', ['optimizer', 'weightDecay'], -0.01, 'optimizer.weightDecay', ['-0.01', '[0, 100]']],
    ['weightDecay > 100', ['optimizer', 'weightDecay'], 101, 'optimizer.weightDecay', ['101', '[0, 100]']],
    ['momentum < 0', ['optimizer', 'momentum'], -0.5, 'optimizer.momentum', ['-0.5', '[0, 0.999]']],
    ['momentum = 1', ['optimizer', 'momentum'], 1, 'optimizer.momentum', ['1 is out of range', '[0, 0.999]']],
    ['momentum > 0.999', ['optimizer', 'momentum'], 0.9995, 'optimizer.momentum', ['0.9995', '[0, 0.999]']],
    ['lrDecay = 0 (excluded)', ['optimizer', 'lrDecay'], 0, 'optimizer.lrDecay', ['0 is out', '(0, 1000]']],
    ['lrDecay < 0', ['optimizer', 'lrDecay'], -2, 'optimizer.lrDecay', ['-2', '(0, 1000]']],
    ['lrDecay > 1000', ['optimizer', 'lrDecay'], 1001, 'optimizer.lrDecay', ['1001', '(0, 1000]']],
    ['steps = 0', ['steps'], 0, 'steps', ['0 is out of range', 'an integer in [1, 100000000]']],
    ['steps > 1e8', ['steps'], 100_000_001, 'steps', ['100000001', '[1, 100000000]']],
    ['steps not an integer', ['steps'], 10.5, 'steps', ['10.5', 'an integer in [1, 100000000]']],
    ['sampleEvery = 0', ['sampleEvery'], 0, 'sampleEvery', ['0 is out', 'an integer in [1, 100]']],
    ['sampleEvery > steps', ['sampleEvery'], 101, 'sampleEvery', ['101', 'an integer in [1, 100]']],
    ['sampleEvery not an integer', ['sampleEvery'], 2.5, 'sampleEvery', ['2.5', 'an integer in [1, 100]']],
    ['driftTolerance = 0 (excluded)', ['driftTolerance'], 0, 'driftTolerance', ['0 is out', '(0, 1.5]']],
    ['driftTolerance > 1.5', ['driftTolerance'], 1.6, 'driftTolerance', ['1.6', '(0, 1.5]']],
    ['driftTolerance < 0', ['driftTolerance'], -1e-3, 'driftTolerance', ['-0.001', '(0, 1.5]']],
  ])('%s', (_name, keys, value, path, fragments) => {
    expectIssue(withField(keys, value), path, ...fragments);
  });

  it('accepts the ends of every closed range', () => {
    expectValid(withField(['optimizer', 'lr'], 100, withField(['optimizer', 'weightDecay'], 0)));
    expectValid(withField(['optimizer', 'weightDecay'], 0));
    expectValid(withField(['optimizer', 'momentum'], 0.999, withField(['optimizer', 'weightDecay'], 0)));
    expectValid(withField(['optimizer', 'lrDecay'], 1000, withField(['optimizer', 'weightDecay'], 0)));
    expectValid(withField(['steps'], 1, withField(['sampleEvery'], 1)));
    expectValid(withField(['sampleEvery'], 100));
    expectValid(withField(['driftTolerance'], 1.5));
  });

  it('checks sampleEvery against the given steps, and against the default when steps is bad', () => {
    expect(expectValid(cfg({ steps: 7, sampleEvery: 7 })).sampleEvery).toBe(7);
    expectIssue(cfg({ steps: 0, sampleEvery: 3001 }), 'sampleEvery', '3001', '[1, 3000]');
  });
});

describe('milestones', () => {
  it('accepts strictly increasing integers, also beyond steps', () => {
    const c = expectValid(withField(['optimizer', 'milestones'], [10, 20, 1000]));
    expect(c.optimizer.milestones).toEqual([10, 20, 1000]);
  });
  it.each<[string, unknown[], string, string[]]>([
    ['decreasing', [100, 50], 'optimizer.milestones[1]', ['50 is not after 100', 'must increase']],
    ['repeated', [10, 20, 20], 'optimizer.milestones[2]', ['20 is not after 20', 'must increase']],
    ['not an integer', [10.5], 'optimizer.milestones[0]', ['10.5', 'an integer in [1, 100000000]']],
    ['zero', [0, 5], 'optimizer.milestones[0]', ['0 is out of range', 'an integer in [1, 100000000]']],
    ['negative', [5, -5], 'optimizer.milestones[1]', ['-5', '[1, 100000000]']],
  ])('%s', (_name, milestones, path, fragments) => {
    expectIssue(withField(['optimizer', 'milestones'], milestones), path, ...fragments);
  });
  it(`at most ${MAX_MILESTONES}`, () => {
    const list = Array.from({ length: MAX_MILESTONES + 1 }, (_, i) => i + 1);
    expectIssue(
      withField(['optimizer', 'milestones'], list),
      'optimizer.milestones',
      `has ${MAX_MILESTONES + 1} entries`,
      `expected 0 to ${MAX_MILESTONES}`,
    );
    expectValid(withField(['optimizer', 'milestones'], list.slice(0, MAX_MILESTONES)));
  });
});

describe('a real α (momentum and weight decay)', () => {
  const opt = (o: Json) => cfg({ optimizer: { ...(base().optimizer as Json), ...o } });

  it('momentum 0.9 with lr·weightDecay above (1 − √γ)²', () => {
    const issue = expectIssue(
      opt({ lr: 0.1, weightDecay: 0.1, momentum: 0.9 }),
      'optimizer.weightDecay',
      'lr × weightDecay = 0.01',
      'no real positive α',
      'momentum 0.9',
      '(1 − √momentum)²',
      `= ${(1 - Math.sqrt(0.9)) ** 2}`,
    );
    expect(issue.message).toMatch(/lower weightDecay, lr or momentum/);
  });

  it('no momentum: lr·weightDecay must stay below 1', () => {
    expectIssue(
      opt({ lr: 10, weightDecay: 0.2 }),
      'optimizer.weightDecay',
      '= 2',
      'momentum 0',
      '(1 − √momentum)²',
    );
    expectIssue(opt({ lr: 1, weightDecay: 1 }), 'optimizer.weightDecay', '= 1 gives no real positive α');
    expectValid(opt({ lr: 1, weightDecay: 0.999 }));
  });

  it('a later phase whose lr grows through lrDecay > 1', () => {
    // Phase 0: 0.1·0.5 = 0.05 is fine; from step 100 the lr is 0.1·30 = 3 and 3·0.5 = 1.5 is not.
    expectValid(opt({ lr: 0.1, weightDecay: 0.5 }));
    expectIssue(
      opt({ lr: 0.1, weightDecay: 0.5, milestones: [100], lrDecay: 30 }),
      'optimizer.weightDecay',
      'the learning rate from step 100 (',
      '× weightDecay = 1.5',
      '(1 − √momentum)²',
    );
  });

  it('a later phase with momentum', () => {
    // γ = 0.5: (1 − √0.5)² ≈ 0.0858. Phases 0.05, 0.1, 0.2 with weightDecay 1: the second one fails.
    expectIssue(
      opt({ lr: 0.05, weightDecay: 1, momentum: 0.5, milestones: [10, 20], lrDecay: 2 }),
      'optimizer.weightDecay',
      'the learning rate from step 10 (0.1)',
      'momentum 0.5',
      '(1 − √momentum)²',
    );
  });

  it('readConfig drops the weight decay, and the result has a real α', () => {
    const { config, issues } = readConfig(opt({ lr: 0.1, weightDecay: 0.1, momentum: 0.9 }));
    expect(issues.map((i) => i.path)).toEqual(['optimizer.weightDecay']);
    expect(config.optimizer).toMatchObject({ lr: 0.1, momentum: 0.9, weightDecay: 0 });
    expect(() => toExponential(config.optimizer)).not.toThrow();
  });

  it('accepts the exact boundary ηλ = (1 − √γ)² when it is representable', () => {
    const c = expectValid(opt({ lr: 0.5, weightDecay: 0.5, momentum: 0.25 }));
    expect(toExponential(c.optimizer).phases[0].alpha.hi).toBe(0.5);
  });

  // BUG (validate.ts readOptimizer): the limit is compared in float64 ((1 − √γ)² rounded) while the schedule
  // decides in double-double, so configs on the boundary pass validation and then runCpu/toExponential
  // throws "no real α" (the CLI exits 1 with "error: no real α ..." instead of 2). Minimal example:
  // momentum 0.04, lr 0.8, weightDecay 0.8 (0.64 = (1 − 0.2)² nominally).
  it('every accepted optimizer has a real α (boundary ηλ = (1 − √γ)²)', () => {
    const cases: [number, number, number][] = [
      [0.04, 0.8, 0.8],
      [0.01, 0.9, 0.9],
      [0.36, 0.4, 0.4],
    ];
    for (const [momentum, lr, weightDecay] of cases) {
      const { config, issues } = readConfig(opt({ lr, weightDecay, momentum }));
      if (issues.length > 0) continue; // rejecting is fine
      expect(() => toExponential(config.optimizer), `momentum ${momentum}, lr ${lr}`).not.toThrow();
    }
  });

  // BUG (minor, validate.ts readOptimizer): lr·lrDecay^k may underflow to 0 (lrDecay 1e-300 is in range);
  // the phase with lr 0 gives q̂ = 0/0 and the exponential run turns NaN at the switch, so runCpu reports an
  // overflowStep although nothing overflowed.
  it('every phase of an accepted optimizer has a positive learning rate', () => {
    const { config, issues } = readConfig(
      opt({ lr: 0.1, weightDecay: 0.05, milestones: [5, 10], lrDecay: 1e-300 }),
    );
    if (issues.length > 0) return;
    for (const p of phaseLearningRates(config.optimizer)) expect(p.lr).toBeGreaterThan(0);
  });
});

describe('loss', () => {
  it('needs exactly one variant', () => {
    expectIssue(cfg({ loss: {} }), 'loss', 'expected exactly one of fourier, preset, expression', 'got none');
    expectIssue(
      cfg({ loss: { preset: 'rugged', expression: 'sin(theta)' } }),
      'loss',
      'exactly one of fourier, preset, expression',
      'got preset and expression',
    );
    expectIssue(
      cfg({ loss: { fourier: { a: [1], b: [0] }, preset: 'rugged' } }),
      'loss',
      'got fourier and preset',
    );
  });

  it('unknown preset lists the presets', () => {
    expect(PRESET_NAMES).toEqual(['seed-wells', 'single-well', 'double-well', 'rugged']);
    expectIssue(
      cfg({ loss: { preset: 'seed' } }),
      'loss.preset',
      '"seed" is not a preset',
      'expected one of seed-wells, single-well, double-well, rugged',
    );
  });

  it('every preset is accepted', () => {
    for (const preset of PRESET_NAMES)
      expect(expectValid(cfg({ loss: { preset } })).loss).toEqual({ preset });
  });

  it('fourier: a and b must have the same length', () => {
    expectIssue(
      cfg({ loss: { fourier: { a: [1, 2], b: [1] } } }),
      'loss.fourier',
      'a has 2 coefficients and b has 1',
      'must match',
    );
  });

  it('fourier: all-zero coefficients', () => {
    expectIssue(
      cfg({ loss: { fourier: { a: [0, 0], b: [0, -0] } } }),
      'loss.fourier',
      'all coefficients are 0',
    );
  });

  it('fourier: coefficient out of range, and the length limits', () => {
    expectIssue(
      cfg({ loss: { fourier: { a: [2e6], b: [0] } } }),
      'loss.fourier.a[0]',
      '2000000 is out of range',
      'a number in [-1000000, 1000000]',
    );
    expectIssue(cfg({ loss: { fourier: { a: [], b: [] } } }), 'loss.fourier.a', 'has 0 entries', '1 to 64');
    const long = Array.from({ length: 65 }, () => 0.1);
    expectIssue(
      cfg({ loss: { fourier: { a: long, b: long } } }),
      'loss.fourier.a',
      'has 65 entries',
      '1 to 64',
    );
    expectValid(cfg({ loss: { fourier: { a: long.slice(1), b: long.slice(1) } } }));
  });

  it('expression: a parse error names the column', () => {
    expectIssue(cfg({ loss: { expression: 'sin(theta) + * 2' } }), 'loss.expression', 'column 14', "'*'");
    expectIssue(cfg({ loss: { expression: 'sin(3*theta' } }), 'loss.expression', 'column 12', "')'");
    expectIssue(
      cfg({ loss: { expression: 'x + 1' } }),
      'loss.expression',
      'column 1',
      "'x'",
      'theta, pi, sin, cos',
    );
  });

  it('expression: a constant', () => {
    expectIssue(cfg({ loss: { expression: '3' } }), 'loss.expression', 'constant in theta');
    expectIssue(cfg({ loss: { expression: 'sin(theta)^2 + cos(theta)^2' } }), 'loss.expression', 'constant');
  });

  it('expression: a pole', () => {
    expectIssue(cfg({ loss: { expression: 'tan(theta)' } }), 'loss.expression', 'pole');
  });

  it('expression: harmonics out of range', () => {
    for (const h of [0, 65, 2.5, -1]) {
      expectIssue(
        cfg({ loss: { expression: 'sin(theta)', harmonics: h } }),
        'loss.harmonics',
        `${h} is out of range`,
        'an integer in [1, 64]',
      );
    }
    expect(expectValid(cfg({ loss: { expression: 'sin(theta)', harmonics: 64 } })).loss).toEqual({
      expression: 'sin(theta)',
      harmonics: 64,
    });
  });
});

describe('init', () => {
  it('needs exactly one variant', () => {
    expectIssue(cfg({ init: {} }), 'init', 'expected exactly one of points, ring, grid, random', 'got none');
    expectIssue(
      cfg({ init: { points: [[1, 0]], ring: { count: 4, radius: 1 } } }),
      'init',
      'got points and ring',
    );
  });

  it('a point at the origin (also -0)', () => {
    expectIssue(
      cfg({
        init: {
          points: [
            [1, 1],
            [0, 0],
          ],
        },
      }),
      'init.points[1]',
      '(0, 0)',
      'origin',
    );
    expectIssue(cfg({ init: { points: [[-0, 0]] } }), 'init.points[0]', '(0, 0)', 'origin');
    expectValid(cfg({ init: { points: [[0, 1e-150]] } }));
  });

  it('a start the precision cannot hold: rounds to the origin, or |w|² underflows (issue 12)', () => {
    expectIssue(cfg({ init: { points: [[1e-320, 0]] } }), 'init.points[0]', 'underflows f64');
    expectIssue(cfg({ init: { points: [[0, 1e-300]] } }), 'init.points[0]', 'underflows f64');
    expectIssue(
      cfg({ precision: 'f32', init: { points: [[1e-200, 1e-200]] } }),
      'init.points[0]',
      'rounds to the origin in f32',
    );
    expectIssue(
      cfg({ precision: 'f32', init: { points: [[1e-20, 1e-20]] } }),
      'init.points[0]',
      'underflows f32',
    );
    expectIssue(cfg({ init: { ring: { count: 8, radius: 1e-200 } } }), 'init.ring.radius', 'underflows f64');
    expectIssue(
      cfg({ init: { ring: { count: 8, radius: 1 }, extra: [[1e-300, 0]] } }),
      'init.extra[0]',
      'underflows f64',
    );
    expectValid(cfg({ precision: 'f32', init: { points: [[1e-18, 1e-20]] } }));
  });

  it('a point must have two numbers', () => {
    expectIssue(cfg({ init: { points: [[1, 2, 3]] } }), 'init.points[0]', 'has 3 entries', 'expected 2 to 2');
    expectIssue(cfg({ init: { points: [[1]] } }), 'init.points[0]', 'has 1 entries', 'expected 2 to 2');
  });

  it('points: empty list, coordinates out of range', () => {
    expectIssue(cfg({ init: { points: [] } }), 'init.points', `expected 1 to ${MAX} points`, 'an array of 0');
    expectIssue(
      cfg({ init: { points: [[2e6, 0]] } }),
      'init.points[0][0]',
      '2000000 is out of range',
      '[-1000000, 1000000]',
    );
  });

  it('ring out of range', () => {
    expectIssue(
      cfg({ init: { ring: { count: 0 } } }),
      'init.ring.count',
      '0 is out',
      `an integer in [1, ${MAX}]`,
    );
    expectIssue(cfg({ init: { ring: { count: 2.5 } } }), 'init.ring.count', '2.5', `[1, ${MAX}]`);
    expectIssue(cfg({ init: { ring: { radius: 0 } } }), 'init.ring.radius', '0 is out', '(0, 1000000]');
    expectIssue(cfg({ init: { ring: { radius: -1 } } }), 'init.ring.radius', '-1', '(0, 1000000]');
    expectIssue(cfg({ init: { ring: { radius: 2e6 } } }), 'init.ring.radius', '2000000', '(0, 1000000]');
  });

  it('random out of range, and radius min > max', () => {
    expectIssue(cfg({ init: { random: { count: 0 } } }), 'init.random.count', '0 is out', `[1, ${MAX}]`);
    expectIssue(
      cfg({ init: { random: { seed: -1 } } }),
      'init.random.seed',
      '-1',
      'an integer in [0, 4294967295]',
    );
    expectIssue(
      cfg({ init: { random: { seed: 2 ** 32 } } }),
      'init.random.seed',
      '4294967296',
      '[0, 4294967295]',
    );
    expectIssue(cfg({ init: { random: { seed: 0.5 } } }), 'init.random.seed', '0.5', '[0, 4294967295]');
    expectIssue(
      cfg({ init: { random: { radius: [0, 1] } } }),
      'init.random.radius[0]',
      '0 is out',
      '(0, 1000000]',
    );
    expectIssue(cfg({ init: { random: { radius: [1] } } }), 'init.random.radius', 'has 1 entries', '2 to 2');
    expectIssue(
      cfg({ init: { random: { count: 8, seed: 3, radius: [2, 1] } } }),
      'init.random.radius',
      '[2,1]',
      'min > max',
      'rMin ≤ rMax',
    );
    expect(expectValid(cfg({ init: { random: { radius: [1, 1] } } })).init).toEqual({
      random: { count: 4096, seed: 1, radius: [1, 1] },
    });
  });

  it('grid out of range, and an empty extent', () => {
    expectIssue(
      cfg({ init: { grid: { count: [0, 4] } } }),
      'init.grid.count[0]',
      '0 is out',
      'an integer in [1, 2048]',
    );
    expectIssue(cfg({ init: { grid: { count: [4, 2049] } } }), 'init.grid.count[1]', '2049', '[1, 2048]');
    expectIssue(cfg({ init: { grid: { count: [2.5, 2] } } }), 'init.grid.count[0]', '2.5', '[1, 2048]');
    expectIssue(cfg({ init: { grid: { count: [4] } } }), 'init.grid.count', 'has 1 entries', '2 to 2');
    expectIssue(
      cfg({ init: { grid: { extent: [-1, 1, -1] } } }),
      'init.grid.extent',
      'has 3 entries',
      '4 to 4',
    );
    for (const extent of [
      [1, -1, -1, 1],
      [-1, 1, 2, 2],
    ]) {
      expectIssue(
        cfg({ init: { grid: { count: [4, 4], extent } } }),
        'init.grid.extent',
        `[${extent}] is empty`,
        'xMin < xMax, yMin < yMax',
      );
    }
  });

  it('an odd grid centred on the origin', () => {
    expectIssue(
      cfg({ init: { grid: { count: [3, 5], extent: [-1, 1, -2, 2] } } }),
      'init.grid',
      'origin',
      'even count',
    );
    // Odd along one axis only, or even along both: no cell centre on the origin.
    expectValid(cfg({ init: { grid: { count: [3, 4], extent: [-1, 1, -1, 1] } } }));
    expectValid(cfg({ init: { grid: { count: [4, 4], extent: [-1, 1, -1, 1] } } }));
    expectValid(cfg({ init: { grid: { count: [3, 3], extent: [-1, 1, -0.5, 1] } } }));
  });

  // BUG (validate.ts readGrid): the origin check assumes only an odd count on a centred extent puts a cell
  // centre on 0, but x0 + (i + ½)(x1 − x0)/n = 0 also happens off-centre, e.g. count [2, 2] with extent
  // [−0.5, 1.5, −0.5, 1.5] (centre (0, 0) at index 0). The config is accepted, initialPoints() returns the
  // origin, and runCpu reports overflowStep 1 with null samples for that trajectory.
  it('no accepted grid has a cell centre at the origin', () => {
    const extents = [-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2];
    const bad: string[] = [];
    for (let n = 1; n <= 4; n++) {
      for (const lo of extents) {
        for (const hi of extents) {
          if (!(lo < hi)) continue;
          const grid = {
            count: [n, n] as [number, number],
            extent: [lo, hi, lo, hi] as [number, number, number, number],
          };
          const { issues } = readConfig(cfg({ init: { grid } }));
          if (issues.length > 0) continue;
          const p = initialPoints({ grid });
          for (let i = 0; i < p.length; i += 2) {
            if (p[i] === 0 && p[i + 1] === 0) bad.push(JSON.stringify(grid));
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it(`too many trajectories (limit ${MAX})`, () => {
    const many = new Array(MAX_TRAJECTORIES + 1).fill([1, 1]);
    expectIssue(
      cfg({ init: { points: many } }),
      'init.points',
      `expected 1 to ${MAX} points`,
      `an array of ${MAX_TRAJECTORIES + 1}`,
    );
    expectIssue(
      cfg({ init: { ring: { count: MAX_TRAJECTORIES + 1 } } }),
      'init.ring.count',
      String(MAX_TRAJECTORIES + 1),
      `[1, ${MAX}]`,
    );
    expectIssue(
      cfg({ init: { random: { count: MAX_TRAJECTORIES + 1 } } }),
      'init.random.count',
      `[1, ${MAX}]`,
    );
    // The grid limit is reached exactly by the largest side: 2048² = 2^22.
    const c = expectValid(cfg({ init: { grid: { count: [2048, 2048] } } }));
    expect(trajectoryCount(c.init)).toBe(MAX_TRAJECTORIES);
    expect(expectValid(cfg({ init: { ring: { count: MAX_TRAJECTORIES } } })).init).toEqual({
      ring: { count: MAX_TRAJECTORIES, radius: 1 },
    });
  });
});

describe('precision and backend', () => {
  it('unknown values list the choices', () => {
    expectIssue(
      cfg({ precision: 'f8' }),
      'precision',
      '"f8" is not allowed',
      'expected one of bf16, f16, f32, df64, f64, dd',
    );
    expectIssue(cfg({ backend: 'tpu' }), 'backend', '"tpu" is not allowed', 'expected one of cpu, gpu');
    expectIssue(cfg({ precision: 'F64' }), 'precision', '"F64"');
  });

  it('incompatible pairs name the backend and what it runs', () => {
    expectIssue(
      cfg({ precision: 'df64', backend: 'cpu' }),
      'precision',
      'df64 does not run on the cpu backend',
      'cpu: f64, f32, dd',
      'use backend "gpu"',
    );
    expectIssue(
      cfg({ precision: 'dd', backend: 'gpu' }),
      'precision',
      'dd does not run on the gpu backend',
      'gpu: f32, df64',
      'use backend "cpu"',
    );
    expectIssue(
      cfg({ precision: 'f64', backend: 'gpu' }),
      'precision',
      'f64 does not run on the gpu backend',
    );
  });

  it('compatible pairs are accepted', () => {
    for (const [precision, backend] of [
      ['f64', 'cpu'],
      ['f32', 'cpu'],
      ['dd', 'cpu'],
      ['f32', 'gpu'],
      ['df64', 'gpu'],
    ]) {
      expect(expectValid(cfg({ precision, backend }))).toMatchObject({ precision, backend });
    }
  });

  it('readConfig replaces an incompatible precision by one the backend runs', () => {
    expect(readConfig(cfg({ precision: 'df64', backend: 'cpu' })).config.precision).toBe('f64');
    expect(readConfig(cfg({ precision: 'dd', backend: 'gpu' })).config.precision).toBe('f32');
  });
});

describe('readConfig (lenient)', () => {
  it('substitutes the default for each bad field and lists every issue', () => {
    const input = {
      loss: { preset: 'nope' },
      optimizer: { lr: -1, weightDecay: 0.02, momentum: 2, milestones: 'x', lrDecay: 0.5 },
      init: { ring: { count: 0 } },
      steps: 0,
      sampleEvery: 10,
      driftTolerance: Number.NaN,
      precision: 'f8',
      backend: 'tpu',
      extra: 1,
    };
    const { config, issues } = readConfig(input);
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'extra',
        'steps',
        'loss.preset',
        'optimizer.lr',
        'optimizer.momentum',
        'optimizer.milestones',
        'init.ring.count',
        'driftTolerance',
        'precision',
        'backend',
      ].sort(),
    );
    const d = DEFAULT_CONFIG;
    expect(config).toEqual({
      loss: d.loss,
      optimizer: {
        lr: d.optimizer.lr,
        weightDecay: 0.02,
        momentum: d.optimizer.momentum,
        milestones: [],
        lrDecay: 0.5,
      },
      init: d.init,
      steps: d.steps,
      sampleEvery: 10,
      driftTolerance: d.driftTolerance,
      precision: d.precision,
      backend: d.backend,
      numerics: d.numerics,
    });
    expect(() => validateConfig(config)).not.toThrow();
    // validateConfig reports the same issues, joined on one line.
    const err = thrown(input);
    expect(err.issues).toEqual(issues);
    expect(err.message).toBe(issues.map(formatIssue).join('; '));
  });

  it('a non-object config gives the whole default config', () => {
    for (const input of [null, 3, 'x', [1, 2], true]) {
      const { config, issues } = readConfig(input);
      expect(config).toEqual(DEFAULT_CONFIG);
      expect(issues).toHaveLength(1);
    }
  });
});

describe('valid configs and defaults', () => {
  const full: Json[] = [
    base(),
    {
      loss: { fourier: { a: [0.25, -1], b: [0, 0.5] } },
      optimizer: { lr: 0.05, weightDecay: 0.01, momentum: 0.9, milestones: [100, 200], lrDecay: 0.5 },
      init: { ring: { count: 16, radius: 2 } },
      steps: 300,
      sampleEvery: 7,
      driftTolerance: 0.01,
      precision: 'dd',
      backend: 'cpu',
      numerics: { renormalize: true, lrMode: 'recurrence' },
    },
    {
      loss: { expression: 'sin(3*theta) - 0.5*cos(theta)', harmonics: 8 },
      optimizer: { lr: 1, weightDecay: 0, momentum: 0.5, milestones: [], lrDecay: 10 },
      init: { grid: { count: [8, 6], extent: [-2, 2, -1, 1.5] } },
      steps: 50,
      sampleEvery: 50,
      driftTolerance: 1.5,
      precision: 'f32',
      backend: 'gpu',
      numerics: { renormalize: true, lrMode: 'recurrence' },
    },
    {
      loss: { preset: 'rugged' },
      optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [1], lrDecay: 0.1 },
      init: { random: { count: 100, seed: 4294967295, radius: [0.5, 1.5] } },
      steps: 1,
      sampleEvery: 1,
      driftTolerance: 1e-6,
      precision: 'df64',
      backend: 'gpu',
      numerics: { renormalize: true, lrMode: 'recurrence' },
    },
  ];

  it('a valid config round-trips unchanged (also through JSON, and twice)', () => {
    for (const c of full) {
      const out = validateConfig(c);
      expect(out).toEqual(c);
      expect(validateConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
      expect(validateConfig(out)).toEqual(out);
    }
  });

  it('an empty object gives DEFAULT_CONFIG, not an alias of it', () => {
    const c = validateConfig({});
    expect(c).toEqual(DEFAULT_CONFIG);
    const before = structuredClone(DEFAULT_CONFIG);
    (c.optimizer.milestones as number[]).push(5);
    c.init = { ring: { count: 1, radius: 1 } };
    (validateConfig({}).loss as { preset: string }).preset = 'rugged';
    expect(DEFAULT_CONFIG).toEqual(before);
  });

  it('each missing field takes its documented default', () => {
    const given = full[1];
    for (const key of Object.keys(given)) {
      const input = { ...given };
      delete input[key];
      const c = validateConfig(input) as unknown as Json;
      // sampleEvery's default is 1 whatever steps is.
      expect(c[key]).toEqual((DEFAULT_CONFIG as unknown as Json)[key]);
    }
    const opt = given.optimizer as Json;
    for (const key of Object.keys(opt)) {
      const o = { ...opt };
      delete o[key];
      if (key === 'lr') o.weightDecay = 0; // the default lr with weightDecay 0.01 and momentum 0.9 has no α
      const c = validateConfig({ ...given, optimizer: o });
      expect((c.optimizer as unknown as Json)[key]).toEqual(
        (DEFAULT_CONFIG.optimizer as unknown as Json)[key],
      );
    }
  });

  it('the README defaults of the init variants and of harmonics', () => {
    expect(validateConfig({ init: { ring: {} } }).init).toEqual({ ring: { count: 4096, radius: 1 } });
    expect(validateConfig({ init: { grid: {} } }).init).toEqual({
      grid: { count: [64, 64], extent: [-1, 1, -1, 1] },
    });
    expect(validateConfig({ init: { random: {} } }).init).toEqual({
      random: { count: 4096, seed: 1, radius: [0.2, 2] },
    });
    expect(validateConfig({ loss: { expression: 'cos(theta)' } }).loss).toEqual({
      expression: 'cos(theta)',
      harmonics: 16,
    });
  });

  it('DEFAULT_CONFIG itself is valid and matches the README', () => {
    expect(validateConfig(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toEqual({
      loss: { preset: 'seed-wells' },
      optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
      init: { points: [[-0.7, 0.7]] },
      steps: 3000,
      sampleEvery: 1,
      driftTolerance: 0.001,
      precision: 'f64',
      backend: 'cpu',
      numerics: { renormalize: true, lrMode: 'recurrence' },
    });
  });
});

describe('properties', () => {
  /** Either a valid config or one ConfigError on one line; readConfig never throws and heals the input. */
  function checkInvariant(input: unknown): void {
    let error: unknown = null;
    try {
      validateConfig(input);
    } catch (e) {
      error = e;
    }
    if (error !== null) {
      expect(error).toBeInstanceOf(ConfigError);
      const err = error as ConfigError;
      expect(err.issues.length).toBeGreaterThan(0);
      expect(err.message).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(err.message.length).toBeGreaterThan(0);
    }
    const { config, issues } = readConfig(input);
    expect(issues.length === 0).toBe(error === null);
    expect(validateConfig(config)).toEqual(config);
  }

  it('arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), checkInvariant), { numRuns: 300 });
  });

  it('arbitrary JSON under the known top-level keys', () => {
    const keys = [
      'loss',
      'optimizer',
      'init',
      'steps',
      'sampleEvery',
      'driftTolerance',
      'precision',
      'backend',
    ];
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...keys, 'extra'), fc.jsonValue({ maxDepth: 3 })),
        checkInvariant,
      ),
      {
        numRuns: 300,
      },
    );
  });

  /** Values likely to hit rule edges, plus arbitrary JSON, strings and doubles (NaN, ±Infinity, −0). */
  const value: fc.Arbitrary<unknown> = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.double(),
    fc.integer({ min: -5, max: 5000 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(
      0,
      -0,
      1,
      0.5,
      0.999,
      1000,
      100_000_001,
      2 ** 32,
      MAX_TRAJECTORIES + 1,
      null,
      [],
      {},
      [0, 0],
      [1, 2, 3],
      [2, 1],
      [-1, 1, -1, 1],
      [3, 3],
      'sin(theta)',
      '3',
      'sin(theta',
      'rugged',
      'dd',
      'gpu',
      'df64',
    ),
  );
  const bases: Json[] = [
    base(),
    cfg({ loss: { fourier: { a: [0.2, -0.5], b: [0.1, 0] } }, init: { ring: { count: 8, radius: 1 } } }),
    cfg({
      loss: { expression: 'sin(2*theta)', harmonics: 4 },
      init: { grid: { count: [4, 4], extent: [-1, 1, -1, 1] } },
    }),
    cfg({
      optimizer: { lr: 0.1, weightDecay: 0.01, momentum: 0.5, milestones: [10, 20], lrDecay: 2 },
      init: { random: { count: 8, seed: 2, radius: [0.5, 1] } },
    }),
  ];
  const paths: (string | number)[][] = [
    ['loss'],
    ['optimizer'],
    ['init'],
    ['steps'],
    ['sampleEvery'],
    ['driftTolerance'],
    ['precision'],
    ['backend'],
    ['extra'],
    ['optimizer', 'lr'],
    ['optimizer', 'weightDecay'],
    ['optimizer', 'momentum'],
    ['optimizer', 'milestones'],
    ['optimizer', 'milestones', 0],
    ['optimizer', 'lrDecay'],
    ['optimizer', 'extra'],
    ['loss', 'preset'],
    ['loss', 'fourier'],
    ['loss', 'fourier', 'a'],
    ['loss', 'fourier', 'b', 0],
    ['loss', 'expression'],
    ['loss', 'harmonics'],
    ['init', 'points'],
    ['init', 'points', 0],
    ['init', 'points', 0, 1],
    ['init', 'ring'],
    ['init', 'ring', 'count'],
    ['init', 'ring', 'radius'],
    ['init', 'grid', 'count'],
    ['init', 'grid', 'count', 1],
    ['init', 'grid', 'extent'],
    ['init', 'grid', 'extent', 2],
    ['init', 'random', 'count'],
    ['init', 'random', 'seed'],
    ['init', 'random', 'radius'],
    ['init', 'random', 'radius', 0],
  ];

  it('a valid config with random values in random fields', () => {
    const mutation = fc.record({
      start: fc.constantFrom(...bases),
      edits: fc.array(fc.tuple(fc.constantFrom(...paths), value, fc.boolean()), {
        minLength: 1,
        maxLength: 3,
      }),
    });
    fc.assert(
      fc.property(mutation, ({ start, edits }) => {
        let input = start;
        for (const [path, v, remove] of edits) {
          // Removing deletes an object key (as a JSON file would omit it); array entries are only replaced
          // (JSON has no holes, and undefined entries are a known bug, tested above).
          const last = path[path.length - 1];
          const del = remove && typeof last === 'string';
          input = withField(path, del ? undefined : v, input);
          if (del) {
            let node: Record<string | number, unknown> = input;
            for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
            delete node[last];
          }
        }
        checkInvariant(input);
      }),
      { numRuns: 500 },
    );
  });
});
