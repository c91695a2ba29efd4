import { describe, expect, it } from 'vitest';
import { formatTargets, speedTargets } from '../../src/bench/targets';

describe('bench speed targets', () => {
  it('computes each ratio from the rows of the run and says whether it meets its goal', () => {
    const t = speedTargets({ f32: 51e6, df64: 6e6, numpy: 16e6, c: 21e6 });
    expect(t.map((x) => x.met)).toEqual([false, true, false]);
    expect(t[0].ratio).toBeCloseTo(51 / 16, 12);
    expect(t[1].ratio).toBeCloseTo(51 / 21, 12);
    expect(t[2].ratio).toBeCloseTo(6 / 16, 12);
    const text = formatTargets(t);
    expect(text).toContain('WGSL f32 vs NumPy f64: 3.19x (target >= 5x): NOT met');
    expect(text).toContain('WGSL f32 vs C f32 loop: 2.43x (target >= 1x): met');
  });

  it('meets a goal exactly at the threshold, and says "skipped" when a row is missing', () => {
    const t = speedTargets({ f32: 80e6, df64: null, numpy: 16e6, c: null });
    expect(t[0].met).toBe(true);
    expect(t[1]).toMatchObject({ ratio: null, met: null });
    expect(t[2]).toMatchObject({ ratio: null, met: null });
    expect(formatTargets(t)).toContain('WGSL df64 vs NumPy f64: not measured (target >= 1x): skipped');
  });
});
