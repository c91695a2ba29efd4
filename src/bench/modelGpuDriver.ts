/**
 * The model section's link to the WGSL model kernel (issue 16): finds src/gpu/model's runModelOnDevice at
 * run time (the bench must still run where no module exports it), reads the driver's own timing if it has
 * one, and turns its records into a snapshot comparable with the TS rows'.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelRecord } from '../core/model/modelOutput';
import type { ModelConfig } from '../core/model/types';
import type { GpuContext } from '../gpu/device';
import type { ModelSnapshot } from './modelPeers';

export type ModelLayout = 'invocation' | 'workgroup';
export const MODEL_LAYOUTS: readonly ModelLayout[] = ['invocation', 'workgroup'];

/**
 * The assumed driver (written concurrently in src/gpu/model): runModelOnDevice(ctx, config, options) with
 * ctx the GpuContext of src/gpu/device.ts (what the repo's GPU runners take: runConfigOnGpu,
 * TrajectoryEngine.create), resolving to { records: ModelRecord[], timing } with one record per seed whose
 * samples follow config.sampleEvery (src/core/model/modelOutput.ts). `probe` is passed for df64 in case the
 * driver reads it (the df64 TwoProd variant, as runConfigOnGpu's options.probe).
 */
export type ModelDriver = (
  ctx: GpuContext,
  config: ModelConfig,
  options: { samples?: boolean; layout?: ModelLayout; probe?: unknown },
) => Promise<{ records: ModelRecord[]; timing?: unknown }>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The first module of src/gpu/model that exports runModelOnDevice, or why there is none. */
export async function findModelDriver(): Promise<{ run: ModelDriver; module: string } | { missing: string }> {
  const dir = join(ROOT, 'src/gpu/model');
  let files: string[] = [];
  try {
    // The driver's expected home first, then any other module of the folder.
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .sort((x, y) => Number(y === 'modelGpuRun.ts') - Number(x === 'modelGpuRun.ts') || x.localeCompare(y));
  } catch {
    // no folder: no kernel
  }
  const failures: string[] = [];
  for (const f of files) {
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as Record<string, unknown>;
      if (typeof mod.runModelOnDevice === 'function') {
        return { run: mod.runModelOnDevice as ModelDriver, module: `src/gpu/model/${f}` };
      }
    } catch (e) {
      failures.push(`${f}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const tried = failures.length > 0 ? `; failed to load ${failures.join(', ')}` : '';
  return {
    missing: `model kernel not available (no module in src/gpu/model exports runModelOnDevice${tried})`,
  };
}

/** Seconds the driver reports for its run, if its timing has a recognisable field. */
export function driverSeconds(timing: unknown): { seconds: number; field: string } | null {
  if (typeof timing !== 'object' || timing === null) return null;
  const t = timing as Record<string, unknown>;
  const positive = (f: string) => typeof t[f] === 'number' && Number.isFinite(t[f]) && (t[f] as number) > 0;
  for (const f of ['seconds', 'kernelSeconds', 'gpuSeconds', 'totalSeconds']) {
    if (positive(f)) return { seconds: t[f] as number, field: f };
  }
  for (const f of ['ms', 'milliseconds', 'kernelMs', 'gpuMs', 'totalMs', 'elapsedMs']) {
    if (positive(f)) return { seconds: (t[f] as number) / 1000, field: f };
  }
  return null;
}

/**
 * Both runs of the first `count` records at sample `j` (true scale: stored weights times 2^scaleLog2), or
 * null when the records carry no states there.
 */
export function recordSnapshot(
  records: ModelRecord[],
  P: number,
  count: number,
  j: number,
  step: number,
): ModelSnapshot | null {
  const n = Math.min(count, records.length);
  if (n === 0) return null;
  const wd = new Float64Array(n * P);
  const ex = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r.wd.length < (j + 1) * P || r.ex.length < (j + 1) * P) return null;
    for (let k = 0; k < P; k++) {
      wd[i * P + k] = r.wd[j * P + k] * 2 ** (r.wdScaleLog2[j] ?? 0);
      ex[i * P + k] = r.ex[j * P + k] * 2 ** (r.exScaleLog2[j] ?? 0);
    }
  }
  const divergenceStep = Int32Array.from(records.slice(0, n), (r) => r.divergenceStep ?? -1);
  return { step, wd, ex, divergenceStep };
}
