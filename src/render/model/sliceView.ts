/**
 * The models page's picture, drawn with Canvas 2D: the loss on the slice through the origin (constant along
 * rays, so painted by angle from the profile's bins, in the theme's colormap), the slice's axes, the runs'
 * projected paths (weight decay solid, the projected exponential run dashed, coloured by divergence cause
 * with the Okabe–Ito colours of src/render/cause.ts), start dots, and a legend and caption drawn on the
 * canvas itself, so that a PNG of the canvas is a complete figure.
 */
import { CAUSE_PRECEDENCE, type DivergenceCause } from '../../core/cause';
import type { Frame, ProjectedPaths } from '../../playground/model/paths';
import { binOf, type SliceProfile } from '../../playground/model/slice';
import type { CauseCounts } from '../../playground/model/stats';
import type { Theme } from '../../playground/viewState';
import { CAUSE_LABEL, causeRgb } from '../cause';
import { palette, type Rgb, rgbCssOf } from '../theme';

export interface SliceScene {
  theme: Theme;
  /** The slice's values per angle; null: no slice to show (the message says why). */
  profile: SliceProfile | null;
  paths: ProjectedPaths | null;
  frame: Frame;
  /** How the plane was chosen. */
  sliceLabel: string;
  /** Whose paths these are ("f32 on the GPU: 512 of 4,096 seeds"). */
  pathsLabel: string;
  /** Divergences by cause of the seeds drawn (legend counts). */
  causes: CauseCounts | null;
  /** Shown in the middle (running, or why there is nothing to show). */
  message?: string;
}

/** Colour of t ∈ [0, 1] on stops at 0, 1/(n−1), …, 1. */
export function colormapAt(stops: readonly Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as unknown as Rgb;
}

/** World → canvas pixel mapping of a frame on a w×h canvas (y up). */
export function viewTransform(frame: Frame, w: number, h: number) {
  const scale = h / (2 * frame.halfHeight);
  return {
    scale,
    toPx: (x: number, y: number): [number, number] => [
      w / 2 + (x - frame.cx) * scale,
      h / 2 - (y - frame.cy) * scale,
    ],
    toWorld: (px: number, py: number): [number, number] => [
      frame.cx + (px - w / 2) / scale,
      frame.cy - (py - h / 2) / scale,
    ],
  };
}

function paintHeatmap(g: CanvasRenderingContext2D, scene: SliceScene, w: number, h: number): void {
  const p = palette(scene.theme);
  const profile = scene.profile!;
  const bins = profile.loss.length;
  const span = profile.max - profile.min || 1;
  const undefinedRgb: Rgb = scene.theme === 'light' ? [200, 200, 205] : [40, 40, 48];
  const lut = new Uint8ClampedArray(bins * 3);
  for (let k = 0; k < bins; k++) {
    const v = profile.loss[k];
    const c = Number.isFinite(v) ? colormapAt(p.colormap, (v - profile.min) / span) : undefinedRgb;
    lut.set(c, 3 * k);
  }
  // Half resolution, then scaled up smoothly: the picture changes only with the angle.
  const hw = Math.max(1, Math.ceil(w / 2));
  const hh = Math.max(1, Math.ceil(h / 2));
  const img = new ImageData(hw, hh);
  const t = viewTransform(scene.frame, hw, hh);
  for (let py = 0; py < hh; py++) {
    for (let px = 0; px < hw; px++) {
      const [x, y] = t.toWorld(px + 0.5, py + 0.5);
      const k = 3 * binOf(x, y, bins);
      const o = 4 * (py * hw + px);
      img.data[o] = lut[k];
      img.data[o + 1] = lut[k + 1];
      img.data[o + 2] = lut[k + 2];
      img.data[o + 3] = 255;
    }
  }
  const layer = new OffscreenCanvas(hw, hh);
  layer.getContext('2d')!.putImageData(img, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(layer, 0, 0, w, h);
}

function drawAxes(g: CanvasRenderingContext2D, scene: SliceScene, w: number, h: number, dpr: number): void {
  const t = viewTransform(scene.frame, w, h);
  const [ox, oy] = t.toPx(0, 0);
  g.save();
  g.strokeStyle = scene.theme === 'light' ? '#00000040' : '#ffffff40';
  g.lineWidth = dpr;
  g.setLineDash([2 * dpr, 4 * dpr]);
  g.beginPath();
  g.moveTo(0, oy);
  g.lineTo(w, oy);
  g.moveTo(ox, 0);
  g.lineTo(ox, h);
  g.stroke();
  g.setLineDash([]);
  g.fillStyle = palette(scene.theme).chrome.muted;
  g.font = `${11 * dpr}px system-ui, sans-serif`;
  g.fillText('e₁', w - 22 * dpr, oy - 6 * dpr);
  g.fillText('e₂', ox + 6 * dpr, 14 * dpr);
  g.restore();
}

/**
 * Two Path2D groups for a run's paths: the part before the split (one path, the run's colour) and the part
 * from the split on, one Path2D per cause (one stroke per colour). The split sample is in both, so the line
 * is continuous.
 */
function splitPaths(
  list: readonly Float32Array[],
  paths: ProjectedPaths,
  toPx: (x: number, y: number) => [number, number],
): { before: Path2D; after: Map<DivergenceCause | null, Path2D> } {
  const before = new Path2D();
  const after = new Map<DivergenceCause | null, Path2D>();
  list.forEach((p, i) => {
    const split = paths.splitAt[i];
    const cause = paths.causes[i];
    let later = after.get(cause);
    if (!later) {
      later = new Path2D();
      after.set(cause, later);
    }
    const trace = (path: Path2D, from: number, to: number) => {
      let pen = false;
      for (let j = from; j <= to && 2 * j + 1 < p.length; j++) {
        const x = p[2 * j];
        const y = p[2 * j + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          pen = false;
          continue;
        }
        const [px, py] = toPx(x, y);
        if (pen) path.lineTo(px, py);
        else path.moveTo(px, py);
        pen = true;
      }
    };
    const S = p.length / 2;
    trace(before, 0, Math.min(split, S - 1));
    if (split < S) trace(later, split, S - 1);
  });
  return { before, after };
}

function drawPaths(g: CanvasRenderingContext2D, scene: SliceScene, w: number, h: number, dpr: number): void {
  const paths = scene.paths!;
  const t = viewTransform(scene.frame, w, h);
  const many = paths.drawn > 64;
  const p = palette(scene.theme);
  g.save();
  g.lineJoin = 'round';
  g.lineCap = 'round';
  // Draw order: the agreeing part first, then the parts after the split by cause, rarer colours on top.
  const order: (DivergenceCause | null)[] = [null, 'chaos', 'precision', 'absorbed', 'range'];
  const runs = [
    { list: paths.exp, dash: [5 * dpr, 4 * dpr], alpha: many ? 0.3 : 0.8, width: 1 },
    { list: paths.wd, dash: [], alpha: many ? 0.4 : 0.95, width: 1.2 },
  ];
  for (const run of runs) {
    const { before, after } = splitPaths(run.list, paths, t.toPx);
    g.setLineDash(run.dash);
    g.lineWidth = run.width * dpr;
    g.globalAlpha = run.alpha * 0.8;
    g.strokeStyle = rgbCssOf(p.runs.weightDecay);
    g.stroke(before);
    g.globalAlpha = run.alpha;
    for (const c of order) {
      const path = after.get(c);
      if (!path) continue;
      g.strokeStyle = rgbCssOf(causeRgb(c));
      g.stroke(path);
    }
  }
  g.setLineDash([]);
  g.globalAlpha = 1;
  // Start dots (both runs start at w₀), outlined for contrast on either theme.
  const dot = new Path2D();
  const r = (many ? 1.6 : 3) * dpr;
  for (const q of paths.wd) {
    if (!Number.isFinite(q[0]) || !Number.isFinite(q[1])) continue;
    const [x, y] = t.toPx(q[0], q[1]);
    dot.moveTo(x + r, y);
    dot.arc(x, y, r, 0, 2 * Math.PI);
  }
  g.fillStyle = p.chrome.text;
  g.strokeStyle = rgbCssOf(p.clear);
  g.lineWidth = 0.8 * dpr;
  g.stroke(dot);
  g.fill(dot);
  g.restore();
}

function legendBox(g: CanvasRenderingContext2D, scene: SliceScene, dpr: number): void {
  const p = palette(scene.theme);
  const pad = 8 * dpr;
  const line = 15 * dpr;
  const causes = CAUSE_PRECEDENCE.filter((c) => (scene.causes?.[c] ?? 0) > 0);
  const rows = 4 + causes.length;
  const barH = 10 * dpr;
  g.font = `${11 * dpr}px system-ui, sans-serif`;
  const texts = [
    'weight decay w_t (until the runs split)',
    ...causes.map((c) => `${CAUSE_LABEL[c]} (${(scene.causes?.[c] ?? 0).toLocaleString('en-US')})`),
  ];
  const boxW = Math.max(220 * dpr, ...texts.map((t) => g.measureText(t).width + 28 * dpr)) + 2 * pad;
  // Title, colour bar and its labels, then `rows` lines of text (as drawn below).
  const boxH = pad + line + 2 * dpr + barH + 7 * dpr + line * rows + line / 2 + pad;
  const x0 = 10 * dpr;
  const y0 = 10 * dpr;
  g.save();
  g.fillStyle = p.chrome.panel;
  g.fillRect(x0, y0, boxW, boxH);
  g.font = `${11 * dpr}px system-ui, sans-serif`;
  g.textBaseline = 'middle';
  let y = y0 + pad + line / 2;
  g.fillStyle = p.chrome.text;
  g.fillText('L on the slice (constant along rays)', x0 + pad, y);
  y += line / 2 + 2 * dpr;
  if (scene.profile) {
    const bw = boxW - 2 * pad;
    for (let i = 0; i < bw; i++) {
      g.fillStyle = rgbCssOf(colormapAt(p.colormap, i / (bw - 1)));
      g.fillRect(x0 + pad + i, y, 1, barH);
    }
    g.fillStyle = p.chrome.muted;
    y += barH + 7 * dpr;
    g.fillText(scene.profile.min.toFixed(3), x0 + pad, y);
    const hi = scene.profile.max.toFixed(3);
    g.fillText(hi, x0 + boxW - pad - g.measureText(hi).width, y);
  } else {
    y += barH + 7 * dpr;
  }
  y += line;
  const sample = (dash: number[], colour: string) => {
    g.strokeStyle = colour;
    g.lineWidth = 2 * dpr;
    g.setLineDash(dash);
    g.beginPath();
    g.moveTo(x0 + pad, y);
    g.lineTo(x0 + pad + 22 * dpr, y);
    g.stroke();
    g.setLineDash([]);
  };
  const agree = rgbCssOf(p.runs.weightDecay);
  sample([], agree);
  g.fillStyle = p.chrome.text;
  g.fillText('weight decay w_t (until the runs split)', x0 + pad + 28 * dpr, y);
  y += line;
  sample([5 * dpr, 4 * dpr], agree);
  g.fillStyle = p.chrome.text;
  g.fillText('exponential run, projected c_t·w̃_t', x0 + pad + 28 * dpr, y);
  y += line;
  g.fillStyle = p.chrome.muted;
  g.fillText('after the split, by its cause:', x0 + pad, y);
  for (const c of causes) {
    y += line;
    g.fillStyle = rgbCssOf(causeRgb(c));
    g.fillRect(x0 + pad + 4 * dpr, y - 4 * dpr, 14 * dpr, 8 * dpr);
    g.fillStyle = p.chrome.text;
    const n = scene.causes?.[c] ?? 0;
    g.fillText(`${CAUSE_LABEL[c]} (${n.toLocaleString('en-US')})`, x0 + pad + 28 * dpr, y);
  }
  y += line;
  g.fillStyle = p.chrome.muted;
  const never = scene.causes?.none ?? 0;
  g.fillText(`never split within the run: ${never.toLocaleString('en-US')}`, x0 + pad, y);
  g.restore();
}

function caption(g: CanvasRenderingContext2D, scene: SliceScene, w: number, h: number, dpr: number): void {
  const p = palette(scene.theme);
  g.save();
  g.font = `${11 * dpr}px system-ui, sans-serif`;
  const lines = [`plane: ${scene.sliceLabel}`, `paths: ${scene.pathsLabel}`];
  const width = Math.max(...lines.map((l) => g.measureText(l).width)) + 16 * dpr;
  const lh = 15 * dpr;
  const top = h - 10 * dpr - (lh * lines.length + 8 * dpr);
  g.fillStyle = p.chrome.panel;
  g.fillRect(10 * dpr, top, Math.min(width, w - 20 * dpr), lh * lines.length + 8 * dpr);
  g.fillStyle = p.chrome.text;
  g.textBaseline = 'middle';
  lines.forEach((l, i) => {
    g.fillText(l, 18 * dpr, top + 4 * dpr + lh * (i + 0.5));
  });
  g.restore();
}

function centreMessage(g: CanvasRenderingContext2D, scene: SliceScene, w: number, h: number, dpr: number) {
  const p = palette(scene.theme);
  g.save();
  g.font = `${14 * dpr}px system-ui, sans-serif`;
  const tw = g.measureText(scene.message!).width;
  g.fillStyle = p.chrome.panel;
  g.fillRect(w / 2 - tw / 2 - 12 * dpr, h / 2 - 16 * dpr, tw + 24 * dpr, 32 * dpr);
  g.fillStyle = p.chrome.text;
  g.textBaseline = 'middle';
  g.fillText(scene.message!, w / 2 - tw / 2, h / 2);
  g.restore();
}

/** Draws the whole picture on `canvas` (its backing size in device pixels; dpr scales text and lines). */
export function drawSlice(canvas: HTMLCanvasElement | OffscreenCanvas, scene: SliceScene, dpr = 1): void {
  const g = canvas.getContext('2d') as CanvasRenderingContext2D | null;
  if (!g) throw new Error('this browser gives no 2-D canvas context');
  const { width: w, height: h } = canvas;
  g.fillStyle = rgbCssOf(palette(scene.theme).clear);
  g.fillRect(0, 0, w, h);
  if (scene.profile) paintHeatmap(g, scene, w, h);
  drawAxes(g, scene, w, h, dpr);
  if (scene.paths) drawPaths(g, scene, w, h, dpr);
  legendBox(g, scene, dpr);
  caption(g, scene, w, h, dpr);
  if (scene.message) centreMessage(g, scene, w, h, dpr);
}
