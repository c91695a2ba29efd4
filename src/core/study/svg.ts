/**
 * study.svg: median divergence step against mantissa bits, with the per-trajectory steps (coloured by the
 * divergence's cause, src/core/cause.ts), the quartiles (bar), the least-squares line (solid) and the
 * slope ln2/μ the Lyapunov exponent predicts (dashed, through the fitted points' centroid). Apart from the
 * cause colours, black on white. Labels are placed so that no two overlap (nor the legend).
 */
import { DIVERGENCE_CAUSES, type DivergenceCause } from '../cause';
import { nearestRankIndex } from '../drift';
import type { StudyResult } from './types';

const W = 720;
const H = 460;
const M = { left: 78, right: 24, top: 44, bottom: 58 };
/** A white outline under text, so labels stay readable where they cross a line. */
const HALO = 'stroke="#fff" stroke-width="4" paint-order="stroke"';
/** Colour-blind-safe (Okabe–Ito) colours per cause; grey where the run output reported none. */
export const CAUSE_COLOURS: Record<DivergenceCause, string> = {
  chaos: '#0072B2',
  absorbed: '#D55E00',
  range: '#E69F00',
  precision: '#009E73',
};
const NO_CAUSE = '#999';
/** Baseline offsets tried for a label, nearest the marker first (then further out, 16 px apart). */
export const LABEL_OFFSETS: readonly number[] = [-14, 24, -30, 40, -46, 56, -62, 72];
/** A label's box: its baseline y − LABEL_ASCENT to y + LABEL_DESCENT, its estimated width + 6 px. */
const LABEL_ASCENT = 12;
const LABEL_DESCENT = 4;

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Width of a 13px Helvetica label, estimated (no font metrics in a plain SVG writer). */
export const textWidth = (text: string, size = 13) => 0.6 * size * text.length;

/**
 * The box of a label centred at x with its baseline at y (the estimate placeLabel keeps clear).
 */
export function labelBox(text: string, x: number, y: number): Box {
  const w = textWidth(text) + 6;
  return { x0: x - w / 2, x1: x + w / 2, y0: y - LABEL_ASCENT, y1: y + LABEL_DESCENT };
}

/**
 * The first baseline y among `offsets` (relative to y), then further out in 16 px steps while the label
 * stays within [top, bottom], at which a centred label at x overlaps none of `taken`; its box is added to
 * `taken`. x is moved inwards when the label would leave [left, right]. Where nothing is free the first
 * offset is kept.
 */
export function placeLabel(
  text: string,
  x: number,
  y: number,
  offsets: readonly number[],
  taken: Box[],
  left: number,
  right: number,
  top = Number.NEGATIVE_INFINITY,
  bottom = Number.POSITIVE_INFINITY,
): { x: number; y: number } {
  const w = textWidth(text) + 6;
  const cx = Math.min(Math.max(x, left + w / 2), right - w / 2);
  const reach = Math.max(0, ...offsets.map(Math.abs));
  const further: number[] = [];
  for (let d = reach + 16; d <= reach + 16 * 24; d += 16) further.push(-d, d);
  const fits = (dy: number) => y + dy - LABEL_ASCENT >= top && y + dy + LABEL_DESCENT <= bottom;
  let chosen = { x: cx, y: y + offsets[0] };
  for (const dy of [...offsets, ...further.filter(fits)]) {
    if (!taken.some((b) => overlaps(b, labelBox(text, cx, y + dy)))) {
      chosen = { x: cx, y: y + dy };
      break;
    }
  }
  taken.push(labelBox(text, chosen.x, chosen.y));
  return chosen;
}

/** About five round tick values covering [min, max] (first ≤ min, last ≥ max). */
export function niceTicks(min: number, max: number): number[] {
  if (!(max > min)) return [min - 1, min, min + 1];
  const raw = (max - min) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let k = Math.floor(min / step); out.length === 0 || out[out.length - 1] < max; k++) {
    out.push(Number((k * step).toPrecision(12)));
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * study.svg for `study`. `avoidCollisions: false` puts each precision label just above its marker with
 * no collision pass (the old placement; a test shows that it collides).
 */
export function studyToSvg(
  study: StudyResult,
  title = 'Divergence step against mantissa bits',
  { avoidCollisions = true }: { avoidCollisions?: boolean } = {},
): string {
  const a = study.aggregate;
  const common = study.trajectories.slice(0, a.common);
  const xMax = Math.max(110, ...a.rows.map((r) => r.bits + 6));
  // y covers every plotted step (and the horizon when a median lies beyond it), not 0..horizon: the
  // differences between precisions are often a few percent of the step count.
  const plotted = a.rows.flatMap((r) => common.map((t) => t.divergenceStep[r.precision]));
  const finite = plotted.filter((s): s is number => typeof s === 'number');
  const beyond = a.rows.some((r) => r.medianDivergence === null) || finite.length === 0;
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = beyond ? study.steps : Math.max(...finite);
  const pad = Math.max(1, 0.08 * (hi - lo));
  const yTicks = niceTicks(Math.max(0, lo - pad), hi + pad);
  const yMin = yTicks[0];
  const yMax = yTicks[yTicks.length - 1];
  const xTicks = niceTicks(0, xMax);
  const xEnd = xTicks[xTicks.length - 1];
  const px = (b: number) => M.left + (b / xEnd) * (W - M.left - M.right);
  const py = (s: number) => H - M.bottom - ((s - yMin) / (yMax - yMin)) * (H - M.top - M.bottom);
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    // The fit and prediction lines may run far outside the data: keep them inside the axes.
    `<clipPath id="plot-area"><rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/></clipPath>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  // Axes, ticks and light grid.
  for (const t of yTicks) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 8}" y="${f(py(t) + 4)}" text-anchor="end">${t}</text>`);
  }
  for (const t of xTicks) {
    out.push(
      `<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}" stroke="#000"/>`,
    );
    out.push(`<text x="${f(px(t))}" y="${H - M.bottom + 20}" text-anchor="middle">${t}</text>`);
  }
  out.push(
    `<path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none" stroke="#000" stroke-width="1.2"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">mantissa bits</text>`,
    `<text transform="translate(20 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">divergence step (tolerance ${study.driftTolerance} rad)</text>`,
  );
  if (study.steps <= yMax) {
    const y = f(py(study.steps));
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#000" stroke-dasharray="1 3"/>`,
      `<text x="${W - M.right - 4}" y="${f(py(study.steps) - 5)}" text-anchor="end" font-size="11">horizon ${study.steps} steps</text>`,
    );
  }
  // Lines first so the markers sit on top.
  const pts = a.rows.filter((r) => r.medianDivergence !== null);
  if (a.fit) {
    const x0 = Math.min(...pts.map((r) => r.bits)) - 4;
    const x1 = Math.max(...pts.map((r) => r.bits)) + 4;
    const y = (x: number) => a.fit!.slope * x + a.fit!.intercept;
    out.push(
      `<line x1="${f(px(x0))}" y1="${f(py(y(x0)))}" x2="${f(px(x1))}" y2="${f(py(y(x1)))}" stroke="#000" stroke-width="1.5" clip-path="url(#plot-area)"/>`,
    );
    if (a.predictedStepsPerBit !== null) {
      const cx = pts.reduce((s, r) => s + r.bits, 0) / pts.length;
      const cy = pts.reduce((s, r) => s + (r.medianDivergence as number), 0) / pts.length;
      const yp = (x: number) => cy + a.predictedStepsPerBit! * (x - cx);
      out.push(
        `<line x1="${f(px(x0))}" y1="${f(py(yp(x0)))}" x2="${f(px(x1))}" y2="${f(py(yp(x1)))}" stroke="#000" stroke-width="1.2" stroke-dasharray="6 4" clip-path="url(#plot-area)"/>`,
      );
    }
  }
  // Legend (drawn last, but its box is known now: labels must keep clear of it).
  const legendOut: string[] = [];
  const lx = M.left + 14;
  let ly = M.top + 10;
  let legendWidth = 0;
  const legend = (mark: string, text: string) => {
    legendOut.push(mark.replace(/LX/g, String(lx)).replace(/LY/g, String(ly)));
    legendOut.push(`<text x="${lx + 34}" y="${ly + 4}" font-size="12">${esc(text)}</text>`);
    legendWidth = Math.max(legendWidth, 34 + textWidth(text, 12));
    ly += 18;
  };
  legend(
    `<rect x="${lx + 8}" y="${ly - 5}" width="10" height="10" fill="#000"/>`,
    'median over trajectories (bar: quartiles)',
  );
  if (a.fit)
    legend(
      `<line x1="LX" x2="${lx + 26}" y1="LY" y2="LY" stroke="#000" stroke-width="1.5"/>`,
      `least squares: ${a.fit.slope.toFixed(2)} steps per bit`,
    );
  if (a.fit && a.predictedStepsPerBit !== null)
    legend(
      `<line x1="LX" x2="${lx + 26}" y1="LY" y2="LY" stroke="#000" stroke-dasharray="6 4"/>`,
      `Lyapunov ln2/μ: ${a.predictedStepsPerBit.toFixed(2)} steps per bit`,
    );
  const causeOf = (t: (typeof common)[number], p: (typeof a.rows)[number]['precision']) =>
    t.cause?.[p] ?? null;
  const unreported = a.rows.some((r) =>
    common.some((t) => typeof t.divergenceStep[r.precision] === 'number' && causeOf(t, r.precision) === null),
  );
  for (const c of DIVERGENCE_CAUSES)
    legend(`<circle cx="${lx + 13}" cy="LY" r="4" fill="${CAUSE_COLOURS[c]}"/>`, `trajectory, cause: ${c}`);
  if (unreported)
    legend(`<circle cx="${lx + 13}" cy="LY" r="4" fill="${NO_CAUSE}"/>`, 'trajectory, cause not reported');
  const taken: Box[] = [{ x0: lx, x1: lx + legendWidth, y0: M.top, y1: ly }];

  out.push(`<g>`);
  const labels: { text: string; x: number; y: number }[] = [];
  for (const r of a.rows) {
    const points = common
      .map((t) => ({ s: t.divergenceStep[r.precision], c: causeOf(t, r.precision) }))
      .filter((q): q is { s: number; c: DivergenceCause | null } => typeof q.s === 'number');
    const steps = points.map((q) => q.s).sort((p, q) => p - q);
    for (const q of points) {
      const fill = q.c === null ? NO_CAUSE : CAUSE_COLOURS[q.c];
      out.push(`<circle cx="${f(px(r.bits))}" cy="${f(py(q.s))}" r="3" fill="${fill}" fill-opacity="0.7"/>`);
    }
    if (steps.length > 0) {
      const q1 = steps[nearestRankIndex(0.25, steps.length)];
      const q3 = steps[nearestRankIndex(0.75, steps.length)];
      out.push(
        `<line x1="${f(px(r.bits) + 9)}" x2="${f(px(r.bits) + 9)}" y1="${f(py(q1))}" y2="${f(py(q3))}" stroke="#000" stroke-width="2"/>`,
      );
    }
    const label = `${r.precision} (${r.bits.toFixed(r.bits % 1 === 0 ? 0 : 1)} bits)`;
    // Neighbours (f32 at 24 bits and df64 at ~46, df64 and f64 at 53) used to collide: the first free
    // slot above or below the marker is taken, clear of earlier labels and of the legend.
    const text = r.medianDivergence !== null ? `${label}: ${r.medianDivergence}` : `${label}: > horizon`;
    const y0 = r.medianDivergence !== null ? py(r.medianDivergence) : py(study.steps) + 2;
    if (r.medianDivergence !== null) {
      out.push(
        `<rect class="median-marker" x="${f(px(r.bits) - 5)}" y="${f(y0 - 5)}" width="10" height="10" fill="#000"/>`,
      );
      taken.push({ x0: px(r.bits) - 6, x1: px(r.bits) + 6, y0: y0 - 6, y1: y0 + 6 });
    }
    labels.push({ text, x: px(r.bits), y: y0 });
  }
  // Labels after every marker is known, so that none covers a neighbour's marker either.
  for (const l of labels) {
    const at = avoidCollisions
      ? placeLabel(l.text, l.x, l.y, LABEL_OFFSETS, taken, M.left, W - M.right, M.top, H - M.bottom)
      : { x: l.x, y: l.y + LABEL_OFFSETS[0] };
    out.push(
      `<text class="precision-label" x="${f(at.x)}" y="${f(at.y)}" text-anchor="middle" ${HALO}>${esc(l.text)}</text>`,
    );
  }
  out.push('</g>');
  out.push(...legendOut);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
