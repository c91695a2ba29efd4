/**
 * The benchmark's rows for the emulated formats bf16 and f16 (every f32 result rounded to the format:
 * shaders/round_low.wgsl on the GPU, src/core/lowArith.ts on the CPU), what they cost next to f32 measured in
 * the same run ("bf16 costs N× f32": f32's trajectory-steps/s over the format's), and the order of the result
 * table's rows, so that a test sees that no GPU precision's row is missing.
 */
import type { CpuPrecision } from '../core/arith';
import type { LowFormat } from '../core/lowFloat';
import { GPU_PRECISIONS, type GpuPrecision } from '../gpu/layout';
import type { ThreadTiming } from './cpuThreads';
import { formatRate, type Row } from './options';

export const EMULATED_FORMATS: readonly LowFormat[] = ['bf16', 'f16'];

/** One row per GPU precision (a skipped one says why in its notes). */
export type GpuRows = Record<GpuPrecision, Row>;

export function gpuRowName(p: GpuPrecision): string {
  return `WGSL ${p} kernel`;
}

export function skippedGpuRows(why: string): GpuRows {
  const row = (p: GpuPrecision): Row => ({
    implementation: gpuRowName(p),
    rate: null,
    trajectories: 0,
    steps: 0,
    seconds: null,
    notes: `skipped: ${why}`,
  });
  return { f32: row('f32'), df64: row('df64'), bf16: row('bf16'), f16: row('f16') };
}

export interface TableParts {
  js: Row;
  gpu: GpuRows;
  dd: Row;
  numpy: Row;
  c: Row;
}

/** The result table's rows: the JS reference, every GPU precision (f32, df64, bf16, f16), the CPU double-double, the peers. */
export function tableRows(t: TableParts): Row[] {
  return [t.js, ...GPU_PRECISIONS.map((p) => t.gpu[p]), t.dd, t.numpy, t.c];
}

/**
 * The worker-thread CPU rows: precision and subset. f32 (the CPU mirror of the GPU's f32) is the reference of
 * the emulated formats and runs on the same subset as they do, the double-double's: on the CPU they are about
 * as slow as it is.
 */
export function threadJobs(n: number, o: { jsSubset: number; ddSubset: number }): [CpuPrecision, number][] {
  const slow = Math.min(n, 4 * o.ddSubset);
  return [
    ['f64', Math.min(n, 8 * o.jsSubset)],
    ['dd', slow],
    ['f32', slow],
    ...EMULATED_FORMATS.map((f): [CpuPrecision, number] => [f, slow]),
  ];
}

export interface EmulationCost {
  format: LowFormat;
  backend: 'gpu' | 'cpu';
  /** Trajectory-steps/s of the format and of f32, both measured in this run (null: skipped). */
  rate: number | null;
  f32Rate: number | null;
  /** f32Rate / rate: how many times f32's time the format takes; null when either rate is missing. */
  cost: number | null;
  /** GPU only: f32 timed on the same trajectories as the format's row (a subset of N), and the cost against it. */
  sameSubset?: { trajectories: number; f32Rate: number | null; cost: number | null };
}

export function costOf(rate: number | null, f32Rate: number | null): number | null {
  return rate !== null && rate > 0 && f32Rate !== null && f32Rate > 0 ? f32Rate / rate : null;
}

/** The GPU formats against the WGSL f32 row (and against f32 on their own subset, when it was timed). */
export function gpuEmulationCosts(
  rows: GpuRows,
  sameSubset: { trajectories: number; rate: number | null } | null,
): EmulationCost[] {
  return EMULATED_FORMATS.map((format) => {
    const rate = rows[format].rate;
    const out: EmulationCost = {
      format,
      backend: 'gpu',
      rate,
      f32Rate: rows.f32.rate,
      cost: costOf(rate, rows.f32.rate),
    };
    if (sameSubset) {
      out.sameSubset = {
        trajectories: sameSubset.trajectories,
        f32Rate: sameSubset.rate,
        cost: costOf(rate, sameSubset.rate),
      };
    }
    return out;
  });
}

/** The CPU formats against the CPU f32 mirror, one worker thread each (the threaded rows' "1 thread"). */
export function cpuEmulationCosts(threads: ThreadTiming[]): EmulationCost[] {
  const rateOf = (p: string) => threads.find((t) => t.precision === p)?.oneThread ?? null;
  const f32Rate = rateOf('f32');
  return EMULATED_FORMATS.map((format) => {
    const rate = rateOf(format);
    return { format, backend: 'cpu', rate, f32Rate, cost: costOf(rate, f32Rate) };
  });
}

function times(x: number | null): string {
  return x === null ? 'not measured' : `${x.toFixed(x >= 10 ? 1 : 2)}x`;
}

function perSecond(r: number | null): string {
  return r === null ? 'not measured' : `${formatRate(r)}/s`;
}

export function formatEmulationCosts(costs: EmulationCost[]): string {
  const lines = costs.map((c) => {
    const [what, ref] =
      c.backend === 'gpu'
        ? [`WGSL ${c.format}`, 'WGSL f32 row']
        : [`CPU ${c.format} (1 worker thread)`, 'CPU f32 mirror'];
    let line = `  ${what}: ${perSecond(c.rate)} vs ${ref} ${perSecond(c.f32Rate)}: ${c.format} costs ${times(c.cost)} f32`;
    const s = c.sameSubset;
    if (s)
      line += ` (f32 on the same ${s.trajectories} trajectories: ${perSecond(s.f32Rate)}, ${times(s.cost)})`;
    return line;
  });
  return ['emulated formats vs f32 (measured in this run; cost = f32 rate / format rate):', ...lines].join(
    '\n',
  );
}
