/**
 * The readable URL keys (`#loss=rugged&lr=0.2&init=ring:4096&view=sideBySide`): one key per config and view
 * field, each with its canonical spelling (`write`) and its reader (`apply`, which patches a state and
 * returns what is allowed when the value is bad). src/playground/flatHash.ts decodes and encodes hashes
 * with this table; the README's "Links" section documents it. Keys match case-insensitively.
 */
import { describeRange, type NumberRange } from '../core/config/fields';
import { MAX_EXTRA_POINTS, MAX_HARMONICS, MAX_MILESTONES, RANGES } from '../core/config/schema';
import type { ExperimentConfig, InitSpec } from '../core/config/types';
import { BACKEND_PRECISIONS, LR_MODES, ROUNDINGS } from '../core/config/types';
import { PRESET_NAMES } from '../core/presets';
import {
  bool,
  fmt,
  INIT_ALLOWED,
  inRange,
  num,
  numList,
  onOff,
  pick,
  points,
  readInit,
  writeInit,
  writePoints,
} from './flatValues';
import {
  COLOR_MODES,
  COMPARE_PRECISIONS,
  DENSITY_MODES,
  LINE_WIDTH_RANGE,
  QUIVER_MODES,
  THEMES,
  VIEW_MODES,
  type ViewState,
} from './viewState';

export interface FlatState {
  config: ExperimentConfig;
  view: ViewState;
}

export interface FlatKey {
  key: string;
  group: 'config' | 'view';
  /** Keys of one family are written together when any part of it differs from the base. */
  family?: 'loss' | 'init';
  /** The canonical spelling of this key's field in `s`; null: not written (not part of this state). */
  write(s: FlatState): string | null;
  /** Patches `s` with `raw`; returns null, or what is allowed (the caller adds the value it got). */
  apply(s: FlatState, raw: string, given: ReadonlySet<string>): string | null;
}

const EXPR_HARMONICS = 16;
const MAX_CAMERA = 1e30;
const BOOL_ALLOWED = 'on or off (also 1/0, true/false, yes/no)';

/** The field at a dotted path of the state, e.g. 'config.optimizer.lr'. */
function at<T>(path: string) {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = (s: FlatState) =>
    keys.reduce((o, k) => o[k] as Record<string, unknown>, s as unknown as Record<string, unknown>);
  return {
    group: keys[0] as 'config' | 'view',
    get: (s: FlatState) => parent(s)[last] as T,
    set: (s: FlatState, v: T) => {
      parent(s)[last] = v;
    },
  };
}

function numberKey(key: string, range: NumberRange, path: string): FlatKey {
  const f = at<number>(path);
  return {
    key,
    group: f.group,
    write: (s) => fmt(f.get(s)),
    apply: (s, raw) => {
      const x = num(raw);
      if (x === null || !inRange(x, range)) return `must be ${describeRange(range)}`;
      f.set(s, x);
      return null;
    },
  };
}

function enumKey<T extends string>(key: string, allowed: readonly T[], path: string): FlatKey {
  const f = at<T>(path);
  return {
    key,
    group: f.group,
    write: (s) => f.get(s),
    apply: (s, raw) => {
      const v = pick(raw, allowed);
      if (v === null) return `must be one of ${allowed.join(', ')}`;
      f.set(s, v);
      return null;
    },
  };
}

function boolKey(key: string, path: string): FlatKey {
  const f = at<boolean>(path);
  return {
    key,
    group: f.group,
    write: (s) => onOff(f.get(s)),
    apply: (s, raw) => {
      const v = bool(raw);
      if (v === null) return `must be ${BOOL_ALLOWED}`;
      f.set(s, v);
      return null;
    },
  };
}

/**
 * The training formats' optional numerics (bf16, f16): written only when set, so that a link keeps them and
 * links without them stay as they were.
 */
function trainingFormatKeys(): FlatKey[] {
  const n = (s: FlatState) => s.config.numerics;
  return [
    {
      key: 'rounding',
      group: 'config',
      write: (s) => n(s).rounding ?? null,
      apply: (s, raw) => {
        const v = pick(raw, ROUNDINGS);
        if (v === null) return `must be one of ${ROUNDINGS.join(', ')}`;
        n(s).rounding = v;
        return null;
      },
    },
    {
      key: 'seed',
      group: 'config',
      write: (s) => (n(s).seed === undefined ? null : fmt(n(s).seed!)),
      apply: (s, raw) => {
        const x = num(raw);
        if (x === null || !inRange(x, RANGES.seed)) return `must be ${describeRange(RANGES.seed)}`;
        n(s).seed = x;
        return null;
      },
    },
    {
      key: 'master',
      group: 'config',
      write: (s) => n(s).master ?? null,
      apply: (s, raw) => {
        const t = raw.trim().toLowerCase();
        if (t === 'f32') n(s).master = 'f32';
        else if (t === 'off' || t === 'none') delete n(s).master;
        else return 'must be f32 (master weights) or off';
        return null;
      },
    },
  ];
}

/** Fourier coefficients: `a` or `b` alone makes the other all zeros; the shorter list is padded with zeros. */
function coefficientKey(key: 'a' | 'b'): FlatKey {
  const other = key === 'a' ? 'b' : 'a';
  return {
    key,
    group: 'config',
    family: 'loss',
    write: (s) => ('fourier' in s.config.loss ? s.config.loss.fourier[key].map(fmt).join(',') : null),
    apply: (s, raw, given) => {
      const xs = numList(raw, RANGES.coefficient, 1, MAX_HARMONICS);
      if (xs === null) {
        return `must be 1 to ${MAX_HARMONICS} comma-separated Fourier coefficients, each ${describeRange(RANGES.coefficient)}`;
      }
      if (given.has('loss')) return 'cannot be given with loss= (a and b set a Fourier loss; drop one)';
      const l = s.config.loss;
      const kept = 'fourier' in l && given.has(other) ? [...l.fourier[other]] : [];
      const n = Math.max(xs.length, kept.length);
      const pad = (v: number[]) => [...v, ...new Array<number>(n - v.length).fill(0)];
      const f = { [key]: pad(xs), [other]: pad(kept) } as { a: number[]; b: number[] };
      s.config.loss = { fourier: { a: f.a, b: f.b } };
      return null;
    },
  };
}

const RUN_NAMES = { wd: 'weightDecay', proj: 'projected', exp: 'exponential' } as const;
type RunName = keyof typeof RUN_NAMES;

export const FLAT_KEYS: readonly FlatKey[] = [
  {
    key: 'loss',
    group: 'config',
    family: 'loss',
    write: (s) => {
      const l = s.config.loss;
      if ('preset' in l) return l.preset;
      return 'expression' in l ? `expr:${l.expression}` : null;
    },
    apply: (s, raw) => {
      const t = raw.trim();
      if (/^expr:/i.test(t) && t.length > 5) {
        s.config.loss = { expression: t.slice(5), harmonics: EXPR_HARMONICS };
        return null;
      }
      const preset = pick(t, PRESET_NAMES);
      if (preset === null) return `must be a preset (${PRESET_NAMES.join(', ')}) or expr:<f(theta)>`;
      s.config.loss = { preset };
      return null;
    },
  },
  {
    key: 'harmonics',
    group: 'config',
    family: 'loss',
    write: (s) => {
      const l = s.config.loss;
      return 'expression' in l && l.harmonics !== EXPR_HARMONICS ? String(l.harmonics) : null;
    },
    apply: (s, raw) => {
      const l = s.config.loss;
      if (!('expression' in l)) return 'applies to loss=expr:… only';
      const n = num(raw);
      if (n === null || !inRange(n, RANGES.harmonics)) return `must be ${describeRange(RANGES.harmonics)}`;
      s.config.loss = { expression: l.expression, harmonics: n };
      return null;
    },
  },
  coefficientKey('a'),
  coefficientKey('b'),
  numberKey('lr', RANGES.lr, 'config.optimizer.lr'),
  numberKey('wd', RANGES.weightDecay, 'config.optimizer.weightDecay'),
  numberKey('momentum', RANGES.momentum, 'config.optimizer.momentum'),
  {
    key: 'milestones',
    group: 'config',
    write: (s) => s.config.optimizer.milestones.map(fmt).join(',') || 'none',
    apply: (s, raw) => {
      const xs = numList(raw, RANGES.milestone, 0, MAX_MILESTONES);
      if (xs === null) {
        return `must be none or up to ${MAX_MILESTONES} increasing steps, each ${describeRange(RANGES.milestone)}`;
      }
      s.config.optimizer.milestones = xs;
      return null;
    },
  },
  numberKey('decay', RANGES.lrDecay, 'config.optimizer.lrDecay'),
  {
    key: 'init',
    group: 'config',
    family: 'init',
    write: (s) => writeInit(s.config.init),
    apply: (s, raw) => {
      const init = readInit(raw);
      if (init === null) return `must be ${INIT_ALLOWED}`;
      s.config.init = init;
      return null;
    },
  },
  {
    key: 'extra',
    group: 'config',
    family: 'init',
    write: (s) => {
      const extra = (s.config.init as { extra?: [number, number][] }).extra;
      return extra && extra.length > 0 ? writePoints(extra) : null;
    },
    apply: (s, raw) => {
      const pts = points(raw, MAX_EXTRA_POINTS);
      if (pts === null) return `must be none or up to ${MAX_EXTRA_POINTS} points x,y;x,y…`;
      if ('points' in s.config.init)
        return 'applies to init=ring/grid/random only (add them to init=points:…)';
      const init = s.config.init as InitSpec & { extra?: [number, number][] };
      if (pts.length > 0) init.extra = pts;
      else delete init.extra;
      return null;
    },
  },
  numberKey('steps', RANGES.steps, 'config.steps'),
  numberKey('sample', RANGES.sampleEvery, 'config.sampleEvery'),
  numberKey('tol', RANGES.driftTolerance, 'config.driftTolerance'),
  {
    key: 'precision',
    group: 'config',
    write: (s) => s.config.precision,
    apply: (s, raw) => {
      const p = pick(raw, BACKEND_PRECISIONS.gpu);
      if (p === null)
        return `must be one of ${BACKEND_PRECISIONS.gpu.join(', ')} (the playground runs on the GPU)`;
      s.config.precision = p;
      return null;
    },
  },
  {
    key: 'backend',
    group: 'config',
    write: (s) => s.config.backend,
    apply: (s, raw) => {
      if (pick(raw, ['gpu'] as const) === null) return 'must be gpu (the playground runs on the GPU only)';
      s.config.backend = 'gpu';
      return null;
    },
  },
  boolKey('renorm', 'config.numerics.renormalize'),
  enumKey('lrMode', LR_MODES, 'config.numerics.lrMode'),
  ...trainingFormatKeys(),
  enumKey('view', VIEW_MODES, 'view.mode'),
  enumKey('quiver', QUIVER_MODES, 'view.quiver'),
  enumKey('color', COLOR_MODES, 'view.colorBy'),
  {
    key: 'runs',
    group: 'view',
    write: (s) =>
      (Object.keys(RUN_NAMES) as RunName[]).filter((r) => s.view.runs[RUN_NAMES[r]]).join(',') || 'none',
    apply: (s, raw) => {
      const t = raw.trim().toLowerCase();
      const names = t === 'none' || t === '' ? [] : t.split(',').map((x) => pick(x, Object.keys(RUN_NAMES)));
      if (names.some((n) => n === null)) return 'must be none or a list of wd, proj, exp';
      for (const r of Object.keys(RUN_NAMES) as RunName[]) s.view.runs[RUN_NAMES[r]] = names.includes(r);
      return null;
    },
  },
  boolKey('heatmap', 'view.heatmap'),
  {
    key: 'compare',
    group: 'view',
    write: (s) => s.view.compare.join(',') || 'none',
    apply: (s, raw) => {
      const t = raw.trim().toLowerCase();
      const ps = t === 'none' || t === '' ? [] : t.split(',').map((x) => pick(x, COMPARE_PRECISIONS));
      if (ps.length > 2 || ps.some((p) => p === null)) return 'must be none, f32, df64 or f32,df64';
      s.view.compare = [...new Set(ps as ViewState['compare'])];
      return null;
    },
  },
  {
    key: 'camera',
    group: 'view',
    write: (s) => {
      const c = s.view.camera;
      return c ? [...c.center, c.halfHeight].map(fmt).join(',') : 'fit';
    },
    apply: (s, raw) => {
      if (raw.trim().toLowerCase() === 'fit') {
        s.view.camera = null;
        return null;
      }
      const xs = numList(raw, { min: -MAX_CAMERA, max: MAX_CAMERA }, 3, 3);
      if (xs === null || !(xs[2] > 0) || Math.abs(xs[0]) >= MAX_CAMERA || xs[2] >= MAX_CAMERA) {
        return 'must be fit or x,y,halfHeight (finite numbers, halfHeight > 0)';
      }
      s.view.camera = { center: [xs[0], xs[1]], halfHeight: xs[2] };
      return null;
    },
  },
  {
    key: 'lineWidth',
    group: 'view',
    write: (s) => fmt(s.view.lineWidth),
    apply: (s, raw) => {
      const x = num(raw);
      const { min, max } = LINE_WIDTH_RANGE;
      if (x === null || !(x >= min && x <= max)) return `must be a number of CSS pixels in [${min}, ${max}]`;
      s.view.lineWidth = x;
      return null;
    },
  },
  boolKey('heads', 'view.heads'),
  boolKey('trails', 'view.trails'),
  enumKey('density', DENSITY_MODES, 'view.density'),
  enumKey('theme', THEMES, 'view.theme'),
];

/** Config field paths (as validate.ts names them) → the key that sets them. */
export const PATH_KEYS: Record<string, string> = {
  loss: 'loss',
  'loss.harmonics': 'harmonics',
  'loss.fourier.a': 'a',
  'loss.fourier.b': 'b',
  'optimizer.lr': 'lr',
  'optimizer.weightDecay': 'wd',
  'optimizer.momentum': 'momentum',
  'optimizer.milestones': 'milestones',
  'optimizer.lrDecay': 'decay',
  init: 'init',
  'init.extra': 'extra',
  steps: 'steps',
  sampleEvery: 'sample',
  driftTolerance: 'tol',
  precision: 'precision',
  backend: 'backend',
  'numerics.renormalize': 'renorm',
  'numerics.lrMode': 'lrMode',
  'numerics.rounding': 'rounding',
  'numerics.seed': 'seed',
  'numerics.master': 'master',
};
