/**
 * `scaleinv-lab selftest [--pairs N] [--json]`: acquires the GPU, runs the df64 precision probe and prints
 * its report. Exit code 0 when df64 is usable on this device, 1 otherwise (or when there is no GPU).
 */
import { acquireGpu, type GpuContext, GpuUnavailableError } from '../gpu/device';
import { formatProbeReport, runPrecisionProbe } from '../gpu/probe';

const USAGE = 'usage: selftest [--pairs N] [--json]';

export async function selftestCommand(args: string[]): Promise<number> {
  let pairs: number | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--pairs' || a.startsWith('--pairs=')) {
      const v = a === '--pairs' ? args[++i] : a.slice('--pairs='.length);
      const n = Number(v);
      if (v === undefined || !Number.isInteger(n) || n < 1) {
        console.error(`selftest: --pairs needs a positive integer, got ${v ?? 'nothing'}; ${USAGE}`);
        return 1;
      }
      pairs = n;
    } else {
      console.error(`selftest: unknown argument ${a}; ${USAGE}`);
      return 1;
    }
  }

  let ctx: GpuContext;
  try {
    ctx = await acquireGpu();
  } catch (e) {
    if (e instanceof GpuUnavailableError) {
      console.error(e.message.replace(/\s*\n\s*/g, ' '));
      return 1;
    }
    throw e;
  }
  try {
    const report = await runPrecisionProbe(ctx, { pairs });
    if (json) console.log(JSON.stringify(report, null, 2));
    else for (const line of formatProbeReport(report)) console.log(line);
    return report.df64Usable ? 0 : 1;
  } finally {
    ctx.device.destroy();
  }
}
