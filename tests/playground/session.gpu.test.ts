/**
 * The playground session on the GPU layer's one config path (src/gpu/configRun.ts): the engine it builds
 * for a config, the path ring's size and its sample 0, the probe asked for df64 only, and the one gap
 * reduction it shares with the engine's other readers.
 */
import { describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { initialPoints } from '../../src/core/init';
import { RING_RECORD, ringRecordIndex } from '../../src/gpu/layout';
import { historySlots, Session } from '../../src/playground/session';
import { gpuTestSetup, readBuffer } from '../gpu/gpuTestUtils';

const { ctx, twoProdFma } = await gpuTestSetup({ probePairs: 4096 });

const config = (precision: 'f32' | 'df64') =>
  validateConfig({
    loss: { preset: 'rugged' },
    optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 1 },
    init: { random: { count: 50, seed: 5, radius: [0.5, 1.5] } },
    steps: 100,
    sampleEvery: 10,
    driftTolerance: 0.001,
    precision,
    backend: 'gpu',
  });

describe.skipIf(!ctx)('playground session', () => {
  it("builds the config's engine with a ring for the whole run and sample 0 at the start points", async () => {
    const c = config('f32');
    const probe = vi.fn(async () => twoProdFma);
    const session = await Session.create(ctx!, c, probe);
    try {
      expect(probe).not.toHaveBeenCalled(); // f32 never asks for the df64 probe
      const points = initialPoints(c.init);
      expect(Array.from(session.points)).toEqual(Array.from(points));
      expect(session.count).toBe(50);
      // 100 steps sampled every 10: samples 0…10, all in the ring.
      expect(session.historyLength).toBe(11);
      expect(session.historyLength).toBe(historySlots(50, 100, 10));
      const slot0 = new Float32Array(
        await readBuffer(ctx!.device, session.engine.history, 50 * RING_RECORD.bytes),
      );
      for (let i = 0; i < 50; i++) {
        const at = RING_RECORD.floats * ringRecordIndex(0, i, 50);
        const [x, y] = [Math.fround(points[2 * i]), Math.fround(points[2 * i + 1])];
        expect(Array.from(slot0.subarray(at, at + 4)), `trajectory ${i}`).toEqual([x, y, x, y]);
      }
      expect(session.reducer).toBe(await session.engine.gapReducer());
    } finally {
      session.destroy();
    }
  });

  it('asks df64 for the probe once and uses its TwoProd variant', async () => {
    const probe = vi.fn(async () => twoProdFma);
    const session = await Session.create(ctx!, config('df64'), probe);
    try {
      expect(probe).toHaveBeenCalledTimes(1);
      expect(session.engine.precision).toBe('df64');
      expect(session.engine.setup.twoProdFma).toBe(twoProdFma);
    } finally {
      session.destroy();
    }
  });

  it('refuses a CPU precision before building anything', async () => {
    await expect(
      Session.create(ctx!, { ...config('f32'), precision: 'f64' }, async () => false),
    ).rejects.toThrow('does not run on the gpu');
  });
});
