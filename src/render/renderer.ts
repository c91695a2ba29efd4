/**
 * Draws frames into the WebGPU canvas, one command buffer each, as the ViewState says. Software GPUs make a
 * fullscreen pass cost hundreds of milliseconds and every line a microsecond, so work is cached on the GPU:
 * - background: the heatmap (after the field kernel) and the quiver, or the polar view's θ background;
 *   redrawn only when the view, the loss or the view settings changed;
 * - scene: background + trajectory paths. When the view, the run or its generation changed, it is rebuilt
 *   from the background and the whole ring; otherwise only the segments added since the last frame are
 *   drawn into it. Exceptions: the zooming right pane of the side-by-side view changes scale with every
 *   sample, so it is redrawn whole whenever a sample arrives; and colours by basin, divergence step or cause
 *   depend on the newest state, so the scene is rebuilt as the run grows by a quarter and once it stops;
 * - the canvas gets a copy of the scene each frame, and the highlighted trajectory (setHighlight), if any,
 *   is drawn over that copy: never into the scene, so un-highlighting needs no rebuild.
 * Keeps the canvas sized to its CSS box × DPR. Panes are columns of the canvas, drawn with a viewport each.
 *
 * Off-screen frames (video export, PNG snapshots at a chosen size) come from a second Renderer that draws
 * into an OffscreenCanvas of that size with its own caches and a copy of the camera, so the visible
 * canvas, its caches and the user's camera are never touched.
 */

import { type Basins, findBasins, maxAbsFPrime } from '../core/basins';
import type { FourierLoss } from '../core/loss';
import { newestSample, oldestSample, type PathSource } from '../gpu/pathSource';
import { DEFAULT_VIEW, type ViewState } from '../playground/viewState';
import type { Camera } from './camera';
import { Heatmap } from './heatmap';
import { type LegendSpec, legendFor, runsDrawn } from './legend';
import { PathRenderer } from './paths';
import { PolarBackground } from './polar';
import { Quiver, quiverReference } from './quiver';
import { zoomShift } from './rawRun';

const CLEAR: GPUColor = { r: 0.05, g: 0.05, b: 0.08, a: 1 };

/** A fixed drawing size (off-screen renderers): device pixels and the pixel ratio to size marks by. */
interface FixedSize {
  width: number;
  height: number;
  pixelRatio: number;
}

/** What the scene texture holds: paths of `history` (generation) up to sample `newest`, for `key`. */
interface SceneState {
  key: string;
  history: GPUBuffer;
  generation: number;
  newest: number;
  step: number;
  /** Newest sample when the scene was last rebuilt whole (colours by state are as of then). */
  colorStamp: number;
}

export class Renderer {
  private background: GPUTexture | null = null;
  private scene: GPUTexture | null = null;
  private drawn: SceneState | null = null;
  private backgroundKey = '';
  private panes = 1;
  private lossVersion = 0;
  private basins: Basins | null = null;
  private fPrimeMax = 1;
  private loss: FourierLoss | null = null;
  /** Set for off-screen renderers: the size to draw at instead of the canvas's CSS box. */
  private fixed: FixedSize | null = null;
  /** Created at the first off-screen frame; `offscreenLoss` is the lossVersion it was given. */
  private offscreen: Renderer | null = null;
  private offscreenLoss = -1;
  private clear: GPUColor = CLEAR;
  /** Trajectory drawn on top in every view (the Precision tab's selected row), or null. */
  private highlight: number | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly canvas: HTMLCanvasElement | OffscreenCanvas,
    private readonly context: GPUCanvasContext,
    private readonly format: GPUTextureFormat,
    readonly heatmap: Heatmap,
    private readonly paths: PathRenderer,
    private readonly quiver: Quiver,
    private readonly polar: PolarBackground,
  ) {}

  static async create(
    device: GPUDevice,
    canvas: HTMLCanvasElement | OffscreenCanvas,
    maxInvocationsPerDispatch: number,
    vertexBudget: number,
  ): Promise<Renderer> {
    const context = canvas.getContext('webgpu') as GPUCanvasContext | null;
    if (!context) throw new Error('this canvas cannot give a WebGPU context (getContext("webgpu") is null)');
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({
      device,
      format,
      alphaMode: 'opaque',
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_DST,
    });
    const [heatmap, paths, quiver, polar] = await Promise.all([
      Heatmap.create(device, format, maxInvocationsPerDispatch),
      PathRenderer.create(device, format, vertexBudget),
      Quiver.create(device, format),
      PolarBackground.create(device, format),
    ]);
    const r = new Renderer(device, canvas, context, format, heatmap, paths, quiver, polar);
    r.limits = { maxInvocationsPerDispatch, vertexBudget };
    return r;
  }

  private limits = { maxInvocationsPerDispatch: 0, vertexBudget: 0 };

  /**
   * Colour behind everything (seen where the heatmap is off, e.g. a light presentation theme). Applies to
   * off-screen frames too.
   */
  setClearColor(color: GPUColor): void {
    this.clear = color;
    this.backgroundKey = '';
    if (this.offscreen) this.offscreen.setClearColor(color);
  }

  /**
   * Highlights trajectory `index` (drawn on top, bright and thicker, in every view mode) or none (null).
   * Takes effect at the next render(); off-screen frames follow it too.
   */
  setHighlight(index: number | null): void {
    if (index !== null && !(Number.isInteger(index) && index >= 0))
      throw new RangeError(`setHighlight: index must be a whole number ≥ 0 or null, got ${index}`);
    this.highlight = index;
  }

  get highlighted(): number | null {
    return this.highlight;
  }

  /**
   * Draws the same state as render() at width × height device pixels into an OffscreenCanvas and returns
   * it (its content stays valid until the next call). The visible canvas, its caches and `camera` are not
   * touched: a copy of the camera keeps its centre and half-height, and the width follows the new aspect.
   * `pixelRatio` sizes marks given in CSS pixels (quiver spacing, the polar strip); default height / 720.
   */
  async renderOffscreen(
    camera: Camera,
    source: PathSource | null,
    view: ViewState,
    width: number,
    height: number,
    pixelRatio = Math.max(1, height / 720),
  ): Promise<OffscreenCanvas> {
    const max = this.device.limits.maxTextureDimension2D;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
      throw new RangeError(`off-screen size must be whole positive pixels, got ${width}×${height}`);
    if (width > max || height > max)
      throw new RangeError(`off-screen size ${width}×${height} exceeds this GPU's limit of ${max} pixels`);
    if (!this.offscreen) {
      const canvas = new OffscreenCanvas(width, height);
      const { maxInvocationsPerDispatch, vertexBudget } = this.limits;
      this.offscreen = await Renderer.create(this.device, canvas, maxInvocationsPerDispatch, vertexBudget);
      this.offscreen.setClearColor(this.clear);
    }
    const off = this.offscreen;
    if (this.offscreenLoss !== this.lossVersion && this.loss) {
      await off.setLoss(this.loss);
      this.offscreenLoss = this.lossVersion;
    }
    off.fixed = { width, height, pixelRatio };
    off.highlight = this.highlight;
    off.render(camera.clone(), source, view);
    return off.canvas as OffscreenCanvas;
  }

  /** Device pixels per CSS pixel: the window's, or the fixed size's for off-screen frames. */
  private pixelRatio(): number {
    return this.fixed ? this.fixed.pixelRatio : window.devicePixelRatio || 1;
  }

  /** Sets the loss for every view: field, polar table, basins, quiver reference. */
  async setLoss(loss: FourierLoss): Promise<void> {
    await this.heatmap.setLoss(loss);
    this.loss = loss;
    this.basins = findBasins(loss);
    this.paths.setBasins(this.basins.boundaries);
    this.polar.setLoss(loss, this.heatmap.valueRange);
    this.fPrimeMax = maxAbsFPrime(loss);
    this.lossVersion++;
  }

  /** Matches the drawing buffer to the canvas's CSS size; returns whether it changed. */
  fitCanvas(camera: Camera): boolean {
    const dpr = this.pixelRatio();
    const max = this.device.limits.maxTextureDimension2D;
    const f = this.fixed;
    const visible = this.canvas as HTMLCanvasElement;
    const cssW = f ? f.width / dpr : Math.max(1, visible.clientWidth);
    const cssH = f ? f.height / dpr : Math.max(1, visible.clientHeight);
    const w = f ? f.width : Math.min(max, Math.round(cssW * dpr));
    const h = f ? f.height : Math.min(max, Math.round(cssH * dpr));
    camera.setViewport(cssW, cssH);
    const same = w === this.canvas.width && h === this.canvas.height && this.panes === camera.panes;
    if (same && this.scene) return false;
    this.canvas.width = w;
    this.canvas.height = h;
    this.panes = camera.panes;
    this.heatmap.resize(Math.floor(w / this.panes), h);
    this.background?.destroy();
    this.scene?.destroy();
    const texture = (what: string, usage: number) =>
      this.device.createTexture({ label: `${what} (${w}×${h})`, size: [w, h], format: this.format, usage });
    const rt = GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC;
    this.background = texture('background (heatmap, quiver)', rt);
    this.scene = texture('scene (background + paths)', rt | GPUTextureUsage.COPY_DST);
    this.drawn = null;
    this.backgroundKey = '';
    return true;
  }

  /** Pane p's rectangle in device pixels. */
  private pane(p: number): [number, number, number, number] {
    const w = Math.floor(this.canvas.width / this.panes);
    return [p * w, 0, p === this.panes - 1 ? this.canvas.width - p * w : w, this.canvas.height];
  }

  private setPane(pass: GPURenderPassEncoder, p: number): void {
    const [x, y, w, h] = this.pane(p);
    pass.setViewport(x, y, w, h, 0, 1);
    pass.setScissorRect(x, y, w, h);
  }

  /** Redraws the background if its inputs changed; returns whether it did. */
  private encodeBackground(encoder: GPUCommandEncoder, camera: Camera, view: ViewState): boolean {
    const rect = camera.rect();
    const polar = view.mode === 'polar';
    const quiver = polar ? 'off' : view.quiver;
    const needField = !polar && (view.heatmap || quiver !== 'off');
    const fieldChanged = needField && this.heatmap.encodeField(encoder, rect);
    const key = [
      rect.x0,
      rect.x1,
      rect.y0,
      rect.y1,
      view.mode,
      view.heatmap,
      quiver,
      this.lossVersion,
      colorKey(this.clear),
    ].join();
    if (!fieldChanged && key === this.backgroundKey) return false;
    this.backgroundKey = key;
    const [, , paneW, paneH] = this.pane(0);
    const dpr = this.pixelRatio();
    const field = this.heatmap.fieldBuffer;
    if (polar) this.polar.update(rect, paneH, dpr);
    if (quiver !== 'off' && field) {
      const gRef = quiverReference(quiver, this.fPrimeMax, camera.halfHeight);
      this.quiver.update(field, this.heatmap.gridSize, [paneW, paneH], dpr, quiver, gRef);
    }
    const pass = encoder.beginRenderPass({
      label: 'background pass',
      colorAttachments: [
        {
          view: this.background!.createView({ label: 'background view' }),
          clearValue: this.clear,
          loadOp: 'clear',
          storeOp: 'store',
        },
      ],
    });
    // The right pane of the side-by-side view shows the same field: L is scale invariant, and its
    // rectangle is the left one scaled by 1/cₜ.
    for (let p = 0; p < this.panes; p++) {
      this.setPane(pass, p);
      if (polar) this.polar.draw(pass);
      else if (view.heatmap) this.heatmap.draw(pass);
      if (quiver !== 'off' && field) this.quiver.draw(pass);
    }
    pass.end();
    return true;
  }

  /** Encodes and submits one frame drawn as `view` says. */
  render(camera: Camera, source: PathSource | null, view: ViewState = DEFAULT_VIEW): void {
    const sideBySide = view.mode === 'sideBySide';
    camera.configure(view.mode === 'polar' ? 'polar' : 'plane', sideBySide ? 2 : 1);
    this.fitCanvas(camera);
    const background = this.background!;
    const scene = this.scene!;
    const size = [scene.width, scene.height];
    const encoder = this.device.createCommandEncoder({ label: 'frame encoder' });
    const backgroundChanged = this.encodeBackground(encoder, camera, view);
    const key = `${this.backgroundKey}|${view.colorBy}|${view.runs.weightDecay},${view.runs.projected},${view.runs.exponential}`;

    const d = this.drawn;
    const newest = source ? newestSample(source) : 0;
    const byState = view.colorBy === 'basin' || view.colorBy === 'divergence' || view.colorBy === 'cause';
    const recolor =
      byState &&
      !!d &&
      !!source &&
      (newest > 1.25 * d.colorStamp + 16 || (source.step === d.step && d.colorStamp !== newest));
    const stale =
      backgroundChanged ||
      !source ||
      !d ||
      d.key !== key ||
      d.history !== source.history ||
      d.generation !== source.generation ||
      d.newest > newest ||
      recolor;
    if (stale) encoder.copyTextureToTexture({ texture: background }, { texture: scene }, size);
    if (source) {
      const oldest = oldestSample(source);
      const [plane, zoomed] = runsDrawn(view, !!source.schedule);
      // A ring shorter than a frame's samples (huge batches) leaves gaps in the trails, not a clear.
      const from = stale ? oldest : Math.max(d!.newest, oldest);
      const redrawRight = sideBySide && (stale || newest !== d!.newest) && !!zoomed?.length;
      if (redrawRight && !stale) {
        const [x, , w, h] = this.pane(1);
        encoder.copyTextureToTexture(
          { texture: background, origin: [x, 0, 0] },
          { texture: scene, origin: [x, 0, 0] },
          [w, h],
        );
      }
      const drawLeft = newest > from && plane.length > 0;
      if (drawLeft || redrawRight) {
        if (plane.includes('exponential') || redrawRight) this.paths.updateLog2c(source, oldest, newest);
        const pass = encoder.beginRenderPass({
          label: 'paths pass',
          colorAttachments: [
            { view: scene.createView({ label: 'scene view' }), loadOp: 'load', storeOp: 'store' },
          ],
        });
        const clip = camera.clipTransform();
        const common = { clip, colorBy: view.colorBy, polar: view.mode === 'polar' };
        if (drawLeft) {
          this.setPane(pass, 0);
          const [, , w, h] = this.pane(0);
          for (const run of plane)
            this.paths.draw(pass, source, {
              ...common,
              run,
              viewport: [w, h],
              from,
              to: newest,
              log2Shift: 0,
            });
        }
        if (redrawRight && source.schedule) {
          this.setPane(pass, 1);
          const [, , w, h] = this.pane(1);
          const log2Shift = zoomShift(source.schedule, newest, source.sampleEvery);
          this.paths.draw(pass, source, {
            ...common,
            run: 'exponential',
            viewport: [w, h],
            from: oldest,
            to: newest,
            log2Shift,
          });
        }
        pass.end();
      }
      this.drawn = {
        key,
        history: source.history,
        generation: source.generation,
        newest,
        step: source.step,
        colorStamp: stale ? newest : d!.colorStamp,
      };
    } else {
      this.drawn = null;
    }

    const target = this.context.getCurrentTexture();
    encoder.copyTextureToTexture({ texture: scene }, { texture: target }, size);
    if (source && this.highlight !== null) this.encodeHighlight(encoder, target, camera, source, view);
    this.device.queue.submit([encoder.finish({ label: 'frame commands' })]);
  }

  /** Draws the highlighted trajectory's runs, as drawn in each pane, over the frame in `target`. */
  private encodeHighlight(
    encoder: GPUCommandEncoder,
    target: GPUTexture,
    camera: Camera,
    source: PathSource,
    view: ViewState,
  ): void {
    const index = this.highlight;
    const oldest = oldestSample(source);
    const newest = newestSample(source);
    if (index === null || index >= source.count || newest <= oldest) return;
    const [plane, zoomed] = runsDrawn(view, !!source.schedule);
    const right = view.mode === 'sideBySide' && !!zoomed?.length && !!source.schedule;
    if (plane.includes('exponential') || right) this.paths.updateLog2c(source, oldest, newest);
    const pass = encoder.beginRenderPass({
      label: 'highlight pass',
      colorAttachments: [
        { view: target.createView({ label: 'canvas view (highlight)' }), loadOp: 'load', storeOp: 'store' },
      ],
    });
    const common = {
      clip: camera.clipTransform(),
      colorBy: view.colorBy,
      polar: view.mode === 'polar',
      from: oldest,
      to: newest,
    };
    let slot = 0;
    this.setPane(pass, 0);
    const [, , w, h] = this.pane(0);
    for (const run of plane)
      this.paths.drawHighlight(
        pass,
        source,
        { ...common, run, viewport: [w, h], log2Shift: 0 },
        index,
        slot++,
      );
    if (right && source.schedule) {
      this.setPane(pass, 1);
      const [, , w1, h1] = this.pane(1);
      const log2Shift = zoomShift(source.schedule, newest, source.sampleEvery);
      this.paths.drawHighlight(
        pass,
        source,
        { ...common, run: 'exponential', viewport: [w1, h1], log2Shift },
        index,
        slot++,
      );
    }
    pass.end();
  }

  /** What the legend should show for `view` (runs and their patterns, path colours, pane captions, notes). */
  legendFor(view: ViewState, source: PathSource | null = null): LegendSpec {
    const schedule = source?.schedule;
    return legendFor(view, {
      basins: this.basins,
      endStep: source ? (source.endStep ?? source.step) : 0,
      zoomLog2: source && schedule ? zoomShift(schedule, newestSample(source), source.sampleEvery) : 0,
      hasSchedule: !!schedule,
    });
  }

  /** Renders a frame and encodes the canvas as PNG in the same task (before the frame is presented). */
  screenshot(camera: Camera, source: PathSource | null, view: ViewState = DEFAULT_VIEW): Promise<Blob> {
    this.render(camera, source, view);
    if (this.canvas instanceof OffscreenCanvas) return this.canvas.convertToBlob({ type: 'image/png' });
    return new Promise((resolve, reject) => {
      (this.canvas as HTMLCanvasElement).toBlob((blob) => {
        if (blob) resolve(blob);
        else reject(new Error('the canvas could not be encoded as PNG'));
      }, 'image/png');
    });
  }

  destroy(): void {
    this.heatmap.destroy();
    this.paths.destroy();
    this.quiver.destroy();
    this.polar.destroy();
    this.background?.destroy();
    this.scene?.destroy();
    this.offscreen?.destroy();
    this.offscreen = null;
  }
}

/** A colour as a cache-key part. */
function colorKey(c: GPUColor): string {
  const { r, g, b } = c as GPUColorDict;
  return `${r}:${g}:${b}`;
}
