/**
 * The playground's view of ExperimentConfig: its defaults (GPU, f32, a ring of 4096 trajectories), the
 * strict reading used by lab.setConfig and the GUI (validateConfig's ConfigError, same messages as the
 * CLI) and the lenient reading used for the URL (readConfig: each bad field reported, default used).
 * The playground runs on the GPU only: a CPU-backend config is refused (strict) or moved to the GPU
 * with a note (lenient).
 */
import { isPlainObject } from '../core/config/fields';
import { ConfigError, type ConfigIssue } from '../core/config/issues';
import { DEFAULT_CONFIG } from '../core/config/schema';
import type { ExperimentConfig, Precision } from '../core/config/types';
import { readConfig, validateConfig } from '../core/config/validate';

export const PLAYGROUND_DEFAULTS: ExperimentConfig = {
  ...structuredClone(DEFAULT_CONFIG),
  init: { ring: { count: 4096, radius: 1 } },
  precision: 'f32',
  backend: 'gpu',
};

/** The GPU precision closest to a CPU one. */
const GPU_PRECISION: Record<Precision, Precision> = {
  bf16: 'bf16',
  f16: 'f16',
  f32: 'f32',
  df64: 'df64',
  f64: 'df64',
  dd: 'df64',
  mp: 'df64',
};

/** Missing top-level fields come from the playground's defaults (not the CLI's CPU defaults). */
function withDefaults(input: unknown): unknown {
  return isPlainObject(input) ? { ...structuredClone(PLAYGROUND_DEFAULTS), ...input } : input;
}

/** Throws ConfigError for any bad field, or for a config that only runs on the CPU. */
export function strictPlayConfig(input: unknown): ExperimentConfig {
  const config = validateConfig(withDefaults(input));
  if (config.backend !== 'gpu') {
    throw new ConfigError([
      {
        path: 'backend',
        message: `"${config.backend}" does not run in the playground (use backend "gpu" with precision f32 or df64)`,
      },
    ]);
  }
  return config;
}

/**
 * Never throws: every bad field is reported and replaced by its playground default; a CPU config moves
 * to the GPU (issue on "backend").
 */
export function lenientPlayConfig(input: unknown): { config: ExperimentConfig; issues: ConfigIssue[] } {
  const { config, issues } = readConfig(withDefaults(input));
  const defaults = structuredClone(PLAYGROUND_DEFAULTS) as unknown as Record<string, unknown>;
  const out = config as unknown as Record<string, unknown>;
  // readConfig falls back to the CLI's defaults; whole top-level fields take the playground's instead.
  // The optimizer falls back field by field and its defaults are the same, so it is left alone.
  for (const issue of issues) {
    const top = issue.path.split(/[.[]/)[0];
    if (top === '') Object.assign(out, defaults);
    else if (top !== 'optimizer' && top in defaults) out[top] = defaults[top];
  }
  if (config.backend !== 'gpu') {
    const precision = GPU_PRECISION[config.precision];
    issues.push({
      path: 'backend',
      message: `"${config.backend}" does not run in the playground; running on the GPU in ${precision}`,
    });
    config.backend = 'gpu';
    config.precision = precision;
  }
  return { config, issues };
}

/** One-line summary of issues for a banner: each names its field and says the default was used. */
export function describeFallbacks(issues: ConfigIssue[]): string[] {
  return issues.map((i) => {
    if (i.path === '') return `${i.message}; the defaults were used`;
    if (i.path === 'backend') return `${i.path}: ${i.message}`;
    return `${i.path}: ${i.message}; its default was used`;
  });
}
