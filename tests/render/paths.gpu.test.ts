/**
 * Paths as antialiased capsules (shaders/render_paths.wgsl, src/render/paths.ts) drawn into a small texture
 * from a hand-filled history ring and read back. A horizontal white path on black: each column's summed
 * coverage (red / 255) is the stroke's width, which must equal the asked width; with segments far shorter
 * than the width (every capsule overlapping a dozen others) it must still equal it, since a pixel belongs to
 * the nearest segment only. Tried by hand with that rule switched off in the shader: the short-segment path
 * then measured 0.15 px instead of 1 (each capsule's dark outline painted over its neighbours' cores), so
 * the comparison with the geometric width notices. The head marker is a disc HEAD_SCALE × the width across.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_STRUCT, structLayout } from '../../src/gpu/layout';
import type { PathSource } from '../../src/gpu/pathSource';
import { HEAD_SCALE } from '../../src/render/lineStyle';
import { PathRenderer } from '../../src/render/paths';
import { gpuOrSkip } from '../gpu/gpuTestUtils';

const ctx = await gpuOrSkip();

const W = 128; // 512 bytes a row: aligned for copyTextureToBuffer
const H = 48;
const PX_PER_UNIT = 40;

/** One trajectory whose samples run along y = 0 from x0 to x1 (world units), `n` samples. */
function straightSource(device: GPUDevice, n: number, x0: number, x1: number): PathSource {
  const ring = new Float32Array(4 * n);
  for (let k = 0; k < n; k++) {
    const x = x0 + ((x1 - x0) * k) / (n - 1);
    ring.set([x, 0, x, 0], 4 * k);
  }
  const history = device.createBuffer({
    label: 'test ring',
    size: ring.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(history, 0, ring);
  const metrics = device.createBuffer({
    label: 'test metrics',
    size: structLayout(METRIC_STRUCT, 'f32').size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  return { history, metrics, count: 1, historyLength: n, sampleEvery: 1, step: n - 1, generation: 0 };
}

/** Draws the path (and optionally its head) at `lineWidth` px and returns the pixels, rows from the top. */
async function draw(src: PathSource, lineWidth: number, heads: boolean): Promise<Uint8Array> {
  const device = ctx!.device;
  const paths = await PathRenderer.create(device, 'rgba8unorm', 1 << 16);
  const texture = device.createTexture({
    label: 'paths test target',
    size: [W, H],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
  });
  const staging = device.createBuffer({
    label: 'paths test readback',
    size: 4 * W * H,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const encoder = device.createCommandEncoder({ label: 'paths test encoder' });
  const pass = encoder.beginRenderPass({
    label: 'paths test pass',
    colorAttachments: [
      { view: texture.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] },
    ],
  });
  const d = {
    run: 'weightDecay' as const,
    clip: {
      scale: [(2 * PX_PER_UNIT) / W, (2 * PX_PER_UNIT) / H] as [number, number],
      offset: [0, 0] as [number, number],
    },
    viewport: [W, H] as [number, number],
    from: 0,
    to: src.historyLength - 1,
    colorBy: 'run' as const,
    polar: false,
    log2Shift: 0,
    lineWidth,
  };
  paths.draw(pass, src, d);
  if (heads) paths.drawHeads(pass, src, { ...d, from: d.to }, 0);
  pass.end();
  encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow: 4 * W }, [W, H]);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const pixels = new Uint8Array(staging.getMappedRange().slice(0));
  staging.destroy();
  texture.destroy();
  paths.destroy();
  return pixels;
}

/** Summed coverage (red / 255) down column `x`. */
function columnWidth(pixels: Uint8Array, x: number): number {
  let sum = 0;
  for (let row = 0; row < H; row++) sum += pixels[4 * (row * W + x)] / 255;
  return sum;
}

describe.skipIf(!ctx)('paths: antialiased capsules, width as asked (Dawn)', () => {
  it('a straight path is lineWidth px across, with long or with overlapping short segments', async () => {
    const device = ctx!.device;
    const long = straightSource(device, 5, -1.2, 1.2); // segments of 24 px
    const short = straightSource(device, 401, -1.2, 1.2); // segments of 0.24 px: ~10 capsules over each pixel
    for (const lw of [1, 2.5, 6]) {
      for (const [name, src] of [
        ['long', long],
        ['short', short],
      ] as const) {
        const pixels = await draw(src, lw, false);
        const widths = [40, 64, 90].map((x) => columnWidth(pixels, x));
        console.log(
          `[paths gpu] lineWidth ${lw}, ${name} segments: ${widths.map((w) => w.toFixed(3)).join(', ')} px`,
        );
        for (const w of widths) expect(Math.abs(w - lw)).toBeLessThan(0.2);
      }
    }
  });

  it('draws a head disc HEAD_SCALE × the width across at the newest sample', async () => {
    const src = straightSource(ctx!.device, 5, -1.2, 0);
    const lw = 3;
    const end = W / 2; // x = 0: the newest sample, at the centre column
    const withHead = await draw(src, lw, true);
    const without = await draw(src, lw, false);
    const across = (p: Uint8Array) => columnWidth(p, end);
    console.log(
      `[paths gpu] head column: ${across(withHead).toFixed(2)} px with the head, ${across(without).toFixed(2)} without`,
    );
    expect(Math.abs(across(withHead) - HEAD_SCALE * lw)).toBeLessThan(0.5);
    expect(across(without)).toBeLessThan(lw + 0.2);
  });
});
