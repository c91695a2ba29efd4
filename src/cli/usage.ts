/** Usage text and the error type that maps to exit code 2. */

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `scaleinv-lab — gradient descent on scale-invariant losses

Usage:
  scaleinv-lab run <config.json> [--precision bf16|f16|f32|df64|f64|dd|mp] [--backend cpu|gpu] [--bits N] [--threads N] [--out <file.json|file.csv|file.arrow>]
  scaleinv-lab study <config.json> [--precisions bf16,f16,f32,df64,f64,dd,mp] [--out <dir>] [--subset N] [--bits N] [--threads N]
  scaleinv-lab selftest [--pairs N] [--json]
  scaleinv-lab presets
  scaleinv-lab --help | --version

run       integrates every trajectory of the config with weight decay and with the equivalent exponential
          learning rate; prints JSON to stdout, or writes --out (.json, .csv, or Arrow IPC: run.arrow holds
          the samples, run.trajectories.arrow beside it one row per trajectory). mp is the arbitrary-precision
          CPU reference at --bits N (default 256, 64–4096), always without renormalisation. bf16 and f16
          are the training formats, emulated (each f32 operation rounded to the format) on either backend.
study     runs the config in several precisions (bf16/f16/f32/df64 on the GPU, f64/dd/mp on the CPU) on the same
          initial points: divergence step and cause per precision and bits, a steps-per-bit fit, twin-run
          Lyapunov exponents; with mp (opt-in, at --bits and twice that) each run's departure from the
          reference; writes study.json, study.csv, study.svg (and study.png with ffmpeg) into --out
          (default study-<config name>); --subset N runs dd and mp on the first N trajectories only.
selftest  checks on the GPU at hand that df64's error-free transforms are exact and measures its bits;
          exit 0 when df64 is usable, 1 when it is not.
presets   lists the named losses.

--threads N  worker threads for the CPU precisions (f64, f32, dd, mp, bf16, f16; default: every core, for runs big
          enough to gain), split by trajectory and merged in order: the output is identical to --threads 1.

Exit codes: 0 ok, 1 failure while running (no GPU, df64 refused), 2 bad usage or bad config.`;
