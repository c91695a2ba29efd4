/**
 * The fallback's drawing, with regl on a WebGL2 context: the loss heatmap is evaluated on the CPU at half
 * the canvas resolution, coloured through the same viridis stops as the WebGPU heatmap
 * (src/render/colormap.ts) into an RGBA texture, and redrawn only when the view changes; the paths are
 * two line-list draws (weight-decay run white, projected exponential run orange, dashed by the worker).
 * preserveDrawingBuffer keeps the last frame readable for screenshots.
 */
import createREGL from 'regl';
import { type FourierLoss, lossRange } from '../core/loss';
import type { Camera, WorldRect } from '../render/camera';
import { VIRIDIS } from '../render/colormap';
import { pathAlpha } from '../render/paths';

const WD_COLOR: [number, number, number] = [1, 1, 1];
const EX_COLOR: [number, number, number] = [1, 0.42, 0.1];

/** What is drawn: the heatmap, the weight-decay run, the projected exponential run. */
export interface Shown {
  heatmap: boolean;
  wd: boolean;
  ex: boolean;
}
const ALL: Shown = { heatmap: true, wd: true, ex: true };

/** A WebGL2 context on `canvas`, or null when the browser has none. */
export function webgl2Context(canvas: HTMLCanvasElement): WebGL2RenderingContext | null {
  try {
    return canvas.getContext('webgl2', { preserveDrawingBuffer: true, antialias: false, alpha: false });
  } catch {
    return null;
  }
}

/** viridis at t ∈ [0, 1] as sRGB bytes, interpolated between stops exactly as the WGSL colormap(). */
export function colormapBytes(t: number, out: Uint8Array, o: number): void {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  out[o] = Math.round(a[0] + (b[0] - a[0]) * f);
  out[o + 1] = Math.round(a[1] + (b[1] - a[1]) * f);
  out[o + 2] = Math.round(a[2] + (b[2] - a[2]) * f);
  out[o + 3] = 255;
}

/**
 * RGBA bytes of L = f(θ) at the centres of a width × height grid over `rect` (row 0 at the bottom), via
 * complex powers of the unit vector as the WGSL field kernel does; L is 0 at the origin.
 */
export function heatmapPixels(
  loss: FourierLoss,
  rect: WorldRect,
  width: number,
  height: number,
  range: { min: number; max: number },
): Uint8Array {
  const out = new Uint8Array(4 * width * height);
  const span = Math.max(range.max - range.min, 1e-30);
  const K = loss.a.length;
  for (let iy = 0; iy < height; iy++) {
    const y = rect.y0 + ((iy + 0.5) * (rect.y1 - rect.y0)) / height;
    for (let ix = 0; ix < width; ix++) {
      const x = rect.x0 + ((ix + 0.5) * (rect.x1 - rect.x0)) / width;
      const r = Math.hypot(x, y);
      let f = 0;
      if (r > 0) {
        const ux = x / r;
        const uy = y / r;
        let c = ux;
        let s = uy;
        for (let k = 0; k < K; k++) {
          f += loss.a[k] * c + loss.b[k] * s;
          const cn = c * ux - s * uy;
          s = c * uy + s * ux;
          c = cn;
        }
      }
      colormapBytes((f - range.min) / span, out, 4 * (iy * width + ix));
    }
  }
  return out;
}

export class FallbackRenderer {
  private readonly regl: createREGL.Regl;
  private readonly heatTexture: createREGL.Texture2D;
  private readonly buffers: [createREGL.Buffer, createREGL.Buffer];
  private readonly drawHeat: createREGL.DrawCommand;
  private readonly drawLines: createREGL.DrawCommand;
  private vertices: [number, number] = [0, 0];
  private alpha = 1;
  private loss: FourierLoss | null = null;
  private heatFor = '';
  range = { min: 0, max: 1 };
  /** Milliseconds of the last render() (heatmap recompute included when it happened). */
  lastRenderMs = Number.NaN;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    gl: WebGL2RenderingContext,
  ) {
    this.regl = createREGL({ gl: gl as unknown as WebGLRenderingContext });
    const regl = this.regl;
    this.heatTexture = regl.texture({ width: 1, height: 1, min: 'linear', mag: 'linear', wrap: 'clamp' });
    this.buffers = [
      regl.buffer({ usage: 'dynamic', type: 'float', length: 0 }),
      regl.buffer({ usage: 'dynamic', type: 'float', length: 0 }),
    ];
    this.drawHeat = regl({
      vert: `
        precision highp float;
        attribute vec2 p;
        varying vec2 uv;
        void main() { uv = p * 0.5 + 0.5; gl_Position = vec4(p, 0.0, 1.0); }`,
      frag: `
        precision mediump float;
        uniform sampler2D heat;
        varying vec2 uv;
        void main() { gl_FragColor = texture2D(heat, uv); }`,
      attributes: { p: [-1, -1, 3, -1, -1, 3] },
      uniforms: { heat: this.heatTexture },
      count: 3,
      depth: { enable: false },
    });
    this.drawLines = regl({
      vert: `
        precision highp float;
        attribute vec2 p;
        uniform vec2 scale;
        uniform vec2 offset;
        void main() { gl_Position = vec4(p * scale + offset, 0.0, 1.0); }`,
      frag: `
        precision mediump float;
        uniform vec4 color;
        void main() { gl_FragColor = color; }`,
      attributes: { p: regl.prop<{ buffer: createREGL.Buffer }, 'buffer'>('buffer') },
      uniforms: {
        scale: regl.prop<{ scale: number[] }, 'scale'>('scale'),
        offset: regl.prop<{ offset: number[] }, 'offset'>('offset'),
        color: regl.prop<{ color: number[] }, 'color'>('color'),
      },
      count: regl.prop<{ count: number }, 'count'>('count'),
      primitive: 'lines',
      depth: { enable: false },
      blend: {
        enable: true,
        func: {
          srcRGB: 'src alpha',
          dstRGB: 'one minus src alpha',
          srcAlpha: 'one',
          dstAlpha: 'one minus src alpha',
        },
      },
    });
  }

  /** "WebGL2: <renderer>" for the overlay and lab.perf(). */
  describe(): string {
    const gl = this.regl._gl;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    return `WebGL2: ${String(name)}`;
  }

  /** A CPU rasteriser (SwiftShader, llvmpipe): lines cost about a microsecond each. */
  get isSoftware(): boolean {
    return /swiftshader|llvmpipe|software|lavapipe/i.test(this.describe());
  }

  setLoss(loss: FourierLoss): void {
    this.loss = loss;
    this.range = lossRange(loss);
    this.heatFor = '';
  }

  /** Line lists of both runs ((x, y) pairs, two per segment) and the trajectory count (for opacity). */
  setPaths(wd: Float32Array, ex: Float32Array, count: number): void {
    this.buffers[0]({ usage: 'dynamic', type: 'float', data: wd });
    this.buffers[1]({ usage: 'dynamic', type: 'float', data: ex });
    this.vertices = [wd.length / 2, ex.length / 2];
    this.alpha = pathAlpha(count);
  }

  /** Matches the drawing buffer to the canvas's CSS box × DPR and tells the camera the CSS size. */
  private fitCanvas(camera: Camera): void {
    const dpr = window.devicePixelRatio || 1;
    const cssW = Math.max(1, this.canvas.clientWidth);
    const cssH = Math.max(1, this.canvas.clientHeight);
    camera.setViewport(cssW, cssH);
    const w = Math.round(cssW * dpr);
    const h = Math.round(cssH * dpr);
    if (w !== this.canvas.width || h !== this.canvas.height) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
  }

  render(camera: Camera, show: Shown = ALL): void {
    const t0 = performance.now();
    this.fitCanvas(camera);
    this.regl.poll();
    const rect = camera.rect();
    const gw = Math.max(1, Math.ceil(this.canvas.width / 2));
    const gh = Math.max(1, Math.ceil(this.canvas.height / 2));
    const key = `${rect.x0},${rect.x1},${rect.y0},${rect.y1},${gw},${gh}`;
    if (this.loss && key !== this.heatFor) {
      const data = heatmapPixels(this.loss, rect, gw, gh, this.range);
      this.heatTexture({ width: gw, height: gh, data, min: 'linear', mag: 'linear', wrap: 'clamp' });
      this.heatFor = key;
    }
    this.regl.clear({ color: [0.05, 0.05, 0.08, 1] });
    if (this.loss && show.heatmap) this.drawHeat();
    const clip = camera.clipTransform();
    const colors = [
      [...WD_COLOR, this.alpha],
      [...EX_COLOR, 0.8 * this.alpha],
    ];
    for (const i of [0, 1]) {
      if (this.vertices[i] < 2 || !(i === 0 ? show.wd : show.ex)) continue;
      this.drawLines({
        buffer: this.buffers[i],
        count: this.vertices[i],
        scale: clip.scale,
        offset: clip.offset,
        color: colors[i],
      });
    }
    this.regl._gl.flush();
    this.lastRenderMs = performance.now() - t0;
  }

  /** PNG of the canvas as drawn now (the drawing buffer is preserved). */
  screenshot(camera: Camera, show: Shown = ALL): Promise<Blob> {
    this.render(camera, show);
    return new Promise((resolve, reject) => {
      this.canvas.toBlob((blob) => {
        if (blob) resolve(blob);
        else reject(new Error('the canvas could not be encoded as PNG'));
      }, 'image/png');
    });
  }

  destroy(): void {
    this.regl.destroy();
  }
}
