// Lets Node run the TypeScript sources directly: tsx for TypeScript, plus a hook for Vite-style `?raw`
// imports of WGSL files. Used by the CLI launcher and the benchmark (`node --import ./bin/register.mjs`).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered after tsx so it runs first in the chain and answers `?raw` before tsx sees it.
register('./raw-loader.mjs', import.meta.url);
