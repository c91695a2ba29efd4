/**
 * CLI fuzz: a few hundred generated bad configs through `scaleinv-lab run` (the real `main`, in process).
 * Each must exit 2 with exactly one line on stderr naming a field, and never a stack trace; the few
 * mutations that happen to be valid must run and print finite numbers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/core/config/validate';
import { trajectoryCount } from '../../src/core/init';

const BASE = {
  loss: { preset: 'seed-wells' },
  optimizer: { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 1 },
  init: { ring: { count: 4, radius: 1 } },
  steps: 5,
  sampleEvery: 5,
  driftTolerance: 1e-3,
  precision: 'f64',
  backend: 'cpu',
};

/** Leaf paths of BASE, each a list of keys. */
function paths(o: unknown, prefix: string[] = []): string[][] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [prefix];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => [
    prefix.concat(k),
    ...paths(v, prefix.concat(k)),
  ]);
}
const PATHS = paths(BASE).filter((p) => p.length > 0);

/** Hostile values: wrong types, NaN/Infinity as strings (JSON has no NaN), huge and tiny numbers, nesting. */
const hostile = fc.oneof(
  fc.constantFrom<unknown>(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    null,
    true,
    [],
    {},
    '',
    1e308,
    -1e308,
    5e-324,
    -0,
    2 ** 53 + 1,
    [[[[[]]]]],
    { a: { b: { c: {} } } },
    'sin(theta',
    '__proto__',
  ),
  fc.string({ maxLength: 20 }),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

function mutate(path: string[], value: unknown, remove: boolean): unknown {
  const c = structuredClone(BASE) as Record<string, unknown>;
  let o = c as Record<string, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (remove) delete o[last];
  else o[last] = value;
  return c;
}

describe('CLI fuzz over generated bad configs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleinv-fuzz-'));
  let stderr: string[] = [];
  let stdout: string[] = [];
  afterEach(() => vi.restoreAllMocks());

  async function runCli(config: unknown, raw?: string): Promise<number> {
    const file = join(dir, 'c.json');
    writeFileSync(file, raw ?? JSON.stringify(config));
    stderr = [];
    stdout = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr.push(String(s));
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      stdout.push(String(s));
      return true;
    });
    try {
      return await main(['run', file]);
    } finally {
      vi.restoreAllMocks();
    }
  }

  it('300 mutated configs: exit 2 with one line naming the field, or (when valid) finite output', async () => {
    let rejected = 0;
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), hostile, fc.boolean(), async (path, value, remove) => {
        const config = mutate(path, value, remove);
        let ok = true;
        try {
          const c = validateConfig(config);
          if (trajectoryCount(c.init) * c.steps > 20_000 || c.backend === 'gpu') return; // valid but slow or GPU
        } catch {
          ok = false;
        }
        const code = await runCli(config);
        if (!ok) {
          rejected++;
          expect(code, JSON.stringify(config)).toBe(2);
          const text = stderr.join('');
          expect(text.trim().split('\n')).toHaveLength(1);
          expect(text).not.toMatch(/\n\s+at /); // no stack trace
          expect(text).toMatch(/^scaleinv-lab: /);
        } else {
          valid++;
          expect(code).toBe(0);
          const out = JSON.parse(stdout.join(''));
          for (const t of out.trajectories)
            for (const [x, y] of t.samples.wd) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
    console.log(`[fuzz] ${rejected} bad configs rejected with exit 2, ${valid} valid mutations ran`);
    expect(rejected).toBeGreaterThan(150);
  }, 120_000);

  it('files that are not JSON objects: exit 2, one line', async () => {
    for (const raw of [
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '{"steps": NaN}',
      '\u0000',
      `{"loss": {"expression": "${'('.repeat(5000)}"}}`,
    ]) {
      const code = await runCli(null, raw);
      expect(code, raw.slice(0, 40)).toBe(2);
      expect(stderr.join('').trim().split('\n')).toHaveLength(1);
    }
  });
});
