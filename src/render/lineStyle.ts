/**
 * How wide each path and head marker is drawn, in device pixels, from `view.lineWidth` (CSS pixels at a
 * 1080-line picture): scaled by the device pixel ratio on screen and by height / 1080 in exports, so a 1080p
 * export and a 1080-line screen look the same. Few paths are drawn opaque, full width, with a dark outline;
 * thousands are drawn thinner and translucent (no outline), so the picture stays a picture and stays fast.
 *
 * Where the two runs overlap both stay visible: the weight-decay run (solid) is drawn at full width with a
 * dark outline, the projected run (dashed) on top at under half the width and without one, so the
 * weight-decay run's colour shows on both sides of each dash and through the gaps; the raw exponential run
 * (dotted) gets the full width and the outline (it is drawn alone in its own pane or leaves the view).
 * Thousands of paths thinned to about a pixel are drawn as hairlines, as fast as before the capsules.
 */
import type { RunName } from './paths';

/** Pixel sizes of one draw: core width, outline on each side, pattern period, and opacity. */
export interface LineStyle {
  width: number;
  outline: number;
  period: number;
  alpha: number;
  /**
   * Drawn as 1-px hairlines (2 vertices a segment) instead of antialiased capsules (6): a crowd of faint
   * paths thinned to about a pixel, where capsules would cost three times the vertices and look the same.
   */
  hairline: boolean;
}

/** Crowds thinned to at most this width (device px) are drawn as hairlines. */
export const HAIRLINE_WIDTH = 1.25;

/** Picture height at which view.lineWidth is given in pixels. */
export const LINE_REFERENCE_HEIGHT = 1080;
/** At most this many paths are drawn at full width; beyond, the width falls like 1/√count (to 1 px). */
export const FULL_WIDTH_PATHS = 64;
/** Core width of the projected run, relative to the weight-decay run's. */
export const PROJECTED_WIDTH = 0.45;
/** Head marker diameter relative to the line width. */
export const HEAD_SCALE = 2.2;

/** Device pixels per view.lineWidth pixel: height / 1080 for a fixed export size, else the device pixel ratio. */
export function lineScale(fixedHeight: number | null, devicePixelRatio: number): number {
  if (fixedHeight !== null) return fixedHeight / LINE_REFERENCE_HEIGHT;
  return devicePixelRatio > 0 ? devicePixelRatio : 1;
}

/** Line opacity for `count` overlapping trajectories: opaque for a few, faint for thousands. */
export function pathAlpha(count: number): number {
  return Math.min(1, Math.max(0.06, 6 / Math.sqrt(count)));
}

/** The width (device px) paths of `count` trajectories are drawn at, for a line width of `px` device px. */
export function crowdWidth(px: number, count: number): number {
  const thin = Math.min(1, Math.sqrt(FULL_WIDTH_PATHS / Math.max(1, count)));
  return Math.max(Math.min(1, px), px * thin);
}

/** The style of run `run`'s paths: `px` is view.lineWidth in device pixels, `count` the trajectories. */
export function lineStyle(run: RunName, px: number, count: number): LineStyle {
  const alpha = pathAlpha(count);
  const full = crowdWidth(px, count);
  const opaque = alpha >= 1;
  const outline = opaque ? Math.max(0.75, 0.3 * full) : 0;
  const width = run === 'projected' ? Math.max(1, PROJECTED_WIDTH * full) : full;
  // Dashes about 4 widths of the weight-decay run long, at least the hairline's 12 px period.
  const period = Math.max(12, (run === 'exponential' ? 2.5 : 5) * full);
  const hairline = !opaque && full <= HAIRLINE_WIDTH;
  return { width, outline: run === 'projected' ? 0 : outline, period, alpha: opaque ? 1 : alpha, hairline };
}

/** The highlighted trajectory (the Precision tab's row): wider than any path, opaque, outlined. */
export function highlightStyle(px: number): LineStyle {
  const width = Math.max(2.5, 1.6 * px);
  return { width, outline: Math.max(0.75, 0.3 * width), period: 5 * width, alpha: 1, hairline: false };
}

/** The head marker of run `run`: a disc HEAD_SCALE × the path width across, outlined, opaque for a few. */
export function headStyle(run: RunName, px: number, count: number): LineStyle {
  const line = lineStyle(run, px, count);
  const full = crowdWidth(px, count);
  const width = Math.max(2, HEAD_SCALE * (run === 'projected' ? 0.6 * full : full));
  const outline = line.alpha >= 1 ? Math.max(0.75, 0.25 * full) : 0;
  return { width, outline, period: line.period, alpha: Math.min(1, 2 * line.alpha), hairline: false };
}
