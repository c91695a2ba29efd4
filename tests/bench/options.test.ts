/** `npm run bench` options (src/bench/options.ts): integers in both spellings, --threads, and bad input. */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../src/bench/options';

describe('bench options', () => {
  it('defaults, with every core for the threaded CPU rows', () => {
    expect(parseOptions([])).toMatchObject({
      n: 16384,
      steps: 1000,
      reps: 3,
      jsSubset: 1024,
      ddSubset: 64,
      lowSubset: 1024,
    });
    expect(parseOptions([]).threads).toBe(availableParallelism());
  });

  it('each integer option, as "--x N" and as "--x=N"', () => {
    const o = parseOptions(['--n', '7', '--steps=9', '--reps', '2', '--js-subset=5', '--dd-subset', '3']);
    expect(o).toMatchObject({ n: 7, steps: 9, reps: 2, jsSubset: 5, ddSubset: 3 });
    expect(parseOptions(['--threads', '6']).threads).toBe(6);
    expect(parseOptions(['--low-subset=512']).lowSubset).toBe(512);
    expect(parseOptions(['--workgroup-sizes', '32,64']).workgroupSizes).toEqual([32, 64]);
  });

  it('refuses non-positive or non-integer values and unknown options', () => {
    expect(() => parseOptions(['--threads', '0'])).toThrow(/--threads needs a positive integer, got '0'/);
    expect(() => parseOptions(['--n=1.5'])).toThrow(/--n needs a positive integer/);
    expect(() => parseOptions(['--constructor', '3'])).toThrow(/unknown option '--constructor'/);
    expect(() => parseOptions(['constructor'])).toThrow(/unknown option 'constructor'/);
  });
});
