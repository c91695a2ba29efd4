/**
 * Starting the page without WebGPU: the WebGL2 fallback when the browser has WebGL2, else a plain message
 * that cannot be dismissed (the page is never blank). `window.lab` is set either way.
 */
import { unavailableLab } from '../playground/labApi';
import { type Banners, noWebGpuLines } from '../ui/banner';
import { FALLBACK_MAX_TRAJECTORIES } from './cpuBatch';
import { FallbackApp, type FallbackDom } from './fallbackApp';
import { createFallbackLab } from './fallbackLab';
import { webgl2Context } from './fallbackRenderer';

export type FallbackOutcome = 'fallback' | 'no-webgl';

/** noWebGpuLines' "what is missing" and "how to get WebGPU", under a headline saying what runs instead. */
export function fallbackLines(reason: string, max = FALLBACK_MAX_TRAJECTORIES): string[] {
  const [, missing, howTo] = noWebGpuLines(reason);
  return [
    `WebGPU is not available in this browser: running a reduced CPU fallback (WebGL2, ${max} trajectories max).`,
    missing,
    howTo,
  ];
}

export function noWebglLines(reason: string): string[] {
  const [, missing, howTo] = noWebGpuLines(reason);
  return [
    'Neither WebGPU nor WebGL2 is available in this browser, so the playground cannot draw anything.',
    missing,
    'WebGL2 is missing too (it may be turned off in the browser settings, by a flag such as ' +
      '--disable-3d-apis or --disable-webgl, or by a blocklisted graphics driver).',
    howTo,
  ];
}

/** A plain, permanent message in the page (not a dismissable banner). */
function plainMessage(lines: string[]): HTMLElement {
  const el = document.createElement('div');
  el.id = 'plain-message';
  el.setAttribute('role', 'alert');
  el.style.cssText =
    'position:absolute;left:50%;top:50%;transform:translate(-50%,-50%);max-width:40em;padding:16px 20px;' +
    'background:#1b1b26;border:1px solid #555;border-radius:8px;line-height:1.5';
  lines.forEach((line, i) => {
    const p = document.createElement(i === 0 ? 'h2' : 'p');
    p.style.margin = i === 0 ? '0 0 8px' : '4px 0';
    p.style.fontSize = i === 0 ? '16px' : '13px';
    p.textContent = line;
    el.append(p);
  });
  document.body.append(el);
  return el;
}

/**
 * A canvas nobody has asked a context of: after a failed WebGPU start the old one may hold a "webgpu"
 * context, and a canvas gives only one kind. GUI, legend and overlay are emptied for the fallback's own.
 */
function freshDom(dom: FallbackDom): FallbackDom {
  const canvas = dom.canvas.cloneNode(false) as HTMLCanvasElement;
  dom.canvas.replaceWith(canvas);
  for (const el of [dom.gui, dom.legend, dom.overlay, dom.drift]) el?.replaceChildren();
  return { ...dom, canvas };
}

/** Shows the banner and starts the fallback, or shows the plain no-WebGL message. */
export async function startFallback(
  reason: string,
  dom: FallbackDom,
  banners: Banners,
): Promise<FallbackOutcome> {
  const fresh = freshDom(dom);
  const gl = webgl2Context(fresh.canvas);
  if (!gl) {
    banners.clear('gpu');
    plainMessage(noWebglLines(reason));
    window.lab = unavailableLab(`${reason}; WebGL2 is not available either`);
    return 'no-webgl';
  }
  banners.show('gpu', 'warning', fallbackLines(reason));
  const app = await FallbackApp.start(gl, fresh, banners);
  window.lab = createFallbackLab(app, FALLBACK_MAX_TRAJECTORIES);
  console.info(
    `[scaleinv-lab] WebGPU unavailable (${reason}); CPU fallback drawn with ${app.renderer.describe()}`,
  );
  return 'fallback';
}
