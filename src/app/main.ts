/**
 * Entry point: WebGPU → (missing or failed to start) the CPU fallback drawn with WebGL2 → (no WebGL2
 * either) a plain message. The page is never blank, and `window.lab` always exists.
 * document.body.dataset.state becomes "ready" (WebGPU), "fallback" (WebGL2), "no-webgl" or "error" once
 * the page has settled, and "recovering" while a lost GPU device is being replaced.
 */
import { startFallback } from '../fallback/boot';
import { acquireGpu, GpuUnavailableError } from '../gpu/device';
import { writeHash } from '../playground/urlState';
import { Banners } from '../ui/banner';
import { installEmbedMode } from '../ui/layout';
import { App, type AppDom, type AppSnapshot } from './app';
import { type AppHost, countRecovery, createLab } from './labApi';

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
    precision: element('precision'),
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
  const host = new RecoveringHost(app, banners);
  window.lab = createLab(host);
  document.body.dataset.state = 'ready';
}

/**
 * Keeps a playground running across device losses: on a loss it says so, takes the old App off the page,
 * acquires a new device and rebuilds the App from the last snapshot (config, view, step, play state).
 * If no device can be had any more, the CPU fallback takes over; nothing the user set up is lost.
 */
class RecoveringHost implements AppHost {
  snapshot: AppSnapshot | null = null;
  private pending: Promise<App> | null = null;

  constructor(
    public app: App | null,
    private readonly banners: Banners,
  ) {
    if (app) this.watch(app);
  }

  ready(): Promise<App> {
    return this.app
      ? Promise.resolve(this.app)
      : (this.pending ?? Promise.reject(new Error('no GPU device')));
  }

  private watch(app: App): void {
    app.onDeviceLost = (reason) => {
      try {
        this.snapshot = app.snapshot() ?? this.snapshot;
      } catch (e) {
        console.warn('[scaleinv-lab] no snapshot of the lost app; restoring the last one:', e);
      }
      this.app = null;
      app.dispose();
      this.banners.show('gpu', 'warning', [`The GPU device was lost (${reason}).`, 'Recovering…']);
      document.body.dataset.state = 'recovering';
      this.pending = this.recover();
      this.pending.catch(() => undefined);
    };
  }

  private async recover(): Promise<App> {
    const snap = this.snapshot;
    try {
      const ctx = await acquireGpu();
      const app = await App.start(ctx, dom(), this.banners, snap ?? undefined);
      this.app = app;
      this.watch(app);
      countRecovery();
      const at = snap ? ` at step ${snap.step}` : '';
      this.banners.show('gpu', 'info', [
        `The GPU device was lost and has been recreated; the run resumed${at}.`,
      ]);
      document.body.dataset.state = 'ready';
      return app;
    } catch (e) {
      const why = `the GPU device was lost and could not be recreated: ${e instanceof Error ? e.message : String(e)}`;
      if (snap) writeHash(snap.config, snap.view);
      document.body.dataset.state = await startFallback(why, dom(), this.banners);
      throw new Error(why);
    }
  }
}

installEmbedMode();
const banners = new Banners(element('banners'));
boot(banners).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error('[scaleinv-lab] failed to start:', e);
  banners.show('boot', 'error', ['The playground failed to start.', message]);
  document.body.dataset.state = 'error';
});
