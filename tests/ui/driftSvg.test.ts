/** The drift chart's SVG export (src/ui/driftSvg.ts): well-formed, one path per curve, breaks at gaps. */
import { describe, expect, it } from 'vitest';
import type { DriftSeries } from '../../src/playground/driftRecorder';
import { driftChartSvg } from '../../src/ui/driftSvg';

function series(precision: string, median: number[]): DriftSeries {
  const n = median.length;
  const f = (k: number) => Float64Array.from(median, (v) => v * k);
  return {
    precision,
    step: Float64Array.from({ length: n }, (_, i) => 100 * i),
    median: Float64Array.from(median),
    p95: f(10),
    max: f(100),
    diverged: new Float64Array(n),
    overflowed: new Float64Array(n),
    absorbedWd: new Float64Array(n),
    absorbedExp: new Float64Array(n),
  };
}

describe('driftChartSvg', () => {
  it('draws median, p95 and max for each precision with a legend, axes in decades', () => {
    const svg = driftChartSvg([series('f32', [1e-7, 1e-5, 1e-3]), series('df64', [1e-15, 1e-13, 1e-11])]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)?.length).toBe(6);
    expect(svg).toContain('>f32<');
    expect(svg).toContain('>df64<');
    expect(svg).toContain('>1e-15<'); // the lowest decade
    expect(svg).toContain('>1e-1<'); // max of f32 is 1e-1
  });
  it('breaks a line at values a log scale cannot show (0, NaN) instead of drawing to infinity', () => {
    const svg = driftChartSvg([series('f32', [1e-7, 0, Number.NaN, 1e-3, 1e-2])]);
    const median = svg.split('\n').find((l) => l.startsWith('<path') && !l.includes('dasharray'))!;
    expect(median.match(/M/g)?.length).toBe(2);
    expect(median).not.toMatch(/NaN|Infinity/);
  });
});
