/**
 * The model section's TypeScript CPU rows (issue 16): the reference ModelIntegrator timed in float64 and in
 * the float32 mirror, with the snapshot at the check step that every other row is compared with.
 */
import type { Arith } from '../core/arith';
import { LEGACY_NUMERICS } from '../core/integratorState';
import { ModelIntegrator } from '../core/model/modelIntegrator';
import { CHECK_SEEDS, CHECK_STEP } from './modelJob';
import type { Agreement, ModelProblem, ModelSnapshot } from './modelPeers';
import type { ModelRow } from './modelTable';

export interface TsRun {
  seeds: number;
  steps: number;
  seconds: number;
  /** Both runs of the first `checkSeeds` seeds after `checkStep` steps (or after all, if fewer). */
  snapshot: ModelSnapshot & { wd: Float64Array; ex: Float64Array; divergenceStep: Int32Array };
  /** Largest angle between the two runs over those seeds at the snapshot (radians). */
  snapshotGap: number;
}

/**
 * The first `count` seeds for `steps` steps on the reference ModelIntegrator in `A`: no renormalisation
 * (LEGACY_NUMERICS, as the peers), no sharpness check (crossing = false). Snapshot weights in true scale.
 */
export function runModelTs<T>(
  A: Arith<T>,
  p: ModelProblem,
  count: number,
  steps: number,
  check = { seeds: CHECK_SEEDS, step: CHECK_STEP },
): TsRun {
  const integ = new ModelIntegrator(A, p.model, p.schedule, p.tolerance, LEGACY_NUMERICS, undefined, false);
  const P = integ.P;
  const n = Math.min(count, p.points.length / P);
  const k = Math.min(check.seeds, n);
  const at = Math.min(check.step, steps);
  const states = Array.from({ length: n }, (_, i) => integ.init(p.points.subarray(i * P, (i + 1) * P), i));
  const wd = new Float64Array(k * P);
  const ex = new Float64Array(k * P);
  let snapshotGap = 0;
  const t0 = performance.now();
  states.forEach((s, i) => {
    for (let t = 0; t < steps; t++) {
      if (t === at && i < k) {
        for (let c = 0; c < P; c++) {
          wd[i * P + c] = A.toNumber(s.wd.w[c]) * 2 ** s.wdScaleExp;
          ex[i * P + c] = A.toNumber(s.ex.w[c]) * 2 ** s.scaleExp;
        }
        snapshotGap = Math.max(snapshotGap, integ.angleGap(s));
      }
      integ.step(s);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  if (at === steps) {
    states.slice(0, k).forEach((s, i) => {
      for (let c = 0; c < P; c++) {
        wd[i * P + c] = A.toNumber(s.wd.w[c]) * 2 ** s.wdScaleExp;
        ex[i * P + c] = A.toNumber(s.ex.w[c]) * 2 ** s.scaleExp;
      }
      snapshotGap = Math.max(snapshotGap, integ.angleGap(s));
    });
  }
  const divergenceStep = Int32Array.from(states.slice(0, k), (s) => s.divergenceStep ?? -1);
  return { seeds: n, steps, seconds, snapshot: { step: at, wd, ex, divergenceStep }, snapshotGap };
}

/**
 * Times `A` after a short untimed warm-up. ModelIntegrator and BnGradient are generic over the arithmetic:
 * once a second one has run through them they are polymorphic and slower, so time float64 first.
 */
export function timeModelTs<T>(A: Arith<T>, p: ModelProblem, count: number, steps: number): TsRun {
  for (let w = 0; w < 2; w++) runModelTs(A, p, 2, Math.min(steps, 40));
  return runModelTs(A, p, count, steps);
}

/** A TS row: informational (the f64 row is the reference, the f32 mirror is float32 rounding). */
export function tsRow(name: string, t: TsRun, check: Agreement | null, note: string): ModelRow {
  const diverged = Array.from(t.snapshot.divergenceStep).filter((d) => d >= 0).length;
  return {
    implementation: name,
    rate: (t.seeds * t.steps) / t.seconds,
    seeds: t.seeds,
    steps: t.steps,
    seconds: t.seconds,
    check,
    checkedAgainst: check === null ? null : 'TS f64',
    binding: false,
    notes:
      `subset of seeds, 1 thread, crossing check off, no renormalisation${note}; ` +
      `${diverged}/${t.snapshot.divergenceStep.length} check seeds past tol`,
  };
}
