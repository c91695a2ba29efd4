/**
 * The drift chart as a standalone SVG figure (for papers and slides): angle gap against step on a log
 * scale, median solid, 95th percentile dashed, max dotted, one colour per precision. Dark on light, so it
 * prints. Pure (no DOM), so it is unit-tested in Node.
 */
import type { DriftSeries } from '../playground/driftRecorder';

const W = 720;
const H = 420;
const M = { left: 64, right: 120, top: 24, bottom: 48 };
const COLORS = ['#d95f02', '#1b6ac9', '#2a9d3a', '#8e44ad'];
const STYLES: [keyof DriftSeries, string][] = [
  ['median', ''],
  ['p95', '6 4'],
  ['max', '2 3'],
];

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Decades spanned by the positive finite values (at least one decade). */
function decadeSpan(values: number[]): [number, number] {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return [-8, 0];
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  return [lo, Math.max(hi, lo + 1)];
}

export function driftChartSvg(
  series: readonly DriftSeries[],
  title = 'Angle gap between the two runs',
): string {
  const all = series.flatMap((s) => [...s.median, ...s.p95, ...s.max]);
  const [lo, hi] = decadeSpan(all);
  const maxStep = Math.max(1, ...series.map((s) => (s.step.length ? s.step[s.step.length - 1] : 0)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (t: number) => M.left + (t / maxStep) * pw;
  const y = (v: number) => M.top + ph - ((Math.log10(v) - lo) / (hi - lo)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="16" font-size="14">${esc(title)}</text>`,
  ];
  for (let d = lo; d <= hi; d++) {
    const yy = y(10 ** d).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">1e${d}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const t = Math.round((maxStep * k) / 4);
    out.push(`<text x="${x(t).toFixed(1)}" y="${M.top + ph + 16}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle">step</text>`);
  out.push(
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">angle gap δ (rad)</text>`,
  );
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    for (const [key, dash] of STYLES) {
      const values = s[key] as Float64Array;
      // Gaps of 0, NaN (none finite) or overflowed break the line: a log scale cannot show them.
      const parts: string[] = [];
      let pen = 'M';
      for (let j = 0; j < s.step.length; j++) {
        const v = values[j];
        if (!(Number.isFinite(v) && v > 0)) {
          pen = 'M';
          continue;
        }
        parts.push(`${pen}${x(s.step[j]).toFixed(1)},${y(v).toFixed(1)}`);
        pen = 'L';
      }
      if (parts.length) {
        out.push(
          `<path d="${parts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
        );
      }
    }
    const ly = M.top + 14 + i * 18;
    out.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${W - M.right + 42}" y="${ly}" dominant-baseline="middle">${esc(s.precision)}</text>`);
  });
  const ky = M.top + 14 + series.length * 18 + 8;
  STYLES.forEach(([key, dash], j) => {
    const yy = ky + j * 16;
    out.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${yy}" y2="${yy}" stroke="#444"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
    out.push(`<text x="${W - M.right + 42}" y="${yy}" dominant-baseline="middle">${key}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
