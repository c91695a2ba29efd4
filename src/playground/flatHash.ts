/**
 * Readable links: reading flat keys onto a base state (the defaults or a tour figure) and writing a state
 * back as the shortest list of keys that differ from a base. Each bad value or unknown key becomes an issue
 * naming the key and what is allowed; everything else still applies. The keys are in flatKeys.ts.
 */
import type { ConfigIssue } from '../core/config/issues';
import { readConfig } from '../core/config/validate';
import { FIGURES } from './figures';
import { FLAT_KEYS, type FlatState, PATH_KEYS } from './flatKeys';
import { lenientPlayConfig } from './playConfig';
import { readViewState } from './viewState';

/** A problem with one key of a readable link; its message already says what became of it. */
export interface FlatIssue extends ConfigIssue {
  flat: true;
}

/** Keys outside the config/view table: a tour figure under the rest, embed mode, the old JSON links. */
export const EXTRA_KEYS = ['figure', 'embed'] as const;
export const LEGACY_KEYS = ['c', 'v'] as const;
export const KEY_NAMES: readonly string[] = ['figure', ...FLAT_KEYS.map((k) => k.key), 'embed'];

/** Names people may type for a key (JSON field names, init kinds): suggested, never applied silently. */
const ALIASES: Record<string, string> = {
  weightdecay: 'wd',
  lrdecay: 'decay',
  drifttolerance: 'tol',
  sampleevery: 'sample',
  colorby: 'color',
  mode: 'view',
  renormalize: 'renorm',
  points: 'init',
  ring: 'init',
  grid: 'init',
  random: 'init',
  preset: 'loss',
  expression: 'loss',
  expr: 'loss',
  halfheight: 'camera',
  width: 'lineWidth',
};

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** The key a typo most likely meant, or null. */
export function suggestKey(typed: string): string | null {
  const t = typed.toLowerCase();
  if (t in ALIASES) return ALIASES[t];
  let best: string | null = null;
  let bestD = Math.max(1, Math.floor(t.length / 3));
  for (const k of KEY_NAMES) {
    const d = distance(t, k.toLowerCase());
    if (d <= bestD && (best === null || d < bestD)) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

export function unknownKeyIssue(typed: string): FlatIssue {
  const guess = suggestKey(typed);
  const hint = guess ? ` (did you mean '${guess}'?); ignored` : `; ignored (keys: ${KEY_NAMES.join(', ')})`;
  return { path: '', message: `unknown key '${typed}'${hint}`, flat: true };
}

/** A user value in a message: quoted, cut short. */
export function quote(raw: string): string {
  return `'${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw}'`;
}

const TOP_OF: Record<string, string> = Object.fromEntries(
  Object.entries(PATH_KEYS).map(([path, key]) => [key, path.split('.')[0]]),
);
/** Keys that can make another field invalid (the other field is not in the link). */
const RELATED: Record<string, string[]> = { sampleEvery: ['steps'], init: ['precision'] };

/** The keys among `active` that a validation issue at `path` may be due to, the likeliest first. */
function suspects(path: string, active: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  let p = path.replace(/\[\d+\]/g, '');
  for (;;) {
    const key = PATH_KEYS[p];
    if (key !== undefined && active.has(key) && !out.includes(key)) out.push(key);
    const dot = p.lastIndexOf('.');
    if (dot < 0) break;
    p = p.slice(0, dot);
  }
  const top = path.split(/[.[]/)[0];
  for (const k of FLAT_KEYS)
    if (active.has(k.key) && TOP_OF[k.key] === top && !out.includes(k.key)) out.push(k.key);
  for (const k of RELATED[top] ?? []) if (active.has(k) && !out.includes(k)) out.push(k);
  return out;
}

/** `base` with the keys in `active` applied in table order; the keys whose value is bad are reported. */
function patched(base: FlatState, active: ReadonlyMap<string, string>) {
  const s = structuredClone(base);
  const names = new Set(active.keys());
  const bad: FlatIssue[] = [];
  for (const k of FLAT_KEYS) {
    const raw = active.get(k.key);
    if (raw === undefined) continue;
    const why = k.apply(s, raw, names);
    if (why !== null) bad.push({ path: k.key, message: `${why} (got ${quote(raw)}); ignored`, flat: true });
  }
  return { s, bad };
}

const without = (m: ReadonlyMap<string, string>, keys: string[]) =>
  new Map([...m].filter(([k]) => !keys.includes(k)));

/**
 * Applies the table's keys in `given` (canonical key → raw value) onto `base`, in table order. A bad value
 * is reported and skipped; keys that together make the config invalid (lr × wd with no real α, a start the
 * precision cannot hold) are named in one issue and dropped: the likeliest key alone if that suffices,
 * else every key that issue may be due to. The rest is applied again.
 */
export function applyFlatKeys(
  base: FlatState,
  given: ReadonlyMap<string, string>,
): { state: FlatState; issues: FlatIssue[] } {
  const issues: FlatIssue[] = [];
  let active = new Map(given);
  for (let round = 0; round <= FLAT_KEYS.length; round++) {
    const { s, bad } = patched(base, active);
    if (bad.length > 0) {
      issues.push(...bad);
      active = without(
        active,
        bad.map((i) => i.path),
      );
      continue;
    }
    const view = readViewState(s.view);
    const read = readConfig(s.config);
    if (read.issues.length === 0) {
      issues.push(...view.issues.map((i) => ({ ...i, flat: true as const })));
      return { state: { config: read.config, view: view.view }, issues };
    }
    const drop: string[] = [];
    for (const issue of read.issues) {
      const keys = suspects(issue.path, active).filter((k) => !drop.includes(k));
      if (keys.length === 0) continue;
      const alone = without(active, [keys[0]]);
      const fixed = !readConfig(patched(base, alone).s.config).issues.some((i) => i.path === issue.path);
      const blamed = fixed ? [keys[0]] : FLAT_KEYS.map((k) => k.key).filter((k) => keys.includes(k));
      issues.push({ path: blamed.join(', '), message: `${issue.message}; ignored`, flat: true });
      drop.push(...blamed);
    }
    if (drop.length === 0) {
      // Not due to any key: the lenient reading names each field and uses its default.
      const lenient = lenientPlayConfig(s.config);
      const fallbacks = lenient.issues.map((i) => ({
        path: i.path,
        message: `${i.message}; its default was used`,
        flat: true as const,
      }));
      return { state: { config: lenient.config, view: view.view }, issues: [...issues, ...fallbacks] };
    }
    active = without(active, drop);
  }
  return { state: structuredClone(base), issues };
}

/** encodeURIComponent, leaving the characters a fragment may hold as they are typed (`+ , : ; / ^`). */
export function escapeValue(v: string): string {
  return encodeURIComponent(v).replace(/%(2B|2C|3A|3B|2F|40|24|3F|5E|5B|5D)/g, (m) => decodeURIComponent(m));
}

const family = (s: FlatState, f: 'loss' | 'init') =>
  JSON.stringify(f === 'loss' ? s.config.loss : s.config.init);

/** The `key=value` pairs of `state` that differ from `base`, in table order (view keys only if asked). */
export function flatPairs(state: FlatState, base: FlatState, withView: boolean): string[] {
  const out: string[] = [];
  for (const k of FLAT_KEYS) {
    if (k.group === 'view' && !withView) continue;
    const differs = k.family
      ? family(state, k.family) !== family(base, k.family)
      : k.write(state) !== k.write(base);
    const value = differs ? k.write(state) : null;
    if (value !== null) out.push(`${k.key}=${escapeValue(value)}`);
  }
  return out;
}

/**
 * The shortest readable form of `state`: its keys against the defaults, or `figure=<id>` and its keys
 * against that figure when shorter (a tie keeps the defaults). Without a view, only config keys.
 */
export function shortestPairs(state: FlatState, defaults: FlatState, withView: boolean): string[] {
  let best = flatPairs(state, defaults, withView);
  if (!withView) return best;
  const length = (p: string[]) => p.join('&').length;
  for (const f of FIGURES) {
    const pairs = [`figure=${f.id}`, ...flatPairs(state, { config: f.config, view: f.view }, true)];
    if (length(pairs) < length(best)) best = pairs;
  }
  return best;
}
