/**
 * The GPU part of the benchmark: f32 and df64 rows on all N trajectories, the emulated bf16 and f16 rows on a
 * subset (tens of times slower than f32 on SwiftShader) with f32 timed on that subset too, the f32
 * correctness check, workgroup sizes.
 */
import type { LowFormat } from '../core/lowFloat';
import type { GpuContext } from '../gpu/device';
import type { ProbeReport } from '../gpu/probe';
import { probeFor } from '../gpu/probeCache';
import type { Problem } from './cpuRows';
import { EMULATED_FORMATS, type GpuRows, gpuRowName } from './emulated';
import {
  checkAgainstMirror,
  type MirrorAgreement,
  type MirrorCheck,
  mirrorAgreement,
  timeGpu,
} from './gpuRows';
import { type BenchOptions, formatRate, formatTable, type Row } from './options';

/** Steps per advance() call in the timed loops (each call is one submit). */
const CHUNK = 250;
const CHECK_TRAJECTORIES = 8;
const DEFAULT_WORKGROUP = 64;

export interface WorkgroupResult {
  workgroupSize: number;
  rate: number | null;
  seconds: number | null;
  notes: string;
}

export interface GpuReport {
  rows: GpuRows;
  /** f32 on the trajectories of the bf16 and f16 rows (the f32 row itself when they run all N). */
  f32SameSubset: { trajectories: number; rate: number | null; seconds: number | null };
  /** The first CHECK_TRAJECTORIES trajectories' final state of each emulated row that ran (lowMirrorChecks). */
  lowFinals: Partial<Record<LowFormat, { wd: Float64Array; ex: Float64Array }>>;
  check: MirrorCheck;
  probe: Pick<ProbeReport, 'chosenTwoProd' | 'df64Usable' | 'reason' | 'bits' | 'fmaFused'>;
  workgroups: WorkgroupResult[] | null;
  workgroupTable: string | null;
}

function repNote(reps: number[]): string {
  const ms = reps.map((s) => (s * 1000).toFixed(0)).join('/');
  return `best of ${reps.length} reps (${ms} ms)`;
}

export async function runGpuRows(ctx: GpuContext, p: Problem, o: BenchOptions): Promise<GpuReport> {
  const base = { steps: o.steps, reps: o.reps, chunk: Math.min(CHUNK, o.steps) };
  const n = p.points.length / 2;
  const dispatchNote = `${Math.ceil(o.steps / base.chunk)} advance calls/rep`;

  console.log('timing the WGSL f32 kernel ...');
  const f32 = await timeGpu(ctx, p, { ...base, precision: 'f32' });
  const check = await checkAgainstMirror(ctx, p, f32.final, CHECK_TRAJECTORIES, o.steps);
  const f32Row: Row = {
    implementation: gpuRowName('f32'),
    rate: f32.rate,
    trajectories: n,
    steps: o.steps,
    seconds: f32.seconds,
    notes: `full N x T, workgroup ${DEFAULT_WORKGROUP}, ${dispatchNote}, ${repNote(f32.repSeconds)}`,
  };

  console.log('running the df64 precision probe ...');
  const probe = await probeFor(ctx);
  let df64Row: Row;
  if (!probe.df64Usable || probe.chosenTwoProd === null) {
    df64Row = {
      implementation: gpuRowName('df64'),
      rate: null,
      trajectories: n,
      steps: o.steps,
      seconds: null,
      notes: `skipped: df64 not usable on this adapter: ${probe.reason}`,
    };
  } else {
    console.log(`timing the WGSL df64 kernel (TwoProd ${probe.chosenTwoProd}) ...`);
    const df = await timeGpu(ctx, p, {
      ...base,
      precision: 'df64',
      twoProdFma: probe.chosenTwoProd === 'fma',
    });
    df64Row = {
      implementation: gpuRowName('df64'),
      rate: df.rate,
      trajectories: n,
      steps: o.steps,
      seconds: df.seconds,
      notes: `full N x T, TwoProd ${probe.chosenTwoProd} (probe: fma ${probe.fmaFused ? 'fused' : 'not fused'}), ${repNote(df.repSeconds)}`,
    };
  }

  const m = Math.min(o.lowSubset, n);
  const sub: Problem = m < n ? { ...p, points: p.points.slice(0, 2 * m) } : p;
  const what = m < n ? `subset ${m} trajectories x ${o.steps} steps` : 'full N x T';
  const low = {} as Record<LowFormat, Row>;
  const lowFinals: GpuReport['lowFinals'] = {};
  for (const format of EMULATED_FORMATS) {
    console.log(`timing the WGSL ${format} kernel (emulated, ${m} trajectories) ...`);
    const row: Row = {
      implementation: gpuRowName(format),
      rate: null,
      trajectories: m,
      steps: o.steps,
      seconds: null,
      notes: '',
    };
    try {
      const t = await timeGpu(ctx, sub, { ...base, precision: format });
      lowFinals[format] = {
        wd: t.final.wd.slice(0, 2 * CHECK_TRAJECTORIES),
        ex: t.final.ex.slice(0, 2 * CHECK_TRAJECTORIES),
      };
      row.rate = t.rate;
      row.seconds = t.seconds;
      row.notes = `${what}, every f32 result rounded to ${format}, workgroup ${DEFAULT_WORKGROUP}, ${dispatchNote}, ${repNote(t.repSeconds)}`;
    } catch (e) {
      console.error(`bench: the WGSL ${format} kernel failed: ${(e as Error).stack ?? e}`);
      row.notes = `skipped: failed: ${(e as Error).message.split('\n')[0]}`;
    }
    low[format] = row;
  }
  let f32SameSubset: GpuReport['f32SameSubset'] = { trajectories: n, rate: f32.rate, seconds: f32.seconds };
  if (m < n) {
    console.log(`timing the WGSL f32 kernel on the same ${m} trajectories ...`);
    const t = await timeGpu(ctx, sub, { ...base, precision: 'f32' });
    f32SameSubset = { trajectories: m, rate: t.rate, seconds: t.seconds };
  }

  let workgroups: WorkgroupResult[] | null = null;
  let workgroupTable: string | null = null;
  if (o.workgroupSizes) {
    workgroups = [];
    const maxWg = ctx.device.limits.maxComputeInvocationsPerWorkgroup;
    for (const wg of o.workgroupSizes) {
      if (wg > maxWg || wg > ctx.device.limits.maxComputeWorkgroupSizeX) {
        workgroups.push({ workgroupSize: wg, rate: null, seconds: null, notes: `above the limit ${maxWg}` });
        continue;
      }
      console.log(`timing the WGSL f32 kernel at workgroup size ${wg} ...`);
      const t = await timeGpu(ctx, p, { ...base, precision: 'f32', workgroupSize: wg });
      workgroups.push({ workgroupSize: wg, rate: t.rate, seconds: t.seconds, notes: repNote(t.repSeconds) });
    }
    const ref = workgroups.find((w) => w.workgroupSize === DEFAULT_WORKGROUP)?.rate ?? f32.rate;
    workgroupTable = formatTable(
      ['workgroup size', 'trajectory-steps/s', `vs default (${DEFAULT_WORKGROUP})`, 'notes'],
      workgroups.map((w) => [
        String(w.workgroupSize),
        formatRate(w.rate),
        w.rate === null ? '—' : `${(w.rate / ref).toFixed(2)}x`,
        w.notes,
      ]),
    );
  }

  return {
    rows: { f32: f32Row, df64: df64Row, ...low },
    f32SameSubset,
    lowFinals,
    check,
    probe: {
      chosenTwoProd: probe.chosenTwoProd,
      df64Usable: probe.df64Usable,
      reason: probe.reason,
      bits: probe.bits,
      fmaFused: probe.fmaFused,
    },
    workgroups,
    workgroupTable,
  };
}

/** The emulated rows' final states next to their CPU mirrors (after the single-thread CPU rows: see gpuRows.ts). */
export function lowMirrorChecks(gpu: GpuReport, p: Problem, steps: number): MirrorAgreement[] {
  return EMULATED_FORMATS.flatMap((format) => {
    const final = gpu.lowFinals[format];
    return final ? [mirrorAgreement(format, p, final, CHECK_TRAJECTORIES, steps)] : [];
  });
}
