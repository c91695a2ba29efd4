/** The GPU part of the benchmark: f32 and df64 rows, the f32 correctness check, workgroup sizes. */
import type { GpuContext } from '../gpu/device';
import type { ProbeReport } from '../gpu/probe';
import { probeFor } from '../gpu/probeCache';
import type { Problem } from './cpuRows';
import { checkAgainstMirror, type MirrorCheck, timeGpu } from './gpuRows';
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
  /** [f32, df64]. */
  rows: [Row, Row];
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
    implementation: 'WGSL f32 kernel',
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
      implementation: 'WGSL df64 kernel',
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
      implementation: 'WGSL df64 kernel',
      rate: df.rate,
      trajectories: n,
      steps: o.steps,
      seconds: df.seconds,
      notes: `full N x T, TwoProd ${probe.chosenTwoProd} (probe: fma ${probe.fmaFused ? 'fused' : 'not fused'}), ${repNote(df.repSeconds)}`,
    };
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
    rows: [f32Row, df64Row],
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
