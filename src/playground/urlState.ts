/**
 * The whole playground state lives in location.hash: `#c=` + encodeURIComponent(JSON config) and
 * `&v=` + encodeURIComponent(JSON view), so a view can be shared by its link and a reload reproduces the
 * same picture and numbers. Reading is lenient: never throws, reports each bad field (the default is used
 * for it).
 */
import type { ConfigIssue } from '../core/config/issues';
import type { ExperimentConfig } from '../core/config/types';
import { lenientPlayConfig, PLAYGROUND_DEFAULTS } from './playConfig';
import { DEFAULT_VIEW, readViewState, type ViewState } from './viewState';

const CONFIG_KEY = 'c';
const VIEW_KEY = 'v';

export function encodeHash(config: ExperimentConfig, view?: ViewState): string {
  const c = `#${CONFIG_KEY}=${encodeURIComponent(JSON.stringify(config))}`;
  return view ? `${c}&${VIEW_KEY}=${encodeURIComponent(JSON.stringify(view))}` : c;
}

export interface HashState {
  config: ExperimentConfig;
  view: ViewState;
  /** Problems with the hash; empty when it was absent or fully valid. */
  issues: ConfigIssue[];
  /** Whether the hash held a config at all. */
  present: boolean;
}

/** The raw text of `key` in a hash such as location.hash, or null. */
function field(hash: string, key: string): string | null {
  // Not URLSearchParams: it would turn a typed '+' (as in 1e+3) into a space.
  const match = new RegExp(`(?:^#?|&)${key}=([^&]*)`).exec(hash);
  return match && match[1] !== '' ? match[1] : null;
}

/** Parses one JSON field; a bad percent-encoding or bad JSON becomes an issue on `what`. */
function parseField(raw: string, what: string, issues: ConfigIssue[]): { ok: boolean; value: unknown } {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    issues.push({ path: what, message: `the URL's ${what || 'config'} is not valid percent-encoding` });
    return { ok: false, value: undefined };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    issues.push({
      path: what,
      message: `the URL's ${what || 'config'} is not valid JSON (${(e as Error).message})`,
    });
    return { ok: false, value: undefined };
  }
}

/** Reads config and view from a hash; bad JSON or fields fall back to defaults. Never throws. */
export function decodeHash(hash: string): HashState {
  const issues: ConfigIssue[] = [];
  const rawConfig = field(hash, CONFIG_KEY);
  const rawView = field(hash, VIEW_KEY);
  let config = structuredClone(PLAYGROUND_DEFAULTS);
  if (rawConfig !== null) {
    const parsed = parseField(rawConfig, '', issues);
    if (parsed.ok) {
      const read = lenientPlayConfig(parsed.value);
      config = read.config;
      issues.push(...read.issues);
    }
  }
  let view = structuredClone(DEFAULT_VIEW);
  if (rawView !== null) {
    const parsed = parseField(rawView, 'view', issues);
    if (parsed.ok) {
      const read = readViewState(parsed.value);
      view = read.view;
      issues.push(...read.issues);
    }
  }
  return { config, view, issues, present: rawConfig !== null || rawView !== null };
}

/** Replaces the hash without adding a history entry or firing hashchange. */
export function writeHash(config: ExperimentConfig, view?: ViewState): void {
  const url = `${location.pathname}${location.search}${encodeHash(config, view)}`;
  history.replaceState(history.state, '', url);
}
