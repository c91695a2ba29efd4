/**
 * One precision probe per device: the probe takes about a second on a software GPU and its verdict does not
 * change while the device lives, so every user (the CLI's df64 runs, the playground session, the Precision
 * tab) shares the one promise kept here. A failed probe is forgotten so that the next caller retries.
 */
import type { GpuContext } from './device';
import { type ProbeOptions, type ProbeReport, runPrecisionProbe } from './probe';

/** Pairs the app, the CLI and the study probe with: enough to find a non-exact TwoProd, about a second. */
export const SHARED_PROBE_PAIRS = 20_000;

const probes = new WeakMap<GPUDevice, Map<string, Promise<ProbeReport>>>();

/** The probe report for `ctx`'s device with `options` (default: SHARED_PROBE_PAIRS pairs), run once. */
export function probeFor(
  ctx: GpuContext,
  options: ProbeOptions = { pairs: SHARED_PROBE_PAIRS },
): Promise<ProbeReport> {
  let perDevice = probes.get(ctx.device);
  if (!perDevice) {
    perDevice = new Map();
    probes.set(ctx.device, perDevice);
  }
  const key = JSON.stringify([options.pairs ?? null, options.seed ?? null, options.sabotage ?? null]);
  let report = perDevice.get(key);
  if (!report) {
    const made = runPrecisionProbe(ctx, options);
    made.catch(() => {
      if (perDevice.get(key) === made) perDevice.delete(key);
    });
    perDevice.set(key, made);
    report = made;
  }
  return report;
}

/** Thrown when df64 is asked for on a device whose probe refused it. */
export class Df64RefusedError extends Error {
  override name = 'Df64RefusedError';
}

/** Why df64 cannot run on `ctx` by `report` ("df64 refused on <adapter>: <reason>"), or null when it can. */
export function df64Refusal(ctx: GpuContext, report: ProbeReport): string | null {
  return report.df64Usable ? null : `df64 refused on ${ctx.description}: ${report.reason}`;
}
