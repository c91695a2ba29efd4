/**
 * End-to-end harness: builds the app, serves it with `vite preview`, and launches Debian's Chromium with
 * the flags that give WebGPU on SwiftShader (/work/shared/ENVIRONMENT.md). Never downloads a browser.
 * Other browser setups for the fallbacks: `launchBrowser('webgl2')` (no WebGPU, WebGL2 on SwiftShader)
 * and `launchBrowser('none')` (neither). A test file calls `useE2eApp({ outDir, port })` to build and serve
 * its own copy (so that it does not race another file's build) and opens pages with `app.open()`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { installPagePixels } from './pixels';

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

/** Writes a base64 file (a PNG or video carried out of the page) to dir/name; returns its path. */
export function saveBase64(dir: string, name: string, base64: string): string {
  const file = join(dir, name);
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return file;
}

/** Writes a file's report lines to dir/report.txt and prints them. */
export function writeReport(dir: string, lines: string[]): void {
  writeFileSync(join(dir, 'report.txt'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

export interface OpenOptions {
  /** Default 1024×640. */
  viewport?: { width: number; height: number };
  /** Which of the app's browsers (default: the first launched). */
  setup?: BrowserSetup;
  acceptDownloads?: boolean;
  /** Runs in the page before the app's scripts (page.addInitScript). */
  init?: () => void;
  /** Whether console.error messages count as errors besides uncaught exceptions (default true). */
  consoleErrors?: boolean;
  /** The body's data-state the page must reach once it has left 'loading' (checked with expect). */
  state?: string;
}

export interface OpenedPage {
  page: Page;
  /** The page's errors, collected from the start: a test expects none. */
  errors: string[];
}

export interface E2eAppOptions extends Omit<ServeOptions, 'outDir'> {
  /** Build output folder; a function is called when the app is built (e.g. a fresh mkdtemp). */
  outDir?: string | (() => string);
  /** Browsers to launch (default: WebGPU only); `open` uses the first unless told. */
  setups?: BrowserSetup[];
  /** Defaults for every `open`. */
  page?: OpenOptions;
}

/**
 * A built and served copy of the app with its browsers. `useE2eApp` starts it before a file's tests and
 * stops it after them; `open` gives a page that has loaded the app.
 */
export class E2eApp {
  readonly url: string;
  private server: ChildProcess | undefined;
  private readonly browsers = new Map<BrowserSetup, Browser>();

  constructor(private readonly options: E2eAppOptions = {}) {
    this.url = baseUrl(options.port);
  }

  async start(): Promise<void> {
    const { outDir: out, port } = this.options;
    const outDir = typeof out === 'function' ? out() : out;
    buildApp({ outDir });
    this.server = await startPreview(30_000, { outDir, port });
    for (const setup of this.options.setups ?? ['webgpu'])
      this.browsers.set(setup, await launchBrowser(setup));
  }

  browser(setup?: BrowserSetup): Browser {
    const browser = setup ? this.browsers.get(setup) : this.browsers.values().next().value;
    if (!browser) throw new Error(`[e2e] no browser launched${setup ? ` for ${setup}` : ''}`);
    return browser;
  }

  /** A new page at url + `path` (a hash or query), with the pixel helpers installed (pixels.ts). */
  async open(path = '', options: OpenOptions = {}): Promise<OpenedPage> {
    const o = { ...this.options.page, ...options };
    const page = await this.browser(o.setup).newPage({
      viewport: o.viewport ?? { width: 1024, height: 640 },
      ...(o.acceptDownloads ? { acceptDownloads: true } : {}),
    });
    const errors: string[] = [];
    if (o.consoleErrors ?? true)
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(installPagePixels);
    if (o.init) await page.addInitScript(o.init);
    await page.goto(this.url + path);
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60_000 });
    if (o.state) expect(await page.evaluate(() => document.body.dataset.state)).toBe(o.state);
    return { page, errors };
  }

  async close(): Promise<void> {
    try {
      for (const browser of this.browsers.values()) await browser.close();
    } finally {
      stopPreview(this.server);
    }
  }
}

/** An E2eApp started in beforeAll (build, serve, launch: `timeout` ms at most) and closed in afterAll. */
export function useE2eApp(options: E2eAppOptions & { timeout?: number } = {}): E2eApp {
  const app = new E2eApp(options);
  beforeAll(() => app.start(), options.timeout ?? 180_000);
  afterAll(() => app.close());
  return app;
}
