/**
 * The exponential schedule's constants at mp precision (issue 12). The default StepConstants round the
 * double-double schedule (~106 bits), which would cap a 256-bit reference at double-double accuracy; here
 * the same formulas as src/core/schedule.ts (header comment and toExponential) are evaluated in decimal with
 * 20 guard digits, then rounded once into the mp format:
 *   α_I = (b + √(b² − 4γ))/2, b = 1 + γ − η_I λ;   growth α_I^−2;   q̂_I = (1 − α_I)/(α_I η_I);
 *   switchFactor_I = (η_I/η_{I−1})/(α_I α_{I−1});   κ_I = α_{I−1} η_{I−1} (q̂_{I−1} − q̂_I);
 *   η̃_0 = η_0/α_0;   bufferInit = (1 − 1/α_0)/η_0.
 * One deliberate difference: the decayed rates η_I = η·lrDecay^I are formed exactly in decimal, not
 * rounded to float64 first as phaseLearningRates() does (the 60-digit oracle does the same).
 */
import type Decimal from 'decimal.js';
import type { PhaseConstants, StepConstants } from './integrator';
import { exactSumString, type MpArith, mpDecimal } from './mp';
import type { OptimizerConfig } from './schedule';

const GUARD_DIGITS = 20;

export function mpConstants(opt: OptimizerConfig, A: MpArith): StepConstants<Decimal> {
  const W = mpDecimal(A.digits + GUARD_DIGITS);
  const exact = (x: number) => new W(exactSumString(x, 0));
  const one = new W(1);
  const lam = exact(opt.weightDecay);
  const gamma = exact(opt.momentum);
  const decay = exact(opt.lrDecay);
  const etas: Decimal[] = [exact(opt.lr).plus(0)];
  for (let i = 0; i < opt.milestones.length; i++) etas.push(etas[i].times(decay));
  const starts = [0, ...opt.milestones];

  const alphas = etas.map((eta) => {
    const b = one.plus(gamma).minus(eta.times(lam));
    const disc = b.times(b).minus(gamma.times(4));
    const alpha = b.plus(disc.sqrt()).div(2);
    if (disc.isNegative() || !alpha.isPositive()) {
      throw new RangeError(
        `no real α for lr=${eta}, weightDecay=${opt.weightDecay}, momentum=${opt.momentum}`,
      );
    }
    return alpha;
  });
  const qhat = etas.map((eta, i) => one.minus(alphas[i]).div(alphas[i].times(eta)));

  const phases: PhaseConstants<Decimal>[] = etas.map((eta, i) => {
    const alpha = alphas[i];
    const switchFactor = i === 0 ? one : eta.div(etas[i - 1]).div(alpha.times(alphas[i - 1]));
    const kappa = i === 0 ? new W(0) : alphas[i - 1].times(etas[i - 1]).times(qhat[i - 1].minus(qhat[i]));
    return {
      start: starts[i],
      lr: A.fromDecimal(eta),
      growth: A.fromDecimal(one.div(alpha.times(alpha))),
      switchFactor: A.fromDecimal(switchFactor),
      kappa: A.fromDecimal(kappa),
    };
  });
  return {
    phases,
    weightDecay: A.fromDecimal(lam),
    momentum: A.fromDecimal(gamma),
    expLr0: A.fromDecimal(etas[0].div(alphas[0])),
    bufferInit: A.fromDecimal(one.minus(one.div(alphas[0])).div(etas[0])),
  };
}
