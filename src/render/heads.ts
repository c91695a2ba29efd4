/**
 * Head markers: a disc at each trajectory's current position (its newest sample), per run shown, drawn over
 * the frame's copy of the cached scene every frame (never into the scene: the heads move, the paths only
 * grow). Sizes come from lineStyle.ts (headStyle: HEAD_SCALE × the path width, outlined), the disc from
 * shaders/render_heads.wgsl through PathRenderer.drawHeads. Shown when view.heads is on.
 */
import { newestSample, oldestSample, type PathSource } from '../gpu/pathSource';
import type { ViewState } from '../playground/viewState';
import type { Camera } from './camera';
import { runsDrawn } from './legend';
import { drawPaneRuns, type PaneLayout } from './panes';
import type { PathRenderer } from './paths';

export interface HeadsFrame {
  target: GPUTexture;
  layout: PaneLayout;
  camera: Camera;
  source: PathSource;
  view: ViewState;
  /** view.lineWidth in device pixels (lineStyle.ts lineScale). */
  lineWidth: number;
}

/** Encodes the heads pass over `f.target` (loads and keeps what is there); nothing when view.heads is off. */
export function encodeHeads(encoder: GPUCommandEncoder, paths: PathRenderer, f: HeadsFrame): void {
  const { source, view, layout } = f;
  if (!view.heads || source.count < 1) return;
  const oldest = oldestSample(source);
  const newest = newestSample(source);
  if (newest < oldest || source.historyLength < 1) return;
  const [plane, zoomed] = runsDrawn(view, !!source.schedule);
  const right = view.mode === 'sideBySide' && !!zoomed?.length && !!source.schedule;
  if (plane.length === 0 && !right) return;
  if (plane.includes('exponential') || right) paths.updateLog2c(source, oldest, newest);
  const pass = encoder.beginRenderPass({
    label: 'heads pass',
    colorAttachments: [
      { view: f.target.createView({ label: 'frame view (heads)' }), loadOp: 'load', storeOp: 'store' },
    ],
  });
  const common = {
    clip: f.camera.clipTransform(),
    colorBy: view.colorBy,
    polar: view.mode === 'polar',
    theme: view.theme,
    lineWidth: f.lineWidth,
  };
  let slot = 0;
  drawPaneRuns(pass, layout, plane, right, source, newest, (_pane, run, viewport, log2Shift) =>
    paths.drawHeads(pass, source, { ...common, run, viewport, from: newest, to: newest, log2Shift }, slot++),
  );
  pass.end();
}
