/**
 * Field readers: each reads one value, records an issue and returns the default when the value is bad.
 * The same ranges drive the GUI sliders and the URL parser, so they live here once.
 */
import { type IssueSink, show } from './issues';

export interface NumberRange {
  min: number;
  max: number;
  /** Whether min itself is allowed. */
  minInclusive?: boolean;
  integer?: boolean;
}

export function describeRange(r: NumberRange): string {
  const kind = r.integer ? 'an integer' : 'a number';
  const lo = r.minInclusive === false ? `(${r.min}` : `[${r.min}`;
  return `${kind} in ${lo}, ${r.max}]`;
}

function inRange(x: number, r: NumberRange): boolean {
  if (r.integer && !Number.isInteger(x)) return false;
  const aboveMin = r.minInclusive === false ? x > r.min : x >= r.min;
  return aboveMin && x <= r.max;
}

export function readNumber(
  sink: IssueSink,
  path: string,
  value: unknown,
  range: NumberRange,
  fallback: number,
) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    sink.add(path, `expected ${describeRange(range)}, got ${show(value)}`);
    return fallback;
  }
  if (!Number.isFinite(value)) {
    sink.add(path, `${show(value)} is not a finite number (expected ${describeRange(range)})`);
    return fallback;
  }
  if (!inRange(value, range)) {
    sink.add(path, `${show(value)} is out of range (expected ${describeRange(range)})`);
    return fallback;
  }
  return value;
}

export function readBoolean(sink: IssueSink, path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  sink.add(path, `expected true or false, got ${show(value)}`);
  return fallback;
}

export function readEnum<T extends string>(
  sink: IssueSink,
  path: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  sink.add(path, `${show(value)} is not allowed (expected one of ${allowed.join(', ')})`);
  return fallback;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an object and reports keys outside `allowed` (typos must not be silently ignored). */
export function readObject(
  sink: IssueSink,
  path: string,
  value: unknown,
  allowed: readonly string[],
): Record<string, unknown> | null {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    sink.add(path, `expected an object, got ${show(value)}`);
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      sink.add(join(path, key), `unknown field (allowed here: ${allowed.join(', ')})`);
    }
  }
  return value;
}

/** Reads an object that must have exactly one of several variant keys. */
export function readVariant<K extends string>(
  sink: IssueSink,
  path: string,
  value: unknown,
  variants: readonly K[],
  extraKeys: Partial<Record<K, readonly string[]>> = {},
): { kind: K; body: unknown; object: Record<string, unknown> } | null {
  if (!isPlainObject(value)) {
    sink.add(
      path,
      `expected an object with one of ${variants.map((v) => `"${v}"`).join(', ')}, got ${show(value)}`,
    );
    return null;
  }
  const present = variants.filter((v) => v in value);
  if (present.length !== 1) {
    const what = present.length === 0 ? 'none' : present.join(' and ');
    sink.add(path, `expected exactly one of ${variants.join(', ')}, got ${what}`);
    return null;
  }
  const kind = present[0];
  const allowed = [kind, ...(extraKeys[kind] ?? [])];
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      sink.add(join(path, key), `unknown field (allowed here: ${allowed.join(', ')})`);
  }
  return { kind, body: value[kind], object: value };
}

export function readFiniteArray(
  sink: IssueSink,
  path: string,
  value: unknown,
  length: { min: number; max: number },
  element: NumberRange,
): number[] | null {
  if (!Array.isArray(value)) {
    sink.add(path, `expected an array of numbers, got ${show(value)}`);
    return null;
  }
  if (value.length < length.min || value.length > length.max) {
    sink.add(path, `has ${value.length} entries (expected ${length.min} to ${length.max})`);
    return null;
  }
  const before = sink.issues.length;
  // Array.from visits holes too; an undefined entry is bad data here, not "field not given".
  const out = Array.from(value, (v, i) => {
    if (v === undefined) {
      sink.add(`${path}[${i}]`, `expected ${describeRange(element)}, got nothing`);
      return Number.NaN;
    }
    return readNumber(sink, `${path}[${i}]`, v, element, Number.NaN);
  });
  return sink.issues.length === before ? out : null;
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
