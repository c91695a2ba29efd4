/**
 * Entry point: WebGPU → (missing or failed to start) the CPU fallback drawn with WebGL2 → (no WebGL2
 * either) a plain message. The page is never blank, and `window.lab` always exists.
 * document.body.dataset.state becomes "ready" (WebGPU), "fallback" (WebGL2), "no-webgl" or "error" once
 * the page has settled.
 */
import { startFallback } from '../fallback/boot';
import { acquireGpu, GpuUnavailableError } from '../gpu/device';
import { Banners } from '../ui/banner';
import { App, type AppDom } from './app';
import { createLab } from './labApi';

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
}

function dom(): AppDom {
  return {
    canvas: element<HTMLCanvasElement>('view'),
    gui: element('gui'),
    legend: element('legend'),
    overlay: element('overlay'),
    drift: element('drift'),
  };
}

/** Why WebGPU cannot be used here, or the context when it can. */
async function tryWebGpu(): Promise<{ reason: string } | { ctx: Awaited<ReturnType<typeof acquireGpu>> }> {
  if (!navigator.gpu)
    return { reason: 'navigator.gpu is missing (this browser or its settings do not expose WebGPU)' };
  try {
    return { ctx: await acquireGpu() };
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    return { reason: e.message };
  }
}

async function boot(banners: Banners): Promise<void> {
  const gpu = await tryWebGpu();
  if ('reason' in gpu) {
    document.body.dataset.state = await startFallback(gpu.reason, dom(), banners);
    return;
  }
  const { ctx } = gpu;
  console.info(`[scaleinv-lab] WebGPU adapter: ${ctx.description}${ctx.isSoftware ? ' (software)' : ''}`);
  let app: App;
  try {
    app = await App.start(ctx, dom(), banners);
  } catch (e) {
    // A device that fails while starting (lost at the first present, a shader the driver rejects) must
    // not leave a blank canvas: the CPU fallback takes over.
    console.warn('[scaleinv-lab] WebGPU failed to start; using the CPU fallback:', e);
    ctx.device.destroy();
    const why = `WebGPU failed to start on ${ctx.description}: ${e instanceof Error ? e.message : String(e)}`;
    document.body.dataset.state = await startFallback(why, dom(), banners);
    return;
  }
  window.lab = createLab(app);
  document.body.dataset.state = 'ready';
}

const banners = new Banners(element('banners'));
boot(banners).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error('[scaleinv-lab] failed to start:', e);
  banners.show('boot', 'error', ['The playground failed to start.', message]);
  document.body.dataset.state = 'error';
});
