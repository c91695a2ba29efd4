/**
 * The models page's state in location.hash, as readable keys (`#preset=bn-mlp-spirals&lr=0.3&slice=axes:0,1`):
 * only what differs from the preset, in the order of KEYS. Reading is lenient, as the plane's links are
 * (src/playground/urlState.ts): it never throws, names each unknown key and each bad value with what is
 * allowed, and applies everything else; keys that are fine alone but together make the config invalid
 * (η·λ with no real α) are named together and dropped. A bad link never gives a blank page.
 */
import { describeRange, type NumberRange } from '../../core/config/fields';
import type { ConfigIssue } from '../../core/config/issues';
import { quote } from '../flatHash';
import { fmt, inRange, num, pick } from '../flatValues';
import { THEMES } from '../viewState';
import {
  DEFAULT_PAGE_STATE,
  type ModelsPageState,
  PAGE_PRECISIONS,
  PAGE_RANGES,
  type PagePrecision,
  type SliceChoice,
  stateFromPreset,
  stateIssues,
} from './pageState';
import { findModelPreset, MODEL_PRESET_NAMES, type ModelPresetName } from './presets';

/** One issue of a link; `path` is the key as the page writes it ('' for an unknown key). */
export type UrlIssue = ConfigIssue;

interface KeySpec {
  key: string;
  /** Reads the raw text into the state; returns why it cannot, or null. */
  read(s: ModelsPageState, raw: string): string | null;
  write(s: ModelsPageState): string;
}

function numberKey(key: string, field: 'seeds' | 'steps' | 'lr' | 'weightDecay' | 'momentum' | 'cpuSeeds') {
  const r: NumberRange = PAGE_RANGES[field];
  return {
    key,
    read(s: ModelsPageState, raw: string) {
      const x = num(raw);
      if (x === null || !inRange(x, r)) return `must be ${describeRange(r)}`;
      s[field] = x;
      return null;
    },
    write: (s: ModelsPageState) => fmt(s[field]),
  };
}

export function writeSlice(slice: SliceChoice): string {
  if (slice.kind === 'pca') return 'pca';
  return slice.kind === 'axes' ? `axes:${slice.i},${slice.j}` : `seeds:${slice.a},${slice.b}`;
}

export const SLICE_ALLOWED = "'pca', 'axes:i,j' (two coordinates) or 'seeds:a,b' (two seeds' final weights)";

export function readSlice(raw: string): SliceChoice | null {
  const t = raw.trim().toLowerCase();
  if (t === 'pca') return { kind: 'pca' };
  const m = /^(axes|seeds):(\d+),(\d+)$/.exec(t.replace(/\s+/g, ''));
  if (!m) return null;
  const [x, y] = [Number(m[2]), Number(m[3])];
  if (x > 1e6 || y > 1e6) return null;
  return m[1] === 'axes' ? { kind: 'axes', i: x, j: y } : { kind: 'seeds', a: x, b: y };
}

export function readPrecisions(raw: string): PagePrecision[] | null {
  const parts = raw.split(',').map((p) => pick(p, PAGE_PRECISIONS));
  if (parts.length === 0 || parts.some((p) => p === null)) return null;
  const out = [...new Set(parts as PagePrecision[])];
  return out.length === parts.length ? out : null;
}

/** The keys in the order the page writes them (`preset` is read first whatever its place). */
export const KEYS: readonly KeySpec[] = [
  {
    key: 'preset',
    read: () => null, // applied before the others
    write: (s) => s.preset,
  },
  {
    key: 'precision',
    read(s, raw) {
      const p = readPrecisions(raw);
      if (p === null) return `must be a list of different precisions among ${PAGE_PRECISIONS.join(', ')}`;
      s.precisions = p;
      return null;
    },
    write: (s) => s.precisions.join(','),
  },
  numberKey('seeds', 'seeds'),
  numberKey('steps', 'steps'),
  numberKey('lr', 'lr'),
  numberKey('wd', 'weightDecay'),
  numberKey('momentum', 'momentum'),
  {
    key: 'slice',
    read(s, raw) {
      const slice = readSlice(raw);
      if (slice === null) return `must be ${SLICE_ALLOWED}`;
      s.slice = slice;
      return null;
    },
    write: (s) => writeSlice(s.slice),
  },
  numberKey('cpuSeeds', 'cpuSeeds'),
  {
    key: 'theme',
    read(s, raw) {
      const t = pick(raw, THEMES);
      if (t === null) return `must be one of ${THEMES.join(', ')}`;
      s.theme = t;
      return null;
    },
    write: (s) => s.theme,
  },
];

export const KEY_NAMES: readonly string[] = KEYS.map((k) => k.key);

/** The page key of a state field (weightDecay is written `wd`). */
const FIELD_KEY: Record<string, string> = { weightDecay: 'wd' };
const ALIASES: Record<string, string> = {
  weightdecay: 'wd',
  lambda: 'wd',
  eta: 'lr',
  gamma: 'momentum',
  model: 'preset',
  dataset: 'preset',
  precisions: 'precision',
  seed: 'seeds',
  count: 'seeds',
  cpu: 'cpuSeeds',
  subset: 'cpuSeeds',
  plane: 'slice',
};

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The key a typo most likely meant, or null. */
export function suggestModelKey(typed: string): string | null {
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

export interface ModelsHashState {
  state: ModelsPageState;
  issues: UrlIssue[];
  /** Whether the hash held any key. */
  present: boolean;
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** The keys of a hash (canonical name → raw value); unknown, empty and repeated ones reported. */
function readPairs(hash: string, issues: UrlIssue[]): Map<string, string> {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const canonical = new Map(KEY_NAMES.map((k) => [k.toLowerCase(), k]));
  const out = new Map<string, string>();
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const typed = decode(eq < 0 ? part : part.slice(0, eq)) ?? part;
    const key = canonical.get(typed.trim().toLowerCase());
    if (key === undefined) {
      const guess = suggestModelKey(typed);
      const hint = guess ? ` (did you mean '${guess}'?)` : ` (keys: ${KEY_NAMES.join(', ')})`;
      issues.push({ path: '', message: `unknown key ${quote(typed)}${hint}; ignored` });
      continue;
    }
    const value = eq < 0 ? null : decode(part.slice(eq + 1));
    if (value === null || value.trim() === '') {
      const why = eq < 0 || value !== null ? `needs a value (${key}=…)` : 'is not valid percent-encoding';
      issues.push({ path: key, message: `${why}; ignored` });
      continue;
    }
    if (out.has(key)) issues.push({ path: key, message: 'is given more than once; the last one was used' });
    out.set(key, value);
  }
  return out;
}

/** The state with `keys` applied on `base`; bad values reported and skipped. */
function applyKeys(base: ModelsPageState, keys: ReadonlyMap<string, string>) {
  const s = structuredClone(base);
  const bad: UrlIssue[] = [];
  for (const k of KEYS) {
    const raw = keys.get(k.key);
    if (raw === undefined || k.key === 'preset') continue;
    const why = k.read(s, raw);
    if (why !== null) bad.push({ path: k.key, message: `${why} (got ${quote(raw)}); ignored` });
  }
  return { s, bad };
}

/** The page keys a state issue may be due to, among those the link gave. */
function suspects(path: string, given: ReadonlyMap<string, string>): string[] {
  const own = FIELD_KEY[path] ?? path;
  const group = ['lr', 'wd', 'momentum'].includes(own) ? ['wd', 'lr', 'momentum'] : [own];
  if (own === 'slice') group.push('seeds');
  if (own === 'steps') group.push('seeds');
  const ordered = [own, ...group.filter((k) => k !== own)];
  return ordered.filter((k, i) => given.has(k) && ordered.indexOf(k) === i);
}

const without = (m: ReadonlyMap<string, string>, keys: string[]) =>
  new Map([...m].filter(([k]) => !keys.includes(k)));

/** Reads the page state from a hash (location.hash). Never throws. */
export function decodeModelsHash(hash: string): ModelsHashState {
  const issues: UrlIssue[] = [];
  const keys = readPairs(hash, issues);
  let base = structuredClone(DEFAULT_PAGE_STATE);
  const presetRaw = keys.get('preset');
  if (presetRaw !== undefined) {
    const p = findModelPreset(presetRaw.trim().toLowerCase());
    if (p) base = stateFromPreset(p.name);
    else
      issues.push({
        path: 'preset',
        message: `must be one of ${MODEL_PRESET_NAMES.join(', ')} (got ${quote(presetRaw)}); ignored`,
      });
  }
  let active = without(keys, ['preset']);
  for (let round = 0; round <= KEYS.length; round++) {
    const { s, bad } = applyKeys(base, active);
    if (bad.length > 0) {
      issues.push(...bad);
      active = without(
        active,
        bad.map((b) => b.path),
      );
      continue;
    }
    const problems = stateIssues(s);
    if (problems.length === 0) return { state: s, issues, present: keys.size > 0 };
    const drop: string[] = [];
    for (const p of problems) {
      const keysOf = suspects(p.path, active).filter((k) => !drop.includes(k));
      if (keysOf.length === 0) continue;
      const fixed = !stateIssues(applyKeys(base, without(active, [keysOf[0]])).s).some(
        (q) => q.path === p.path,
      );
      const blamed = fixed ? [keysOf[0]] : keysOf;
      issues.push({ path: blamed.join(', '), message: `${p.message}; ignored` });
      drop.push(...blamed);
    }
    if (drop.length === 0) {
      // Not due to the link (cannot happen with the presets); the preset's own state is used.
      issues.push(...problems.map((p) => ({ ...p, message: `${p.message}; the preset's value was used` })));
      return { state: base, issues, present: keys.size > 0 };
    }
    active = without(active, drop);
  }
  return { state: base, issues, present: keys.size > 0 };
}

/** `encodeURIComponent`, keeping what a fragment may hold as typed (`, :`). */
const escapeValue = (v: string) => encodeURIComponent(v).replace(/%(2C|3A)/g, (m) => decodeURIComponent(m));

/** `#key=value&…` for the keys that differ from the preset's state ('' when none). */
export function encodeModelsHash(state: ModelsPageState): string {
  const base = stateFromPreset(state.preset);
  const pairs: string[] = [];
  for (const k of KEYS) {
    const differs =
      k.key === 'preset' ? state.preset !== DEFAULT_PAGE_STATE.preset : k.write(state) !== k.write(base);
    if (differs) pairs.push(`${k.key}=${escapeValue(k.write(state))}`);
  }
  return pairs.length > 0 ? `#${pairs.join('&')}` : '';
}

export type { ModelPresetName };
