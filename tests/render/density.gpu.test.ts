/**
 * The density view's binning kernel (shaders/density_bin.wgsl via src/render/densityBin.ts) against an
 * independent float64 CPU binning of the same positions. Positions are made at random cells, jittered
 * at most ±0.3 of a cell about the centre, so float32 rounding cannot move them across a cell edge; ring
 * slots that are not the binned samples hold a decoy point (which must not be counted), and a few records
 * are at the origin, non-finite or outside the pane (none counted). A kernel sabotaged to bin one column
 * off is caught by the same comparison.
 */
import { describe, expect, it } from 'vitest';
import { readBufferRange } from '../../src/gpu/readback';
import { type BinFrame, DensityBinner, densityBinCode, trailSamples } from '../../src/render/densityBin';
import { gpuOrSkip } from '../gpu/gpuTestUtils';

const ctx = await gpuOrSkip();

const N = 6000;
const SLOTS = 3;
const GRID: [number, number] = [37, 23];
const CLIP = { scale: [0.8, 1.1] as [number, number], offset: [0.05, -0.1] as [number, number] };
const CELLS = GRID[0] * GRID[1];

/** Deterministic uniform numbers in [0, 1). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** World point (of the view's space) at cell (cx, cy) + jitter, through the inverse of the clip map. */
function worldAt(cx: number, cy: number, jx: number, jy: number, scale = 1): [number, number] {
  const u = (cx + 0.5 + jx) / GRID[0];
  const v = (cy + 0.5 + jy) / GRID[1];
  const clip = [2 * u - 1, 1 - 2 * v];
  return [
    ((clip[0] - CLIP.offset[0]) / CLIP.scale[0]) * scale,
    ((clip[1] - CLIP.offset[1]) / CLIP.scale[1]) * scale,
  ];
}

/** Float64 reference: the cell of world point p, or -1 outside the pane. */
function cellOf(p: [number, number]): number {
  const cx = p[0] * CLIP.scale[0] + CLIP.offset[0];
  const cy = p[1] * CLIP.scale[1] + CLIP.offset[1];
  const u = cx * 0.5 + 0.5;
  const v = 0.5 - cy * 0.5;
  if (!(u >= 0 && u < 1 && v >= 0 && v < 1)) return -1;
  return Math.floor(v * GRID[1]) * GRID[0] + Math.floor(u * GRID[0]);
}

/** A world point of the polar view (θ, ln r) → the ring's (x, y). */
function fromPolar([theta, lnr]: [number, number]): [number, number] {
  const r = Math.exp(lnr);
  return [r * Math.cos(theta), r * Math.sin(theta)];
}

/** Ring with (x, y, z, w) per record; `at(slot, i)` gives the two positions. */
function makeRing(
  at: (slot: number, i: number) => [number, number, number, number],
): Float32Array<ArrayBuffer> {
  const ring = new Float32Array(4 * N * SLOTS);
  for (let s = 0; s < SLOTS; s++) for (let i = 0; i < N; i++) ring.set(at(s, i), 4 * (s * N + i));
  return ring;
}

async function binOnGpu(
  ring: Float32Array<ArrayBuffer>,
  frame: Omit<BinFrame, 'source'>,
  step: number,
  code?: string,
) {
  const device = ctx!.device;
  const history = device.createBuffer({
    label: 'density test ring',
    size: ring.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(history, 0, ring);
  // 512 invocations per dispatch: 6000 trajectories take 12 chunks, so chunk offsets are exercised.
  const binner = await DensityBinner.create(device, 512, code);
  const source = {
    history,
    metrics: history,
    count: N,
    historyLength: SLOTS,
    sampleEvery: 1,
    step,
    generation: 0,
  };
  const sections = frame.trail ? 2 : 1;
  const bytes = 4 * CELLS * frame.layers.length * sections;
  const encoder = device.createCommandEncoder({ label: 'density test encoder' });
  binner.encode(encoder, { ...frame, source });
  device.queue.submit([encoder.finish()]);
  const counts = new Uint32Array(await readBufferRange(device, binner.counts, bytes));
  const maxima = new Uint32Array(await readBufferRange(device, binner.maxima, 16));
  binner.destroy();
  history.destroy();
  return { counts, maxima };
}

/** Cells whose count differs: "layer/cell: got ≠ want". */
function differences(got: Uint32Array, want: Uint32Array): string[] {
  const bad: string[] = [];
  for (let k = 0; k < want.length; k++) if (got[k] !== want[k]) bad.push(`${k}: ${got[k]} ≠ ${want[k]}`);
  return bad;
}

const DECOY: [number, number] = [0.01, 0.01];

describe.skipIf(!ctx)('density binning', () => {
  // Newest sample 7 lives in slot 7 % 3 = 1.
  const STEP = 7;
  const rand = rng(42);
  const wd: [number, number][] = [];
  const pr: [number, number][] = [];
  for (let i = 0; i < N; i++) {
    const pick = () =>
      worldAt(
        Math.floor(rand() * GRID[0]),
        Math.floor(rand() * GRID[1]),
        (rand() - 0.5) * 0.6,
        (rand() - 0.5) * 0.6,
      );
    wd.push(i % 97 === 0 ? [0, 0] : i % 89 === 0 ? [Number.NaN, 1] : pick());
    // Projected run: half its points in one corner cell (a pile-up), a few far outside.
    pr.push(i % 2 === 0 ? worldAt(3, 4, 0.1, -0.2) : i % 53 === 0 ? [1e6, 5] : pick());
  }
  const ring = makeRing((s, i) => (s === STEP % SLOTS ? [...wd[i], ...pr[i]] : [...DECOY, ...DECOY]));

  it('plane: counts per cell equal a float64 CPU binning; a one-column-off kernel is caught', async () => {
    // Layer 2: the weight-decay run again, zoomed out by 2 (its pane's shift): world = w / 2.
    const layers = [
      { run: 'weightDecay' as const, shift: 0 },
      { run: 'projected' as const, shift: 0 },
      { run: 'weightDecay' as const, shift: 1 },
    ];
    const want = new Uint32Array(3 * CELLS);
    const add = (l: number, p: [number, number]) => {
      const c = cellOf(p);
      if (c >= 0 && !(p[0] === 0 && p[1] === 0)) want[l * CELLS + c]++;
    };
    for (let i = 0; i < N; i++) {
      add(0, wd[i]);
      add(1, pr[i]);
      add(2, [wd[i][0] / 2, wd[i][1] / 2]);
    }
    const frame = { clip: CLIP, grid: GRID, polar: false, layers, trail: null };
    const { counts, maxima } = await binOnGpu(ring, frame, STEP);
    console.log(
      `[density] ${N} trajectories, ${GRID.join('×')} cells: counted ${counts.reduce((a, b) => a + b, 0)}, ` +
        `CPU ${want.reduce((a, b) => a + b, 0)}; maxima ${[...maxima].join(', ')}`,
    );
    expect(differences(counts, want).slice(0, 5)).toEqual([]);
    expect(want.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * N); // most points are counted
    for (let l = 0; l < 3; l++)
      expect(maxima[l]).toBe(Math.max(...want.subarray(l * CELLS, (l + 1) * CELLS)));
    expect(maxima[1]).toBeGreaterThanOrEqual(N / 2); // the pile-up

    // Sabotage: every position binned one column to the right.
    const shifted = densityBinCode().replace(
      'uv * vec2<f32>(dp.grid)',
      'uv * vec2<f32>(dp.grid) + vec2<f32>(1.0, 0.0)',
    );
    expect(shifted).not.toBe(densityBinCode());
    const sabotaged = await binOnGpu(ring, frame, STEP, shifted);
    expect(differences(sabotaged.counts, want).length).toBeGreaterThan(CELLS / 2);
  });

  it('polar: (θ, ln r) binned like the paths map it; trail samples go to section 1', async () => {
    const rand2 = rng(7);
    // θ within (−π, π): the clip map's inverse over the grid spans θ ∈ [−1.3, 1.2] / 0.8-ish.
    const pts: [number, number][][] = [0, 1, 2].map(() =>
      Array.from({ length: N }, () =>
        fromPolar(
          worldAt(
            Math.floor(rand2() * GRID[0]),
            Math.floor(rand2() * GRID[1]),
            (rand2() - 0.5) * 0.6,
            (rand2() - 0.5) * 0.6,
          ),
        ),
      ),
    );
    const polarRing = makeRing((s, i) => [...pts[s][i], 0, 0]);
    const toWorld = ([x, y]: [number, number]): [number, number] => [
      Math.atan2(y, x),
      Math.log(Math.hypot(x, y)),
    ];
    // Samples 5, 6, 7 (slots 2, 0, 1) as the trail, 7 as the current positions.
    const trail = trailSamples(4, 0, STEP);
    expect(trail).toEqual({ first: 5, stride: 1, n: 3 });
    const want = new Uint32Array(2 * CELLS);
    for (let i = 0; i < N; i++) {
      const c = cellOf(toWorld(pts[STEP % SLOTS][i]));
      if (c >= 0) want[c]++;
      for (const k of [5, 6, 7]) {
        const t = cellOf(toWorld(pts[k % SLOTS][i]));
        if (t >= 0) want[CELLS + t]++;
      }
    }
    const layers = [{ run: 'weightDecay' as const, shift: 0 }];
    const { counts } = await binOnGpu(
      polarRing,
      { clip: CLIP, grid: GRID, polar: true, layers, trail },
      STEP,
    );
    expect(differences(counts, want).slice(0, 5)).toEqual([]);
    expect(want.subarray(CELLS).reduce((a, b) => a + b, 0)).toBeGreaterThan(2.5 * N);
  });
});

describe('trail samples', () => {
  it('are the samples since the last frame, at most 32, newest last', () => {
    expect(trailSamples(null, 0, 10)).toEqual({ first: 10, stride: 1, n: 1 });
    expect(trailSamples(10, 0, 10).n).toBe(0);
    expect(trailSamples(3, 5, 10)).toEqual({ first: 5, stride: 1, n: 6 });
    const many = trailSamples(0, 0, 100);
    expect(many.n).toBeLessThanOrEqual(32);
    expect(many.first + (many.n - 1) * many.stride).toBe(100);
    expect(many.first).toBeGreaterThanOrEqual(1);
  });
});
