#!/usr/bin/env node
// Launcher: runs the TypeScript sources directly (no build step), so the CLI executes exactly the code
// and the WGSL the browser app uses.
import './register.mjs';

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
