/**
 * End-to-end harness: builds the app, serves it with `vite preview`, and launches Debian's Chromium with
 * the flags that give WebGPU on SwiftShader (/work/shared/ENVIRONMENT.md). Never downloads a browser.
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

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export function buildApp(): void {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/** Starts `vite preview` on PORT and resolves once it answers. */
export async function startPreview(timeoutMs = 30_000): Promise<ChildProcess> {
  const server = spawn(
    'npx',
    ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'],
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
      const res = await fetch(BASE_URL);
      if (res.ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopPreview(server);
  throw new Error(`vite preview did not answer on ${BASE_URL} within ${timeoutMs} ms:\n${output}`);
}

export function stopPreview(server: ChildProcess | undefined): void {
  if (!server?.pid || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_FLAGS });
}

/** `#c=` hash for a config object (or any JSON value). */
export function hashFor(config: unknown): string {
  return `#c=${encodeURIComponent(JSON.stringify(config))}`;
}
