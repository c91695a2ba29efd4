/**
 * `scaleinv-lab study` as a spawned process: files and table for the CPU precisions (no GPU needed), bad
 * usage (exit 2, one line), and f32/df64 on the GPU when an adapter is found (skipped loudly otherwise).
 * The steps in study.json are checked against `scaleinv-lab run`-equivalent runCpu outputs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/validate';
import { runCpu } from '../../src/core/run/cpuRun';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = mkdtempSync(join(tmpdir(), 'scaleinv-study-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

function cli(args: string[], timeout = 120_000) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
  };
  delete env.SCALEINV_DEBUG;
  const r = spawnSync(process.execPath, ['bin/scaleinv-lab.mjs', 'study', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    timeout,
  });
  if (r.error) throw r.error;
  return r;
}

const TINY = {
  loss: { preset: 'rugged' },
  optimizer: { lr: 0.1, weightDecay: 0.05 },
  init: { ring: { count: 12, radius: 1 } },
  steps: 800,
};
const tinyFile = join(DIR, 'tiny.json');
writeFileSync(tinyFile, JSON.stringify(TINY));

describe('study on the CPU (f64, dd)', () => {
  const out = join(DIR, 'cpu');
  const r = cli([tinyFile, '--precisions', 'dd,f64', '--subset', '5', '--out', out]);

  it('exits 0 with a table on stdout and plain stage lines on stderr (not a TTY)', () => {
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^precision\s+bits/m);
    expect(r.stdout).toMatch(/^f64\s+53\s+5\s/m);
    expect(r.stdout).toMatch(/steps per bit/);
    expect(r.stderr).toMatch(/study: \[1\/3\] f64/);
    expect(r.stderr).not.toMatch(/\r/);
  });

  it('writes study.json, study.csv and study.svg whose steps are those of plain runs', () => {
    for (const f of ['study.json', 'study.csv', 'study.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    expect(study.runs.map((x: { precision: string }) => x.precision)).toEqual(['f64', 'dd']);
    expect(study.runs[1].trajectories).toBe(5);
    const config = validateConfig(TINY);
    const f64 = runCpu({ ...config, precision: 'f64' });
    const dd = runCpu({
      ...config,
      precision: 'dd',
      init: { points: f64.trajectories.slice(0, 5).map((t) => t.init) },
    });
    expect(study.trajectories.map((t: { divergenceStep: { f64: number } }) => t.divergenceStep.f64)).toEqual(
      f64.trajectories.map((t) => t.divergenceStep),
    );
    expect(
      study.trajectories.slice(0, 5).map((t: { divergenceStep: { dd: number } }) => t.divergenceStep.dd),
    ).toEqual(dd.trajectories.map((t) => t.divergenceStep));
    const csv = readFileSync(join(out, 'study.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(13);
    expect(csv[0].split(',')).toContain('divergence_dd');
    expect(csv[12].split(',')[csv[0].split(',').indexOf('divergence_dd')]).toBe('NA');
  });
});

describe('study against the mp reference (f64, mp at --bits 128)', () => {
  const out = join(DIR, 'mp');
  const r = cli([tinyFile, '--precisions', 'mp,f64', '--subset', '2', '--bits', '128', '--out', out]);

  it('exits 0; the table has causes, departures and the reference horizon line', () => {
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/chaos\s+absorbed\s+range\s+prec\.\s+wd depart\s+exp depart\s+untrusted/);
    expect(r.stdout).toMatch(/^mp\s+128\s+2\s/m);
    expect(r.stdout).toMatch(/reference: mp 128 bits .* 128 and 256 bits differ/);
  });

  it('writes the departure and cause columns, NA where they do not apply', () => {
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    expect(study.runs.map((x: { precision: string; bits: number }) => [x.precision, x.bits])).toEqual([
      ['f64', 53],
      ['mp', 128],
    ]);
    expect(study.aggregate.reference).toMatchObject({ bits: 128, horizonBits: 256, n: 2 });
    const csv = readFileSync(join(out, 'study.csv'), 'utf8').trimEnd().split('\n');
    const head = csv[0].split(',');
    for (const c of [
      'cause_f64',
      'wd_absorbed_f64',
      'exp_absorbed_f64',
      'wd_departure_f64',
      'exp_departure_f64',
    ])
      expect(head).toContain(c);
    const cell = (row: number, col: string) => csv[row + 1].split(',')[head.indexOf(col)];
    expect(cell(0, 'wd_departure_f64')).toBe(String(study.trajectories[0].wdDeparture.f64 ?? ''));
    expect(cell(0, 'wd_departure_mp')).toBe('NA');
    expect(cell(5, 'exp_departure_f64')).toBe('NA');
    expect(cell(5, 'cause_f64')).toBe(study.trajectories[5].cause.f64 ?? '');
  });
});

describe('study: bad usage exits 2 with one line', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown precision', [tinyFile, '--precisions', 'f64,f65'], /f65/],
    ['repeated precision', [tinyFile, '--precisions', 'f64,f64'], /repeats/],
    ['bad subset', [tinyFile, '--subset', '0'], /--subset/],
    ['no config', [], /exactly one config/],
    ['missing file', [join(DIR, 'nope.json')], /no such file/],
    ['unknown option', [tinyFile, '--bitz', '3'], /bitz/],
    ['bits out of range', [tinyFile, '--precisions', 'f64,mp', '--bits', '3'], /--bits 3 must be an integer/],
    ['bits not an integer', [tinyFile, '--precisions', 'mp', '--bits', '100.5'], /--bits 100\.5/],
    ['bits without mp', [tinyFile, '--bits', '128'], /add mp/],
  ];
  for (const [name, args, msg] of cases) {
    it(name, () => {
      const r = cli(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l && !/XDG_RUNTIME_DIR/.test(l));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(msg);
    });
  }
  it('a bad config', () => {
    const bad = join(DIR, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...TINY, steps: -1 }));
    const r = cli([bad]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/steps/);
  });
});

describe('study on the GPU (f32, df64) beside f64', () => {
  const out = join(DIR, 'gpu');
  const file = join(DIR, 'gpu.json');
  writeFileSync(file, JSON.stringify({ ...TINY, init: { ring: { count: 64, radius: 1 } }, steps: 1200 }));
  const r = cli([file, '--precisions', 'f32,df64,f64', '--out', out], 300_000);
  const noAdapter = r.status === 1 && /adapter|WebGPU is not available/i.test(r.stderr);

  it('orders the medians f32 < df64 ≤ f64 on the chaotic preset (or says why it cannot run)', (ctx) => {
    if (noAdapter) {
      if (process.env.CI) throw new Error(`no WebGPU adapter in CI: ${r.stderr}`);
      console.warn(`[study gpu test] SKIPPED: ${r.stderr.trim()}`);
      ctx.skip();
    }
    expect(r.status, r.stderr).toBe(0);
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    console.log(`[study gpu test] adapter: ${study.adapter}`);
    const med = Object.fromEntries(
      study.aggregate.rows.map((x: { precision: string; medianDivergence: number }) => [
        x.precision,
        x.medianDivergence,
      ]),
    );
    expect(med.f32).toBeLessThan(med.df64);
    expect(med.df64).toBeLessThanOrEqual(med.f64);
    const df64 = study.runs.find((x: { precision: string }) => x.precision === 'df64');
    expect(df64.backend).toBe('gpu');
    expect(df64.bitsSource).toBe('probe');
    expect(df64.bits).toBeGreaterThan(40);
  });
});
