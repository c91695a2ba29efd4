// The package's library entry (`import { runConfig } from 'scaleinv-lab'`): registers tsx and the `?raw`
// hook, then re-exports src/api/index.ts. The import is dynamic because a static one would be loaded
// before the hooks are registered. Types: lib.d.ts beside this file.
import './register.mjs';

const api = await import('../src/api/index.ts');

export const { ConfigError, runConfig, runStudy, toCsv, validateConfig, writeArrowRun } = api;
