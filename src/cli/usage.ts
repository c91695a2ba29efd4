/** Usage text and the error type that maps to exit code 2. */

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `scaleinv-lab — gradient descent on scale-invariant losses

Usage:
  scaleinv-lab run <config.json> [--precision f64|f32|df64|dd] [--backend cpu|gpu] [--out <file.json|file.csv>]
  scaleinv-lab selftest [--pairs N] [--json]
  scaleinv-lab presets
  scaleinv-lab --help | --version

run       integrates every trajectory of the config with weight decay and with the equivalent exponential
          learning rate; prints JSON to stdout, or writes --out (.json or .csv).
selftest  checks on the GPU at hand that df64's error-free transforms are exact and measures its bits;
          exit 0 when df64 is usable, 1 when it is not.
presets   lists the named losses.

Exit codes: 0 ok, 1 failure while running (no GPU, df64 refused), 2 bad usage or bad config.`;
