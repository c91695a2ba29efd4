/**
 * The library API (src/api/index.ts): runConfig returns exactly what `scaleinv-lab run` prints as JSON
 * (the command line, spawned, is the reference), takes a config as an object or as JSON text, applies the
 * precision/backend overrides as the flags do, and rejects bad input with the errors it documents.
 * runStudy gives study.json's result. The installed package is checked in tests/e2e/package.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, runConfig, runStudy } from '../../src/api/index';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = {
  loss: { preset: 'double-well' },
  init: { ring: { count: 6, radius: 1 } },
  steps: 300,
  sampleEvery: 60,
  precision: 'f64',
  backend: 'cpu',
};
const dir = mkdtempSync(join(tmpdir(), 'scaleinv-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cliJson(args: string[]): string {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(CONFIG));
  const r = spawnSync(process.execPath, ['bin/scaleinv-lab.mjs', 'run', join(dir, 'config.json'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('runConfig', () => {
  it("returns the command line's JSON output, from an object or JSON text, on any number of threads", async () => {
    const reference = cliJson([]);
    expect(JSON.stringify(await runConfig(CONFIG, { threads: 1 }))).toBe(reference);
    expect(JSON.stringify(await runConfig(JSON.stringify(CONFIG), { threads: 2 }))).toBe(reference);
  });

  it('applies a precision override as --precision does (and it changes the output)', async () => {
    const reference = cliJson(['--precision', 'f32']);
    const out = await runConfig(CONFIG, { precision: 'f32', threads: 1 });
    expect(out.precision).toBe('f32');
    expect(JSON.stringify(out)).toBe(reference);
    expect(reference).not.toBe(cliJson([]));
  });

  it('rejects bad input: invalid JSON and fields as ConfigError, bits and threads as RangeError', async () => {
    await expect(runConfig('{not json')).rejects.toBeInstanceOf(ConfigError);
    const bad = await runConfig({ ...CONFIG, steps: -1 }).catch((e) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect(bad.issues.map((i: { path: string }) => i.path)).toContain('steps');
    await expect(runConfig(CONFIG, { bits: 128 })).rejects.toThrow(/bits sets the precision of mp/);
    await expect(runConfig(CONFIG, { precision: 'mp', bits: 3 })).rejects.toThrow(RangeError);
    await expect(runConfig(CONFIG, { threads: 0 })).rejects.toThrow(RangeError);
  });
});

describe('runStudy', () => {
  it('gives the result study.json holds for the same config', async () => {
    writeFileSync(join(dir, 'study.json'), JSON.stringify(CONFIG));
    const out = join(dir, 'study-out');
    const r = spawnSync(
      process.execPath,
      ['bin/scaleinv-lab.mjs', 'study', join(dir, 'study.json'), '--precisions', 'f64,dd', '--out', out],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const reference = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    const study = await runStudy(CONFIG, { precisions: ['f64', 'dd'], threads: 2 });
    // Timings differ from run to run; everything else is the same.
    const untimed = (s: { runs: { seconds?: number }[] }) => ({
      ...s,
      runs: s.runs.map(({ seconds: _, ...run }) => run),
    });
    expect(untimed(JSON.parse(JSON.stringify(study)))).toEqual(untimed(reference));
  });
});
