/**
 * URL state (src/playground/urlState.ts): config and view round-trip through the hash, and hostile hashes never
 * throw: each bad field is named and defaulted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import { decodeHash, encodeHash } from '../../src/playground/urlState';
import { COLOR_MODES, DEFAULT_VIEW, mergeView, type ViewState } from '../../src/playground/viewState';

describe('URL state', () => {
  it('round-trips a config and a view', () => {
    const config = {
      ...structuredClone(PLAYGROUND_DEFAULTS),
      optimizer: { ...PLAYGROUND_DEFAULTS.optimizer, lr: 0.2, momentum: 0.5 },
      init: {
        grid: {
          count: [8, 8] as [number, number],
          extent: [-1, 1, -1, 1] as [number, number, number, number],
        },
      },
    };
    const view: ViewState = {
      ...structuredClone(DEFAULT_VIEW),
      mode: 'sideBySide',
      quiver: 'log',
      colorBy: 'divergence',
      camera: { center: [0.25, -0.5], halfHeight: 2 },
    };
    const back = decodeHash(encodeHash(config, view));
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(config);
    expect(back.view).toEqual(view);
  });

  it("colorBy 'cause' round-trips through the URL and through mergeView (lab.setView)", () => {
    const view: ViewState = { ...structuredClone(DEFAULT_VIEW), colorBy: 'cause' };
    const back = decodeHash(encodeHash(PLAYGROUND_DEFAULTS, view));
    expect(back.issues).toEqual([]);
    expect(back.view).toEqual(view);
    expect(mergeView(DEFAULT_VIEW, { colorBy: 'cause' }).colorBy).toBe('cause');
    expect(COLOR_MODES).toContain('cause');
  });

  it('a misspelt colorBy is named, lists "cause" among the allowed values, and falls back to run', () => {
    const s = decodeHash(`#v=${encodeURIComponent(JSON.stringify({ colorBy: 'causes' }))}`);
    expect(s.issues.map((i) => i.path)).toEqual(['view.colorBy']);
    expect(s.issues[0].message).toContain('"cause"');
    expect(s.view.colorBy).toBe('run');
    expect(() => mergeView(DEFAULT_VIEW, { colorBy: 'causes' as never })).toThrow(/view\.colorBy/);
  });

  it('no hash: defaults, no issues', () => {
    const s = decodeHash('');
    expect(s).toEqual({
      config: PLAYGROUND_DEFAULTS,
      view: DEFAULT_VIEW,
      issues: [],
      present: false,
      embed: false,
      figure: null,
    });
  });

  it('names each bad field and keeps the good ones', () => {
    const hash = encodeHash({ ...PLAYGROUND_DEFAULTS, steps: -5 } as never).concat(
      `&v=${encodeURIComponent(JSON.stringify({ mode: 'cube', quiver: 'log', heatmap: 'yes' }))}`,
    );
    const s = decodeHash(hash);
    const paths = s.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['steps', 'view.mode', 'view.heatmap']));
    expect(s.config.steps).toBe(PLAYGROUND_DEFAULTS.steps);
    expect(s.view.mode).toBe('plane');
    expect(s.view.quiver).toBe('log');
  });

  it('bad percent-encoding and bad JSON are issues, not exceptions', () => {
    expect(decodeHash('#c=%E0%A4%A').issues[0].message).toMatch(/percent-encoding/);
    expect(decodeHash('#c={"steps":').issues[0].message).toMatch(/not valid JSON/);
    expect(decodeHash('#c=%7B%7D&v=%ZZ').issues.map((i) => i.path)).toEqual(['view']);
  });

  it('never throws on arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        const s = decodeHash(`#c=${a}&v=${b}`);
        expect(typeof s.config.steps).toBe('number');
        expect(['plane', 'sideBySide', 'polar']).toContain(s.view.mode);
      }),
      { numRuns: 300 },
    );
  });
});
