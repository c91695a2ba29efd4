/**
 * Panes are columns of one canvas, each drawn with its own viewport: one pane, or two side by side (the
 * weight-decay plane on the left, the zoomed exponential run on the right). Path drawing visits the panes
 * the same way for the scene and for the highlighted trajectory.
 */
import type { PathSource } from '../gpu/pathSource';
import type { RunName } from './paths';
import { zoomShift } from './rawRun';

/** x, y, width, height in device pixels. */
export type PaneRect = [number, number, number, number];

export interface PaneLayout {
  width: number;
  height: number;
  panes: number;
}

/** Pane p's rectangle: equal columns, the last one taking the rounding remainder. */
export function paneRect(layout: PaneLayout, p: number): PaneRect {
  const w = Math.floor(layout.width / layout.panes);
  return [p * w, 0, p === layout.panes - 1 ? layout.width - p * w : w, layout.height];
}

/** Restricts the pass to pane p (viewport and scissor). */
export function setPane(pass: GPURenderPassEncoder, layout: PaneLayout, p: number): void {
  const [x, y, w, h] = paneRect(layout, p);
  pass.setViewport(x, y, w, h, 0, 1);
  pass.setScissorRect(x, y, w, h);
}

/** One run drawn in one pane: the pane's size and the right pane's zoom (0 on the left). */
export type DrawRun = (pane: 0 | 1, run: RunName, viewport: [number, number], log2Shift: number) => void;

/**
 * Draws `left` runs in pane 0 and, if `right`, the exponential run zoomed to the newest sample in pane 1
 * (its rectangle is the left one scaled by 1/c_t, docs/math.md §2).
 */
export function drawPaneRuns(
  pass: GPURenderPassEncoder,
  layout: PaneLayout,
  left: readonly RunName[],
  right: boolean,
  source: PathSource,
  newest: number,
  draw: DrawRun,
): void {
  if (left.length > 0) {
    setPane(pass, layout, 0);
    const [, , w, h] = paneRect(layout, 0);
    for (const run of left) draw(0, run, [w, h], 0);
  }
  if (right && source.schedule) {
    setPane(pass, layout, 1);
    const [, , w, h] = paneRect(layout, 1);
    draw(1, 'exponential', [w, h], zoomShift(source.schedule, newest, source.sampleEvery));
  }
}
