/**
 * The Precision tab's charts (uPlot, dark theme): median angle gap against step per precision, and median
 * divergence step against mantissa bits with the fitted line and the median instability-crossing step as a
 * horizontal line. Also the PNG export (the CLI's study.svg, rasterised by the browser) and downloads.
 */

import uPlot from 'uplot';
import { AXIS, PRECISION_COLOURS } from './chartTheme';
import { gapChartAxes } from './logAxis';
import 'uplot/dist/uPlot.min.css';
import { studyToSvg } from '../core/study/svg';
import { bitsChartData, driftChartData } from '../playground/precisionData';
import type { PrecisionStudyResult } from '../playground/precisionStudy';

const CHART_HEIGHT = 190;
function options(box: HTMLElement, title: string, o: Partial<uPlot.Options>): uPlot.Options {
  const width = Math.max(240, box.clientWidth || 300);
  // A static legend (no hover values): the charts are read, not scrubbed.
  return { title, width, height: CHART_HEIGHT, legend: { live: false }, series: [], ...o } as uPlot.Options;
}

/** Draws both charts into their boxes; the caller destroys them before drawing again. */
export function drawStudyCharts(
  r: PrecisionStudyResult,
  driftBox: HTMLElement,
  bitsBox: HTMLElement,
): uPlot[] {
  const drift = driftChartData(r.drift);
  const driftSeries: uPlot.Series[] = [{ label: 'step' }];
  for (const s of drift.series)
    driftSeries.push({ label: s.precision, stroke: PRECISION_COLOURS[s.precision], width: 1.5 });
  const d = new uPlot(
    options(driftBox, 'Median angle gap (rad, log) vs step', {
      ...gapChartAxes([1e-16, 1]),
      series: driftSeries,
    }),
    [drift.x, ...drift.series.map((s) => s.median)] as uPlot.AlignedData,
    driftBox,
  );
  const b = bitsChartData(r.study);
  const fit = r.study.aggregate.fit;
  const bits = new uPlot(
    options(bitsBox, 'Median divergence step vs mantissa bits', {
      scales: { x: { time: false } },
      axes: [{ ...AXIS }, { ...AXIS, size: 56 }],
      series: [
        { label: 'bits' },
        { label: 'median', stroke: '#fff', paths: () => null, points: { show: true, size: 9, fill: '#fff' } },
        {
          label: fit ? `fit ${fit.slope.toFixed(2)} steps/bit` : 'fit',
          stroke: '#9fa8da',
          width: 1.5,
          points: { show: false },
        },
        {
          label: b.crossingStep === null ? 'no crossing' : `crossing (median ${b.crossingStep})`,
          stroke: '#ffd54f',
          width: 1.5,
          dash: [6, 4],
          points: { show: false },
        },
      ],
    }),
    [b.x, b.median, b.fit, b.crossing] as uPlot.AlignedData,
    bitsBox,
  );
  return [d, bits];
}

/** The study's SVG plot rasterised at 2× (the CLI's study.png, drawn by the browser). */
export async function studyPng(result: PrecisionStudyResult, title: string): Promise<Blob> {
  const svg = new Blob([studyToSvg(result.study, title)], { type: 'image/svg+xml' });
  const url = URL.createObjectURL(svg);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 2 * img.naturalWidth;
    canvas.height = 2 * img.naturalHeight;
    canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('the plot could not be encoded'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
