/**
 * Frames for export (video, PNG snapshots at a chosen size): drawn by a second renderer into an
 * OffscreenCanvas of that size, with its own caches and a copy of the camera, so the visible canvas, its
 * caches and the user's camera are never touched.
 */
import type { FourierLoss } from '../core/loss';
import type { PathSource } from '../gpu/pathSource';
import type { ViewState } from '../playground/viewState';
import type { Camera } from './camera';

/** A fixed drawing size (off-screen renderers): device pixels and the pixel ratio to size marks by. */
export interface FixedSize {
  width: number;
  height: number;
  pixelRatio: number;
}

/** What the export needs of a renderer (src/render/renderer.ts). */
export interface OffscreenRenderer {
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  setLoss(loss: FourierLoss): Promise<void>;
  setClearColor(color: GPUColor): void;
  setHighlight(index: number | null): void;
  setFixedSize(size: FixedSize): void;
  render(camera: Camera, source: PathSource | null, view: ViewState): void;
  destroy(): void;
}

/** The visible renderer's state that an off-screen frame copies. */
export interface ShownState {
  loss: FourierLoss | null;
  /** Bumped at every setLoss(): the off-screen renderer is given a loss only when it changed. */
  lossVersion: number;
  clear: GPUColor;
  highlight: number | null;
  /** A transparent frame: the background (heatmap, clear colour) left out, paths over alpha 0. */
  transparent?: boolean;
}

const TRANSPARENT: GPUColor = { r: 0, g: 0, b: 0, a: 0 };

/**
 * Switches the off-screen canvas between opaque and premultiplied alpha. The paths blend with straight
 * alpha into a premultiplied result over a transparent clear, which is what 'premultiplied' shows.
 */
function setCanvasAlpha(canvas: OffscreenCanvas, transparent: boolean): void {
  const context = canvas.getContext('webgpu') as GPUCanvasContext | null;
  const config = context?.getConfiguration?.();
  if (!context || !config)
    throw new Error(
      'a transparent export needs GPUCanvasContext.getConfiguration(), which this browser lacks',
    );
  context.configure({ ...config, alphaMode: transparent ? 'premultiplied' : 'opaque' });
}

/** Throws unless width × height is a drawable size on a GPU whose textures reach `max` pixels. */
export function checkExportSize(width: number, height: number, max: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new RangeError(`off-screen size must be whole positive pixels, got ${width}×${height}`);
  if (width > max || height > max)
    throw new RangeError(`off-screen size ${width}×${height} exceeds this GPU's limit of ${max} pixels`);
}

/** One off-screen renderer, made at the first frame and kept (with its caches) for the next ones. */
export class OffscreenFrames {
  private renderer: OffscreenRenderer | null = null;
  private lossVersion = -1;
  private clear: GPUColor | null = null;
  private transparent = false;

  constructor(private readonly create: (canvas: OffscreenCanvas) => Promise<OffscreenRenderer>) {}

  /** Draws `view` at width × height; the canvas's content stays valid until the next call. */
  async frame(
    shown: ShownState,
    camera: Camera,
    source: PathSource | null,
    view: ViewState,
    size: FixedSize,
  ): Promise<OffscreenCanvas> {
    if (!this.renderer) this.renderer = await this.create(new OffscreenCanvas(size.width, size.height));
    const off = this.renderer;
    const transparent = shown.transparent === true;
    if (transparent !== this.transparent) {
      setCanvasAlpha(off.canvas as OffscreenCanvas, transparent);
      this.transparent = transparent;
    }
    // A new clear colour redraws the background: only when it changed, not every frame.
    const clear = transparent ? TRANSPARENT : shown.clear;
    if (this.clear !== clear) {
      off.setClearColor(clear);
      this.clear = clear;
    }
    if (this.lossVersion !== shown.lossVersion && shown.loss) {
      await off.setLoss(shown.loss);
      this.lossVersion = shown.lossVersion;
    }
    off.setFixedSize(size);
    off.setHighlight(shown.highlight);
    off.render(camera.clone(), source, transparent ? { ...view, heatmap: false } : view);
    return off.canvas as OffscreenCanvas;
  }

  destroy(): void {
    this.renderer?.destroy();
    this.renderer = null;
  }
}

/** The canvas as PNG, encoded in the caller's task (before a WebGPU frame is presented). */
export function canvasPng(canvas: HTMLCanvasElement | OffscreenCanvas): Promise<Blob> {
  if (canvas instanceof OffscreenCanvas) return canvas.convertToBlob({ type: 'image/png' });
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(blob);
      else reject(new Error('the canvas could not be encoded as PNG'));
    }, 'image/png');
  });
}
