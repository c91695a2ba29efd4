/** One precision probe per device and options (src/gpu/probeCache.ts), and the df64 refusal text. */
import { describe, expect, it, vi } from 'vitest';
import * as probeModule from '../../src/gpu/probe';
import { df64Refusal, probeFor } from '../../src/gpu/probeCache';
import { gpuTestSetup } from './gpuTestUtils';

const { ctx } = await gpuTestSetup();

describe.skipIf(!ctx)('probe cache', () => {
  it('runs the probe once per device and options, and again for other options', async () => {
    const runs = vi.spyOn(probeModule, 'runPrecisionProbe');
    try {
      const a = probeFor(ctx!, { pairs: 512 });
      const b = probeFor(ctx!, { pairs: 512 });
      expect(b).toBe(a);
      const other = probeFor(ctx!, { pairs: 256 });
      expect(other).not.toBe(a);
      const [ra, ro] = await Promise.all([a, other]);
      expect(runs).toHaveBeenCalledTimes(2);
      expect([ra.pairsTested, ro.pairsTested]).toEqual([512, 256]);
      expect(df64Refusal(ctx!, ra)).toBe(
        ra.df64Usable ? null : `df64 refused on ${ctx!.description}: ${ra.reason}`,
      );
    } finally {
      runs.mockRestore();
    }
  });

  it('names the adapter and the reason when the probe refuses df64 (a sabotaged probe)', async () => {
    const bad = await probeFor(ctx!, { pairs: 2048, sabotage: 'naive-two-sum' });
    expect(bad.df64Usable).toBe(false);
    expect(df64Refusal(ctx!, bad)).toBe(`df64 refused on ${ctx!.description}: ${bad.reason}`);
  });
});
