/**
 * Draws frames into the WebGPU canvas, one command buffer each, as the ViewState says. Software GPUs make a
 * fullscreen pass cost hundreds of milliseconds and every line a microsecond, so work is cached on the GPU:
 * - background (background.ts): the heatmap and the quiver, or the polar view's θ background; redrawn only
 *   when the view, the loss or the view settings changed;
 * - scene: background + trajectory paths. When the view, the run or its generation changed, it is rebuilt
 *   from the background and the whole ring; otherwise only the segments added since the last frame are
 *   drawn into it. Exceptions: the zooming right pane of the side-by-side view changes scale with every
 *   sample, so it is redrawn whole whenever a sample arrives; and colours by basin, divergence step or cause
 *   depend on the newest state, so the scene is rebuilt as the run grows by a quarter and once it stops;
 * - the density view (density.ts: view.density on, or 'auto' above DENSITY_AUTO_COUNT trajectories) replaces
 *   the paths and heads: every frame it bins the current positions on the GPU and draws them over the
 *   scene's copy, with the fading trails (view.trails) under them; trails also go over the paths;
 * - the canvas gets a copy of the scene each frame, and the highlighted trajectory (setHighlight), if any,
 *   is drawn over that copy: never into the scene, so un-highlighting needs no rebuild.
 * Keeps the canvas sized to its CSS box × DPR. Panes are columns of the canvas (panes.ts). Off-screen
 * frames for export come from a second Renderer (export.ts).
 */

import { type Basins, findBasins } from '../core/basins';
import type { FourierLoss } from '../core/loss';
import { newestSample, oldestSample, type PathSource } from '../gpu/pathSource';
import { DEFAULT_VIEW, type ViewState } from '../playground/viewState';
import { Background } from './background';
import type { Camera } from './camera';
import { DensityView, densityShown } from './density';
import {
  canvasPng,
  checkExportSize,
  type FixedSize,
  OffscreenFrames,
  type OffscreenRenderer,
} from './export';
import { encodeHeads } from './heads';
import type { Heatmap } from './heatmap';
import { type LegendSpec, legendFor, runsDrawn } from './legend';
import { lineScale } from './lineStyle';
import { drawPaneRuns, type PaneLayout } from './panes';
import { PathRenderer } from './paths';
import { zoomShift } from './rawRun';
import { encodeScene, type SceneState } from './scene';

const CLEAR: GPUColor = { r: 0.05, g: 0.05, b: 0.08, a: 1 };
const NO_RUNS = { weightDecay: false, projected: false, exponential: false };

export class Renderer implements OffscreenRenderer {
  private backgroundTexture: GPUTexture | null = null;
  private scene: GPUTexture | null = null;
  private drawn: SceneState | null = null;
  private panes = 1;
  private lossVersion = 0;
  private basins: Basins | null = null;
  private loss: FourierLoss | null = null;
  /** Set for off-screen renderers: the size to draw at instead of the canvas's CSS box. */
  private fixed: FixedSize | null = null;
  private readonly offscreen: OffscreenFrames;
  private clear: GPUColor = CLEAR;
  /** Trajectory drawn on top in every view (the Precision tab's selected row), or null. */
  private highlight: number | null = null;

  private constructor(
    private readonly device: GPUDevice,
    readonly canvas: HTMLCanvasElement | OffscreenCanvas,
    private readonly context: GPUCanvasContext,
    private readonly format: GPUTextureFormat,
    private readonly background: Background,
    private readonly paths: PathRenderer,
    private readonly density: DensityView,
    limits: { maxInvocationsPerDispatch: number; vertexBudget: number },
  ) {
    const { maxInvocationsPerDispatch, vertexBudget } = limits;
    this.offscreen = new OffscreenFrames((c) =>
      Renderer.create(device, c, maxInvocationsPerDispatch, vertexBudget),
    );
  }

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
    const [background, paths, density] = await Promise.all([
      Background.create(device, format, maxInvocationsPerDispatch),
      PathRenderer.create(device, format, vertexBudget),
      DensityView.create(device, format, maxInvocationsPerDispatch),
    ]);
    const limits = { maxInvocationsPerDispatch, vertexBudget };
    return new Renderer(device, canvas, context, format, background, paths, density, limits);
  }

  /** The loss field and its colour range (the legend reads it). */
  get heatmap(): Heatmap {
    return this.background.heatmap;
  }

  /**
   * Colour behind everything (seen where the heatmap is off, e.g. a light presentation theme). Applies to
   * off-screen frames too.
   */
  setClearColor(color: GPUColor): void {
    this.clear = color;
    this.background.invalidate();
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

  /** Off-screen renderers: draw at `size` instead of the canvas's CSS box. */
  setFixedSize(size: FixedSize | null): void {
    this.fixed = size;
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
    transparent = false,
  ): Promise<OffscreenCanvas> {
    checkExportSize(width, height, this.device.limits.maxTextureDimension2D);
    const shown = {
      loss: this.loss,
      lossVersion: this.lossVersion,
      clear: this.clear,
      highlight: this.highlight,
      transparent,
    };
    return this.offscreen.frame(shown, camera, source, view, { width, height, pixelRatio });
  }

  /** Device pixels per CSS pixel: the window's, or the fixed size's for off-screen frames. */
  private pixelRatio(): number {
    return this.fixed ? this.fixed.pixelRatio : window.devicePixelRatio || 1;
  }

  private get layout(): PaneLayout {
    return { width: this.canvas.width, height: this.canvas.height, panes: this.panes };
  }

  /** Sets the loss for every view: field, polar table, basins, quiver reference. */
  async setLoss(loss: FourierLoss): Promise<void> {
    await this.background.setLoss(loss);
    this.loss = loss;
    this.basins = findBasins(loss);
    this.paths.setBasins(this.basins.boundaries);
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
    this.background.heatmap.resize(Math.floor(w / this.panes), h);
    this.backgroundTexture?.destroy();
    this.scene?.destroy();
    const texture = (what: string, usage: number) =>
      this.device.createTexture({ label: `${what} (${w}×${h})`, size: [w, h], format: this.format, usage });
    const rt = GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC;
    this.backgroundTexture = texture('background (heatmap, quiver)', rt);
    this.scene = texture('scene (background + paths)', rt | GPUTextureUsage.COPY_DST);
    this.drawn = null;
    this.background.invalidate();
    return true;
  }

  /** Encodes and submits one frame drawn as `view` says. */
  render(camera: Camera, source: PathSource | null, view: ViewState = DEFAULT_VIEW): void {
    const sideBySide = view.mode === 'sideBySide';
    camera.configure(view.mode === 'polar' ? 'polar' : 'plane', sideBySide ? 2 : 1);
    this.fitCanvas(camera);
    const background = this.backgroundTexture!;
    const scene = this.scene!;
    const size = [scene.width, scene.height];
    const layout = this.layout;
    const encoder = this.device.createCommandEncoder({ label: 'frame encoder' });
    const dpr = this.pixelRatio();
    const backgroundChanged = this.background.encode(
      encoder,
      background,
      layout,
      camera,
      view,
      dpr,
      this.clear,
    );
    // The density view replaces the paths and heads (src/render/density.ts); trails go over either.
    const dense = !!source && densityShown(view, source.count);
    const pathView = dense ? { ...view, runs: NO_RUNS, heads: false } : view;
    const runs = pathView.runs;
    const lineWidth = view.lineWidth * lineScale(this.fixed ? this.fixed.height : null, dpr);
    const key = `${this.background.drawnKey}|${view.colorBy}|${runs.weightDecay},${runs.projected},${runs.exponential}|${lineWidth}`;

    this.drawn = encodeScene(encoder, this.paths, {
      background,
      scene,
      layout,
      camera,
      source,
      view: pathView,
      key,
      drawn: backgroundChanged ? null : this.drawn,
      lineWidth,
    });

    const target = this.context.getCurrentTexture();
    encoder.copyTextureToTexture({ texture: scene }, { texture: target }, size);
    if (source && (dense || view.trails))
      this.density.encode(encoder, { target, layout, camera, source, view, dpr, density: dense });
    if (source)
      encodeHeads(encoder, this.paths, { target, layout, camera, source, view: pathView, lineWidth });
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
    const lineWidth = view.lineWidth * lineScale(this.fixed ? this.fixed.height : null, this.pixelRatio());
    const common = {
      clip: camera.clipTransform(),
      colorBy: view.colorBy,
      polar: view.mode === 'polar',
      lineWidth,
    };
    let slot = 0;
    drawPaneRuns(pass, this.layout, plane, right, source, newest, (_pane, run, viewport, log2Shift) =>
      this.paths.drawHighlight(
        pass,
        source,
        { ...common, run, viewport, from: oldest, to: newest, log2Shift },
        index,
        slot++,
      ),
    );
    pass.end();
  }

  /** What the legend should show for `view` (runs and their patterns, path colours, pane captions, notes). */
  legendFor(view: ViewState, source: PathSource | null = null): LegendSpec {
    const schedule = source?.schedule;
    const spec = legendFor(view, {
      basins: this.basins,
      endStep: source ? (source.endStep ?? source.step) : 0,
      zoomLog2: source && schedule ? zoomShift(schedule, newestSample(source), source.sampleEvery) : 0,
      hasSchedule: !!schedule,
    });
    if (source && densityShown(view, source.count))
      spec.notes.push('density: current positions per cell, log colour scale, one colour per run');
    if (view.trails) spec.notes.push('trails: every step’s positions, fading');
    return spec;
  }

  /** Renders a frame and encodes the canvas as PNG in the same task (before the frame is presented). */
  screenshot(camera: Camera, source: PathSource | null, view: ViewState = DEFAULT_VIEW): Promise<Blob> {
    this.render(camera, source, view);
    return canvasPng(this.canvas);
  }

  destroy(): void {
    this.background.destroy();
    this.paths.destroy();
    this.density.destroy();
    this.backgroundTexture?.destroy();
    this.scene?.destroy();
    this.offscreen.destroy();
  }
}
