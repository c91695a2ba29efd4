// Bootstrap of a CLI worker thread (src/cli/cpuPool.ts): a worker does not inherit the main thread's module
// hooks, so it registers tsx and the ?raw loader itself before loading the TypeScript worker.
import './register.mjs';

await import('../src/cli/cpuWorker.ts');
