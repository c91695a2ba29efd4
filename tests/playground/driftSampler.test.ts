/**
 * Drift sampling (src/playground/driftSampler.ts) with fake recorders: one sample at a time, results of a
 * replaced run dropped, every precision delivered to the panel.
 */
import { describe, expect, it } from 'vitest';
import type { DriftRecorder } from '../../src/playground/driftRecorder';
import { DriftSampler, type DriftSink } from '../../src/playground/driftSampler';

/** A recorder whose sample() resolves when the test says so. */
function fakeRecorder(precision: string) {
  let release: () => void = () => undefined;
  let samples = 0;
  const r = {
    precision,
    busy: false,
    sample: () => {
      samples++;
      return new Promise<void>((res) => {
        release = res;
      });
    },
    series: () => ({ precision, samples }),
    histogram: () => null,
  };
  return { recorder: r as unknown as DriftRecorder, release: () => release(), samples: () => samples };
}

function sink() {
  const updates: string[][] = [];
  const s: DriftSink = {
    update: (m) => updates.push([...m.keys()]),
    updateHistogram: () => undefined,
  };
  return { s, updates };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('drift sampler', () => {
  it('samples every precision once at a time and delivers them together', async () => {
    const a = fakeRecorder('f32');
    const b = fakeRecorder('df64');
    const { s, updates } = sink();
    const sampler = new DriftSampler(s, new Promise(() => undefined));
    sampler.sample([a.recorder, b.recorder], () => true);
    sampler.sample([a.recorder, b.recorder], () => true); // pending: skipped
    expect([a.samples(), b.samples()]).toEqual([1, 1]);
    a.release();
    b.release();
    await settle();
    expect(updates).toEqual([['f32', 'df64']]);
    sampler.sample([a.recorder, b.recorder], () => true); // free again
    expect(a.samples()).toBe(2);
  });

  it('drops a sample whose run was replaced meanwhile', async () => {
    const a = fakeRecorder('f32');
    const { s, updates } = sink();
    let current = true;
    const sampler = new DriftSampler(s, new Promise(() => undefined));
    sampler.sample([a.recorder], () => current);
    current = false;
    a.release();
    await settle();
    expect(updates).toEqual([]);
  });
});
