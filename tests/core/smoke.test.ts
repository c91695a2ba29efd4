import { describe, expect, it } from 'vitest';
import { F64 } from '../../src/core/arith';
import { Integrator } from '../../src/core/integrator';
import { toExponential } from '../../src/core/schedule';

describe('smoke', () => {
  it('steps', () => {
    const sch = toExponential({ lr: 0.1, weightDecay: 0.01, momentum: 0.9, milestones: [], lrDecay: 0.1 });
    const it = new Integrator(F64, { a: [0.3, -0.2], b: [0.1, 0.4] }, sch, 1e-3);
    const s = it.init(-0.7, 0.7);
    for (let i = 0; i < 200; i++) it.step(s);
    const c = 2 ** (200 * sch.phases[0].log2Alpha);
    console.log(s.wd.x, s.ex.x * c, s.wd.y, s.ex.y * c, it.angleGap(s));
    expect(Math.abs(s.wd.x - s.ex.x * c)).toBeLessThan(1e-12);
  });
});
