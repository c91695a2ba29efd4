/**
 * Readable links (src/playground/flatHash.ts, flatKeys.ts, urlState.ts): random valid configs and views,
 * built from the schema's ranges and checked by the core validator (not by the encoder), round-trip
 * through encodeHash → decodeHash; an encoder that drops any one key is caught by that round trip; old
 * `#c=…&v=…` links decode exactly as the previous decoder (copied below) did; every unknown key and bad
 * value is named with what is allowed, and the rest of the link still applies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/core/config/issues';
import { MAX_HARMONICS } from '../../src/core/config/schema';
import type { ExperimentConfig, InitSpec, LossSpec } from '../../src/core/config/types';
import { readConfig } from '../../src/core/config/validate';
import { PRESET_NAMES } from '../../src/core/presets';
import type { OptimizerConfig } from '../../src/core/schedule';
import { type Banners, showUrlIssues } from '../../src/playground/configBanners';
import { FIGURE_IDS, findFigure } from '../../src/playground/figures';
import { FLAT_KEYS } from '../../src/playground/flatKeys';
import { lenientPlayConfig, PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import { decodeHash, encodeHash, encodeJsonHash } from '../../src/playground/urlState';
import {
  COLOR_MODES,
  DEFAULT_VIEW,
  DENSITY_MODES,
  QUIVER_MODES,
  readViewState,
  THEMES,
  VIEW_MODES,
  type ViewState,
} from '../../src/playground/viewState';

// ---- generators: schema-valid pieces, kept only when the core validator accepts the whole config ----

const coord = fc.double({ min: -10, max: 10, noNaN: true });
const point = fc.tuple(coord, coord).filter(([x, y]) => Math.hypot(x, y) > 1e-3) as fc.Arbitrary<
  [number, number]
>;
const positive = (max: number) => fc.double({ min: 1e-6, max, noNaN: true });

const term = fc
  .tuple(
    fc.constantFrom('sin', 'cos'),
    fc.integer({ min: 1, max: 9 }),
    fc.double({ min: 0.05, max: 3, noNaN: true }),
  )
  .map(([f, k, c]) => `${c}*${f}(${k}*theta)`);
const expression = fc.oneof(
  fc.array(term, { minLength: 1, maxLength: 4 }).map((ts) => ts.join(' + ')),
  fc.constantFrom(
    'abs(sin(theta))^3',
    'exp(cos(2*theta)) - 1',
    'sqrt(2 + sin(3*theta))/2',
    '-cos(theta - pi/4)',
  ),
);
const loss: fc.Arbitrary<LossSpec> = fc.oneof(
  fc.constantFrom(...PRESET_NAMES).map((preset) => ({ preset })),
  fc.record({ expression, harmonics: fc.integer({ min: 1, max: MAX_HARMONICS }) }),
  fc
    .integer({ min: 1, max: 8 })
    .chain((n) => {
      const list = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n });
      return fc.record({ a: list, b: list });
    })
    .map((fourier) => ({ fourier })),
);

const optimizer: fc.Arbitrary<OptimizerConfig> = fc.record({
  lr: positive(2),
  weightDecay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true })),
  momentum: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.95, noNaN: true })),
  milestones: fc
    .uniqueArray(fc.integer({ min: 1, max: 50_000 }), { maxLength: 3 })
    .map((m) => m.sort((a, b) => a - b)),
  lrDecay: positive(2),
});

const extra = fc.option(fc.array(point, { minLength: 1, maxLength: 3 }), { nil: undefined });
const withExtra = <T extends object>(init: T, e: [number, number][] | undefined) =>
  e ? { ...init, extra: e } : init;
const init: fc.Arbitrary<InitSpec> = fc.oneof(
  fc.array(point, { minLength: 1, maxLength: 4 }).map((points) => ({ points })),
  fc
    .tuple(fc.integer({ min: 1, max: 5000 }), positive(50), extra)
    .map(([count, radius, e]) => withExtra({ ring: { count, radius } }, e)),
  fc
    .tuple(
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 64 }),
      coord,
      positive(5),
      coord,
      positive(5),
      extra,
    )
    .map(([nx, ny, x0, w, y0, h, e]) =>
      withExtra(
        {
          grid: {
            count: [nx, ny] as [number, number],
            extent: [x0, x0 + w, y0, y0 + h] as [number, number, number, number],
          },
        },
        e,
      ),
    ),
  fc
    .tuple(
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 0, max: 4294967295 }),
      positive(3),
      positive(3),
      extra,
    )
    .map(([count, seed, r0, dr, e]) =>
      withExtra({ random: { count, seed, radius: [r0, r0 + dr] as [number, number] } }, e),
    ),
);

const validConfig: fc.Arbitrary<ExperimentConfig> = fc
  .record({
    loss,
    optimizer,
    init,
    steps: fc.integer({ min: 1, max: 100_000 }),
    sampleEvery: fc.integer({ min: 1, max: 50 }),
    driftTolerance: fc.double({ min: 1e-9, max: 1.5, noNaN: true }),
    precision: fc.constantFrom('f32' as const, 'df64' as const, 'bf16' as const, 'f16' as const),
    backend: fc.constant('gpu' as const),
    numerics: fc.record(
      {
        renormalize: fc.boolean(),
        lrMode: fc.constantFrom('recurrence' as const, 'closedForm' as const),
        // The training formats' options (valid with bf16/f16 only: the filter below keeps those).
        rounding: fc.constantFrom('nearest' as const, 'stochastic' as const),
        seed: fc.integer({ min: 0, max: 4294967295 }),
        master: fc.constant('f32' as const),
      },
      { requiredKeys: ['renormalize', 'lrMode'] },
    ),
  })
  .filter((c) => readConfig(c).issues.length === 0);

const validView: fc.Arbitrary<ViewState> = fc
  .record({
    mode: fc.constantFrom(...VIEW_MODES),
    quiver: fc.constantFrom(...QUIVER_MODES),
    colorBy: fc.constantFrom(...COLOR_MODES),
    runs: fc.record({ weightDecay: fc.boolean(), projected: fc.boolean(), exponential: fc.boolean() }),
    heatmap: fc.boolean(),
    compare: fc.constantFrom(
      [],
      ['f32'],
      ['df64'],
      ['f32', 'df64'],
      ['df64', 'f32'],
      ['bf16', 'f16'],
    ) as fc.Arbitrary<ViewState['compare']>,
    camera: fc.option(
      fc.record({
        center: fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), coord),
        halfHeight: positive(1e6),
      }),
      {
        nil: null,
      },
    ),
    lineWidth: fc.double({ min: 0.5, max: 16, noNaN: true }),
    heads: fc.boolean(),
    trails: fc.boolean(),
    density: fc.constantFrom(...DENSITY_MODES),
    theme: fc.constantFrom(...THEMES),
  })
  .filter((v) => readViewState(v).issues.length === 0);

/** Either a random state, or a tour figure with a few fields changed (so that `figure=` bases get used). */
const state = fc.oneof(
  fc.record({ config: validConfig, view: validView }),
  fc
    .tuple(
      fc.constantFrom(...FIGURE_IDS),
      fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
      fc.boolean(),
    )
    .map(([id, lr, light]) => {
      const f = findFigure(id)!;
      if (lr !== undefined) f.config.optimizer.lr = lr;
      if (light) f.view.theme = 'light';
      return { config: f.config, view: f.view };
    })
    .filter((s) => readConfig(s.config).issues.length === 0),
);

type Encoder = (c: ExperimentConfig, v: ViewState) => string;

/** The property: what the encoder writes decodes, with no issue, to the same config and view. */
function roundTrip(encode: Encoder) {
  return fc.property(state, ({ config, view }) => {
    const back = decodeHash(encode(config, view));
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(config);
    expect(back.view).toEqual(view);
  });
}

describe('readable links: round trip', () => {
  it('encode → decode gives back every random valid config and view', () => {
    fc.assert(
      roundTrip((c, v) => encodeHash(c, v)),
      { numRuns: 400 },
    );
  });

  it('without a view only config keys are written, and the default view comes back; embed is kept', () => {
    fc.assert(
      fc.property(validConfig, fc.boolean(), (config, embed) => {
        const hash = encodeHash(config, undefined, { embed });
        const back = decodeHash(hash);
        expect(back.issues).toEqual([]);
        expect(back.config).toEqual(config);
        expect(back.view).toEqual(DEFAULT_VIEW);
        expect(back.embed).toBe(embed);
      }),
      { numRuns: 150 },
    );
  });

  // backend is always "gpu" in the playground, so it is never written and cannot be dropped.
  const droppable = FLAT_KEYS.map((k) => k.key).filter((k) => k !== 'backend');
  it.each(droppable)('an encoder that drops the %s key is caught by the round trip (sabotage)', (key) => {
    const sabotaged: Encoder = (c, v) =>
      encodeHash(c, v)
        .split('&')
        .filter((p) => p.replace(/^#/, '').split('=')[0] !== key)
        .join('&');
    const result = fc.check(roundTrip(sabotaged), { numRuns: 1000 });
    expect(result.failed).toBe(true);
  });

  it('writes only non-default keys, in a fixed order, readable as typed', () => {
    expect(encodeHash(PLAYGROUND_DEFAULTS, DEFAULT_VIEW)).toBe('');
    const config: ExperimentConfig = {
      ...structuredClone(PLAYGROUND_DEFAULTS),
      loss: { expression: 'cos(2*theta) + 0.5*sin(3*theta)', harmonics: 8 },
      optimizer: { ...PLAYGROUND_DEFAULTS.optimizer, milestones: [1000, 2000], lr: 0.2 },
      precision: 'df64',
    };
    const view: ViewState = {
      ...structuredClone(DEFAULT_VIEW),
      theme: 'light',
      mode: 'sideBySide',
      camera: { center: [0, -0.5], halfHeight: 2 },
    };
    expect(encodeHash(config, view)).toBe(
      '#loss=expr:cos(2*theta)%20+%200.5*sin(3*theta)&harmonics=8&lr=0.2&milestones=1000,2000&precision=df64' +
        '&view=sideBySide&camera=0,-0.5,2&theme=light',
    );
    // Same fields set in another order: same link.
    expect(
      encodeHash({ ...config, precision: 'df64' }, { ...view, camera: view.camera, theme: 'light' }),
    ).toBe(encodeHash(config, view));
  });

  it('a figure, as shown, is written as figure=<id>; changes to it as keys on top', () => {
    for (const id of FIGURE_IDS) {
      const f = findFigure(id)!;
      expect(encodeHash(f.config, f.view)).toBe(`#figure=${id}`);
      const back = decodeHash(`#figure=${id}`);
      expect(back).toMatchObject({ config: f.config, view: f.view, issues: [], figure: id });
    }
    const f = findFigure('momentum')!;
    expect(encodeHash({ ...f.config, steps: 500 }, { ...f.view, theme: 'light' })).toBe(
      '#figure=momentum&steps=500&theme=light',
    );
  });

  it("the issue's kind of link loads as typed: the figure first, the other keys on top", () => {
    const s = decodeHash(
      '#loss=rugged&lr=0.05&wd=0.05&momentum=0.9&init=ring:4096&steps=2000&precision=df64&view=sideBySide&figure=side-by-side',
    );
    const f = findFigure('side-by-side')!;
    expect(s.issues).toEqual([]);
    expect(s.figure).toBe('side-by-side');
    expect(s.config).toEqual({
      ...f.config,
      loss: { preset: 'rugged' },
      optimizer: { ...f.config.optimizer, lr: 0.05, weightDecay: 0.05, momentum: 0.9 },
      init: { ring: { count: 4096, radius: 1 } },
      steps: 2000,
      precision: 'df64',
    });
    expect(s.view).toEqual({ ...f.view, mode: 'sideBySide' });
    // Spellings people type: any case, on/off, bare flags, lists, grid shorthand, Fourier lists.
    const t = decodeHash(
      '#LR=1e-1&View=POLAR&trails&heads=off&runs=exp,wd&init=grid:8:-1,1,-2,2&a=0,1&color=Basin&camera=fit&compare=df64,f32',
    );
    expect(t.issues).toEqual([]);
    expect(t.config.init).toEqual({ grid: { count: [8, 8], extent: [-1, 1, -2, 2] } });
    expect(t.config.loss).toEqual({ fourier: { a: [0, 1], b: [0, 0] } });
    expect(t.view).toEqual({
      ...DEFAULT_VIEW,
      mode: 'polar',
      trails: true,
      heads: false,
      colorBy: 'basin',
      compare: ['df64', 'f32'],
      runs: { weightDecay: true, projected: false, exponential: true },
    });
  });

  it('#embed=1 and a bare #embed are accepted without an issue', () => {
    for (const h of ['#embed=1', '#embed', '#lr=0.2&embed=on']) {
      const s = decodeHash(h);
      expect([h, s.issues, s.embed]).toEqual([h, [], true]);
    }
    expect(decodeHash('#embed=0').embed).toBe(false);
    expect(decodeHash('#lr=0.2').embed).toBe(false);
  });
});

// ---- the previous decoder, verbatim (before readable links), for the old `#c=…&v=…` links ----

function oldField(hash: string, key: string): string | null {
  const match = new RegExp(`(?:^#?|&)${key}=([^&]*)`).exec(hash);
  return match && match[1] !== '' ? match[1] : null;
}
function oldParseField(raw: string, what: string, issues: ConfigIssue[]): { ok: boolean; value: unknown } {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    issues.push({ path: what, message: `the URL's ${what || 'config'} is not valid percent-encoding` });
    return { ok: false, value: undefined };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    issues.push({
      path: what,
      message: `the URL's ${what || 'config'} is not valid JSON (${(e as Error).message})`,
    });
    return { ok: false, value: undefined };
  }
}
function oldDecodeHash(hash: string) {
  const issues: ConfigIssue[] = [];
  const rawConfig = oldField(hash, 'c');
  const rawView = oldField(hash, 'v');
  let config = structuredClone(PLAYGROUND_DEFAULTS);
  if (rawConfig !== null) {
    const parsed = oldParseField(rawConfig, '', issues);
    if (parsed.ok) {
      const read = lenientPlayConfig(parsed.value);
      config = read.config;
      issues.push(...read.issues);
    }
  }
  let view = structuredClone(DEFAULT_VIEW);
  if (rawView !== null) {
    const parsed = oldParseField(rawView, 'view', issues);
    if (parsed.ok) {
      const read = readViewState(parsed.value);
      view = read.view;
      issues.push(...read.issues);
    }
  }
  return { config, view, issues, present: rawConfig !== null || rawView !== null };
}

describe('old #c=…&v=… links', () => {
  const sameAsBefore = (hash: string) => {
    const now = decodeHash(hash);
    const before = oldDecodeHash(hash);
    expect({ config: now.config, view: now.view, issues: now.issues, present: now.present }).toEqual(before);
  };

  it('valid ones decode to the same config and view as before', () => {
    fc.assert(
      fc.property(state, ({ config, view }) => {
        sameAsBefore(encodeJsonHash(config, view));
        sameAsBefore(encodeJsonHash(config));
        // JSON itself writes -0 as 0.
        const json = JSON.parse(JSON.stringify({ config, view }));
        expect(decodeHash(encodeJsonHash(config, view))).toMatchObject({ ...json, issues: [] });
      }),
      { numRuns: 150 },
    );
  });

  it('broken ones give the same issues and fallbacks as before', () => {
    const json = fc.jsonValue().map((v) => encodeURIComponent(JSON.stringify(v)));
    const text = fc.string({ maxLength: 80 }).filter((s) => !s.includes('&'));
    fc.assert(
      fc.property(fc.oneof(json, text), fc.oneof(json, text), (c, v) => {
        sameAsBefore(`#c=${c}&v=${v}`);
        sameAsBefore(`#c=${c}`);
      }),
      { numRuns: 300 },
    );
    for (const h of [
      '#c=%E0%A4%A&v=%ZZ',
      '#c=garbage',
      `#c=${encodeURIComponent('{"steps":-5,"precision":"f65"}')}`,
    ])
      sameAsBefore(h);
  });
});

// ---- every unknown key and bad value is named, with what is allowed; the rest applies ----

describe('readable links: problems', () => {
  it.each(FLAT_KEYS.map((k) => k.key))(
    'a bad value of %s is named with what is allowed; the other keys apply',
    (key) => {
      const [c, cv] = key === 'steps' ? ['tol', 0.5] : ['steps', 777];
      const [v, vv] = key === 'theme' ? ['heads', 'off'] : ['theme', 'light'];
      const s = decodeHash(`#${key}=zzz&${c}=${cv}&${v}=${vv}`);
      expect(s.issues).toHaveLength(1);
      expect(s.issues[0].path).toBe(key);
      expect(s.issues[0].message).toMatch(/^(must be|applies to) .+ \(got 'zzz'\); ignored$/);
      expect(s.config).toEqual({ ...PLAYGROUND_DEFAULTS, [c === 'tol' ? 'driftTolerance' : c]: cv });
      expect(s.view).toEqual({ ...DEFAULT_VIEW, [v]: v === 'heads' ? false : vv });
    },
  );

  it.each([
    ['#lr=abc&steps=500', 'lr', "must be a number in (0, 100] (got 'abc'); ignored"],
    ['#lr=0&steps=500', 'lr', "must be a number in (0, 100] (got '0'); ignored"],
    ['#steps=1.5&lr=0.2', 'steps', "must be an integer in [1, 100000000] (got '1.5'); ignored"],
    [
      '#precision=f64&steps=500',
      'precision',
      "must be one of f32, df64, bf16, f16 (the playground runs on the GPU) (got 'f64'); ignored",
    ],
    ['#view=cube&steps=500', 'view', "must be one of plane, sideBySide, polar (got 'cube'); ignored"],
    [
      '#camera=1,2&steps=500',
      'camera',
      "must be fit or x,y,halfHeight (finite numbers, halfHeight > 0) (got '1,2'); ignored",
    ],
    ['#init=ring:0&steps=500', 'init', 'ring:N[:radius]'],
    ['#figure=nope&steps=500', 'figure', FIGURE_IDS.join(', ')],
    ['#embed=maybe&steps=500', 'embed', "must be 1 or 0 (got 'maybe'); ignored"],
    ['#lr&steps=500', 'lr', 'needs a value (lr=…); ignored'],
    ['#lr=%E0%A4&steps=500', 'lr', 'is not valid percent-encoding'],
    ['#loss=rugged&a=1&steps=500', 'a', 'cannot be given with loss='],
    ['#milestones=200,100&steps=500', 'milestones', 'not after 200 (milestones must increase); ignored'],
    ['#steps=500&sample=600', 'sample', '600 is out of range (expected an integer in [1, 500]); ignored'],
    ['#init=points:1e-40,0&steps=500', 'init', 'rounds to the origin in f32'],
    ['#lr=0.2&wd=0.05&momentum=0.9&steps=500', 'lr, wd, momentum', 'gives no real positive α'],
  ])('%s names %s', (hash, path, message) => {
    const s = decodeHash(hash);
    expect(s.issues.map((i) => i.path)).toEqual([path]);
    expect(s.issues[0].message).toContain(message);
    // The other key applied.
    if (hash.includes('steps=500')) expect(s.config.steps).toBe(500);
  });

  it.each([
    ['lrr', "unknown key 'lrr' (did you mean 'lr'?); ignored"],
    ['momentun', "unknown key 'momentun' (did you mean 'momentum'?); ignored"],
    ['weightDecay', "unknown key 'weightDecay' (did you mean 'wd'?); ignored"],
    ['colorBy', "unknown key 'colorBy' (did you mean 'color'?); ignored"],
  ])('unknown key %s is named with a suggestion', (key, message) => {
    const s = decodeHash(`#${key}=0.3&steps=500&theme=light`);
    expect(s.issues).toEqual([{ path: '', message, flat: true }]);
    expect(s.config).toEqual({ ...PLAYGROUND_DEFAULTS, steps: 500 });
    expect(s.view.theme).toBe('light');
  });

  it('an unknown key with no near match lists the keys; a repeated key says the last one won', () => {
    const s = decodeHash('#zzzzzz=1&lr=0.2&lr=0.3');
    expect(s.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^unknown key 'zzzzzz'; ignored \(keys: figure, loss, .*, theme, embed\)$/),
      'is given more than once; the last one was used',
    ]);
    expect(s.config.optimizer.lr).toBe(0.3);
  });

  it('the url banner names each readable key as it was reported (no "default was used" for them)', () => {
    const shown = new Map<string, string[]>();
    const banners: Banners = {
      show: (t, _l, lines) => void shown.set(t, lines),
      clear: (t) => void shown.delete(t),
    };
    showUrlIssues(banners, decodeHash('#lrr=0.3&lr=abc&steps=500').issues);
    expect(shown.get('url')).toEqual([
      'The configuration in the URL had problems:',
      "unknown key 'lrr' (did you mean 'lr'?); ignored",
      "lr: must be a number in (0, 100] (got 'abc'); ignored",
    ]);
    showUrlIssues(banners, decodeHash(`#c=${encodeURIComponent('{"steps":-5}')}`).issues);
    expect(shown.get('url')?.[1]).toMatch(/^steps: .*; its default was used$/);
    showUrlIssues(banners, decodeHash('#steps=5').issues);
    expect(shown.has('url')).toBe(false);
  });

  it('never throws on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (h) => {
        const s = decodeHash(`#${h}`);
        expect(readConfig(s.config).issues).toEqual([]);
        expect(readViewState(s.view).issues).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
