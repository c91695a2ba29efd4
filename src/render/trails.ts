/**
 * The density view's trails: an rgba16float texture (one cell per texel, the panes side by side) to which
 * every frame with new samples adds their log counts (trail_add_fs in shaders/render_density.wgsl), after
 * the blend has faded what was there by TRAIL_FADE. It restarts (cleared) when its key changes: the camera,
 * the grid, the view, the runs shown, the run itself or its generation, or a ring that went back.
 */
import { compileShaderModule } from '../gpu/errors';
import { createDrawPipeline } from './pipeline';

/** What is left of a trail after one frame of new samples. */
export const TRAIL_FADE = 0.97;
const FORMAT: GPUTextureFormat = 'rgba16float';

export class TrailTexture {
  private texture: GPUTexture | null = null;
  private key = '';
  private history: GPUBuffer | null = null;
  private newest: number | null = null;
  private clear = true;
  private group: GPUBindGroup | null = null;
  private boundTo: { uniform: GPUBuffer; counts: GPUBuffer } | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPURenderPipeline,
    private readonly layout: GPUBindGroupLayout,
  ) {}

  /** `code`: the density module source (with trail_add_fs). */
  static async create(device: GPUDevice, code: string): Promise<TrailTexture> {
    const module = await compileShaderModule(device, 'density trails shader', code);
    const frag = GPUShaderStage.FRAGMENT;
    const layout = device.createBindGroupLayout({
      label: 'density trails bind group layout',
      entries: [
        { binding: 0, visibility: frag, buffer: { type: 'uniform' } },
        { binding: 1, visibility: frag, buffer: { type: 'read-only-storage' } },
      ],
    });
    const pipeline = await createDrawPipeline(device, {
      label: 'density trails',
      module,
      vertex: 'fullscreen_vs',
      fragment: 'trail_add_fs',
      format: FORMAT,
      topology: 'triangle-list',
      // new = added + TRAIL_FADE · old (the blend constant).
      blend: {
        color: { srcFactor: 'one', dstFactor: 'constant', operation: 'add' },
        alpha: { srcFactor: 'one', dstFactor: 'constant', operation: 'add' },
      },
      bindGroupLayouts: [layout],
    });
    return new TrailTexture(device, pipeline, layout);
  }

  /**
   * The newest sample already in the trail for this `key` and ring, or null when the trail restarts (it is
   * then cleared at the next add); remembers `newest` as added.
   */
  since(key: string, history: GPUBuffer, newest: number): number | null {
    const same =
      key === this.key && history === this.history && this.newest !== null && newest >= this.newest;
    const previous = same ? this.newest : null;
    if (!same) this.clear = true;
    this.key = key;
    this.history = history;
    this.newest = newest;
    return previous;
  }

  /** Trails off: the next since() restarts. */
  forget(): void {
    this.newest = null;
  }

  /** The texture, (re)made at `size` texels (a new one starts cleared). */
  ensure(size: [number, number]): GPUTexture {
    const t = this.texture;
    if (t && t.width === size[0] && t.height === size[1]) return t;
    t?.destroy();
    this.clear = true;
    this.texture = this.device.createTexture({
      label: `density trails (${size[0]}×${size[1]})`,
      size,
      format: FORMAT,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING,
    });
    return this.texture;
  }

  /** Fades the trail and adds section 1 of `counts` (the params in `uniform`) to it. */
  encodeAdd(encoder: GPUCommandEncoder, uniform: GPUBuffer, counts: GPUBuffer): void {
    if (!this.texture) return;
    const b = this.boundTo;
    if (!this.group || b?.uniform !== uniform || b.counts !== counts) {
      this.group = this.device.createBindGroup({
        label: 'density trails bind group',
        layout: this.layout,
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          { binding: 1, resource: { buffer: counts } },
        ],
      });
      this.boundTo = { uniform, counts };
    }
    const pass = encoder.beginRenderPass({
      label: 'density trails pass',
      colorAttachments: [
        {
          view: this.texture.createView({ label: 'density trails target' }),
          clearValue: [0, 0, 0, 0],
          loadOp: this.clear ? 'clear' : 'load',
          storeOp: 'store',
        },
      ],
    });
    this.clear = false;
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.group);
    pass.setBlendConstant([TRAIL_FADE, TRAIL_FADE, TRAIL_FADE, TRAIL_FADE]);
    pass.draw(3);
    pass.end();
  }

  destroy(): void {
    this.texture?.destroy();
  }
}
