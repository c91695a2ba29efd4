/**
 * Readable links keep the training formats' numerics (precision bf16/f16, stochastic rounding and its seed,
 * f32 master weights): written only when set, read back to the same config, bad values named.
 */
import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/core/config/types';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import { decodeHash, encodeHash } from '../../src/playground/urlState';

function withNumerics(
  precision: 'bf16' | 'f16',
  extra: Partial<ExperimentConfig['numerics']>,
): ExperimentConfig {
  const c = structuredClone(PLAYGROUND_DEFAULTS);
  c.precision = precision;
  c.numerics = { ...c.numerics, ...extra };
  return c;
}

describe('links and the training formats', () => {
  it('a stochastic f16 run keeps its rounding and seed through the link', () => {
    const c = withNumerics('f16', { rounding: 'stochastic', seed: 5 });
    const hash = encodeHash(c);
    expect(hash).toBe('#precision=f16&rounding=stochastic&seed=5');
    const back = decodeHash(hash);
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(c);
  });

  it('f32 master weights round-trip; a link without the options writes none', () => {
    const c = withNumerics('bf16', { master: 'f32' });
    expect(encodeHash(c)).toBe('#precision=bf16&master=f32');
    expect(decodeHash(encodeHash(c)).config).toEqual(c);
    expect(encodeHash(withNumerics('bf16', {}))).toBe('#precision=bf16');
  });

  it('bad values are named, and options a precision cannot take are explained', () => {
    expect(decodeHash('#precision=f16&rounding=up').issues.map((i) => i.message)).toEqual([
      "must be one of nearest, stochastic (got 'up'); ignored",
    ]);
    const f32 = decodeHash('#rounding=stochastic');
    expect(f32.issues.map((i) => i.message).join(' ')).toMatch(/stochastic rounding applies to bf16 and f16/);
    expect(f32.config.numerics.rounding).not.toBe('stochastic');
  });
});
