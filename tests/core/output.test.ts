/**
 * The run output contract (src/core/run/output.ts): sample steps, the projected exponential run
 * c_t·w̃_t computed without overflow, nulls after an overflow, and the CSV layout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { ddToNumber } from '../../src/core/dd';
import { runCpu } from '../../src/core/run/cpuRun';
import {
  buildOutput,
  type RunOutput,
  sampleSteps,
  type TrajectoryRecord,
  toCsv,
  trajectoryOutput,
} from '../../src/core/run/output';
import { log2ProjectionFactor, toExponential } from '../../src/core/schedule';

function record(ex: number[], opts: Partial<TrajectoryRecord> = {}): TrajectoryRecord {
  const n = ex.length / 2;
  return {
    init: [1, 1],
    divergenceStep: null,
    overflowStep: null,
    wd: new Float64Array(2 * n).fill(1),
    ex: new Float64Array(ex),
    gap: new Float64Array(n),
    ...opts,
  };
}

/** |got − want| ≤ tol·|want| componentwise. */
function expectRelClose(got: [number | null, number | null], want: [number, number], tol: number) {
  for (let i = 0; i < 2; i++) {
    expect(got[i]).not.toBeNull();
    expect(Math.abs((got[i] as number) - want[i])).toBeLessThanOrEqual(tol * Math.abs(want[i]));
  }
}

describe('sampleSteps', () => {
  it.each<[number, number, number[]]>([
    [10, 3, [0, 3, 6, 9, 10]],
    [9, 3, [0, 3, 6, 9]],
    [5, 5, [0, 5]],
    [1, 1, [0, 1]],
    [7, 2, [0, 2, 4, 6, 7]],
    [3, 1, [0, 1, 2, 3]],
    [3000, 1000, [0, 1000, 2000, 3000]],
  ])('steps %i every %i', (steps, every, want) => {
    expect(sampleSteps(steps, every)).toEqual(want);
  });

  it('0, k, 2k, … and T, strictly increasing, for any T and k ≤ T', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5000 })
          .chain((T) => fc.tuple(fc.constant(T), fc.integer({ min: 1, max: T }))),
        ([T, k]) => {
          const s = sampleSteps(T, k);
          expect(s[0]).toBe(0);
          expect(s[s.length - 1]).toBe(T);
          expect(s.length).toBe(Math.ceil(T / k) + 1);
          for (let i = 1; i < s.length - 1; i++) expect(s[i]).toBe(i * k);
          const last = s[s.length - 1] - s[s.length - 2];
          expect(last).toBeGreaterThan(0);
          expect(last).toBeLessThanOrEqual(k);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('expProjected = c_t·w̃_t and expNormLog2 = log2|w̃_t|', () => {
  it('ordinary magnitudes', () => {
    const out = trajectoryOutput(record([3, 4, -0.6, 0.8]), [0, 7], [0, -1]);
    // Even with c_0 = 1 the log2/exp2 round trip is not exact (2.999999999999999 here): a few ulp.
    expectRelClose(out.samples.expProjected[0], [3, 4], 4e-16);
    expectRelClose(out.samples.expProjected[1], [-0.3, 0.4], 4e-16);
    expect(out.samples.expNormLog2[0]).toBeCloseTo(Math.log2(5), 15);
    expect(out.samples.expNormLog2[1]).toBeCloseTo(0, 15);
    expect(out.samples.step).toEqual([0, 7]);
    expect(out.samples.wd).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('huge |w̃| (2^1000) with a tiny c_t (2^-1000): the product is O(1)', () => {
    const big = 2 ** 1000;
    const out = trajectoryOutput(record([3 * big, 4 * big]), [0], [-1000]);
    // Going through log2 costs up to |log2|w̃||·2^-53 relative (≈ 1e-13 here), so 1e-12 is the right scale.
    expectRelClose(out.samples.expProjected[0], [3, 4], 1e-12);
    expect(out.samples.expNormLog2[0]).toBeCloseTo(1000 + Math.log2(5), 12);
  });

  it('|w̃| near the largest double, at many angles', () => {
    for (let k = 0; k < 16; k++) {
      const th = (2 * Math.PI * k) / 16 + 0.1;
      const r = 1e308;
      const ex = [r * Math.cos(th), r * Math.sin(th)];
      const out = trajectoryOutput(record(ex), [0], [-Math.log2(r) + 3]);
      expectRelClose(out.samples.expProjected[0], [8 * Math.cos(th), 8 * Math.sin(th)], 1e-12);
      expect(out.samples.expNormLog2[0]).toBeCloseTo(Math.log2(r), 10);
    }
  });

  it('tiny |w̃| with c_t = 1', () => {
    const out = trajectoryOutput(record([3e-300, -4e-300]), [0], [0]);
    expectRelClose(out.samples.expProjected[0], [3e-300, -4e-300], 1e-12);
  });

  // BUG (output.ts trajectoryOutput): `scale = 2^(log2|w̃| + log2 c)/|w̃|` is just c_t, so ex·scale underflows
  // exactly as the naive product does once c_t < 2^-1074 (and loses bits once c_t is subnormal). Here
  // |w̃| = 5·2^1000 and c_t = 2^-1100, so c_t·w̃_t = (3, 4)·2^-100 but the output is [0, 0]. Computing the
  // direction first, (ex/|w̃|)·2^(log2|w̃| + log2 c_t), fixes it.
  it('c_t below the smallest double does not zero the projection', () => {
    const big = 2 ** 1000;
    const out = trajectoryOutput(record([3 * big, 4 * big]), [0], [-1100]);
    expectRelClose(out.samples.expProjected[0], [3 * 2 ** -100, 4 * 2 ** -100], 1e-12);
  });

  // BUG (output.ts trajectoryOutput): Math.hypot overflows to Infinity for finite components whose norm is
  // above the largest double (|x|, |y| ≥ 1.28e308 at 45°), so expNormLog2 and expProjected are null although
  // overflowStep is null and both components are finite. Scaling by max(|x|, |y|) before hypot fixes it.
  it('finite w̃ whose norm exceeds the largest double still projects', () => {
    const x = 1.5e308;
    const out = trajectoryOutput(record([x, x]), [0], [-1024]);
    const log2norm = Math.log2(x) + 0.5;
    expect(out.samples.expNormLog2[0]).toBeCloseTo(log2norm, 10);
    const m = 2 ** (log2norm - 1024) * Math.SQRT1_2;
    expectRelClose(out.samples.expProjected[0], [m, m], 1e-12);
  });

  it('uses log2 c_t of each sample step, also across step-decay phases', () => {
    const config = validateConfig({
      optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0.5, milestones: [3], lrDecay: 0.5 },
      steps: 6,
      sampleEvery: 2,
    });
    const schedule = toExponential(config.optimizer);
    const steps = sampleSteps(6, 2);
    const rec = record(steps.flatMap(() => [1, -2]));
    const out = buildOutput(config, { a: [1], b: [0] }, schedule, [rec], { adapter: null });
    const [a0, a1] = schedule.phases.map((p) => ddToNumber(p.alpha));
    const c = (t: number) => a0 ** Math.min(t, 3) * a1 ** Math.max(0, t - 3);
    out.trajectories[0].samples.step.forEach((t, i) => {
      expect(log2ProjectionFactor(schedule, t)).toBeCloseTo(Math.log2(c(t)), 14);
      expectRelClose(out.trajectories[0].samples.expProjected[i], [c(t), -2 * c(t)], 1e-14);
    });
    expect(out.schedule).toEqual({ kind: 'step-decay', alphas: [a0, a1], phaseStarts: [0, 3] });
    expect(out.alpha).toBe(a0);
    expect(out).toMatchObject({ precision: 'f64', backend: 'cpu', adapter: null, steps: 6, sampleEvery: 2 });
    expect(out).not.toHaveProperty('probe');
  });
});

describe('nulls after an overflow', () => {
  it('non-finite samples become null pairs, never NaN in JSON', () => {
    const nan = Number.NaN;
    const rec = record([1, 0, 2, 0, nan, nan, nan, nan], {
      wd: new Float64Array([1, 0, 0.5, 0, 0.25, 0, nan, Number.POSITIVE_INFINITY]),
      gap: new Float64Array([0, 1e-9, nan, nan]),
      overflowStep: 3,
    });
    const out = trajectoryOutput(rec, [0, 1, 2, 3], [0, -1, -2, -3]);
    expect(out.overflowStep).toBe(3);
    expect(out.samples.expProjected).toEqual([
      [1, 0],
      [1, 0],
      [null, null],
      [null, null],
    ]);
    expect(out.samples.expNormLog2).toEqual([0, 1, null, null]);
    expect(out.samples.angleGap).toEqual([0, 1e-9, null, null]);
    expect(out.samples.wd).toEqual([
      [1, 0],
      [0.5, 0],
      [0.25, 0],
      [null, null],
    ]);
    expect(JSON.stringify(out)).not.toMatch(/NaN|Infinity/);
  });

  it('an f32 run whose exponential half overflows: wd goes on, the exponential samples are null', () => {
    // lr·wd = 0.5: α = 0.5, η̃_t = 2^(2t+1)·lr overflows float32 near t = 64.
    const out = runCpu(
      validateConfig({
        loss: { preset: 'single-well' },
        optimizer: { lr: 1, weightDecay: 0.5 },
        init: { points: [[-0.7, 0.7]] },
        numerics: { renormalize: false }, // plain run: it overflows where a naive implementation would
        steps: 100,
        sampleEvery: 10,
        precision: 'f32',
      }),
    );
    const tr = out.trajectories[0];
    expect(tr.overflowStep).toBeGreaterThan(55);
    expect(tr.overflowStep).toBeLessThanOrEqual(70);
    tr.samples.step.forEach((t, i) => {
      const after = t >= (tr.overflowStep as number);
      expect(tr.samples.wd[i][0]).not.toBeNull();
      expect(tr.samples.expProjected[i][0] === null).toBe(after);
      expect(tr.samples.expProjected[i][1] === null).toBe(after);
      expect(tr.samples.expNormLog2[i] === null).toBe(after);
      expect(tr.samples.angleGap[i] === null).toBe(after);
    });
    const csv = toCsv(out).trimEnd().split('\n');
    const last = csv[csv.length - 1].split(',');
    expect(last.slice(6, 10)).toEqual(['', '', '', '']);
    expect(last[11]).toBe(String(tr.overflowStep));
  });
});

describe('CSV', () => {
  const HEADER =
    'trajectory,init_x,init_y,step,wd_x,wd_y,exp_projected_x,exp_projected_y,exp_norm_log2,angle_gap,divergence_step,overflow_step,' +
    'crossing_step,wd_absorbed_step,exp_absorbed_step,underflow_step,divergence_cause,wd_norm_log2';

  function smallRun(): RunOutput {
    return runCpu(
      validateConfig({
        init: {
          points: [
            [-0.7, 0.7],
            [1, 0.25],
            [0.1, -2],
          ],
        },
        steps: 5,
        sampleEvery: 2,
      }),
    );
  }

  it('a header and one row per trajectory per sample, matching the JSON', () => {
    const out = smallRun();
    const text = toCsv(out);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(HEADER);
    const steps = [0, 2, 4, 5];
    expect(lines).toHaveLength(1 + 3 * steps.length);
    const rows = lines.slice(1).map((l) => l.split(','));
    for (const row of rows) expect(row).toHaveLength(18);
    rows.forEach((row, r) => {
      const i = Math.floor(r / steps.length);
      const j = r % steps.length;
      const tr = out.trajectories[i];
      expect(Number(row[0])).toBe(i);
      expect([Number(row[1]), Number(row[2])]).toEqual(tr.init);
      expect(Number(row[3])).toBe(steps[j]);
      expect([Number(row[4]), Number(row[5])]).toEqual(tr.samples.wd[j]);
      expect([Number(row[6]), Number(row[7])]).toEqual(tr.samples.expProjected[j]);
      expect(Number(row[8])).toBe(tr.samples.expNormLog2[j]);
      expect(Number(row[9])).toBe(tr.samples.angleGap[j]);
      // No divergence, overflow, crossing, absorption or underflow in 5 steps: empty cells, not "null".
      expect(row.slice(10, 17)).toEqual(['', '', '', '', '', '', '']);
      expect(Number(row[17])).toBe(tr.samples.wdNormLog2[j]);
      expect(Number(row[17])).toBeCloseTo(
        Math.log2(Math.hypot(...(tr.samples.wd[j] as [number, number]))),
        12,
      );
    });
  });

  it('divergence and overflow steps fill their columns on every row of the trajectory', () => {
    const out = smallRun();
    out.trajectories[1].divergenceStep = 4;
    out.trajectories[2].overflowStep = 2;
    const rows = toCsv(out)
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    for (const row of rows) {
      const i = Number(row[0]);
      expect(row[10]).toBe(i === 1 ? '4' : '');
      expect(row[11]).toBe(i === 2 ? '2' : '');
    }
  });
});
