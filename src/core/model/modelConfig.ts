/**
 * Validation of a model config (types.ts): the loss part names bnLogistic or bnMlp and its data, the init
 * gives vectors of ℝ^P; the optimizer, steps, precision and numerics are read as the plane's are, with the
 * same messages. `validateModelConfig` throws a ConfigError listing every issue.
 */
import { readEnum, readFiniteArray, readNumber, readObject, readVariant } from '../config/fields';
import { ConfigError, type ConfigIssue, IssueSink, show } from '../config/issues';
import { readRunFields } from '../config/runFields';
import { DEFAULT_CONFIG, MAX_TRAJECTORIES, RANGES } from '../config/schema';
import { TOP_KEYS } from '../config/validate';
import {
  DATASET_NAMES,
  type DataSpec,
  type ModelConfig,
  type ModelInitSpec,
  type ModelLossSpec,
} from './types';

export const MODEL_LIMITS = { points: 4096, dim: 256, hidden: 64, params: 1024 } as const;
/** The GPU runs models in f32 and df64 (the emulated bf16 and f16 run on the CPU). */
export const MODEL_GPU_PRECISIONS = ['f32', 'df64'] as const;

export function readModelConfig(input: unknown): { config: ModelConfig | null; issues: ConfigIssue[] } {
  const sink = new IssueSink();
  const obj = readObject(sink, '', input, TOP_KEYS) ?? {};
  const loss = readModelLoss(sink, obj.loss);
  const P = loss === null ? null : params(loss);
  const init = P === null ? null : readModelInit(sink, obj.init, P);
  const config = readRunFields(sink, obj, {
    steps: 1000,
    driftTolerance: DEFAULT_CONFIG.driftTolerance,
    precision: 'f64',
    backend: 'cpu',
  });
  if (config.backend === 'gpu' && !(MODEL_GPU_PRECISIONS as readonly string[]).includes(config.precision)) {
    sink.add(
      'precision',
      `models run on the gpu backend in f32 and df64, not ${config.precision} (use backend "cpu")`,
    );
  }
  if (loss === null || init === null) return { config: null, issues: sink.issues };
  return { config: { loss, init, ...config }, issues: sink.issues };
}

export function validateModelConfig(input: unknown): ModelConfig {
  const { config, issues } = readModelConfig(input);
  if (issues.length > 0 || config === null) throw new ConfigError(issues);
  return config;
}

/** Parameters of a model: d, or hidden·d. */
function params(loss: ModelLossSpec): number {
  const body = 'bnLogistic' in loss ? loss.bnLogistic : loss.bnMlp;
  const d = 'x' in body ? body.x[0].length : body.d;
  return 'bnMlp' in loss ? loss.bnMlp.hidden * d : d;
}

function readModelLoss(sink: IssueSink, value: unknown): ModelLossSpec | null {
  const v = readVariant(sink, 'loss', value, ['bnLogistic', 'bnMlp'] as const);
  if (v === null) return null;
  const path = `loss.${v.kind}`;
  const keys = [
    'x',
    'y',
    'dataset',
    'n',
    'd',
    'seed',
    'eps',
    ...(v.kind === 'bnMlp' ? ['hidden', 'readout'] : []),
  ];
  const o = readObject(sink, path, v.body, keys);
  if (o === null) return null;
  const before = sink.issues.length;
  const data = readData(sink, path, o);
  const eps =
    o.eps === undefined ? {} : { eps: readNumber(sink, `${path}.eps`, o.eps, { min: 0, max: 1 }, 0) };
  if (data === null || sink.issues.length !== before) return null;
  const d = 'x' in data ? data.x[0].length : data.d;
  if (v.kind === 'bnLogistic') return { bnLogistic: { ...data, ...eps } };
  const hidden = readNumber(
    sink,
    `${path}.hidden`,
    o.hidden ?? 8,
    { min: 1, max: MODEL_LIMITS.hidden, integer: true },
    1,
  );
  if (hidden * d > MODEL_LIMITS.params) {
    sink.add(
      `${path}.hidden`,
      `${hidden} units × ${d} features = ${hidden * d} weights, more than ${MODEL_LIMITS.params} (use fewer units or features)`,
    );
    return null;
  }
  const readout =
    o.readout === undefined
      ? undefined
      : readFiniteArray(sink, `${path}.readout`, o.readout, { min: hidden, max: hidden }, RANGES.coefficient);
  if (sink.issues.length !== before) return null;
  return { bnMlp: { ...data, ...eps, hidden, ...(readout ? { readout } : {}) } };
}

function readData(sink: IssueSink, path: string, o: Record<string, unknown>): DataSpec | null {
  const explicit = o.x !== undefined || o.y !== undefined;
  if (explicit === (o.dataset !== undefined)) {
    sink.add(path, 'give either the data as "x" and "y", or a generated "dataset" with "n", "d" and "seed"');
    return null;
  }
  if (!explicit) {
    const dataset = readEnum(sink, `${path}.dataset`, o.dataset, DATASET_NAMES, 'gaussians');
    const n = readNumber(
      sink,
      `${path}.n`,
      o.n ?? 256,
      { min: 2, max: MODEL_LIMITS.points, integer: true },
      2,
    );
    const d = readNumber(
      sink,
      `${path}.d`,
      o.d ?? 8,
      { min: dataset === 'gaussians' ? 1 : 2, max: MODEL_LIMITS.dim, integer: true },
      2,
    );
    const seed = readNumber(sink, `${path}.seed`, o.seed ?? 1, RANGES.seed, 1);
    return { dataset, n, d, seed };
  }
  for (const k of ['dataset', 'n', 'd', 'seed']) {
    if (o[k] !== undefined)
      sink.add(`${path}.${k}`, 'belongs to a generated dataset; explicit data gives "x" and "y" only');
  }
  if (!Array.isArray(o.x) || o.x.length < 2 || o.x.length > MODEL_LIMITS.points) {
    sink.add(`${path}.x`, `expected 2 to ${MODEL_LIMITS.points} rows of features, got ${show(o.x)}`);
    return null;
  }
  const first = Array.isArray(o.x[0]) ? o.x[0].length : 0;
  if (first > MODEL_LIMITS.dim) {
    sink.add(
      `${path}.x`,
      `rows have ${first} features, more than the limit of ${MODEL_LIMITS.dim} (reduce the features, e.g. by a projection)`,
    );
    return null;
  }
  const len = { min: Math.max(1, first), max: Math.max(1, Math.min(first, MODEL_LIMITS.dim)) };
  const x = o.x.map((row, i) => readFiniteArray(sink, `${path}.x[${i}]`, row, len, RANGES.coefficient));
  const y = readFiniteArray(
    sink,
    `${path}.y`,
    o.y,
    { min: o.x.length, max: o.x.length },
    { min: -1, max: 1 },
  );
  if (x.some((r) => r === null) || y === null) return null;
  const bad = y.findIndex((v) => v !== 1 && v !== -1);
  if (bad >= 0) {
    sink.add(`${path}.y[${bad}]`, `${y[bad]} is not a label (labels are 1 or -1)`);
    return null;
  }
  return { x: x as number[][], y };
}

function readModelInit(sink: IssueSink, value: unknown, P: number): ModelInitSpec | null {
  if (value === undefined) return { random: { count: 256, seed: 1, radius: [1, 1] } };
  const v = readVariant(sink, 'init', value, ['points', 'ring', 'random'] as const);
  if (v === null) return null;
  const countRange = { ...RANGES.count, max: MAX_TRAJECTORIES };
  if (v.kind === 'points') {
    if (!Array.isArray(v.body) || v.body.length === 0 || v.body.length > MAX_TRAJECTORIES) {
      sink.add(
        'init.points',
        `expected 1 to ${MAX_TRAJECTORIES} weight vectors of ${P} numbers, got ${show(v.body)}`,
      );
      return null;
    }
    const before = sink.issues.length;
    const pts = v.body.map((p, i) =>
      readFiniteArray(sink, `init.points[${i}]`, p, { min: P, max: P }, RANGES.coordinate),
    );
    pts.forEach((p, i) => {
      if (p?.every((c) => c === 0))
        sink.add(`init.points[${i}]`, 'is the zero vector, where the loss is undefined (start away from 0)');
    });
    return sink.issues.length === before ? { points: pts as number[][] } : null;
  }
  const r = readObject(sink, `init.${v.kind}`, v.body, ['count', 'seed', 'radius']) ?? {};
  const count = readNumber(sink, `init.${v.kind}.count`, r.count ?? 256, countRange, 1);
  const seed = readNumber(sink, `init.${v.kind}.seed`, r.seed ?? 1, RANGES.seed, 1);
  if (v.kind === 'ring') {
    const radius = readNumber(sink, 'init.ring.radius', r.radius ?? 1, RANGES.radius, 1);
    return { ring: { count, radius, seed } };
  }
  const radius = readFiniteArray(
    sink,
    'init.random.radius',
    r.radius ?? [0.5, 2],
    { min: 2, max: 2 },
    RANGES.radius,
  );
  if (radius === null) return null;
  if (radius[0] > radius[1]) {
    sink.add('init.random.radius', `[${radius}] has min > max (expected [rMin, rMax] with rMin ≤ rMax)`);
    return null;
  }
  return { random: { count, seed, radius: [radius[0], radius[1]] } };
}
