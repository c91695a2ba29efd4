/**
 * How both playgrounds (WebGPU and the WebGL2 fallback) report config problems in banners: the URL's bad
 * fields (each named, its default used), a rejected GUI change (the running config stays), and a config
 * that fails to start (the previous one, or the defaults, keep running).
 */
import { type ConfigIssue, formatIssue } from '../core/config/issues';
import type { ExperimentConfig } from '../core/config/types';
import { describeFallbacks, PLAYGROUND_DEFAULTS } from './playConfig';

/** Where messages go: one per topic, shown again to replace it (src/ui/banner.ts draws them). */
export interface Banners {
  show(topic: string, level: 'error' | 'warning' | 'info', lines: string[]): void;
  clear(topic: string): void;
}

/** Shows (or clears) the banner listing the URL's bad fields. */
export function showUrlIssues(banners: Banners, issues: ConfigIssue[]): void {
  if (issues.length === 0) {
    banners.clear('url');
    return;
  }
  banners.show('url', 'warning', [
    'The configuration in the URL had problems:',
    // A readable key's issue (`flat`) already says what became of it; an old JSON field took its default.
    ...issues.map((i) => ('flat' in i ? formatIssue(i) : describeFallbacks([i])[0])),
  ]);
}

/** Applies a GUI candidate; on rejection says why and that the previous config is still running. */
export async function applyOrExplain(banners: Banners, apply: () => Promise<void>): Promise<boolean> {
  try {
    await apply();
    banners.clear('config');
    return true;
  } catch (e) {
    banners.show('config', 'error', [
      `Not applied: ${(e as Error).message}`,
      'The previous configuration is still running.',
    ]);
    return false;
  }
}

/**
 * Starts `config`; if it fails, keeps the running one (`running`), or on a first load starts the defaults
 * rather than leaving the page empty. Never throws.
 */
export async function startOrFallBack(
  banners: Banners,
  config: ExperimentConfig,
  build: (c: ExperimentConfig) => Promise<void>,
  running: () => boolean,
): Promise<void> {
  try {
    await build(config);
  } catch (e) {
    const why = `Could not start this configuration: ${(e as Error).message}`;
    if (running()) {
      banners.show('config', 'error', [why, 'The previous configuration is still running.']);
      return;
    }
    try {
      await build(structuredClone(PLAYGROUND_DEFAULTS));
      banners.show('config', 'error', [why, 'The default configuration was started instead.']);
    } catch (e2) {
      banners.show('config', 'error', [why, `The defaults failed too: ${(e2 as Error).message}`]);
    }
  }
}
