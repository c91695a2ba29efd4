#!/usr/bin/env node
// Launcher: runs the TypeScript sources directly (tsx), with a loader hook for Vite-style `?raw` imports
// of WGSL files, so the CLI executes exactly the code and shaders the browser app uses. No build step.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered after tsx so it runs first in the chain and answers `?raw` before tsx sees it.
register('./raw-loader.mjs', import.meta.url);

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
