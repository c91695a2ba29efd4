/**
 * Shared helpers for the engine tests: the CPU reference runs (F32 mirror, F64) laid out like an engine
 * snapshot, float32 ULP distances, initial points away from the loss maxima, and the schedules under test.
 */
import type { Arith } from '../../src/core/arith';
import { seededRandom } from '../../src/core/init';
import { Integrator } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import { findPreset } from '../../src/core/presets';
import type { ExponentialSchedule, OptimizerConfig } from '../../src/core/schedule';
import type { EngineSnapshot } from '../../src/gpu/engine';

export function presetLoss(name: string): FourierLoss {
  const p = findPreset(name);
  if (!p) throw new Error(`no preset ${name}`);
  return p.loss;
}

/** A CPU run in the engine snapshot's layout (−1 for "no divergence / no overflow"). */
export interface CpuSnapshot {
  step: number;
  wd: Float64Array;
  ex: Float64Array;
  gap: Float64Array;
  divergenceStep: Int32Array;
  overflowStep: Int32Array;
}

/**
 * Runs every point through the reference Integrator and snapshots at each of `atSteps` (ascending).
 */
export function runCpu<T>(
  A: Arith<T>,
  loss: FourierLoss,
  schedule: ExponentialSchedule,
  tolerance: number,
  points: Float64Array,
  atSteps: readonly number[],
): CpuSnapshot[] {
  const n = points.length / 2;
  const integ = new Integrator(A, loss, schedule, tolerance);
  const snaps: CpuSnapshot[] = atSteps.map((step) => ({
    step,
    wd: new Float64Array(2 * n),
    ex: new Float64Array(2 * n),
    gap: new Float64Array(n),
    divergenceStep: new Int32Array(n),
    overflowStep: new Int32Array(n),
  }));
  for (let i = 0; i < n; i++) {
    const s = integ.init(points[2 * i], points[2 * i + 1]);
    for (const snap of snaps) {
      while (s.t < snap.step) integ.step(s);
      snap.wd[2 * i] = A.toNumber(s.wd.x);
      snap.wd[2 * i + 1] = A.toNumber(s.wd.y);
      snap.ex[2 * i] = A.toNumber(s.ex.x);
      snap.ex[2 * i + 1] = A.toNumber(s.ex.y);
      snap.gap[i] = integ.angleGap(s);
      snap.divergenceStep[i] = s.divergenceStep ?? -1;
      snap.overflowStep[i] = s.overflowStep ?? -1;
    }
  }
  return snaps;
}

const f32buf = new Float32Array(1);
const i32buf = new Int32Array(f32buf.buffer);

/** Position of a float32 on the integer line of float32 values (±0 both map to 0). */
export function f32Ordinal(x: number): number {
  f32buf[0] = x;
  const i = i32buf[0];
  return i >= 0 ? i : -(i & 0x7fffffff);
}

/** Distance in float32 ULPs between two float32 values; Infinity when either is NaN. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(f32Ordinal(a) - f32Ordinal(b));
}

export interface UlpComparison {
  /** Largest ULP distance over every coordinate (wd and ex, x and y) of every trajectory. */
  maxUlp: number;
  /** Trajectories whose four coordinates are bit-identical. */
  identical: number;
  count: number;
}

export function compareUlps(gpu: EngineSnapshot, cpu: CpuSnapshot): UlpComparison {
  const n = gpu.wd.length / 2;
  let maxUlp = 0;
  let identical = 0;
  for (let i = 0; i < n; i++) {
    let worst = 0;
    for (const k of [2 * i, 2 * i + 1]) {
      worst = Math.max(worst, ulpDistance(gpu.wd[k], cpu.wd[k]), ulpDistance(gpu.ex[k], cpu.ex[k]));
    }
    if (worst === 0) identical++;
    maxUlp = Math.max(maxUlp, worst);
  }
  return { maxUlp, identical, count: n };
}

/** Largest |gpu − ref| / |ref| over trajectories, as 2-vectors, separately for the two runs. */
export function maxRelativeError(
  gpu: { wd: Float64Array; ex: Float64Array },
  ref: { wd: Float64Array; ex: Float64Array },
): { wd: number; ex: number } {
  const rel = (a: Float64Array, b: Float64Array) => {
    let worst = 0;
    for (let i = 0; i < a.length / 2; i++) {
      const d = Math.hypot(a[2 * i] - b[2 * i], a[2 * i + 1] - b[2 * i + 1]);
      const r = d / Math.hypot(b[2 * i], b[2 * i + 1]);
      // NaN (a non-finite value on either side) must count as a failure, not vanish in Math.max.
      worst = Number.isNaN(r) ? Infinity : Math.max(worst, r);
    }
    return worst;
  };
  return { wd: rel(gpu.wd, ref.wd), ex: rel(gpu.ex, ref.ex) };
}

export const log2 = (x: number): string => (x === 0 ? '-inf' : Math.log2(x).toFixed(1));

/**
 * `count` points on a circle of radius `radius`, skipping angles within `margin` radians of any of
 * `avoid` (the loss maxima: starting on an unstable equilibrium amplifies any rounding difference without
 * bound, which is not what the precision tests are about). Coordinates are rounded to float32, so that
 * every precision starts from the same point.
 */
export function ringAvoiding(count: number, radius: number, avoid: readonly number[], margin: number) {
  const out: number[] = [];
  const total = Math.ceil(count * 1.5) + 8;
  for (let i = 0; out.length < 2 * count && i < 10 * total; i++) {
    const th = (2 * Math.PI * (i + 0.37)) / total;
    const near = avoid.some((a) => Math.abs(Math.atan2(Math.sin(th - a), Math.cos(th - a))) < margin);
    if (near) continue;
    out.push(Math.fround(radius * Math.cos(th)), Math.fround(radius * Math.sin(th)));
  }
  if (out.length < 2 * count) throw new Error('ringAvoiding: margin too large');
  return new Float64Array(out);
}

/** Seeded points with radius in [r0, r1] and float32 coordinates (splitmix-like generator). */
export function randomPoints(count: number, seed: number, r0: number, r1: number): Float64Array {
  const rand = seededRandom(seed);
  const out = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    const th = 2 * Math.PI * rand();
    const r = r0 + (r1 - r0) * rand();
    out[2 * i] = Math.fround(r * Math.cos(th));
    out[2 * i + 1] = Math.fround(r * Math.sin(th));
  }
  return out;
}

/** Angles θ of the local maxima of f (by sampling f on a fine grid). */
export function lossMaxima(loss: FourierLoss, samples = 7200): number[] {
  const f = (th: number) => {
    let v = 0;
    for (let k = 1; k <= loss.a.length; k++)
      v += loss.a[k - 1] * Math.cos(k * th) + loss.b[k - 1] * Math.sin(k * th);
    return v;
  };
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const th = (2 * Math.PI * i) / samples;
    const d = (2 * Math.PI) / samples;
    if (f(th) > f(th - d) && f(th) >= f(th + d)) out.push(th);
  }
  return out;
}

export interface NamedSchedule {
  name: string;
  opt: OptimizerConfig;
}

const base = { milestones: [] as number[], lrDecay: 1 };

/** The schedule kinds of the f32-vs-mirror test (brief: gd, weight decay, momentum, step decay ±γ). */
export function f32Schedules(lr: number, weightDecay: number): NamedSchedule[] {
  return [
    { name: 'gd', opt: { ...base, lr, weightDecay: 0, momentum: 0 } },
    { name: 'weight-decay', opt: { ...base, lr, weightDecay, momentum: 0 } },
    { name: 'momentum', opt: { ...base, lr, weightDecay: 0.001, momentum: 0.9 } },
    {
      name: 'step-decay',
      opt: { lr, weightDecay, momentum: 0, milestones: [100, 200], lrDecay: 0.5 },
    },
    {
      name: 'step-decay+momentum',
      opt: { lr, weightDecay: 0.001, momentum: 0.9, milestones: [100, 200], lrDecay: 0.5 },
    },
  ];
}

/**
 * Every schedule kind with γ ∈ {0, 0.9}; with γ = 0.9 real α needs ηλ ≤ (1 − √0.9)² ≈ 0.00263, so the
 * momentum runs use λ = 0.001 (ηλ = 1e-4 at lr 0.1).
 */
export function df64Schedules(lr: number): NamedSchedule[] {
  const out: NamedSchedule[] = [];
  for (const momentum of [0, 0.9]) {
    const wd = momentum === 0 ? 0.01 : 0.001;
    const g = `γ=${momentum}`;
    out.push(
      { name: `gd ${g}`, opt: { ...base, lr, weightDecay: 0, momentum } },
      { name: `weight-decay ${g}`, opt: { ...base, lr, weightDecay: wd, momentum } },
      {
        name: `step-decay ${g}`,
        opt: { lr, weightDecay: wd, momentum, milestones: [100, 200], lrDecay: 0.5 },
      },
    );
  }
  return out;
}
