/**
 * Draws frames into the WebGPU canvas, one command buffer each. Software GPUs make a fullscreen pass cost
 * hundreds of milliseconds and every line a microsecond, so work is cached on the GPU:
 * - background: the heatmap, redrawn (after the field kernel) only when the view or the loss changed;
 * - scene: background + trajectory paths. When the view, the run or its generation changed, it is rebuilt
 *   from the background and the whole ring; otherwise only the segments added since the last frame are
 *   drawn into it (paths then keep samples older than the ring until the next rebuild; if the ring was
 *   overrun since the last frame, the trails get a gap);
 * - the canvas gets a copy of the scene each frame.
 * Keeps the canvas sized to its CSS box × DPR.
 */
import type { Camera } from './camera';
import { Heatmap } from './heatmap';
import { newestSample, oldestSample, PathRenderer, type PathSource } from './paths';

const CLEAR: GPUColor = { r: 0.05, g: 0.05, b: 0.08, a: 1 };

/** What the scene texture holds: paths of `history` (generation) up to sample `newest`. */
interface SceneState {
  view: string;
  history: GPUBuffer;
  generation: number;
  newest: number;
}

export class Renderer {
  private background: GPUTexture | null = null;
  private scene: GPUTexture | null = null;
  private drawn: SceneState | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly canvas: HTMLCanvasElement,
    private readonly context: GPUCanvasContext,
    private readonly format: GPUTextureFormat,
    readonly heatmap: Heatmap,
    private readonly paths: PathRenderer,
  ) {}

  static async create(
    device: GPUDevice,
    canvas: HTMLCanvasElement,
    maxInvocationsPerDispatch: number,
    vertexBudget: number,
  ): Promise<Renderer> {
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('this canvas cannot give a WebGPU context (getContext("webgpu") is null)');
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({
      device,
      format,
      alphaMode: 'opaque',
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_DST,
    });
    const heatmap = await Heatmap.create(device, format, maxInvocationsPerDispatch);
    const paths = await PathRenderer.create(device, format, vertexBudget);
    return new Renderer(device, canvas, context, format, heatmap, paths);
  }

  /** Matches the drawing buffer to the canvas's CSS size; returns whether it changed. */
  fitCanvas(camera: Camera): boolean {
    const dpr = window.devicePixelRatio || 1;
    const max = this.device.limits.maxTextureDimension2D;
    const cssW = Math.max(1, this.canvas.clientWidth);
    const cssH = Math.max(1, this.canvas.clientHeight);
    const w = Math.min(max, Math.round(cssW * dpr));
    const h = Math.min(max, Math.round(cssH * dpr));
    camera.setViewport(cssW, cssH);
    if (w === this.canvas.width && h === this.canvas.height && this.scene) return false;
    this.canvas.width = w;
    this.canvas.height = h;
    this.heatmap.resize(w, h);
    this.background?.destroy();
    this.scene?.destroy();
    const texture = (what: string, usage: number) =>
      this.device.createTexture({ label: `${what} (${w}×${h})`, size: [w, h], format: this.format, usage });
    const rt = GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC;
    this.background = texture('heatmap background', rt);
    this.scene = texture('scene (heatmap + paths)', rt | GPUTextureUsage.COPY_DST);
    this.drawn = null;
    return true;
  }

  /** Encodes and submits one frame. */
  render(camera: Camera, source: PathSource | null): void {
    this.fitCanvas(camera);
    const background = this.background!;
    const scene = this.scene!;
    const size = [scene.width, scene.height];
    const encoder = this.device.createCommandEncoder({ label: 'frame encoder' });
    const rect = camera.rect();
    const view = `${rect.x0},${rect.x1},${rect.y0},${rect.y1}`;
    const fieldChanged = this.heatmap.encodeField(encoder, rect);
    if (fieldChanged) {
      const heat = encoder.beginRenderPass({
        label: 'heatmap pass',
        colorAttachments: [
          {
            view: background.createView({ label: 'heatmap background view' }),
            clearValue: CLEAR,
            loadOp: 'clear',
            storeOp: 'store',
          },
        ],
      });
      this.heatmap.draw(heat);
      heat.end();
    }

    const d = this.drawn;
    const stale =
      fieldChanged ||
      !source ||
      !d ||
      d.view !== view ||
      d.history !== source.history ||
      d.generation !== source.generation ||
      d.newest > newestSample(source);
    if (stale) encoder.copyTextureToTexture({ texture: background }, { texture: scene }, size);
    if (source) {
      const newest = newestSample(source);
      // A ring shorter than a frame's samples (huge batches) leaves gaps in the trails, not a clear.
      const from = stale ? oldestSample(source) : Math.max(d!.newest, oldestSample(source));
      if (newest > from) {
        const pass = encoder.beginRenderPass({
          label: 'paths pass',
          colorAttachments: [
            { view: scene.createView({ label: 'scene view' }), loadOp: 'load', storeOp: 'store' },
          ],
        });
        this.paths.draw(pass, source, camera.clipTransform(), from, newest);
        pass.end();
      }
      this.drawn = { view, history: source.history, generation: source.generation, newest };
    } else {
      this.drawn = null;
    }

    encoder.copyTextureToTexture({ texture: scene }, { texture: this.context.getCurrentTexture() }, size);
    this.device.queue.submit([encoder.finish({ label: 'frame commands' })]);
  }

  /** Renders a frame and encodes the canvas as PNG in the same task (before the frame is presented). */
  screenshot(camera: Camera, source: PathSource | null): Promise<Blob> {
    this.render(camera, source);
    return new Promise((resolve, reject) => {
      this.canvas.toBlob((blob) => {
        if (blob) resolve(blob);
        else reject(new Error('the canvas could not be encoded as PNG'));
      }, 'image/png');
    });
  }

  destroy(): void {
    this.heatmap.destroy();
    this.paths.destroy();
    this.background?.destroy();
    this.scene?.destroy();
  }
}
