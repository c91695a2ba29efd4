/**
 * The cached scene (background + trajectory paths, src/render/renderer.ts): rebuilt from the background and
 * the whole ring when it is stale, otherwise extended by the segments added since the last frame. The
 * zooming right pane of the side-by-side view changes scale with every sample, so it is redrawn whole
 * whenever a sample arrives.
 */
import { newestSample, oldestSample, type PathSource } from '../gpu/pathSource';
import type { ColorBy, ViewState } from '../playground/viewState';
import type { Camera } from './camera';
import { runsDrawn } from './legend';
import { drawPaneRuns, type PaneLayout, paneRect } from './panes';
import type { PathRenderer } from './paths';

/** What the scene texture holds: paths of `history` (generation) up to sample `newest`, for `key`. */
export interface SceneState {
  key: string;
  history: GPUBuffer;
  generation: number;
  newest: number;
  step: number;
  /** Newest sample when the scene was last rebuilt whole (colours by state are as of then). */
  colorStamp: number;
}

/**
 * Stale: nothing drawn yet (or the background was redrawn), another view key, another run or generation of
 * the ring, a ring that went back, or colours by the newest state (basin, divergence step, cause) that are
 * due: the run grew by a quarter since the last rebuild, or it stopped with samples the colours have not seen.
 */
export function sceneStale(
  drawn: SceneState | null,
  key: string,
  source: PathSource | null,
  newest: number,
  colorBy: ColorBy,
): boolean {
  if (!source || !drawn) return true;
  const byState = colorBy === 'basin' || colorBy === 'divergence' || colorBy === 'cause';
  const recolor =
    byState &&
    (newest > 1.25 * drawn.colorStamp + 16 || (source.step === drawn.step && drawn.colorStamp !== newest));
  return (
    drawn.key !== key ||
    drawn.history !== source.history ||
    drawn.generation !== source.generation ||
    drawn.newest > newest ||
    recolor
  );
}

export interface SceneFrame {
  background: GPUTexture;
  scene: GPUTexture;
  layout: PaneLayout;
  camera: Camera;
  source: PathSource | null;
  view: ViewState;
  /** The view's key (background inputs, colours, runs shown). */
  key: string;
  /** What the scene holds; null after the background was redrawn. */
  drawn: SceneState | null;
  /** view.lineWidth in device pixels (lineStyle.ts lineScale; default: view.lineWidth). */
  lineWidth?: number;
}

/** Brings the scene up to date for `f` into `encoder`; returns what it then holds (null: no source). */
export function encodeScene(
  encoder: GPUCommandEncoder,
  paths: PathRenderer,
  f: SceneFrame,
): SceneState | null {
  const { background, scene, layout, source, view } = f;
  const d = f.drawn;
  const newest = source ? newestSample(source) : 0;
  const stale = sceneStale(d, f.key, source, newest, view.colorBy);
  if (stale)
    encoder.copyTextureToTexture({ texture: background }, { texture: scene }, [scene.width, scene.height]);
  if (!source) return null;
  const oldest = oldestSample(source);
  const [plane, zoomed] = runsDrawn(view, !!source.schedule);
  // A ring shorter than a frame's samples (huge batches) leaves gaps in the trails, not a clear.
  const from = stale ? oldest : Math.max(d!.newest, oldest);
  const redrawRight = view.mode === 'sideBySide' && (stale || newest !== d!.newest) && !!zoomed?.length;
  if (redrawRight && !stale) {
    const [x, , w, h] = paneRect(layout, 1);
    const origin = [x, 0, 0];
    encoder.copyTextureToTexture({ texture: background, origin }, { texture: scene, origin }, [w, h]);
  }
  const drawLeft = newest > from && plane.length > 0;
  if (drawLeft || redrawRight) {
    if (plane.includes('exponential') || redrawRight) paths.updateLog2c(source, oldest, newest);
    const pass = encoder.beginRenderPass({
      label: 'paths pass',
      colorAttachments: [
        { view: scene.createView({ label: 'scene view' }), loadOp: 'load', storeOp: 'store' },
      ],
    });
    const common = {
      clip: f.camera.clipTransform(),
      colorBy: view.colorBy,
      polar: view.mode === 'polar',
      theme: view.theme,
      lineWidth: f.lineWidth ?? view.lineWidth,
    };
    const left = drawLeft ? plane : [];
    drawPaneRuns(pass, layout, left, redrawRight, source, newest, (pane, run, viewport, log2Shift) =>
      paths.draw(pass, source, {
        ...common,
        run,
        viewport,
        from: pane === 0 ? from : oldest,
        to: newest,
        log2Shift,
      }),
    );
    pass.end();
  }
  return {
    key: f.key,
    history: source.history,
    generation: source.generation,
    newest,
    step: source.step,
    colorStamp: stale ? newest : d!.colorStamp,
  };
}
