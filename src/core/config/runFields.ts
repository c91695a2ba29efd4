/**
 * Reading the run fields of a config, shared by the plane's configs (validate.ts) and the models'
 * (src/core/model/modelConfig.ts): the optimizer and its schedule's limits, the step counts, the drift
 * tolerance, precision and backend, and the numerics, with the same messages for both.
 */
import { isLowFormat } from '../lowArith';
import type { OptimizerConfig } from '../schedule';
import { alphaRoot, maxEtaLambda, phaseLearningRates } from '../schedule';
import { readBoolean, readEnum, readFiniteArray, readNumber, readObject } from './fields';
import type { IssueSink } from './issues';
import { DEFAULT_CONFIG, MAX_MILESTONES, RANGES } from './schema';
import {
  BACKEND_PRECISIONS,
  BACKENDS,
  type ExperimentConfig,
  LR_MODES,
  type NumericsConfig,
  PRECISIONS,
  ROUNDINGS,
} from './types';

/**
 * Everything of a config but its loss and init (the plane's and the models' alike): the optimizer, the
 * step counts, the tolerance, precision, backend and numerics, with `defaults` for absent fields.
 */
export function readRunFields(
  sink: IssueSink,
  obj: Record<string, unknown>,
  defaults: Pick<ExperimentConfig, 'steps' | 'driftTolerance' | 'precision' | 'backend'>,
): Omit<ExperimentConfig, 'loss' | 'init'> {
  const steps = readNumber(sink, 'steps', obj.steps, RANGES.steps, defaults.steps);
  const fields = {
    optimizer: readOptimizer(sink, obj.optimizer),
    steps,
    sampleEvery: readNumber(sink, 'sampleEvery', obj.sampleEvery, { ...RANGES.sampleEvery, max: steps }, 1),
    driftTolerance: readNumber(
      sink,
      'driftTolerance',
      obj.driftTolerance,
      RANGES.driftTolerance,
      defaults.driftTolerance,
    ),
    precision: readEnum(sink, 'precision', obj.precision, PRECISIONS, defaults.precision),
    backend: readEnum(sink, 'backend', obj.backend, BACKENDS, defaults.backend),
    numerics: readNumerics(sink, obj.numerics),
  };
  checkPrecisionBackend(sink, fields);
  checkLowOptions(sink, fields);
  return fields;
}

export function checkPrecisionBackend(
  sink: IssueSink,
  c: Pick<ExperimentConfig, 'backend' | 'precision'>,
): void {
  const allowed = BACKEND_PRECISIONS[c.backend];
  if (!allowed.includes(c.precision)) {
    const other = c.backend === 'cpu' ? 'gpu' : 'cpu';
    sink.add(
      'precision',
      `${c.precision} does not run on the ${c.backend} backend (${c.backend}: ${allowed.join(', ')}; use backend "${other}")`,
    );
    c.precision = allowed[0];
  }
}

export function readNumerics(sink: IssueSink, value: unknown): NumericsConfig {
  const d = DEFAULT_CONFIG.numerics;
  const o = readObject(sink, 'numerics', value, ['renormalize', 'lrMode', 'rounding', 'seed', 'master']);
  if (o === null) return { ...d };
  const out: NumericsConfig = {
    renormalize: readBoolean(sink, 'numerics.renormalize', o.renormalize, d.renormalize),
    lrMode: readEnum(sink, 'numerics.lrMode', o.lrMode, LR_MODES, d.lrMode),
  };
  // The training-format options appear in the config (and the output) only when given.
  if (o.rounding !== undefined)
    out.rounding = readEnum(sink, 'numerics.rounding', o.rounding, ROUNDINGS, 'nearest');
  if (o.seed !== undefined) out.seed = readNumber(sink, 'numerics.seed', o.seed, RANGES.seed, 0);
  if (o.master !== undefined)
    out.master = readEnum(sink, 'numerics.master', o.master, ['f32'] as const, 'f32');
  return out;
}

/** Stochastic rounding and master weights are properties of the training formats: elsewhere they are refused. */
export function checkLowOptions(sink: IssueSink, c: Pick<ExperimentConfig, 'numerics' | 'precision'>): void {
  const n = c.numerics;
  if (n.master !== undefined && n.rounding === 'stochastic')
    sink.add(
      'numerics.rounding',
      'stochastic rounding and f32 master weights are alternative cures for low-precision updates: choose one',
    );
  if (isLowFormat(c.precision)) return;
  if (n.rounding === 'stochastic')
    sink.add(
      'numerics.rounding',
      `stochastic rounding applies to bf16 and f16, not ${c.precision} (use "nearest" or drop it)`,
    );
  if (n.master !== undefined)
    sink.add(
      'numerics.master',
      `f32 master weights apply to bf16 and f16, not ${c.precision} (drop "master")`,
    );
}

export function readOptimizer(sink: IssueSink, value: unknown): OptimizerConfig {
  const d = DEFAULT_CONFIG.optimizer;
  const o = readObject(sink, 'optimizer', value, ['lr', 'weightDecay', 'momentum', 'milestones', 'lrDecay']);
  if (o === null) return structuredClone(d);
  const opt: OptimizerConfig = {
    lr: readNumber(sink, 'optimizer.lr', o.lr, RANGES.lr, d.lr),
    weightDecay: readNumber(sink, 'optimizer.weightDecay', o.weightDecay, RANGES.weightDecay, d.weightDecay),
    momentum: readNumber(sink, 'optimizer.momentum', o.momentum, RANGES.momentum, d.momentum),
    milestones: readMilestones(sink, o.milestones),
    lrDecay: readNumber(sink, 'optimizer.lrDecay', o.lrDecay, RANGES.lrDecay, d.lrDecay),
  };
  for (const phase of phaseLearningRates(opt)) {
    if (!(phase.lr > 0 && Number.isFinite(phase.lr))) {
      sink.add(
        'optimizer.lrDecay',
        `${opt.lrDecay} makes the learning rate from step ${phase.start} ${phase.lr} (it must stay positive and finite)`,
      );
      opt.milestones = [];
      break;
    }
    const el = phase.lr * opt.weightDecay;
    const limit = Math.min(maxEtaLambda(opt.momentum), 1 - 1e-12);
    // The float64 limit is advisory; the double-double root the schedule uses has the last word.
    if (el > limit || alphaRoot(phase.lr, opt.weightDecay, opt.momentum) === null) {
      const where = phase.start === 0 ? 'lr' : `the learning rate from step ${phase.start} (${phase.lr})`;
      sink.add(
        'optimizer.weightDecay',
        `${where} × weightDecay = ${el} gives no real positive α with momentum ${opt.momentum} ` +
          `(need lr·weightDecay ≤ (1 − √momentum)² = ${limit}; lower weightDecay, lr or momentum)`,
      );
      opt.weightDecay = 0;
      break;
    }
  }
  return opt;
}

function readMilestones(sink: IssueSink, value: unknown): number[] {
  if (value === undefined) return [];
  const list = readFiniteArray(
    sink,
    'optimizer.milestones',
    value,
    { min: 0, max: MAX_MILESTONES },
    RANGES.milestone,
  );
  if (list === null) return [];
  for (let i = 1; i < list.length; i++) {
    if (list[i] <= list[i - 1]) {
      sink.add(
        `optimizer.milestones[${i}]`,
        `${list[i]} is not after ${list[i - 1]} (milestones must increase)`,
      );
      return [];
    }
  }
  return list;
}
