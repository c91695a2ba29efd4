/**
 * The whole ExperimentConfig lives in location.hash as `#c=` + encodeURIComponent(JSON), so a view can be
 * shared by its link. Reading is lenient: never throws, reports what was wrong.
 */
import type { ConfigIssue } from '../core/config/issues';
import type { ExperimentConfig } from '../core/config/types';
import { lenientPlayConfig, PLAYGROUND_DEFAULTS } from './playConfig';

const KEY = 'c';

export function encodeHash(config: ExperimentConfig): string {
  return `#${KEY}=${encodeURIComponent(JSON.stringify(config))}`;
}

export interface HashState {
  config: ExperimentConfig;
  /** Problems with the hash; empty when it was absent or fully valid. */
  issues: ConfigIssue[];
  /** Whether the hash held a config at all. */
  present: boolean;
}

/** Reads a config from a hash such as location.hash; bad JSON or fields fall back to defaults. */
export function decodeHash(hash: string): HashState {
  // Not URLSearchParams: it would turn a typed '+' (as in 1e+3) into a space.
  const match = new RegExp(`(?:^#?|&)${KEY}=([^&]*)`).exec(hash);
  if (!match || match[1] === '') {
    return { config: structuredClone(PLAYGROUND_DEFAULTS), issues: [], present: false };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(match[1]));
  } catch (e) {
    return {
      config: structuredClone(PLAYGROUND_DEFAULTS),
      issues: [{ path: '', message: `the URL's config is not valid JSON (${(e as Error).message})` }],
      present: true,
    };
  }
  const { config, issues } = lenientPlayConfig(parsed);
  return { config, issues, present: true };
}

/** Replaces the hash without adding a history entry or firing hashchange. */
export function writeHash(config: ExperimentConfig): void {
  const url = `${location.pathname}${location.search}${encodeHash(config)}`;
  history.replaceState(history.state, '', url);
}
