/**
 * A model batch against the device's limits, checked before anything is allocated, and the sizes of its
 * buffers and dispatches.
 */
import { LEGACY_NUMERICS } from '../../core/integratorState';
import { paramCount, type ResolvedModel } from '../../core/model/types';
import type { GpuContext } from '../device';
import {
  type ModelGpuPrecision,
  type ModelLayout,
  modelRateLayout,
  modelTrajLayout,
  realWords,
  scratchRows,
} from './modelLayout';
import { DEFAULT_MODEL_WORKGROUP_SIZE, type ModelEngineSetup } from './modelPipeline';

/** Thrown when a model batch does not fit the device's limits. */
export class ModelLimitError extends Error {
  override name = 'ModelLimitError';
}

const MIB = 1024 * 1024;
const DEFAULT_SCRATCH_BYTES = 64 * MIB;

/** Upper bound of modelConstantsDD's length (1, four exp constants, at most 20 coefficients). */
export const MAX_CONSTANTS = 25;

/** Reals in the data buffer: x, y, the readout and the constants (modelShader.ts modelConstantsDD). */
export function dataReals(m: ResolvedModel): number {
  return m.n * m.d + m.n + m.hidden + MAX_CONSTANTS;
}

export interface ModelSizes {
  count: number;
  P: number;
  words: number;
  /** Trajectories per dispatch (and scratch slots). */
  perDispatch: number;
  vecBytes: number;
  trajBytes: number;
  rateCount: number;
}

/** What the limits of a model batch depend on. */
export interface ModelBatchShape {
  precision: ModelGpuPrecision;
  layout: ModelLayout;
  count: number;
  n: number;
  d: number;
  hidden: number;
  /** Entries of the closed-form rate table (steps + 1), 1 with the recurrence. */
  rateCount: number;
  workgroupSize?: number;
  scratchBytes?: number;
}

export interface ModelLimitsLike {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
}

/**
 * Checks a model batch against a device's limits before anything is allocated (ModelLimitError naming the
 * buffer, the limit and what fits), and sizes its dispatches: trajectories per dispatch bounded by the
 * scratch budget, the dispatch cap of the device (`maxInvocationsPerDispatch`, SwiftShader's crash limit)
 * and the workgroup count limit.
 */
export function checkModelLimits(
  lim: ModelLimitsLike,
  shape: ModelBatchShape,
  maxInvocationsPerDispatch = Number.MAX_SAFE_INTEGER,
): ModelSizes {
  const { count, n, d, hidden } = shape;
  const P = hidden * d;
  const words = realWords(shape.precision);
  const cap = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
  const capName =
    lim.maxStorageBufferBindingSize <= lim.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
  const fail = (what: string, bytes: number, hint: string): never => {
    throw new ModelLimitError(
      `this model batch needs a ${what} buffer of ${(bytes / MIB).toFixed(1)} MiB, above this device's ` +
        `${capName} of ${(cap / MIB).toFixed(1)} MiB; ${hint}`,
    );
  };
  const vecBytes = 4 * count * P * words * 4;
  if (vecBytes > cap) {
    const fit = Math.floor(cap / (4 * P * words * 4));
    fail('weight-vector', vecBytes, `use at most ${fit} trajectories of ${P} weights`);
  }
  const trajBytes = count * modelTrajLayout(shape.precision).size;
  if (trajBytes > cap) fail('trajectory', trajBytes, 'use fewer trajectories');
  const dataBytes = (n * d + n + hidden + MAX_CONSTANTS) * words * 4;
  if (dataBytes > cap) fail('data', dataBytes, 'use fewer points or features');
  const rateBytes = shape.rateCount * modelRateLayout(shape.precision).size;
  if (rateBytes > cap) fail('closed-form rate', rateBytes, 'use fewer steps or lrMode "recurrence"');
  const slotBytes = scratchRows(shape.layout, hidden) * n * words * 4;
  const budget = Math.min(cap, shape.scratchBytes ?? DEFAULT_SCRATCH_BYTES);
  const byScratch = Math.floor(budget / slotBytes);
  if (byScratch < 1) {
    fail('scratch', slotBytes, `one trajectory's ẑ and g of ${n} points × ${hidden} units do not fit`);
  }
  const wg = shape.workgroupSize ?? DEFAULT_MODEL_WORKGROUP_SIZE;
  if (wg > lim.maxComputeInvocationsPerWorkgroup || wg > lim.maxComputeWorkgroupSizeX) {
    throw new ModelLimitError(
      `workgroup size ${wg} is above this device's limits (maxComputeInvocationsPerWorkgroup ` +
        `${lim.maxComputeInvocationsPerWorkgroup}, maxComputeWorkgroupSizeX ${lim.maxComputeWorkgroupSizeX})`,
    );
  }
  const byDispatch =
    shape.layout === 'invocation'
      ? Math.min(maxInvocationsPerDispatch, lim.maxComputeWorkgroupsPerDimension * wg)
      : Math.min(Math.floor(maxInvocationsPerDispatch / wg), lim.maxComputeWorkgroupsPerDimension);
  const perDispatch = Math.max(1, Math.min(count, byScratch, byDispatch));
  return { count, P, words, perDispatch, vecBytes, trajBytes, rateCount: shape.rateCount };
}

export function planModelSizes(ctx: GpuContext, s: ModelEngineSetup): ModelSizes {
  const { model } = s;
  const lrMode = { ...LEGACY_NUMERICS, ...s.numerics }.lrMode;
  return checkModelLimits(
    ctx.device.limits,
    {
      precision: s.precision,
      layout: s.layout,
      count: s.points.length / paramCount(model),
      n: model.n,
      d: model.d,
      hidden: model.hidden,
      rateCount: lrMode === 'closedForm' ? s.steps + 1 : 1,
      workgroupSize: s.workgroupSize,
      scratchBytes: s.scratchBytes,
    },
    ctx.maxInvocationsPerDispatch,
  );
}
