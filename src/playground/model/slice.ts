/**
 * The heatmap of the models page: a slice of the loss through the origin of ℝᴾ, spanned by two orthonormal
 * directions e1, e2, and the runs' paths projected onto it.
 *
 * - Directions: by default the top two principal directions of the runs' final weights, taken as unit
 *   vectors ŵ_i = w_i/|w_i| (the loss is scale invariant, so only directions matter), of the uncentred
 *   second moment C = (1/N) Σ ŵ_i ŵ_iᵀ. Uncentred, because the slice goes through the origin: C's top
 *   direction is where the runs ended up, the second the widest spread about it, so the plane holds the
 *   final weights as well as any plane can (centred PCA would drop their common direction). Found by power
 *   iteration on v ↦ Cv = (1/N) Σ ŵ_i (ŵ_i·v) (C is never formed) with deflation against e1, each sign
 *   fixed so that Σ_i ŵ_i·e > 0 (else the largest component positive). Or two coordinate axes, or the plane
 *   of two seeds' final weights (e1 = ŵ_a, e2 = ŵ_b made orthogonal to it).
 * - Values: L at cos θ·e1 + sin θ·e2. L(c·w) = L(w), so the slice is constant along rays from the origin:
 *   a function of the angle alone, like the plane's f(θ), computed once per angle bin and painted by angle.
 * - Paths: w ↦ (w·e1, w·e2).
 */
import type { ResolvedModel } from '../../core/model/types';
import { FastModel } from './fastModel';
import type { SliceChoice } from './pageState';

export interface SliceBasis {
  e1: Float64Array;
  e2: Float64Array;
  /** How the plane was chosen, for the caption ("principal directions (87% + 9%)", "axes 0, 1"). */
  label: string;
  /** Share of Σ|ŵ_i|² along e1 and e2 (principal directions only). */
  explained?: [number, number];
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, P: number, offset = 0) => {
  let s = 0;
  for (let k = 0; k < P; k++) s += a[offset + k] * b[k];
  return s;
};

function normalize(v: Float64Array): boolean {
  let n2 = 0;
  for (const c of v) n2 += c * c;
  if (!(n2 > 0) || !Number.isFinite(n2)) return false;
  const inv = 1 / Math.sqrt(n2);
  for (let k = 0; k < v.length; k++) v[k] *= inv;
  return true;
}

/** Unit rows of `weights` (N×P, row after row); rows that are zero or not finite are left out. */
export function unitRows(weights: ArrayLike<number>, P: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i + P <= weights.length; i += P) {
    const row = Float64Array.from({ length: P }, (_, k) => weights[i + k]);
    if (normalize(row)) out.push(row);
  }
  return out;
}

/** v minus its components along `basis` (orthonormal), twice for accuracy. */
function orthogonalize(v: Float64Array, basis: readonly Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++)
    for (const b of basis) {
      const c = dot(v, b, v.length);
      for (let k = 0; k < v.length; k++) v[k] -= c * b[k];
    }
}

/** The sign that makes Σ_i ŵ_i·e positive; the largest component positive when that sum is ~0. */
function fixSign(e: Float64Array, rows: readonly Float64Array[]): void {
  let s = 0;
  for (const r of rows) s += dot(r, e, e.length);
  let flip = s < 0;
  if (Math.abs(s) <= 1e-9 * Math.max(1, rows.length)) {
    let big = 0;
    for (let k = 0; k < e.length; k++) if (Math.abs(e[k]) > Math.abs(e[big]) + 1e-12) big = k;
    flip = e[big] < 0;
  }
  if (flip) for (let k = 0; k < e.length; k++) e[k] = -e[k] || 0;
}

/** Cv = (1/N) Σ r (r·v). */
function applyC(rows: readonly Float64Array[], v: Float64Array, out: Float64Array): void {
  out.fill(0);
  for (const r of rows) {
    const c = dot(r, v, v.length);
    for (let k = 0; k < v.length; k++) out[k] += c * r[k];
  }
  const inv = 1 / Math.max(1, rows.length);
  for (let k = 0; k < out.length; k++) out[k] *= inv;
}

/** A deterministic start: the row with the largest part outside `basis`, else the axis least in it. */
function startVector(rows: readonly Float64Array[], basis: readonly Float64Array[], P: number): Float64Array {
  let best: Float64Array | null = null;
  let bestN = 1e-12;
  for (const r of rows) {
    const v = Float64Array.from(r);
    orthogonalize(v, basis);
    const n = dot(v, v, P);
    if (n > bestN) {
      best = v;
      bestN = n;
    }
  }
  if (best && normalize(best)) return best;
  return axisOutside(basis, P);
}

/** The coordinate axis with the smallest component in `basis`, made orthogonal to it. */
function axisOutside(basis: readonly Float64Array[], P: number): Float64Array {
  let pick = 0;
  let least = Infinity;
  for (let k = 0; k < P; k++) {
    const inside = basis.reduce((a, b) => a + b[k] * b[k], 0);
    if (inside < least - 1e-12) {
      least = inside;
      pick = k;
    }
  }
  const v = new Float64Array(P);
  v[pick] = 1;
  orthogonalize(v, basis);
  normalize(v);
  return v;
}

/** The top eigenvector of C orthogonal to `basis`, by power iteration; and its eigenvalue. */
function topDirection(
  rows: readonly Float64Array[],
  basis: readonly Float64Array[],
  P: number,
  maxIterations: number,
): { v: Float64Array; lambda: number } {
  let v = startVector(rows, basis, P);
  const w = new Float64Array(P);
  let lambda = 0;
  for (let it = 0; it < maxIterations; it++) {
    applyC(rows, v, w);
    orthogonalize(w, basis);
    lambda = dot(w, v, P);
    if (!normalize(w)) return { v: axisOutside(basis, P), lambda: 0 };
    let change = 0;
    for (let k = 0; k < P; k++) change = Math.max(change, Math.abs(w[k] - v[k]));
    v = Float64Array.from(w);
    if (change < 1e-13) break;
  }
  return { v, lambda };
}

/**
 * The top two principal directions of the unit final weights (see the file's comment). `weights` holds N
 * vectors of P numbers; non-finite or zero ones are skipped. Needs P ≥ 2.
 */
export function principalDirections(weights: ArrayLike<number>, P: number, maxIterations = 2000): SliceBasis {
  if (P < 2) throw new RangeError(`a slice needs at least 2 parameters (the model has ${P})`);
  const rows = unitRows(weights, P);
  const first = topDirection(rows, [], P, maxIterations);
  fixSign(first.v, rows);
  const second = topDirection(rows, [first.v], P, maxIterations);
  fixSign(second.v, rows);
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  const explained: [number, number] = [first.lambda, second.lambda];
  return {
    e1: first.v,
    e2: second.v,
    label: `principal directions of ${rows.length} final weights (${pct(explained[0])} + ${pct(explained[1])})`,
    explained,
  };
}

/** The plane of two coordinate axes. */
export function axesBasis(P: number, i: number, j: number): SliceBasis {
  const e1 = new Float64Array(P);
  const e2 = new Float64Array(P);
  e1[i] = 1;
  e2[j] = 1;
  return { e1, e2, label: `coordinate axes ${i} and ${j}` };
}

/** The plane through the final weights of seeds a and b: e1 = ŵ_a, e2 = ŵ_b − (ŵ_b·e1)e1, normalised. */
export function seedsBasis(weights: ArrayLike<number>, P: number, a: number, b: number): SliceBasis | string {
  const wa = Float64Array.from({ length: P }, (_, k) => weights[a * P + k]);
  const wb = Float64Array.from({ length: P }, (_, k) => weights[b * P + k]);
  if (!normalize(wa)) return `seed ${a}'s final weights are zero or not finite`;
  if (!normalize(wb)) return `seed ${b}'s final weights are zero or not finite`;
  orthogonalize(wb, [wa]);
  if (!(dot(wb, wb, P) > 1e-20) || !normalize(wb))
    return `seeds ${a} and ${b} ended on the same ray; they span no plane`;
  return { e1: wa, e2: wb, label: `the final weights of seeds ${a} and ${b}` };
}

/** The basis a choice gives for the final weights (N×P); a message when it cannot be made. */
export function sliceBasis(choice: SliceChoice, finals: ArrayLike<number>, P: number): SliceBasis | string {
  if (P < 2) return `the model has ${P} parameter; a slice needs 2`;
  const N = Math.floor(finals.length / P);
  if (choice.kind === 'axes') {
    if (choice.i === choice.j || choice.i >= P || choice.j >= P)
      return `axes ${choice.i},${choice.j} do not name two of this model's ${P} coordinates (0 to ${P - 1})`;
    return axesBasis(P, choice.i, choice.j);
  }
  if (choice.kind === 'seeds') {
    if (choice.a === choice.b || choice.a >= N || choice.b >= N)
      return `seeds ${choice.a},${choice.b} are not two of the ${N} seeds drawn (0 to ${N - 1})`;
    return seedsBasis(finals, P, choice.a, choice.b);
  }
  return principalDirections(finals, P);
}

/** (w·e1, w·e2) of the P numbers of `w` from `offset`, times 2^log2Scale. */
export function project(
  w: ArrayLike<number>,
  basis: SliceBasis,
  offset = 0,
  log2Scale = 0,
): [number, number] {
  const P = basis.e1.length;
  const s = 2 ** log2Scale;
  return [dot(w, basis.e1, P, offset) * s, dot(w, basis.e2, P, offset) * s];
}

export interface SliceProfile {
  /** Loss at angle θ_k = 2πk/bins (cos θ·e1 + sin θ·e2); NaN where the model is undefined there. */
  loss: Float64Array;
  accuracy: Float64Array;
  min: number;
  max: number;
}

/** The slice's values per angle bin: bins angles from 0 (on e1) counter-clockwise. */
export function sliceProfile(model: ResolvedModel, basis: SliceBasis, bins = 720): SliceProfile {
  const fm = new FastModel(model);
  const P = basis.e1.length;
  const w = new Float64Array(P);
  const loss = new Float64Array(bins);
  const accuracy = new Float64Array(bins);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < bins; k++) {
    const th = (2 * Math.PI * k) / bins;
    const c = Math.cos(th);
    const s = Math.sin(th);
    for (let q = 0; q < P; q++) w[q] = c * basis.e1[q] + s * basis.e2[q];
    const r = fm.lossAccuracy(w);
    loss[k] = r.loss;
    accuracy[k] = r.accuracy;
    if (Number.isFinite(r.loss)) {
      min = Math.min(min, r.loss);
      max = Math.max(max, r.loss);
    }
  }
  return { loss, accuracy, min, max };
}

/** The profile's bin for a point of the plane (the bin whose angle is nearest). */
export function binOf(x: number, y: number, bins: number): number {
  const th = Math.atan2(y, x);
  const k = Math.round((th / (2 * Math.PI)) * bins);
  return ((k % bins) + bins) % bins;
}
