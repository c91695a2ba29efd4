/**
 * The models page's links (src/playground/model/urlState.ts) and state (pageState.ts): every state the page
 * can hold survives encode → decode (an encoder that drops a key, the sabotage, does not); a bad value or an
 * unknown key is named with what is allowed and ignored while the rest applies; keys that together give no
 * real α are named together; the presets are valid configs and the slice is checked against P.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateModelConfig } from '../../../src/core/model/modelConfig';
import {
  configFor,
  DEFAULT_PAGE_STATE,
  type ModelsPageState,
  PAGE_PRECISIONS,
  presetParams,
  sampleEveryFor,
  stateFromPreset,
  stateIssues,
} from '../../../src/playground/model/pageState';
import { MODEL_PRESET_NAMES, MODEL_PRESETS } from '../../../src/playground/model/presets';
import { decodeModelsHash, encodeModelsHash } from '../../../src/playground/model/urlState';

const arbState: fc.Arbitrary<ModelsPageState> = fc
  .record({
    preset: fc.constantFrom(...MODEL_PRESET_NAMES),
    precisions: fc.shuffledSubarray([...PAGE_PRECISIONS], { minLength: 1 }),
    seeds: fc.integer({ min: 2, max: 16384 }),
    steps: fc.integer({ min: 1, max: 20000 }),
    lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
    weightDecay: fc.double({ min: 0, max: 0.5, noNaN: true }),
    momentum: fc.constantFrom(0, 0.5, 0.9),
    cpuSeeds: fc.integer({ min: 1, max: 4096 }),
    theme: fc.constantFrom('dark' as const, 'light' as const),
    slice: fc.oneof(
      fc.constant({ kind: 'pca' as const }),
      fc.record({ kind: fc.constant('axes' as const), i: fc.constant(0), j: fc.constant(1) }),
      fc.record({ kind: fc.constant('seeds' as const), a: fc.constant(1), b: fc.constant(0) }),
    ),
  })
  .filter((s) => stateIssues(s).length === 0);

type Encoder = (s: ModelsPageState) => string;
const roundTrip = (encode: Encoder) =>
  fc.property(arbState, (s) => {
    const back = decodeModelsHash(encode(s));
    return back.issues.length === 0 && isDeepStrictEqual(back.state, structuredClone(s));
  });

describe('links of the models page', () => {
  it('every valid state survives encode → decode', () => {
    fc.assert(roundTrip(encodeModelsHash), { numRuns: 400 });
  });

  it.each(['seeds', 'wd', 'slice', 'precision'])('an encoder that drops %s is caught (sabotage)', (key) => {
    const sabotaged: Encoder = (s) =>
      encodeModelsHash(s)
        .split(/[#&]/)
        .filter((p) => p !== '' && !p.startsWith(`${key}=`))
        .join('&');
    expect(
      fc.check(
        roundTrip((s) => `#${sabotaged(s)}`),
        { numRuns: 400 },
      ).failed,
    ).toBe(true);
  });

  it('an empty hash is the default preset; only what differs is written', () => {
    expect(decodeModelsHash('')).toEqual({ state: DEFAULT_PAGE_STATE, issues: [], present: false });
    expect(encodeModelsHash(DEFAULT_PAGE_STATE)).toBe('');
    const s = { ...stateFromPreset('bn-mlp-spirals'), lr: 0.3, slice: { kind: 'axes' as const, i: 0, j: 5 } };
    expect(encodeModelsHash(s)).toBe('#preset=bn-mlp-spirals&lr=0.3&slice=axes:0,5');
  });

  it('a bad value is named with what is allowed and the rest applies', () => {
    const r = decodeModelsHash('#lr=abc&steps=40&seeds=0&precision=f32,f99&slice=plane');
    expect(r.state.steps).toBe(40);
    expect(r.state.lr).toBe(DEFAULT_PAGE_STATE.lr);
    expect(r.state.seeds).toBe(DEFAULT_PAGE_STATE.seeds);
    const text = r.issues.map((i) => `${i.path}: ${i.message}`);
    expect(text).toContain("lr: must be a number in (0, 100] (got 'abc'); ignored");
    expect(text).toContain("seeds: must be an integer in [1, 16384] (got '0'); ignored");
    expect(text.find((t) => t.startsWith('precision:'))).toMatch(/f32, df64, f64 \(got 'f32,f99'\)/);
    expect(text.find((t) => t.startsWith('slice:'))).toMatch(/'pca', 'axes:i,j'/);
  });

  it('unknown keys get a suggestion; a bad preset is named', () => {
    const r = decodeModelsHash('#seedz=5&weightDecay=0.2&preset=resnet');
    const text = r.issues.map((i) => `${i.path}: ${i.message}`);
    expect(text).toContain(": unknown key 'seedz' (did you mean 'seeds'?); ignored");
    expect(text).toContain(": unknown key 'weightDecay' (did you mean 'wd'?); ignored");
    expect(text.find((t) => t.startsWith('preset:'))).toMatch(/bn-logistic-gaussians.*'resnet'/);
  });

  it('keys fine alone but with no real α together are named and dropped; the rest applies', () => {
    const r = decodeModelsHash('#lr=2&wd=1&steps=50');
    expect(r.state.steps).toBe(50);
    expect(stateIssues(r.state)).toEqual([]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0].path).toMatch(/wd|lr/);
    expect(r.issues[0].message).toMatch(/no real positive α/);
  });

  it('a slice that does not fit the model is named (P = 8: axes 0 to 7)', () => {
    const r = decodeModelsHash('#slice=axes:2,9');
    expect(r.state.slice).toEqual({ kind: 'pca' });
    expect(r.issues[0].path).toBe('slice');
    expect(r.issues[0].message).toMatch(/0 to 7/);
    expect(decodeModelsHash('#preset=bn-mlp-spirals&slice=axes:2,9').issues).toEqual([]); // P = 16
  });
});

describe('presets and configs', () => {
  it.each(MODEL_PRESETS.map((p) => [p.name, p] as const))('%s is a valid config at its defaults', (_, p) => {
    expect(validateModelConfig(p.config)).toEqual(p.config);
    const s = stateFromPreset(p.name);
    expect(stateIssues(s)).toEqual([]);
    for (const prec of ['f32', 'f64'] as const)
      expect(() => validateModelConfig(configFor(s, prec, prec === 'f32' ? 'gpu' : 'cpu', 16))).not.toThrow();
  });

  it('P of each preset; the default runs 4,096 seeds of d 8 on 256 points for 200 steps', () => {
    expect(MODEL_PRESET_NAMES.map(presetParams)).toEqual([8, 2, 16]);
    const c = configFor(DEFAULT_PAGE_STATE, 'f32', 'gpu');
    expect(c.init).toEqual({ ring: { count: 4096, radius: 1, seed: 1 } });
    expect(c.loss).toEqual({ bnLogistic: { dataset: 'gaussians', n: 256, d: 8, seed: 1 } });
    expect(c.steps).toBe(200);
  });

  it('samples: powers of two up to 16, then multiples of 16, at most 64 intervals', () => {
    expect([1, 64, 65, 200, 300, 1600, 1601, 20000].map(sampleEveryFor)).toEqual([
      1, 1, 2, 4, 8, 32, 32, 320,
    ]);
    for (const steps of [1, 50, 199, 777, 5000, 20000]) {
      const e = sampleEveryFor(steps);
      expect(Math.ceil(steps / e)).toBeLessThanOrEqual(64);
      expect(e <= 16 ? 16 % e : e % 16).toBe(0);
    }
  });
});
