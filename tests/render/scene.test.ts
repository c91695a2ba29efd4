/**
 * When the cached scene is rebuilt whole (src/render/scene.ts sceneStale): each rule of the renderer's
 * header, one case at a time from a scene that is up to date, so that dropping any rule fails a case.
 */
import { describe, expect, it } from 'vitest';
import type { PathSource } from '../../src/gpu/pathSource';
import { type SceneState, sceneStale } from '../../src/render/scene';

const history = {} as GPUBuffer;
const source = (over: Partial<PathSource> = {}) =>
  ({
    history,
    generation: 3,
    step: 400,
    sampleEvery: 4,
    count: 10,
    historyLength: 1000,
    ...over,
  }) as PathSource;
const drawn: SceneState = { key: 'k', history, generation: 3, newest: 100, step: 400, colorStamp: 100 };

describe('sceneStale', () => {
  it('an up-to-date scene is kept, and extended as samples arrive while colours do not depend on state', () => {
    expect(sceneStale(drawn, 'k', source(), 100, 'index')).toBe(false);
    expect(sceneStale(drawn, 'k', source({ step: 2000 }), 500, 'index')).toBe(false);
  });

  it('nothing drawn or no source: rebuilt', () => {
    expect(sceneStale(null, 'k', source(), 100, 'index')).toBe(true);
    expect(sceneStale(drawn, 'k', null, 0, 'index')).toBe(true);
  });

  it('another view key, ring buffer or generation, or a ring that went back: rebuilt', () => {
    expect(sceneStale(drawn, 'other', source(), 100, 'index')).toBe(true);
    expect(sceneStale(drawn, 'k', source({ history: {} as GPUBuffer }), 100, 'index')).toBe(true);
    expect(sceneStale(drawn, 'k', source({ generation: 4 }), 100, 'index')).toBe(true);
    expect(sceneStale(drawn, 'k', source(), 99, 'index')).toBe(true);
  });

  for (const colorBy of ['basin', 'divergence', 'cause'] as const) {
    it(`colours by ${colorBy}: rebuilt once the run grew by a quarter (+16), or stopped with unseen samples`, () => {
      const running = (newest: number) => source({ step: 4 * newest + 1 });
      expect(sceneStale(drawn, 'k', running(141), 141, colorBy)).toBe(false); // 1.25·100 + 16 = 141
      expect(sceneStale(drawn, 'k', running(142), 142, colorBy)).toBe(true);
      // Stopped (the step did not move since the last frame) with samples newer than the colours.
      expect(sceneStale({ ...drawn, newest: 120 }, 'k', source({ step: 400 }), 120, colorBy)).toBe(true);
      expect(sceneStale(drawn, 'k', source({ step: 400 }), 100, colorBy)).toBe(false);
    });
  }
});
