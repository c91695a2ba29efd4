/**
 * The whole playground state lives in location.hash, as readable keys (`#loss=rugged&lr=0.2&view=polar`,
 * flatKeys.ts; documented in the README's "Links" section): only the fields that differ from the defaults,
 * or from a tour figure (`figure=<id>`, applied first, the other keys on top), in a fixed order. Old links
 * (`#c=<JSON config>&v=<JSON view>`) still load. Reading is lenient: never throws, names each unknown key
 * and each bad value with what is allowed, and applies everything else.
 */
import type { ConfigIssue } from '../core/config/issues';
import type { ExperimentConfig } from '../core/config/types';
import { FIGURE_IDS, findFigure } from './figures';
import { applyFlatKeys, type FlatIssue, KEY_NAMES, quote, shortestPairs, unknownKeyIssue } from './flatHash';
import type { FlatState } from './flatKeys';
import { bool as readBool } from './flatValues';
import { lenientPlayConfig, PLAYGROUND_DEFAULTS } from './playConfig';
import { DEFAULT_VIEW, readViewState, type ViewState } from './viewState';

const CONFIG_KEY = 'c';
const VIEW_KEY = 'v';
/** Keys that may stand alone (`#embed`, `#trails`), meaning on. */
const FLAG_KEYS = ['embed', 'heatmap', 'heads', 'trails', 'renorm'];

export interface EncodeOptions {
  /** Keep `embed=1` in the link (embed mode: no GUI or panels). */
  embed?: boolean;
}

/** The readable hash of a config (and view): `#key=value&…`, or '' when everything is at its default. */
export function encodeHash(config: ExperimentConfig, view?: ViewState, options: EncodeOptions = {}): string {
  const defaults = { config: PLAYGROUND_DEFAULTS, view: DEFAULT_VIEW };
  const pairs = shortestPairs({ config, view: view ?? DEFAULT_VIEW }, defaults, view !== undefined);
  if (options.embed) pairs.push('embed=1');
  return pairs.length > 0 ? `#${pairs.join('&')}` : '';
}

/** The old form, `#c=<JSON>&v=<JSON>` (still read by decodeHash). */
export function encodeJsonHash(config: ExperimentConfig, view?: ViewState): string {
  const c = `#${CONFIG_KEY}=${encodeURIComponent(JSON.stringify(config))}`;
  return view ? `${c}&${VIEW_KEY}=${encodeURIComponent(JSON.stringify(view))}` : c;
}

export interface HashState {
  config: ExperimentConfig;
  view: ViewState;
  /** Problems with the hash; empty when it was absent or fully valid. Flat-key issues carry `flat: true`. */
  issues: (ConfigIssue | FlatIssue)[];
  /** Whether the hash held a config at all. */
  present: boolean;
  /** `embed=1` (or a bare `embed`): the page is embedded; hide the GUI and panels. */
  embed: boolean;
  /** The tour figure the link started from (`figure=<id>`), or null. */
  figure: string | null;
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

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** The readable keys of a hash (canonical name → decoded value); unknown, repeated and bad ones reported. */
function readPairs(hash: string, issues: (ConfigIssue | FlatIssue)[]): Map<string, string> {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const canonical = new Map(KEY_NAMES.map((k) => [k.toLowerCase(), k]));
  const keys = new Map<string, string>();
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    if (rawKey === CONFIG_KEY || rawKey === VIEW_KEY) {
      continue; // the old JSON form, read below
    }
    const typed = decode(rawKey) ?? rawKey;
    const key = canonical.get(typed.trim().toLowerCase());
    if (key === undefined) {
      issues.push(unknownKeyIssue(typed));
      continue;
    }
    const value = eq < 0 ? (FLAG_KEYS.includes(key) ? 'on' : null) : decode(part.slice(eq + 1));
    if (value === null) {
      const why =
        eq < 0
          ? `needs a value (${key}=…)`
          : `is not valid percent-encoding (got ${quote(part.slice(eq + 1))})`;
      issues.push({ path: key, message: `${why}; ignored`, flat: true });
      continue;
    }
    if (keys.has(key))
      issues.push({ path: key, message: 'is given more than once; the last one was used', flat: true });
    keys.set(key, value);
  }
  return keys;
}

/** Reads config and view from a hash; unknown keys and bad values are named, the rest applies. Never throws. */
export function decodeHash(hash: string): HashState {
  const issues: (ConfigIssue | FlatIssue)[] = [];
  const keys = readPairs(hash, issues);
  let base: FlatState = { config: structuredClone(PLAYGROUND_DEFAULTS), view: structuredClone(DEFAULT_VIEW) };
  let figure: string | null = null;
  const figureId = keys.get('figure');
  if (figureId !== undefined) {
    const f = findFigure(figureId.trim().toLowerCase());
    if (f) {
      base = { config: f.config, view: f.view };
      figure = f.id;
    } else {
      const message = `must be one of ${FIGURE_IDS.join(', ')} (got ${quote(figureId)}); ignored`;
      issues.push({ path: 'figure', message, flat: true });
    }
  }
  let embed = false;
  const embedRaw = keys.get('embed');
  if (embedRaw !== undefined) {
    const on = readBool(embedRaw);
    if (on === null)
      issues.push({ path: 'embed', message: `must be 1 or 0 (got ${quote(embedRaw)}); ignored`, flat: true });
    embed = on === true;
  }
  const rawConfig = field(hash, CONFIG_KEY);
  const rawView = field(hash, VIEW_KEY);
  if (rawConfig !== null) {
    const parsed = parseField(rawConfig, '', issues);
    if (parsed.ok) {
      const read = lenientPlayConfig(parsed.value);
      base.config = read.config;
      issues.push(...read.issues);
    }
  }
  if (rawView !== null) {
    const parsed = parseField(rawView, 'view', issues);
    if (parsed.ok) {
      const read = readViewState(parsed.value);
      base.view = read.view;
      issues.push(...read.issues);
    }
  }
  keys.delete('figure');
  keys.delete('embed');
  const { state, issues: flat } = keys.size > 0 ? applyFlatKeys(base, keys) : { state: base, issues: [] };
  issues.push(...flat);
  const present = rawConfig !== null || rawView !== null || keys.size > 0 || figure !== null;
  return { config: state.config, view: state.view, issues, present, embed, figure };
}

/** Replaces the hash without adding a history entry or firing hashchange (keeps embed mode). */
export function writeHash(config: ExperimentConfig, view?: ViewState): void {
  const embed = decodeHash(location.hash).embed;
  const url = `${location.pathname}${location.search}${encodeHash(config, view, { embed })}`;
  history.replaceState(history.state, '', url);
}
