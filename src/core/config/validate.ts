/**
 * Validation of ExperimentConfig. `readConfig` never throws: each bad field is reported and replaced by
 * its default (the URL state and the GUI use this). `validateConfig` throws a ConfigError instead (CLI and
 * lab.setConfig), so both report the very same messages.
 */

import { ExpressionError, projectExpression } from '../expression';
import { trajectoryCount } from '../init';
import { isModelLoss } from '../model/types';
import { PRESET_NAMES } from '../presets';
import { type NumberRange, readFiniteArray, readNumber, readObject, readVariant } from './fields';
import { ConfigError, type ConfigIssue, IssueSink, show } from './issues';
import { readRunFields } from './runFields';
import { DEFAULT_CONFIG, MAX_EXTRA_POINTS, MAX_TRAJECTORIES, RANGES } from './schema';
import { checkStartRange } from './startRange';
import type { ExperimentConfig, InitSpec, LossSpec } from './types';

/** The top-level fields of a config (the plane's and the models' alike). */
export const TOP_KEYS = [
  'loss',
  'optimizer',
  'init',
  'steps',
  'sampleEvery',
  'driftTolerance',
  'precision',
  'backend',
  'numerics',
];

export function readConfig(input: unknown): { config: ExperimentConfig; issues: ConfigIssue[] } {
  const sink = new IssueSink();
  const d = DEFAULT_CONFIG;
  const obj = readObject(sink, '', input, TOP_KEYS) ?? {};
  const config: ExperimentConfig = {
    loss: obj.loss === undefined ? structuredClone(d.loss) : readLoss(sink, obj.loss),
    init: obj.init === undefined ? structuredClone(d.init) : readInit(sink, obj.init),
    ...readRunFields(sink, obj, d),
  };
  checkStartRange(sink, config);
  return { config, issues: sink.issues };
}

export function validateConfig(input: unknown): ExperimentConfig {
  const { config, issues } = readConfig(input);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

function readLoss(sink: IssueSink, value: unknown): LossSpec {
  const fallback = structuredClone(DEFAULT_CONFIG.loss);
  if (isModelLoss(value)) {
    sink.add(
      'loss',
      `${'bnLogistic' in value ? 'bnLogistic' : 'bnMlp'} is a model in ℝᵈ: run it with \`scaleinv-lab run\` (the playground and the study take losses of the plane: fourier, preset or expression)`,
    );
    return fallback;
  }
  const v = readVariant(sink, 'loss', value, ['fourier', 'preset', 'expression'] as const, {
    expression: ['harmonics'],
  });
  if (v === null) return fallback;
  if (v.kind === 'preset') {
    if (typeof v.body === 'string' && PRESET_NAMES.includes(v.body)) return { preset: v.body };
    sink.add('loss.preset', `${show(v.body)} is not a preset (expected one of ${PRESET_NAMES.join(', ')})`);
    return fallback;
  }
  if (v.kind === 'fourier') {
    const f = readObject(sink, 'loss.fourier', v.body, ['a', 'b']);
    if (f === null) return fallback;
    const len = { min: 1, max: RANGES.harmonics.max };
    const a = readFiniteArray(sink, 'loss.fourier.a', f.a, len, RANGES.coefficient);
    const b = readFiniteArray(sink, 'loss.fourier.b', f.b, len, RANGES.coefficient);
    if (a === null || b === null) return fallback;
    if (a.length !== b.length) {
      sink.add('loss.fourier', `a has ${a.length} coefficients and b has ${b.length} (they must match)`);
      return fallback;
    }
    if (a.every((x) => x === 0) && b.every((x) => x === 0)) {
      sink.add('loss.fourier', 'all coefficients are 0 (the loss would be flat; give at least one non-zero)');
      return fallback;
    }
    return { fourier: { a, b } };
  }
  const harmonics = readNumber(sink, 'loss.harmonics', v.object.harmonics, RANGES.harmonics, 16);
  if (typeof v.body !== 'string') {
    sink.add('loss.expression', `expected a string such as "sin(3*theta)", got ${show(v.body)}`);
    return fallback;
  }
  try {
    const p = projectExpression(v.body, harmonics);
    if (p.a.every((x) => x === 0) && p.b.every((x) => x === 0)) {
      sink.add('loss.expression', 'the expression is constant in theta (the loss would be flat)');
      return fallback;
    }
  } catch (e) {
    if (e instanceof ExpressionError || e instanceof RangeError) {
      sink.add('loss.expression', e.message);
      return fallback;
    }
    throw e;
  }
  return { expression: v.body, harmonics };
}

function readPoint(sink: IssueSink, path: string, value: unknown): [number, number] | null {
  const p = readFiniteArray(sink, path, value, { min: 2, max: 2 }, RANGES.coordinate);
  if (p === null) return null;
  if (p[0] === 0 && p[1] === 0) {
    sink.add(path, '(0, 0) is the origin, where the loss is undefined (start away from 0)');
    return null;
  }
  return [p[0], p[1]];
}

/** `??` would also replace null: only a missing field takes the default, null is reported. */
function orDefault(value: unknown, fallback: unknown): unknown {
  return value === undefined ? fallback : value;
}

/** Exactly `length` finite numbers in `range` at `path`, `fallback` when absent; null (reported) otherwise. */
function readTuple(
  sink: IssueSink,
  path: string,
  value: unknown,
  fallback: number[],
  length: number,
  range: NumberRange,
): number[] | null {
  return readFiniteArray(sink, path, orDefault(value, fallback), { min: length, max: length }, range);
}

function readInit(sink: IssueSink, value: unknown): InitSpec {
  const fallback = structuredClone(DEFAULT_CONFIG.init);
  const v = readVariant(sink, 'init', value, ['points', 'ring', 'grid', 'random'] as const, {
    ring: ['extra'],
    grid: ['extra'],
    random: ['extra'],
  });
  if (v === null) return fallback;
  const generated = readGeneratedInit(sink, v, fallback);
  if (v.kind === 'points' || v.object.extra === undefined) return generated;
  const extra = readExtraPoints(sink, v.object.extra);
  if (extra === null) return generated;
  if (trajectoryCount(generated) + extra.length > MAX_TRAJECTORIES) {
    sink.add(
      'init.extra',
      `makes ${trajectoryCount(generated) + extra.length} trajectories, more than ${MAX_TRAJECTORIES}`,
    );
    return generated;
  }
  return { ...generated, extra } as InitSpec;
}

/** init.extra: up to MAX_EXTRA_POINTS points [x, y] (null: reported, dropped). */
function readExtraPoints(sink: IssueSink, value: unknown): [number, number][] | null {
  if (!Array.isArray(value) || value.length > MAX_EXTRA_POINTS) {
    sink.add(
      'init.extra',
      `expected a list of at most ${MAX_EXTRA_POINTS} points [x, y], got ${show(value)}`,
    );
    return null;
  }
  const before = sink.issues.length;
  const pts = value.map((p, i) => readPoint(sink, `init.extra[${i}]`, p));
  return sink.issues.length === before ? (pts as [number, number][]) : null;
}

function readGeneratedInit(
  sink: IssueSink,
  v: { kind: 'points' | 'ring' | 'grid' | 'random'; body: unknown },
  fallback: InitSpec,
): InitSpec {
  const before = sink.issues.length;
  const ok = () => sink.issues.length === before;
  switch (v.kind) {
    case 'points': {
      if (!Array.isArray(v.body) || v.body.length === 0 || v.body.length > MAX_TRAJECTORIES) {
        sink.add('init.points', `expected 1 to ${MAX_TRAJECTORIES} points [x, y], got ${show(v.body)}`);
        return fallback;
      }
      const pts = v.body.map((p, i) => readPoint(sink, `init.points[${i}]`, p));
      return ok() ? { points: pts as [number, number][] } : fallback;
    }
    case 'ring': {
      const r = readObject(sink, 'init.ring', v.body, ['count', 'radius']);
      if (r === null) return fallback;
      const count = readNumber(sink, 'init.ring.count', orDefault(r.count, 4096), RANGES.count, 0);
      const radius = readNumber(sink, 'init.ring.radius', orDefault(r.radius, 1), RANGES.radius, 0);
      return ok() ? { ring: { count, radius } } : fallback;
    }
    case 'grid':
      return readGrid(sink, v.body) ?? fallback;
    case 'random': {
      const r = readObject(sink, 'init.random', v.body, ['count', 'seed', 'radius']);
      if (r === null) return fallback;
      const count = readNumber(sink, 'init.random.count', orDefault(r.count, 4096), RANGES.count, 0);
      const seed = readNumber(sink, 'init.random.seed', orDefault(r.seed, 1), RANGES.seed, 0);
      const radius = readTuple(sink, 'init.random.radius', r.radius, [0.2, 2], 2, RANGES.radius);
      if (radius !== null && radius[0] > radius[1]) {
        sink.add('init.random.radius', `[${radius}] has min > max (expected [rMin, rMax] with rMin ≤ rMax)`);
      }
      return ok() && radius !== null ? { random: { count, seed, radius: [radius[0], radius[1]] } } : fallback;
    }
  }
}

function readGrid(sink: IssueSink, body: unknown): InitSpec | null {
  const before = sink.issues.length;
  const g = readObject(sink, 'init.grid', body, ['count', 'extent']);
  if (g === null) return null;
  const count = readTuple(sink, 'init.grid.count', g.count, [64, 64], 2, RANGES.gridSide);
  const extent = readTuple(sink, 'init.grid.extent', g.extent, [-1, 1, -1, 1], 4, RANGES.coordinate);
  if (count === null || extent === null || sink.issues.length !== before) return null;
  const [x0, x1, y0, y1] = extent;
  if (!(x0 < x1 && y0 < y1)) {
    sink.add(
      'init.grid.extent',
      `[${extent}] is empty (expected [xMin, xMax, yMin, yMax] with xMin < xMax, yMin < yMax)`,
    );
    return null;
  }
  if (count[0] * count[1] > MAX_TRAJECTORIES) {
    sink.add(
      'init.grid.count',
      `${count[0]}×${count[1]} trajectories exceed the limit of ${MAX_TRAJECTORIES}`,
    );
    return null;
  }
  // Cell centres, computed exactly as initialPoints() does: refuse a grid with a centre on the origin.
  const zeroAt = (n: number, a: number, b: number) => {
    for (let i = 0; i < n; i++) if (a + ((i + 0.5) * (b - a)) / n === 0) return true;
    return false;
  };
  if (zeroAt(count[0], x0, x1) && zeroAt(count[1], y0, y1)) {
    sink.add(
      'init.grid',
      'a cell centre lies on the origin, where the loss is undefined (use an even count or shift the extent)',
    );
    return null;
  }
  return { grid: { count: [count[0], count[1]], extent: [x0, x1, y0, y1] } };
}
