/**
 * End-to-end harness: builds the app, serves it with `vite preview`, and launches Debian's Chromium with
 * the flags that give WebGPU on SwiftShader (/work/shared/ENVIRONMENT.md). Never downloads a browser.
 * Other browser setups for the fallbacks: `launchBrowser('webgl2')` (no WebGPU, WebGL2 on SwiftShader)
 * and `launchBrowser('none')` (neither). A test file may build and serve its own copy (outDir, port) so
 * that it does not race another file's build.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = resolve(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PORT = 4179;
export const BASE_URL = `http://127.0.0.1:${PORT}/`;

export const WEBGPU_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=vulkan',
  '--use-webgpu-adapter=swiftshader',
  '--headless=new',
];

/** Flags every setup shares (no sandbox, no network chatter), headless. */
const COMMON_FLAGS = WEBGPU_FLAGS.filter(
  (f) =>
    !['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader'].includes(f) &&
    !f.startsWith('--use-angle=') &&
    !f.startsWith('--use-webgpu-adapter='),
);

/** No WebGPU (navigator.gpu is undefined), WebGL2 through ANGLE on SwiftShader. */
export const WEBGL2_ONLY_FLAGS = [
  ...COMMON_FLAGS,
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-features=WebGPU',
];

/** Neither WebGPU nor WebGL (getContext('webgl2') and getContext('webgl') return null). */
export const NO_3D_FLAGS = [...COMMON_FLAGS, '--disable-3d-apis'];

export type BrowserSetup = 'webgpu' | 'webgl2' | 'none';

const SETUP_FLAGS: Record<BrowserSetup, string[]> = {
  webgpu: WEBGPU_FLAGS,
  webgl2: WEBGL2_ONLY_FLAGS,
  none: NO_3D_FLAGS,
};

/**
 * Whether this file's end-to-end tests can run: true when Chromium (and any `extra` requirement) is here.
 * Otherwise they must not silently pass: in CI this throws, elsewhere it warns that they are skipped.
 */
export function e2eAvailable(extra: { ok: boolean; why: string } = { ok: true, why: '' }): boolean {
  const chromium = chromiumAvailable();
  if (chromium && extra.ok) return true;
  const why = chromium
    ? extra.why
    : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`[e2e] ${why}; end-to-end tests must run in CI`);
  console.warn(`[e2e] SKIPPED: ${why}`);
  return false;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export interface ServeOptions {
  /** Build output folder (default vite's dist/); may be outside the repository. */
  outDir?: string;
  port?: number;
}

export function baseUrl(port = PORT): string {
  return `http://127.0.0.1:${port}/`;
}

export function buildApp(options: ServeOptions = {}): void {
  const out = options.outDir ? ['--outDir', options.outDir, '--emptyOutDir'] : [];
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', ...out], { cwd: ROOT, stdio: 'inherit' });
}

/** Starts `vite preview` on PORT (or options.port) and resolves once it answers. */
export async function startPreview(timeoutMs = 30_000, options: ServeOptions = {}): Promise<ChildProcess> {
  const port = options.port ?? PORT;
  const url = baseUrl(port);
  const out = options.outDir ? ['--outDir', options.outDir] : [];
  const server = spawn(
    'npx',
    ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', ...out],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: npx and vite are stopped together
    },
  );
  let output = '';
  server.stdout?.on('data', (d) => {
    output += d;
  });
  server.stderr?.on('data', (d) => {
    output += d;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode}):\n${output}`);
    try {
      const res = await fetch(url);
      if (res.ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopPreview(server);
  throw new Error(`vite preview did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
}

export function stopPreview(server: ChildProcess | undefined): void {
  if (!server?.pid || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Chromium with WebGPU on SwiftShader (default), WebGL2 only, or no 3-D API at all. */
export function launchBrowser(setup: BrowserSetup = 'webgpu'): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: SETUP_FLAGS[setup], env: browserEnv() });
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The browser's environment, naming SwiftShader's Vulkan driver when it is there. Once a system Vulkan
 * loader is installed (Debian's libvulkan1, which ffmpeg's dependencies bring) Chromium loads it, and it
 * finds no driver unless told: then ANGLE cannot create a Vulkan surface, and WebGPU dies at its first
 * canvas present or compile ("A valid external Instance reference no longer exists", "Instance dropped
 * error in getCompilationInfo"). Measured: every canvas present failed without it, none with it.
 */
function browserEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return env;
}

/** `#c=` hash for a config object (or any JSON value). */
export function hashFor(config: unknown): string {
  return `#c=${encodeURIComponent(JSON.stringify(config))}`;
}
