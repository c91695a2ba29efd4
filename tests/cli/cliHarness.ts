/**
 * The real `scaleinv-lab` command line for the CLI tests: spawned as a process (bin/scaleinv-lab.mjs through
 * tsx) without SCALEINV_DEBUG, and a temporary directory with the test file's config.json in it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], timeout = 60_000): CliResult {
  const env = { ...process.env };
  delete env.SCALEINV_DEBUG;
  const r = spawnSync(process.execPath, ['bin/scaleinv-lab.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    timeout,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A directory made before the calling file's tests (removed after them) holding `config` as config.json;
 * read `dir` and `config` inside the tests.
 */
export function tempConfig(prefix: string, config: unknown): { dir: string; config: string } {
  const paths = { dir: '', config: '' };
  beforeAll(() => {
    paths.dir = mkdtempSync(join(tmpdir(), prefix));
    paths.config = join(paths.dir, 'config.json');
    writeFileSync(paths.config, JSON.stringify(config));
  });
  afterAll(() => {
    rmSync(paths.dir, { recursive: true, force: true });
  });
  return paths;
}
