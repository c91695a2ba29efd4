/**
 * Pane geometry (src/render/panes.ts): the panes tile the canvas exactly, left to right, and drawPaneRuns
 * visits the left runs in pane 0 and the zoomed exponential run in pane 1, against a recording pass.
 */
import { describe, expect, it } from 'vitest';
import { toExponential } from '../../src/core/schedule';
import type { PathSource } from '../../src/gpu/pathSource';
import { drawPaneRuns, paneRect } from '../../src/render/panes';
import { zoomShift } from '../../src/render/rawRun';

describe('paneRect', () => {
  for (const [width, height, panes] of [
    [800, 600, 1],
    [801, 600, 2],
    [1, 5, 2],
    [1000, 10, 3],
  ]) {
    it(`${panes} pane(s) tile a ${width}×${height} canvas with no gap or overlap`, () => {
      const layout = { width, height, panes };
      let x = 0;
      for (let p = 0; p < panes; p++) {
        const [px, py, w, h] = paneRect(layout, p);
        expect([px, py, h]).toEqual([x, 0, height]);
        // Equal columns of floor(width / panes); the last one takes the remainder.
        expect(w).toBe(p === panes - 1 ? width - x : Math.floor(width / panes));
        x += w;
      }
      expect(x).toBe(width);
    });
  }
});

/** A pass that records the viewports set on it. */
function recordingPass(log: string[]): GPURenderPassEncoder {
  return {
    setViewport: (x: number, y: number, w: number, h: number) => log.push(`viewport ${x},${y},${w},${h}`),
    setScissorRect: (x: number, y: number, w: number, h: number) => log.push(`scissor ${x},${y},${w},${h}`),
  } as unknown as GPURenderPassEncoder;
}

describe('drawPaneRuns', () => {
  const schedule = toExponential({ lr: 0.1, weightDecay: 0.01, momentum: 0, milestones: [], lrDecay: 1 });
  const source = { schedule, sampleEvery: 4 } as unknown as PathSource;
  const layout = { width: 301, height: 100, panes: 2 };

  it('draws the left runs in pane 0 unzoomed, then the exponential run in pane 1 zoomed to the newest sample', () => {
    const log: string[] = [];
    drawPaneRuns(
      recordingPass(log),
      layout,
      ['weightDecay', 'projected'],
      true,
      source,
      40,
      (pane, run, vp, shift) => log.push(`${pane} ${run} ${vp.join('×')} ${shift}`),
    );
    const zoom = zoomShift(schedule, 40, 4);
    expect(zoom).not.toBe(0);
    expect(log).toEqual([
      'viewport 0,0,150,100',
      'scissor 0,0,150,100',
      '0 weightDecay 150×100 0',
      '0 projected 150×100 0',
      'viewport 150,0,151,100',
      'scissor 150,0,151,100',
      `1 exponential 151×100 ${zoom}`,
    ]);
  });

  it('draws nothing for no left runs and no right pane, and no right pane without a schedule', () => {
    const log: string[] = [];
    drawPaneRuns(recordingPass(log), layout, [], false, source, 40, () => log.push('draw'));
    const noSchedule = { ...source, schedule: null } as unknown as PathSource;
    drawPaneRuns(recordingPass(log), layout, [], true, noSchedule, 40, () => log.push('draw'));
    expect(log).toEqual([]);
  });
});
