import { describe, expect, it } from 'vitest';
import {
  crowdWidth,
  FULL_WIDTH_PATHS,
  HEAD_SCALE,
  headStyle,
  highlightStyle,
  LINE_REFERENCE_HEIGHT,
  lineScale,
  lineStyle,
  pathAlpha,
} from '../../src/render/lineStyle';

describe('line widths (lineStyle.ts)', () => {
  it('scales view.lineWidth by height / 1080 in exports and by the device pixel ratio on screen', () => {
    expect(lineScale(1080, 3)).toBe(1);
    expect(lineScale(2160, 1)).toBe(2);
    expect(lineScale(720, 1)).toBeCloseTo(720 / LINE_REFERENCE_HEIGHT, 12);
    expect(lineScale(null, 2)).toBe(2);
    expect(lineScale(null, 0)).toBe(1); // a missing ratio reads as 1
  });

  it('draws a few paths at full width, opaque, the weight-decay run outlined and the projected run thinner on top', () => {
    const wd = lineStyle('weightDecay', 2.5, 4);
    const pr = lineStyle('projected', 2.5, 4);
    expect(wd.width).toBe(2.5);
    expect(wd.alpha).toBe(1);
    expect(wd.outline).toBeGreaterThan(0);
    // The projected core fits inside the weight-decay core with the weight-decay colour showing on each side.
    expect(pr.width).toBeLessThan(wd.width / 2);
    expect(pr.outline).toBe(0);
    expect(lineStyle('exponential', 2.5, 4).width).toBe(2.5);
    // Widths follow the setting.
    expect(lineStyle('weightDecay', 8, 1).width).toBe(8);
    expect(lineStyle('weightDecay', 1, 1).width).toBe(1);
  });

  it('thins and fades thousands of paths, never below 1 px (or the setting when it is under 1)', () => {
    expect(crowdWidth(2.5, FULL_WIDTH_PATHS)).toBe(2.5);
    expect(crowdWidth(2.5, 4 * FULL_WIDTH_PATHS)).toBeCloseTo(1.25, 12);
    expect(crowdWidth(2.5, 16384)).toBe(1);
    expect(crowdWidth(0.5, 16384)).toBe(0.5);
    const many = lineStyle('weightDecay', 2.5, 16384);
    expect(many.alpha).toBeCloseTo(pathAlpha(16384), 12);
    expect(many.alpha).toBeLessThan(0.1);
    expect(many.outline).toBe(0); // no dark halo over a crowd
  });

  it('makes heads HEAD_SCALE × the line width across, outlined, and the highlight wider than a path', () => {
    const h = headStyle('weightDecay', 2.5, 4);
    expect(h.width).toBeCloseTo(HEAD_SCALE * 2.5, 12);
    expect(h.outline).toBeGreaterThan(0);
    expect(headStyle('projected', 2.5, 4).width).toBeLessThan(h.width);
    expect(highlightStyle(2.5).width).toBeGreaterThan(lineStyle('weightDecay', 2.5, 1).width);
  });
});
