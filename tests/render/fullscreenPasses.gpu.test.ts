/**
 * The three fullscreen passes (heatmap, polar background, divergence map; one shared vertex prelude) drawn
 * into a small texture and read back, each pixel against a float64 CPU model of what its fragment shader
 * computes: the fullscreen triangle's uv at the pixel centre, the loss f(θ) from src/core/loss.ts (not the
 * GPU field), and viridis interpolated from the stop table. The GPU works in float32 and stores 8-bit
 * colour, so a pixel may differ by a couple of levels; a wrong uv (flipped, half-pixel off), a wrong
 * colour range or a wrong lookup moves many pixels much further. A sabotaged model (uv flipped in y) shows
 * the comparison notices.
 */
import { describe, expect, it } from 'vitest';
import { type FourierLoss, fAt, lossRange } from '../../src/core/loss';
import { METRIC_STRUCT, structLayout } from '../../src/gpu/layout';
import { VIRIDIS } from '../../src/render/colormap';
import { DivergenceMap, NEVER_DIVERGED_RGB, OVERFLOWED_RGB } from '../../src/render/divergenceMap';
import { Heatmap } from '../../src/render/heatmap';
import { PolarBackground } from '../../src/render/polar';
import { THEME_PALETTES } from '../../src/render/theme';
import { gpuOrSkip } from '../gpu/gpuTestUtils';

const ctx = await gpuOrSkip();

const W = 64; // 64 px × 4 bytes = 256: one aligned row per copy
const H = 40;
const FORMAT: GPUTextureFormat = 'rgba8unorm';
/** Largest allowed difference per channel, in 8-bit levels (float32 vs float64, and rounding). */
const LEVELS = 3;
const LOSS: FourierLoss = { a: [0.3, -0.2, 0.1], b: [0.1, 0.4, -0.25] };

type Rgb = [number, number, number];
type Uv = (px: number, row: number) => [number, number];

/** uv of a pixel centre: (0, 0) bottom left; readback row 0 is the top. */
const uvAt: Uv = (px, row) => [(px + 0.5) / W, 1 - (row + 0.5) / H];
const uvFlipped: Uv = (px, row) => [(px + 0.5) / W, (row + 0.5) / H];

/** A stop table at t, as colormap() in the shaders: linear between the stops, clamped to [0, 1]. */
function lookup(stops: readonly (readonly [number, number, number])[], t: number): Rgb {
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  return [0, 1, 2].map((c) => stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f) as Rgb;
}

/** viridis at t (the polar view and the divergence map). */
const viridis = (t: number): Rgb => lookup(VIRIDIS, t);

/** Renders through `encode` into a W × H texture and reads its pixels back (rows from the top). */
async function drawAndRead(encode: (encoder: GPUCommandEncoder, target: GPUTextureView) => void) {
  const device = ctx!.device;
  const texture = device.createTexture({
    label: 'fullscreen test target',
    size: [W, H],
    format: FORMAT,
    usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
  });
  const staging = device.createBuffer({
    label: 'fullscreen test readback',
    size: 4 * W * H,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const encoder = device.createCommandEncoder({ label: 'fullscreen test encoder' });
  encode(encoder, texture.createView());
  encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow: 4 * W }, [W, H]);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const pixels = new Uint8Array(staging.getMappedRange().slice(0));
  staging.destroy();
  texture.destroy();
  return pixels;
}

/** One render pass into `target`, cleared to magenta (a colour no pass draws). */
function inPass(
  encoder: GPUCommandEncoder,
  target: GPUTextureView,
  draw: (pass: GPURenderPassEncoder) => void,
) {
  const pass = encoder.beginRenderPass({
    label: 'fullscreen test pass',
    colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: [1, 0, 1, 1] }],
  });
  draw(pass);
  pass.end();
}

/** Pixels whose colour differs from the model by more than LEVELS in some channel. */
function mismatches(pixels: Uint8Array, model: (px: number, row: number) => Rgb): string[] {
  const bad: string[] = [];
  for (let row = 0; row < H; row++)
    for (let px = 0; px < W; px++) {
      const want = model(px, row);
      const k = 4 * (row * W + px);
      const got = [pixels[k], pixels[k + 1], pixels[k + 2]];
      if (got.some((g, c) => Math.abs(g - want[c]) > LEVELS))
        bad.push(`(${px}, ${row}): ${got.join(',')} ≠ ${want.map((v) => v.toFixed(1)).join(',')}`);
    }
  return bad;
}

describe.skipIf(!ctx)('fullscreen passes', () => {
  // Each theme draws the same field through its own colormap (src/render/theme.ts: viridis toned dark/light).
  it.each(['dark', 'light'] as const)(
    'heatmap (%s theme): bilinear L of the half-resolution field, through the theme colormap over the loss range',
    async (theme) => {
      const device = ctx!.device;
      // 256 invocations per dispatch: the 20 field rows are computed in 3 bands of 8, one uniform slot each.
      const heatmap = await Heatmap.create(device, FORMAT, 256);
      await heatmap.setLoss(LOSS);
      heatmap.resize(W, H);
      // Away from the origin, where L = f(θ) is smooth.
      const rect = { x0: 0.5, x1: 2.5, y0: -1, y1: 0.6 };
      let computed = false;
      const pixels = await drawAndRead((encoder, target) => {
        // The field is computed by a compute pass before the render pass, in the same encoder.
        computed = heatmap.encodeField(encoder, rect);
        inPass(encoder, target, (pass) => heatmap.draw(pass, theme));
      });
      expect(computed).toBe(true);
      const { width: gw, height: gh } = heatmap.gridSize;
      const range = lossRange(LOSS);
      const cellL = (ix: number, iy: number) => {
        const cx = Math.min(Math.max(ix, 0), gw - 1);
        const cy = Math.min(Math.max(iy, 0), gh - 1);
        const x = rect.x0 + ((cx + 0.5) * (rect.x1 - rect.x0)) / gw;
        const y = rect.y0 + ((cy + 0.5) * (rect.y1 - rect.y0)) / gh;
        return fAt(LOSS, Math.atan2(y, x));
      };
      const model = (uv: Uv) => (px: number, row: number) => {
        const [u, v] = uv(px, row);
        const p = [u * gw - 0.5, v * gh - 0.5];
        const [i, j] = p.map(Math.floor);
        const [fx, fy] = [p[0] - i, p[1] - j];
        const bottom = cellL(i, j) * (1 - fx) + cellL(i + 1, j) * fx;
        const top = cellL(i, j + 1) * (1 - fx) + cellL(i + 1, j + 1) * fx;
        const l = bottom * (1 - fy) + top * fy;
        return lookup(THEME_PALETTES[theme].colormap, (l - range.min) / (range.max - range.min));
      };
      heatmap.destroy();
      expect(mismatches(pixels, model(uvAt)).slice(0, 5)).toEqual([]);
      expect(mismatches(pixels, model(uvFlipped)).length).toBeGreaterThan((W * H) / 4);
    },
  );

  it.each(['dark', 'light'] as const)(
    'polar background (%s): f(θ) dimmed above the strip, the strip and its edge below',
    async (theme) => {
      const device = ctx!.device;
      const polar = await PolarBackground.create(device, FORMAT);
      const range = lossRange(LOSS);
      polar.setLoss(LOSS, range);
      const rect = { x0: -2, x1: 1.5, y0: -1, y1: 1 };
      const stripPx = 12;
      polar.update(rect, H, stripPx / 48, theme); // POLAR_STRIP_CSS = 48 CSS px at dpr 0.25: a 12 px strip
      const pixels = await drawAndRead((encoder, target) =>
        inPass(encoder, target, (pass) => polar.draw(pass)),
      );
      polar.destroy();
      // Pixels near the strip's edge and the white curve depend on a sub-pixel comparison: left out.
      const model = (uv: Uv) => (px: number, row: number) => {
        const [u, v] = uv(px, row);
        const t = (fAt(LOSS, rect.x0 + (rect.x1 - rect.x0) * u) - range.min) / (range.max - range.min);
        const c = viridis(t);
        const y = v * H;
        // Dimmed toward black (dark theme) or 60 % toward white (light theme), so paths stay readable.
        if (y > stripPx) return c.map((x) => (theme === 'light' ? x + 0.6 * (255 - x) : 0.45 * x)) as Rgb;
        return c;
      };
      const interior = (px: number, row: number): boolean => {
        const y = (1 - (row + 0.5) / H) * H;
        if (Math.abs(y - stripPx) < 3) return false;
        if (y > stripPx) return true;
        const t =
          (fAt(LOSS, rect.x0 + (rect.x1 - rect.x0) * ((px + 0.5) / W)) - range.min) / (range.max - range.min);
        return Math.abs(y - (0.1 + 0.8 * Math.min(Math.max(t, 0), 1)) * stripPx) > 2.5;
      };
      const only = (m: (px: number, row: number) => Rgb) => (px: number, row: number) =>
        interior(px, row)
          ? m(px, row)
          : ([...pixels.subarray(4 * (row * W + px), 4 * (row * W + px) + 3)] as Rgb);
      expect(mismatches(pixels, only(model(uvAt))).slice(0, 5)).toEqual([]);
      expect(mismatches(pixels, only(model(uvFlipped))).length).toBeGreaterThan((W * H) / 4);
    },
  );

  it('divergence map: one cell per trajectory, by divergence step, overflow or never', async () => {
    const device = ctx!.device;
    const map = await DivergenceMap.create(device, FORMAT);
    const [nx, ny, maxStep] = [8, 5, 100];
    const layout = structLayout(METRIC_STRUCT, 'f32');
    const bytes = new ArrayBuffer(layout.size * nx * ny);
    const view = new DataView(bytes);
    // Cell i: diverged at step 3i for most, never for every 7th, overflowed (no divergence) for every 11th.
    const stepOf = (i: number) => (i % 7 === 3 ? -1 : 3 * i);
    const overflowOf = (i: number) => (i % 11 === 5 ? 2 * i : -1);
    const divergedOf = (i: number) => (overflowOf(i) >= 0 ? -1 : stepOf(i));
    for (let i = 0; i < nx * ny; i++) {
      view.setInt32(i * layout.size + layout.offsets.divergence_step, divergedOf(i), true);
      view.setInt32(i * layout.size + layout.offsets.overflow_step, overflowOf(i), true);
      for (const f of ['crossing_step', 'wd_absorbed_step', 'exp_absorbed_step', 'underflow_step'])
        view.setInt32(i * layout.size + layout.offsets[f], -1, true);
    }
    const metrics = device.createBuffer({
      label: 'divergence map test metrics',
      size: bytes.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(metrics, 0, bytes);
    const source = { metrics, count: nx * ny, nx, ny, maxStep };
    const mapPixels = await drawAndRead((encoder, target) => map.encode(encoder, target, source));
    metrics.destroy();
    map.destroy();
    const model = (uv: Uv) => (px: number, row: number) => {
      const [u, v] = uv(px, row);
      const i = Math.min(Math.floor(v * ny), ny - 1) * nx + Math.min(Math.floor(u * nx), nx - 1);
      if (divergedOf(i) >= 0) return viridis(divergedOf(i) / maxStep);
      return [...(overflowOf(i) >= 0 ? OVERFLOWED_RGB : NEVER_DIVERGED_RGB)] as Rgb;
    };
    expect(mismatches(mapPixels, model(uvAt)).slice(0, 5)).toEqual([]);
    expect(mismatches(mapPixels, model(uvFlipped)).length).toBeGreaterThan((W * H) / 4);
  });
});
