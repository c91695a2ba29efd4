/**
 * `--threads N` (src/cli/cpuPool.ts): the real command line, spawned, must write the same bytes with one
 * thread (the run stays on the main thread) as with three worker threads (trajectories split in chunks and
 * merged), for run in f64, dd and mp and for a study with the mp reference; and bad values are usage errors.
 * tests/cli/cpuPool.test.ts shows that this comparison catches a wrong merge or a wrong slice.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuPool } from '../../src/cli/cpuPool';
import { parseRunArgs } from '../../src/cli/runCommand';
import { parseStudyArgs } from '../../src/cli/study';
import { ringConfig } from '../core/ringConfig';
import { cli, tempConfig } from './cliHarness';

// 11 starts on a ring, some of which diverge (rugged loss): with 3 threads the chunks have unequal sizes.
const CONFIG = ringConfig(11, 200, 10);

const files = tempConfig('scaleinv-threads-', CONFIG);

describe('run --threads: one thread and three give the same bytes', () => {
  it.each([
    ['f64', []],
    ['dd', []],
    ['mp', ['--bits', '64']],
  ])('%s', (precision, extra) => {
    const [one, three] = ['1', '3'].map((t) =>
      cli(['run', files.config, '--precision', precision, ...extra, '--threads', t]),
    );
    expect(one.status, one.stderr).toBe(0);
    expect(three.status, three.stderr).toBe(0);
    const out = JSON.parse(one.stdout);
    expect(out.trajectories).toHaveLength(11);
    expect(three.stdout).toBe(one.stdout);
  });
});

describe('study --threads: one thread and three give the same study', () => {
  it('f64, dd and the mp reference (departures, horizons): same study.json but for the timings, same CSV', () => {
    const outs = ['1', '3'].map((t) => {
      const out = join(files.dir, `study-${t}`);
      const args = ['--precisions', 'f64,dd,mp', '--bits', '64', '--subset', '7', '--threads', t];
      const r = cli(['study', files.config, ...args, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      return out;
    });
    // The per-run seconds are wall-clock timings: the only field allowed to differ.
    const study = (out: string) => {
      const s = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
      for (const run of s.runs) run.seconds = 0;
      return s;
    };
    const [one, three] = outs.map(study);
    expect(one.runs.map((r: { precision: string }) => r.precision)).toEqual(['f64', 'dd', 'mp']);
    expect(one.aggregate.reference).toBeDefined();
    expect(JSON.stringify(three)).toBe(JSON.stringify(one));
    const csv = outs.map((o) => readFileSync(join(o, 'study.csv'), 'utf8'));
    expect(csv[1]).toBe(csv[0]);
  });
});

describe('--threads: bad values are usage errors', () => {
  const message = (command: string, value: string) =>
    new RegExp(`^${command}: --threads ${value} must be an integer from 1 to 256 \\(worker threads`);
  it.each(['0', '-2', '1.5', 'many', '257', '', '0x4', '1e2'])('--threads %j', (value) => {
    expect(() => parseRunArgs(['c.json', `--threads=${value}`])).toThrow(message('run', value));
    expect(() => parseStudyArgs(['c.json', `--threads=${value}`])).toThrow(message('study', value));
  });

  it('valid values pass through; without --threads, the pool of every core', () => {
    expect(parseRunArgs(['c.json', '--threads', '3']).threads).toBe(3);
    expect(parseStudyArgs(['c.json', '--threads', '256']).threads).toBe(256);
    expect(parseRunArgs(['c.json']).threads).toBeUndefined();
    expect(parseStudyArgs(['c.json']).threads).toBeUndefined();
    expect(cpuPool(undefined).threads).toBe(availableParallelism());
    expect(cpuPool(5).threads).toBe(5);
  });

  it('the command line exits 2 with the message on one line', () => {
    const r = cli(['run', files.config, '--threads', '0']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l && !/XDG_RUNTIME_DIR/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^scaleinv-lab: run: --threads 0 must be an integer from 1 to 256/);
  });
});
