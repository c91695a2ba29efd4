/**
 * Entry point: acquire WebGPU, start the playground and expose `window.lab`. Without WebGPU, or if
 * starting fails, a banner says what is missing and how to get it; the page is never blank.
 * document.body.dataset.state becomes "ready", "no-webgpu" or "error" once the page has settled.
 */
import { acquireGpu, GpuUnavailableError } from '../gpu/device';
import { Banners, noWebGpuLines } from '../ui/banner';
import { App } from './app';
import { createLab, unavailableLab } from './labApi';

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
}

async function boot(banners: Banners): Promise<void> {
  const noWebGpu = (reason: string) => {
    banners.show('gpu', 'error', noWebGpuLines(reason));
    window.lab = unavailableLab(reason);
    document.body.dataset.state = 'no-webgpu';
  };
  if (!navigator.gpu) {
    noWebGpu('navigator.gpu is missing (this browser or its settings do not expose WebGPU)');
    return;
  }
  let ctx: Awaited<ReturnType<typeof acquireGpu>>;
  try {
    ctx = await acquireGpu();
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    noWebGpu(e.message);
    return;
  }
  console.info(`[scaleinv-lab] WebGPU adapter: ${ctx.description}${ctx.isSoftware ? ' (software)' : ''}`);
  const app = await App.start(
    ctx,
    {
      canvas: element<HTMLCanvasElement>('view'),
      gui: element('gui'),
      legend: element('legend'),
      overlay: element('overlay'),
    },
    banners,
  );
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
