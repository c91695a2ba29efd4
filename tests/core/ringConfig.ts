/**
 * The small CPU config the run tests share: the rugged preset (some starts diverge within a few hundred
 * steps), lr 0.1, weight decay 0.05, `count` starts on the unit ring. Raw JSON, as a config file holds it.
 */
export function ringConfig(count: number, steps: number, sampleEvery: number, precision = 'f64') {
  return {
    loss: { preset: 'rugged' },
    optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 },
    init: { ring: { count, radius: 1 } },
    steps,
    sampleEvery,
    driftTolerance: 1e-3,
    precision,
    backend: 'cpu',
  };
}
