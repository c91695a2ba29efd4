/**
 * The package as a user gets it: `npm pack`, then `npm install --omit=dev <tarball>` into an empty folder,
 * then the installed `scaleinv-lab` runs `run` on both backends, `study` and `selftest`, the library
 * import gives the same output as the command line, and its types check in a TypeScript consumer. Before
 * that, every bare import in src/ and bin/ must name a runtime dependency (a devDependency is absent from
 * such an install). Without a WebGPU adapter the GPU commands are skipped loudly, and fail in CI.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const ENV = {
  ...process.env,
  ...(process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER) ? {} : { VK_ICD_FILENAMES: SWIFTSHADER }),
};

function sh(cmd: string, args: string[], cwd: string, timeout = 240_000) {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  const seconds = (performance.now() - started) / 1000;
  console.log(`[package] ${cmd} ${args.join(' ').slice(0, 80)}: exit ${r.status}, ${seconds.toFixed(1)} s`);
  return r;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|mjs)$/.test(name) ? [p] : [];
  });
}

describe('runtime imports', () => {
  it('every bare import in src/ and bin/ is a runtime dependency', () => {
    const bare = new Map<string, string>();
    const importRe = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
    for (const file of [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'bin'))]) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const m of code.matchAll(importRe)) {
        const spec = m[1];
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        bare.set(name, file.slice(ROOT.length + 1));
      }
    }
    // src/gpu/device.ts loads Dawn's bindings by a name held in a variable (so bundlers leave it alone).
    bare.set('webgpu', 'src/gpu/device.ts');
    const missing = [...bare].filter(([name]) => !(name in PKG.dependencies)).map(([n, f]) => `${n} (${f})`);
    expect(missing).toEqual([]);
    // The check can fail: a test-only package is not a runtime dependency.
    expect('vitest' in PKG.dependencies || 'playwright-core' in PKG.dependencies).toBe(false);
    expect(bare.size).toBeGreaterThan(3);
  });
});

describe('npm pack, install --omit=dev, run', () => {
  let dir: string;
  let app: string;
  let gpuAvailable = true;
  const bin = () => join(app, 'node_modules', '.bin', 'scaleinv-lab');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scaleinv-package-'));
    app = join(dir, 'app');
    const packed = sh('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], ROOT);
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const size = statSync(join(dir, tarball as string)).size;
    console.log(`[package] ${tarball}: ${(size / 1024).toFixed(0)} KiB`);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
    const installed = sh(
      'npm',
      [
        'install',
        '--omit=dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        join(dir, tarball as string),
      ],
      app,
    );
    expect(installed.status, installed.stderr).toBe(0);
    writeFileSync(join(app, 'config.json'), readFileSync(join(ROOT, 'examples/single-well.json')));
    writeFileSync(
      join(app, 'study.json'),
      JSON.stringify({
        loss: { preset: 'double-well' },
        init: { ring: { count: 16, radius: 1 } },
        steps: 400,
      }),
    );
  }, 420_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the sources, shaders, launcher, library entry and types, and no tests', () => {
    const files = sh('tar', ['tzf', readdirSync(dir).find((f) => f.endsWith('.tgz')) as string], dir).stdout;
    for (const f of ['bin/scaleinv-lab.mjs', 'bin/lib.mjs', 'types/index.d.ts', 'src/api/index.ts']) {
      expect(files).toContain(`package/${f}`);
    }
    expect(files).toMatch(/package\/shaders\/\w+\.wgsl/);
    expect(files).not.toMatch(/package\/tests\//);
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
  });

  it('run --backend cpu', () => {
    const r = sh(bin(), ['run', 'config.json', '--backend', 'cpu', '--out', 'cpu.json'], app);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(app, 'cpu.json'), 'utf8'));
    expect(out).toMatchObject({ backend: 'cpu', precision: 'f64' });
    const config = JSON.parse(readFileSync(join(app, 'config.json'), 'utf8'));
    expect(out.trajectories.length).toBe(config.init.points.length);
  });

  it('run --backend gpu (Dawn)', () => {
    const r = sh(
      bin(),
      ['run', 'config.json', '--backend', 'gpu', '--precision', 'f32', '--out', 'gpu.json'],
      app,
    );
    if (r.status !== 0 && /WebGPU|adapter/i.test(r.stderr) && !process.env.CI) {
      gpuAvailable = false;
      console.warn(`[package] SKIPPED the GPU commands: no WebGPU adapter: ${r.stderr.trim()}`);
      return;
    }
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(app, 'gpu.json'), 'utf8'));
    expect(out.backend).toBe('gpu');
    expect(typeof out.adapter).toBe('string');
  });

  it('study', () => {
    const r = sh(bin(), ['study', 'study.json', '--out', 'study-out'], app);
    expect(r.status, r.stderr).toBe(0);
    const study = JSON.parse(readFileSync(join(app, 'study-out', 'study.json'), 'utf8'));
    const ran = study.runs.map((run: { precision: string }) => run.precision);
    expect(ran).toEqual(gpuAvailable ? ['f32', 'df64', 'f64', 'dd'] : ['f64', 'dd']);
  });

  it('selftest', () => {
    if (!gpuAvailable) return;
    const r = sh(bin(), ['selftest', '--pairs', '2000'], app);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verdict: df64 usable/);
  });

  it("the library import gives the command line's output", () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { runConfig, runStudy, validateConfig } from 'scaleinv-lab';
      const config = validateConfig(JSON.parse(readFileSync('config.json', 'utf8')));
      const out = await runConfig(config, { backend: 'cpu', threads: 2 });
      const study = await runStudy(readFileSync('study.json', 'utf8'), { precisions: ['f64'], threads: 2 });
      console.log(JSON.stringify({ out, studyRuns: study.runs.length }));`;
    const r = sh(process.execPath, ['--input-type=module', '-e', script], app);
    expect(r.status, r.stderr).toBe(0);
    const { out, studyRuns } = JSON.parse(r.stdout);
    // The reference: what the installed command line wrote for the same config.
    expect(JSON.stringify(out)).toBe(JSON.stringify(JSON.parse(readFileSync(join(app, 'cpu.json'), 'utf8'))));
    expect(studyRuns).toBe(1);
  });

  it('the types check in a TypeScript consumer (and reject a wrong backend)', () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { type RunOutput, runConfig, runStudy, type StudyResult } from 'scaleinv-lab';
const out: RunOutput = await runConfig({ loss: { preset: 'double-well' } }, { backend: 'cpu' });
const gap: number | null = out.trajectories[0].samples.angleGap[0];
const study: StudyResult = await runStudy('{}', { precisions: ['f64'] });
console.log(gap, study.runs.length);
// @ts-expect-error: the backend is 'cpu' or 'gpu'
await runConfig({}, { backend: 'tpu' });
`,
    );
    // Only the package's own types: no @types of its dependencies, and its .d.ts checked too.
    const compilerOptions = {
      strict: true,
      noEmit: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: [],
      skipLibCheck: false,
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = sh(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    expect(r.status, r.stdout).toBe(0);
  });
});
