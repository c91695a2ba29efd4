/**
 * The cached background behind the paths: the heatmap (after the field kernel) and the quiver, or the polar
 * view's θ background, drawn into every pane. Software GPUs make a fullscreen pass cost hundreds of
 * milliseconds, so it is redrawn only when the view, the loss, the clear colour or the field changed.
 */
import { maxAbsFPrime } from '../core/basins';
import type { FourierLoss } from '../core/loss';
import type { ViewState } from '../playground/viewState';
import type { Camera } from './camera';
import { Heatmap } from './heatmap';
import { type PaneLayout, paneRect, setPane } from './panes';
import { PolarBackground } from './polar';
import { Quiver, quiverReference } from './quiver';
import { clearColor } from './theme';

export class Background {
  /** Inputs of the last drawing, as a string ('' forces a redraw). */
  private key = '';
  private fPrimeMax = 1;
  private lossVersion = 0;

  private constructor(
    readonly heatmap: Heatmap,
    private readonly quiver: Quiver,
    private readonly polar: PolarBackground,
  ) {}

  static async create(
    device: GPUDevice,
    format: GPUTextureFormat,
    maxInvocations: number,
  ): Promise<Background> {
    const [heatmap, quiver, polar] = await Promise.all([
      Heatmap.create(device, format, maxInvocations),
      Quiver.create(device, format),
      PolarBackground.create(device, format),
    ]);
    return new Background(heatmap, quiver, polar);
  }

  /** The last drawing's inputs: the scene cache keys its paths on it. */
  get drawnKey(): string {
    return this.key;
  }

  /** Sets the loss of the field, the polar table and the quiver's reference slope. */
  async setLoss(loss: FourierLoss): Promise<void> {
    await this.heatmap.setLoss(loss);
    this.polar.setLoss(loss, this.heatmap.valueRange);
    this.fPrimeMax = maxAbsFPrime(loss);
    this.lossVersion++;
  }

  /** The next encode() redraws (a new size, a new clear colour). */
  invalidate(): void {
    this.key = '';
  }

  /** Redraws into `target` if its inputs changed; returns whether it did. */
  encode(
    encoder: GPUCommandEncoder,
    target: GPUTexture,
    layout: PaneLayout,
    camera: Camera,
    view: ViewState,
    dpr: number,
    clearIn: GPUColor,
  ): boolean {
    // The light theme clears to its own background; the dark theme (and a see-through clear) as given.
    const opaque = (clearIn as GPUColorDict).a === undefined || (clearIn as GPUColorDict).a >= 1;
    const clear = view.theme === 'light' && opaque ? clearColor('light') : clearIn;
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
      colorKey(clear),
      view.theme,
    ];
    if (!fieldChanged && key.join() === this.key) return false;
    this.key = key.join();
    const [, , paneW, paneH] = paneRect(layout, 0);
    const field = this.heatmap.fieldBuffer;
    if (polar) this.polar.update(rect, paneH, dpr, view.theme);
    if (quiver !== 'off' && field) {
      const gRef = quiverReference(quiver, this.fPrimeMax, camera.halfHeight);
      const arrows: [number, number, number, number] =
        view.theme === 'light' ? [0.08, 0.08, 0.12, 0.6] : [0.97, 0.97, 0.97, 0.6];
      this.quiver.update(field, this.heatmap.gridSize, [paneW, paneH], dpr, quiver, gRef, arrows);
    }
    const pass = encoder.beginRenderPass({
      label: 'background pass',
      colorAttachments: [
        {
          view: target.createView({ label: 'background view' }),
          clearValue: clear,
          loadOp: 'clear',
          storeOp: 'store',
        },
      ],
    });
    // The right pane of the side-by-side view shows the same field: L is scale invariant, and its
    // rectangle is the left one scaled by 1/cₜ.
    for (let p = 0; p < layout.panes; p++) {
      setPane(pass, layout, p);
      if (polar) this.polar.draw(pass);
      else if (view.heatmap) this.heatmap.draw(pass, view.theme);
      if (quiver !== 'off' && field) this.quiver.draw(pass);
    }
    pass.end();
    return true;
  }

  destroy(): void {
    this.heatmap.destroy();
    this.quiver.destroy();
    this.polar.destroy();
  }
}

/** A colour as a cache-key part. */
function colorKey(c: GPUColor): string {
  const { r, g, b } = c as GPUColorDict;
  return `${r}:${g}:${b}`;
}
