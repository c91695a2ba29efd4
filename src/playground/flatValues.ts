/**
 * Value spellings of the readable URL keys (flatKeys.ts): numbers written as the shortest text that reads
 * back to the same double, lists with commas, points with semicolons, on/off flags, and the init spec
 * (`ring:4096`, `grid:64x64:-1,1,-1,1`, `random:1000:7:0.5,2`, `points:-0.7,0.7;1,1`).
 */
import type { NumberRange } from '../core/config/fields';
import { RANGES } from '../core/config/schema';
import type { InitSpec } from '../core/config/types';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Shortest text that reads back to the same double (-0 kept). */
export function fmt(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

export function num(raw: string): number | null {
  const t = raw.trim();
  return NUMBER.test(t) ? Number(t) : null;
}

export function inRange(x: number, r: NumberRange): boolean {
  if (r.integer && !Number.isInteger(x)) return false;
  const lo = r.minInclusive === false ? x > r.min : x >= r.min;
  return Number.isFinite(x) && lo && x <= r.max;
}

export function numList(raw: string, r: NumberRange, min: number, max: number): number[] | null {
  const t = raw.trim();
  if (t === '' || t.toLowerCase() === 'none') return min === 0 ? [] : null;
  const xs = t.split(',').map(num);
  if (xs.length < min || xs.length > max || xs.some((x) => x === null || !inRange(x, r))) return null;
  return xs as number[];
}

export function pick<T extends string>(raw: string, allowed: readonly T[]): T | null {
  const t = raw.trim().toLowerCase();
  return allowed.find((a) => a.toLowerCase() === t) ?? null;
}

const TRUE = ['1', 'on', 'true', 'yes'];
const FALSE = ['0', 'off', 'false', 'no'];
export function bool(raw: string): boolean | null {
  const t = raw.trim().toLowerCase();
  if (TRUE.includes(t)) return true;
  return FALSE.includes(t) ? false : null;
}
export const onOff = (b: boolean) => (b ? 'on' : 'off');
export function points(raw: string, max: number): [number, number][] | null {
  const t = raw.trim();
  if (t === '' || t.toLowerCase() === 'none') return [];
  const pts = t.split(';').map((p) => numList(p, RANGES.coordinate, 2, 2));
  if (pts.length > max || pts.some((p) => p === null)) return null;
  return pts as [number, number][];
}
export const writePoints = (pts: readonly (readonly number[])[]) =>
  pts.map((p) => p.map(fmt).join(',')).join(';');

export function writeInit(init: InitSpec): string {
  if ('points' in init) return `points:${writePoints(init.points)}`;
  if ('ring' in init) {
    const { count, radius } = init.ring;
    return radius === 1 ? `ring:${count}` : `ring:${count}:${fmt(radius)}`;
  }
  if ('grid' in init) {
    const [nx, ny] = init.grid.count;
    const e = init.grid.extent;
    const dflt = e[0] === -1 && e[1] === 1 && e[2] === -1 && e[3] === 1 && !Object.is(e[0], -0);
    return `grid:${nx}x${ny}${dflt ? '' : `:${e.map(fmt).join(',')}`}`;
  }
  const { count, seed, radius } = init.random;
  const dfltR = radius[0] === 0.2 && radius[1] === 2;
  if (dfltR && seed === 1) return `random:${count}`;
  return `random:${count}:${seed}${dfltR ? '' : `:${radius.map(fmt).join(',')}`}`;
}

export const INIT_ALLOWED =
  'ring:N[:radius], grid:N[xM][:xMin,xMax,yMin,yMax], random:N[:seed[:rMin,rMax]] or points:x,y;x,y…';

export function readInit(raw: string): InitSpec | null {
  const t = raw.trim();
  const colon = t.indexOf(':');
  const kind = (colon < 0 ? t : t.slice(0, colon)).toLowerCase();
  const rest = colon < 0 ? [] : t.slice(colon + 1).split(':');
  const count = (x: string | undefined) => {
    const n = x === undefined ? null : num(x);
    return n !== null && inRange(n, RANGES.count) ? n : null;
  };
  if (kind === 'points') {
    const pts = points(t.slice(colon + 1), Number.POSITIVE_INFINITY);
    return pts && pts.length > 0 ? { points: pts } : null;
  }
  if (kind === 'ring' && rest.length >= 1 && rest.length <= 2) {
    const n = count(rest[0]);
    const r = rest.length === 2 ? num(rest[1]) : 1;
    return n !== null && r !== null && inRange(r, RANGES.radius) ? { ring: { count: n, radius: r } } : null;
  }
  if (kind === 'grid' && rest.length >= 1 && rest.length <= 2) {
    const side = rest[0].toLowerCase().split('x').map(num);
    const ok = side.length <= 2 && side.every((x) => x !== null && inRange(x, RANGES.gridSide));
    const e = rest.length === 2 ? numList(rest[1], RANGES.coordinate, 4, 4) : [-1, 1, -1, 1];
    if (!ok || e === null) return null;
    const [nx, ny] = side as number[];
    return { grid: { count: [nx, ny ?? nx], extent: [e[0], e[1], e[2], e[3]] } };
  }
  if (kind === 'random' && rest.length >= 1 && rest.length <= 3) {
    const n = count(rest[0]);
    const seed = rest.length >= 2 ? num(rest[1]) : 1;
    const r = rest.length === 3 ? numList(rest[2], RANGES.radius, 2, 2) : [0.2, 2];
    if (n === null || seed === null || !inRange(seed, RANGES.seed) || r === null) return null;
    return { random: { count: n, seed, radius: [r[0], r[1]] } };
  }
  return null;
}
