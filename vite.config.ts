import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  base: './',
  // One ~0.9 MB bundle (uPlot, lil-gui, regl, Mediabunny, webgpu-utils): fine for a local tool, so the
  // warning limit is raised rather than splitting the app into lazy chunks.
  // Two pages: the plane playground (index.html) and the models in ℝᵈ (models.html, issue 16).
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: { input: { main: page('./index.html'), models: page('./models.html') } },
  },
  worker: { format: 'es' },
});
