/**
 * The density view for large runs: the current positions of every trajectory binned on the GPU
 * (densityBin.ts) into a grid of DENSITY_CELL_CSS-pixel cells per pane, drawn over the scene with a log
 * colour scale in each run's colour (shaders/render_density.wgsl). With trails on, every frame's new
 * samples are also added to an rgba16float texture that first fades by TRAIL_FADE (trails.ts), so the flow
 * of a million runs shows with no per-trajectory history. The trails restart when the camera, the view, the
 * run or its generation changes. Both the plane (and side-by-side) and the polar view map positions as the
 * paths do.
 */
import renderDensityWgsl from '../../shaders/render_density.wgsl?raw';
import { compileShaderModule } from '../gpu/errors';
import { newestSample, oldestSample, type PathSource } from '../gpu/pathSource';
import type { ViewState } from '../playground/viewState';
import type { Camera } from './camera';
import { DensityBinner, type DensityLayer, MAX_DENSITY_LAYERS, trailSamples } from './densityBin';
import { fullscreenShader } from './fullscreen';
import { runsDrawn } from './legend';
import { type PaneLayout, paneRect, setPane } from './panes';
import { createDrawPipeline, paramsUniform } from './pipeline';
import { zoomShift } from './rawRun';
import { runColor } from './theme';
import { TrailTexture } from './trails';

/**
 * Trajectories from which `density: 'auto'` shows the density instead of the paths. Measured on SwiftShader
 * (Chromium, tests/e2e/density.test.ts; 2 shared cores, so ±30 %): a whole 1920×1080 frame drawn from
 * scratch (a snapshot: what a pan, a zoom or an export costs) after 20 steps took, paths against density,
 * 2455 / 2494 ms at 4,096 trajectories, 4572 / 1924 ms at 16,384, 4070 / 2549 ms at 65,536 and
 * 2569 / 1281 ms at 262,144 (the paths are then thinned to the vertex budget, a sample of the runs).
 * From 10,000 trajectories the paths are drawn at pathAlpha's floor and no longer read where they overlap.
 * The density is as cheap from 16,384 on; the threshold sits one doubling above it, so that the 16,384-path
 * frame-time figure of issue 14 still measures paths.
 */
export const DENSITY_AUTO_COUNT = 32_768;
/** Trail added per unit of log2(1 + count) of a frame's samples (shown as 1 − exp(−sum)). */
const TRAIL_GAIN = 0.06;
/** Opacity of the veil (black on dark, white on light) that tones the background down under the density. */
const VEIL = 0.4;
/** Cell size in CSS pixels (scaled to the device pixel ratio / export resolution). */
export const DENSITY_CELL_CSS = 2;

/** Whether `view` shows the density of `count` trajectories (and no paths). */
export function densityShown(view: Pick<ViewState, 'density'>, count: number): boolean {
  if (view.density === 'on') return true;
  if (view.density === 'off') return false;
  return count >= DENSITY_AUTO_COUNT;
}

/** Cells across and down a pane of `w` × `h` device pixels at `dpr` device pixels per CSS pixel. */
export function densityGrid(w: number, h: number, dpr: number): [number, number] {
  const cell = Math.max(1, Math.round(DENSITY_CELL_CSS * dpr));
  return [Math.max(1, Math.ceil(w / cell)), Math.max(1, Math.ceil(h / cell))];
}

/** The runs binned, with their panes: the plane's runs in pane 0, the zooming raw run in pane 1. */
export function densityLayers(
  view: ViewState,
  source: PathSource,
): { layers: DensityLayer[]; panes: number[] } {
  const [plane, zoomed] = runsDrawn(view, !!source.schedule);
  const layers: DensityLayer[] = plane.map((run) => ({ run, shift: 0 }));
  const panes = plane.map(() => 0);
  if (view.mode === 'sideBySide' && zoomed?.length && source.schedule) {
    layers.push({
      run: 'exponential',
      shift: zoomShift(source.schedule, newestSample(source), source.sampleEvery),
    });
    panes.push(1);
  }
  return { layers: layers.slice(0, MAX_DENSITY_LAYERS), panes: panes.slice(0, MAX_DENSITY_LAYERS) };
}

export interface DensityFrame {
  target: GPUTexture;
  layout: PaneLayout;
  camera: Camera;
  source: PathSource;
  view: ViewState;
  dpr: number;
  /** Draw the counts of the current positions (else only the trails, if on). */
  density: boolean;
}

export class DensityView {
  private readonly drawViews;
  private readonly drawUniforms: GPUBuffer[];
  private groups: GPUBindGroup[] | null = null;
  private boundTo: { counts: GPUBuffer; trails: GPUTexture } | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly binner: DensityBinner,
    private readonly drawPipeline: GPURenderPipeline,
    private readonly trails: TrailTexture,
  ) {
    const code = fullscreenShader(renderDensityWgsl);
    const made = [0, 1].map((p) => paramsUniform(device, code, 'dd', `density draw params (pane ${p})`));
    this.drawViews = made.map((m) => m.view);
    this.drawUniforms = made.map((m) => m.buffer);
  }

  static async create(
    device: GPUDevice,
    format: GPUTextureFormat,
    maxInvocations: number,
  ): Promise<DensityView> {
    const layout = drawLayout(device);
    const code = fullscreenShader(renderDensityWgsl);
    const [binner, drawPipeline, trails] = await Promise.all([
      DensityBinner.create(device, maxInvocations),
      compileShaderModule(device, 'density shader', code).then((module) =>
        createDrawPipeline(device, {
          label: 'density',
          module,
          vertex: 'fullscreen_vs',
          fragment: 'density_fs',
          format,
          topology: 'triangle-list',
          blend: PREMULTIPLIED_OVER,
          bindGroupLayouts: [layout],
        }),
      ),
      TrailTexture.create(device, code),
    ]);
    return new DensityView(device, binner, drawPipeline, trails);
  }

  /** Bins the positions and draws the density (and trails, if on) over `f.target`. */
  encode(encoder: GPUCommandEncoder, f: DensityFrame): void {
    const { source, view, layout } = f;
    const trailsOn = view.trails;
    if (!f.density && !trailsOn) {
      this.trails.forget();
      return;
    }
    const [, , paneW, paneH] = paneRect(layout, 0);
    const grid = densityGrid(paneW, paneH, f.dpr);
    const { layers, panes } = densityLayers(view, source);
    const clip = f.camera.clipTransform();
    const newest = newestSample(source);
    const key = [
      clip.scale,
      clip.offset,
      grid,
      layout.panes,
      view.mode,
      layers.map((l) => l.run),
      source.generation,
    ]
      .flat(2)
      .join();
    const trail = trailsOn
      ? trailSamples(this.trails.since(key, source.history, newest), oldestSample(source), newest)
      : null;
    this.binner.encode(encoder, { source, clip, grid, polar: view.mode === 'polar', layers, trail });

    const colors = new Float32Array(16);
    for (const [k, l] of layers.entries()) colors.set([...runColor(l.run, view.theme), 1], 4 * k);
    const light = view.theme === 'light';
    const pad = [...panes, ...Array(MAX_DENSITY_LAYERS - panes.length).fill(9)];
    for (let p = 0; p < 2; p++) {
      this.drawViews[p].set({
        grid,
        pane: p,
        layers: layers.length,
        layer_pane: pad,
        density: f.density ? 1 : 0,
        trails: trailsOn ? 1 : 0,
        trail_gain: TRAIL_GAIN,
        colors,
        veil: light ? [1, 1, 1, VEIL] : [0, 0, 0, VEIL],
        core: light ? [0, 0, 0, 1] : [1, 1, 1, 1],
      });
      this.device.queue.writeBuffer(this.drawUniforms[p], 0, this.drawViews[p].arrayBuffer);
    }
    const trailTexture = this.trails.ensure([grid[0] * layout.panes, grid[1]]);
    const groups = this.bind(trailTexture);
    if (trail && trail.n > 0) this.trails.encodeAdd(encoder, this.drawUniforms[0], this.binner.counts);

    const pass = encoder.beginRenderPass({
      label: 'density pass',
      colorAttachments: [
        { view: f.target.createView({ label: 'density target view' }), loadOp: 'load', storeOp: 'store' },
      ],
    });
    pass.setPipeline(this.drawPipeline);
    // Every pane, even one with no run binned: the density's veil dims the background alike.
    for (let p = 0; p < layout.panes; p++) {
      setPane(pass, layout, p);
      pass.setBindGroup(0, groups[p]);
      pass.draw(3);
    }
    pass.end();
  }

  private bind(trails: GPUTexture): GPUBindGroup[] {
    const counts = this.binner.counts;
    const b = this.boundTo;
    if (this.groups && b?.counts === counts && b.trails === trails) return this.groups;
    const layout = this.drawPipeline.getBindGroupLayout(0);
    this.groups = this.drawUniforms.map((uniform, p) =>
      this.device.createBindGroup({
        label: `density draw bind group (pane ${p})`,
        layout,
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          { binding: 1, resource: { buffer: counts } },
          { binding: 2, resource: { buffer: this.binner.maxima } },
          { binding: 3, resource: trails.createView({ label: 'trails view' }) },
        ],
      }),
    );
    this.boundTo = { counts, trails };
    return this.groups;
  }

  destroy(): void {
    this.binner.destroy();
    this.trails.destroy();
    for (const u of this.drawUniforms) u.destroy();
  }
}

/** Premultiplied colour over what is drawn (the density shader outputs premultiplied RGBA). */
const PREMULTIPLIED_OVER: GPUBlendState = {
  color: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
  alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
};

/** The density draw's bindings (also the trail pass's): params, counts, maxima, trails texture. */
function drawLayout(device: GPUDevice): GPUBindGroupLayout {
  const frag = GPUShaderStage.FRAGMENT;
  return device.createBindGroupLayout({
    label: 'density draw bind group layout',
    entries: [
      { binding: 0, visibility: frag, buffer: { type: 'uniform' } },
      { binding: 1, visibility: frag, buffer: { type: 'read-only-storage' } },
      { binding: 2, visibility: frag, buffer: { type: 'read-only-storage' } },
      { binding: 3, visibility: frag, texture: { sampleType: 'unfilterable-float' } },
    ],
  });
}
