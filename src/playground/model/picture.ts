/**
 * What the slice picture shows for a run: the plane (the state's slice choice, or the principal directions
 * with a message saying why the choice could not be used), the loss per angle on it, the first precision's
 * paths projected onto it and its divergences by cause. Pure: the renderer (src/render/model/sliceView.ts)
 * only paints it.
 */
import { toExponential } from '../../core/schedule';
import type { SliceChoice } from './pageState';
import { type ProjectedPaths, projectPaths } from './paths';
import type { PrecisionResult, RunResult } from './runner';
import { type SliceBasis, type SliceProfile, sliceBasis, sliceProfile } from './slice';
import { type CauseCounts, emptyCauses } from './stats';

export interface SlicePicture {
  basis: SliceBasis | null;
  profile: SliceProfile | null;
  paths: ProjectedPaths | null;
  causes: CauseCounts | null;
  sliceLabel: string;
  pathsLabel: string;
  /** Why the chosen slice was not used (shown in a banner), or null. */
  problem: string | null;
  /** The precision drawn. */
  drawn: PrecisionResult | null;
}

/** The final weight-decay weights of every record (N×P; scale factors left out: only directions matter). */
export function finalWeights(r: PrecisionResult, P: number): Float64Array {
  const S = r.steps.length;
  const out = new Float64Array(r.records.length * P);
  r.records.forEach((rec, i) => {
    out.set(rec.wd.subarray((S - 1) * P, S * P), i * P);
  });
  return out;
}

export function slicePicture(run: RunResult, choice: SliceChoice, maxPaths?: number): SlicePicture {
  const drawn = run.results[0] ?? null;
  const none: SlicePicture = {
    basis: null,
    profile: null,
    paths: null,
    causes: null,
    sliceLabel: '—',
    pathsLabel: '—',
    problem: null,
    drawn,
  };
  if (drawn === null) return { ...none, problem: 'no precision ran' };
  const finals = finalWeights(drawn, run.P);
  let basis = sliceBasis(choice, finals, run.P);
  let problem: string | null = null;
  if (typeof basis === 'string' && choice.kind !== 'pca') {
    problem = `${basis}; showing the principal directions instead`;
    basis = sliceBasis({ kind: 'pca' }, finals, run.P);
  }
  if (typeof basis === 'string') return { ...none, problem: basis };
  const paths = projectPaths(
    drawn.records,
    drawn.steps,
    toExponential(drawn.config.optimizer),
    basis,
    maxPaths,
  );
  const causes = emptyCauses();
  for (const c of paths.causes) causes[c ?? 'none']++;
  const where = drawn.backend === 'gpu' ? 'GPU' : 'CPU';
  const fmt = (n: number) => n.toLocaleString('en-US');
  const of =
    paths.drawn === paths.total ? `all ${fmt(paths.total)}` : `${fmt(paths.drawn)} of ${fmt(paths.total)}`;
  return {
    basis,
    profile: sliceProfile(run.model, basis),
    paths,
    causes,
    sliceLabel: basis.label,
    pathsLabel: `${drawn.precision} (${where}), ${of} seeds, coloured by divergence cause`,
    problem,
    drawn,
  };
}
