import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  // One ~0.9 MB bundle (uPlot, lil-gui, regl, Mediabunny, webgpu-utils): fine for a local tool, so the
  // warning limit is raised rather than splitting the app into lazy chunks.
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1500 },
  worker: { format: 'es' },
});
