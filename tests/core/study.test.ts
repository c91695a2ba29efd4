/**
 * The precision study's pure parts: the per-bit fit and censored medians on synthetic data, the
 * growth-rate window on a synthetic separation, the twin-run Lyapunov exponent against an independent
 * estimate (two plain float64 runs written here with Math.cos/sin/atan2, 1e−12 rad apart), the order of
 * divergence steps f32 < f64 < dd on the chaotic preset, and the CSV/JSON shapes.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { runCpu } from '../../src/core/run/cpuRun';
import { studyCsvHeader, studyToCsv } from '../../src/core/study/csv';
import { fitGrowthRate, lyapunovExponent } from '../../src/core/study/lyapunov';
import { runStudy } from '../../src/core/study/runStudy';
import { censoredMedian, fitLine } from '../../src/core/study/stats';
import { studyToSvg } from '../../src/core/study/svg';
import { studySummaryTable } from '../../src/core/study/table';

// The `rugged` preset's coefficients, written out so the reference does not depend on the preset table.
const RA = [0.3, -0.25, 0.2, 0.12, -0.1, 0.06, -0.05, 0.03];
const RB = [-0.2, 0.15, -0.3, 0.1, 0.08, -0.07, 0.04, -0.02];
const LR = 0.1;
const WD = 0.05;

/** Angle between two plain float64 weight-decay runs from polar (r, θ0) and (r, θ0 + dθ), per step. */
function referenceSeparation(r: number, th0: number, dth: number, steps: number): number[] {
  const fp = (th: number) => {
    let s = 0;
    for (let k = 1; k <= RA.length; k++)
      s += k * (RB[k - 1] * Math.cos(k * th) - RA[k - 1] * Math.sin(k * th));
    return s;
  };
  const runs = [th0, th0 + dth].map((th) => [r * Math.cos(th), r * Math.sin(th)]);
  const out = [dth];
  for (let t = 0; t < steps; t++) {
    for (const w of runs) {
      const th = Math.atan2(w[1], w[0]);
      const rr = Math.hypot(w[0], w[1]);
      // ∇L = f'(θ)/r · (−sin θ, cos θ)
      const g = fp(th) / rr;
      w[0] -= LR * (-Math.sin(th) * g + WD * w[0]);
      w[1] -= LR * (Math.cos(th) * g + WD * w[1]);
    }
    const [a, b] = runs;
    out.push(Math.abs(Math.atan2(a[0] * b[1] - a[1] * b[0], a[0] * b[0] + a[1] * b[1])));
    if (out[out.length - 1] > 1e-3) break;
  }
  return out;
}

/** Endpoint estimate: ln(sep_end/sep_start)/(end − start) over the last climb from < 1e−10 to > 1e−3. */
function endpointRate(sep: number[]): number | null {
  const end = sep.findIndex((s) => s > 1e-3);
  if (end < 0) return null;
  let start = end - 1;
  while (start > 0 && sep[start - 1] >= 1e-10) start--;
  if (end - start < 8) return null;
  return Math.log(sep[end - 1] / sep[start]) / (end - 1 - start);
}

describe('fitLine and censoredMedian (synthetic)', () => {
  it('recovers a known line and its r²', () => {
    const xs = [24, 46, 53, 106];
    const fit = fitLine(
      xs,
      xs.map((x) => 2.5 * x + 100),
    );
    expect(fit?.slope).toBeCloseTo(2.5, 12);
    expect(fit?.intercept).toBeCloseTo(100, 9);
    expect(fit?.r2).toBeCloseTo(1, 12);
    // Noise with zero mean and zero correlation with x leaves the slope exact: ±1 at x = 24, 46, 53, 106
    // weighted so that Σ(x−x̄)·e = 0.
    const e = [1, -1, -1, 1];
    const xbar = xs.reduce((s, x) => s + x, 0) / 4;
    const corr = xs.reduce((s, x, i) => s + (x - xbar) * e[i], 0);
    expect(corr).not.toBe(0);
    const noisy = fitLine(
      xs,
      xs.map((x, i) => 2.5 * x + 100 + e[i]),
    );
    const sxx = xs.reduce((s, x) => s + (x - xbar) ** 2, 0);
    expect(noisy?.slope).toBeCloseTo(2.5 + corr / sxx, 12);
    expect(noisy?.r2).toBeLessThan(1);
    expect(fitLine([53], [10])).toBeNull();
    expect(fitLine([53, 53], [10, 12])).toBeNull();
  });

  it('ranks never-diverged trajectories above every step', () => {
    expect(censoredMedian([5, null, 3])).toBe(5);
    expect(censoredMedian([5, null, null])).toBeNull();
    expect(censoredMedian([4, 1, 3, 2])).toBe(2); // nearest rank: the ceil(n/2)-th smallest
    expect(censoredMedian([])).toBeNull();
  });
});

describe('fitGrowthRate (synthetic separation)', () => {
  it('fits the final climb from 1e-10 to 1e-3 only', () => {
    // Decay from 1e-12 for 100 steps, then growth at μ = 0.37 per step from 1e-16.
    const sep: number[] = [];
    for (let t = 0; t < 100; t++) sep.push(1e-12 * Math.exp(-0.2 * t));
    for (let t = 0; sep.length < 400; t++) sep.push(1e-16 * Math.exp(0.37 * t));
    const est = fitGrowthRate(sep);
    expect(est.mu).toBeCloseTo(0.37, 10);
    const [a, b] = est.window!;
    expect(sep[a]).toBeGreaterThanOrEqual(1e-10);
    expect(sep[a - 1]).toBeLessThan(1e-10);
    expect(sep[b]).toBeLessThanOrEqual(1e-3);
    expect(sep[b + 1]).toBeGreaterThan(1e-3);
  });

  it('is null when the separation never leaves the window or climbs too fast to fit', () => {
    expect(fitGrowthRate(Array.from({ length: 50 }, (_, t) => 1e-12 * 1.1 ** t)).mu).toBeNull();
    expect(fitGrowthRate([1e-12, 1e-9, 1e-6, 1e-2]).mu).toBeNull();
  });
});

describe('lyapunovExponent', () => {
  it('matches an independent estimate from two plain float64 runs started 1e-12 apart', () => {
    const loss = { a: RA, b: RB };
    const opt = { lr: LR, weightDecay: WD, momentum: 0, milestones: [], lrDecay: 0.1 };
    const ours: number[] = [];
    const ref: number[] = [];
    for (let i = 0; i < 24; i++) {
      const th = (2 * Math.PI * i) / 24 + 0.1;
      const r = 0.6 + 0.05 * i;
      const mu = lyapunovExponent(loss, opt, r * Math.cos(th), r * Math.sin(th), 3000).mu;
      const mr = endpointRate(referenceSeparation(r, th, 1e-12, 3000));
      if (mu !== null && mr !== null) {
        ours.push(mu);
        ref.push(mr);
      }
    }
    expect(ours.length).toBeGreaterThanOrEqual(16);
    const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
    // Chaotic separation is bursty; the medians of the two estimators agree closely, single ones roughly.
    expect(Math.abs(med(ours) / med(ref) - 1)).toBeLessThan(0.15);
    const close = ours.filter((m, i) => Math.abs(m / ref[i] - 1) < 0.35).length;
    expect(close / ours.length).toBeGreaterThan(0.7);
  });
});

describe('runStudy on the chaotic preset (CPU runners)', async () => {
  const config = validateConfig({
    loss: { preset: 'rugged' },
    optimizer: { lr: LR, weightDecay: WD },
    init: { ring: { count: 48, radius: 1 } },
    steps: 1500,
  });
  // f32 here is the CPU mirror of the WGSL kernel (df64 needs a GPU: see tests/cli/study.test.ts).
  const study = await runStudy(config, {
    precisions: ['f32', 'f64', 'dd'],
    ddSubset: 40,
    run: async (cfg, onProgress) => runCpu({ ...cfg, backend: 'cpu' }, { onProgress }),
  });

  it('orders the median divergence steps f32 < f64 < dd, and the fit is positive', () => {
    const med = Object.fromEntries(study.aggregate.rows.map((r) => [r.precision, r.medianDivergence]));
    expect(med.f32).not.toBeNull();
    expect(med.f32!).toBeLessThan(med.f64!);
    expect(med.f64!).toBeLessThan(med.dd!);
    expect(study.aggregate.common).toBe(40);
    expect(study.aggregate.fit!.slope).toBeGreaterThan(0);
    expect(study.aggregate.predictedStepsPerBit).toBeGreaterThan(0);
  });

  it('writes a CSV row per trajectory, NA outside the dd subset', () => {
    const lines = studyToCsv(study).trimEnd().split('\n');
    const header = studyCsvHeader(['f32', 'f64', 'dd']);
    expect(lines[0]).toBe(header.join(','));
    expect(lines).toHaveLength(49);
    const ddCol = header.indexOf('divergence_dd');
    const row = (i: number) => lines[i + 1].split(',');
    expect(row(39)[ddCol]).not.toBe('NA');
    expect(row(40)[ddCol]).toBe('NA');
    for (let i = 0; i < 48; i++) {
      const t = study.trajectories[i];
      expect(row(i)).toHaveLength(header.length);
      expect(row(i)[header.indexOf('divergence_f64')]).toBe(String(t.divergenceStep.f64 ?? ''));
    }
  });

  it('survives a JSON round trip with the fields the README documents', () => {
    const back = JSON.parse(JSON.stringify(study));
    expect(Object.keys(back)).toEqual(
      expect.arrayContaining([
        'config',
        'adapter',
        'runs',
        'skipped',
        'aggregate',
        'trajectories',
        'lyapunovMethod',
      ]),
    );
    expect(back.runs.map((r: { precision: string; bits: number }) => [r.precision, r.bits])).toEqual([
      ['f32', 24],
      ['f64', 53],
      ['dd', 100],
    ]);
    expect(back.trajectories[0].divergenceStep).toHaveProperty('f64');
    expect(back.trajectories[45].divergenceStep).not.toHaveProperty('dd');
    expect(studyToSvg(study)).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\n$/);
    expect(studySummaryTable(study)).toMatch(/steps per bit/);
  });
});
