/**
 * Acquire a WebGPU device, in the browser (navigator.gpu) or in Node (Dawn's bindings from the `webgpu`
 * npm package, loaded only when navigator.gpu is absent). On machines without a GPU, Node uses SwiftShader
 * from Debian's chromium package (see /work/shared/ENVIRONMENT.md).
 */

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** "vendor architecture device description", empty parts dropped; never empty. */
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe, lavapipe, ...). */
  isSoftware: boolean;
  /**
   * Most invocations one dispatch should run: SwiftShader crashes on long dispatches above ~32k. No cap on
   * hardware here: kernels also cap by maxComputeWorkgroupsPerDimension × their own workgroup size.
   */
  maxInvocationsPerDispatch: number;
}

export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SOFTWARE_DISPATCH_LIMIT = 32768;
const SOFTWARE_PATTERN = /swiftshader|llvmpipe|lavapipe|cpu/i;

const NODE_HINT =
  "install Debian's chromium for SwiftShader (apt-get install chromium) or run on a machine with a GPU";
const BROWSER_HINT = 'use Chrome 113+ or enable chrome://flags/#enable-unsafe-webgpu';

// Dawn's GPU object for Node. Kept in a module-level local (not on globalThis, which keeps Node alive).
let nodeGpu: GPU | null = null;

interface NodeProcessLike {
  env: Record<string, string | undefined>;
  versions?: { node?: string };
}

function nodeProcess(): NodeProcessLike | undefined {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  return p?.versions?.node ? p : undefined;
}

function browserGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav?.gpu ?? undefined;
}

async function loadNodeGpu(proc: NodeProcessLike): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  if (!proc.env.VK_ICD_FILENAMES) {
    // Without the ICD file Dawn's Vulkan backend finds no adapter on GPU-less machines.
    const fsName = 'node:fs';
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
    if (fs.existsSync(SWIFTSHADER_ICD)) proc.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // A non-literal specifier keeps bundlers (vite) from pulling the native module into browser builds.
  const modName = 'webgpu';
  let mod: { create: (options: string[]) => GPU; globals: object };
  try {
    mod = await import(/* @vite-ignore */ modName);
  } catch (e) {
    throw new GpuUnavailableError(
      `WebGPU is not available in Node: cannot load the 'webgpu' package (${(e as Error).message}); ` +
        `run npm install, and ${NODE_HINT}`,
    );
  }
  const g = globalThis as Record<string, unknown>;
  // GPUBufferUsage, GPUMapMode, GPUShaderStage, ... (only what is not already defined).
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in g)) g[k] = v;
  nodeGpu = mod.create([]);
  return nodeGpu;
}

function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description]
    .map((s) => (s ?? '').trim())
    .filter((s) => s.length > 0);
  return parts.length > 0 ? parts.join(' ') : 'unknown adapter';
}

export async function acquireGpu(options?: {
  powerPreference?: GPUPowerPreference;
  requiredFeatures?: GPUFeatureName[];
}): Promise<GpuContext> {
  const proc = nodeProcess();
  let gpu = browserGpu();
  const inBrowser = gpu !== undefined;
  if (!gpu) {
    if (!proc) {
      throw new GpuUnavailableError(`WebGPU is not available: navigator.gpu is missing; ${BROWSER_HINT}`);
    }
    gpu = await loadNodeGpu(proc);
  }
  const hint = inBrowser ? BROWSER_HINT : NODE_HINT;

  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: options?.powerPreference ?? 'high-performance' });
  } catch (e) {
    throw new GpuUnavailableError(`requestAdapter() failed: ${(e as Error).message}; ${hint}`);
  }
  if (!adapter) {
    const icd = proc?.env.VK_ICD_FILENAMES;
    const where = inBrowser ? 'in this browser' : `in Node (VK_ICD_FILENAMES=${icd ?? 'unset'})`;
    throw new GpuUnavailableError(`no WebGPU adapter found ${where}; ${hint}`);
  }

  const features = new Set<GPUFeatureName>(options?.requiredFeatures ?? []);
  const missing = [...features].filter((f) => !adapter.features.has(f));
  if (missing.length > 0) {
    throw new GpuUnavailableError(
      `the WebGPU adapter lacks required feature(s) ${missing.join(', ')}; run on a GPU that has them`,
    );
  }
  if (adapter.features.has('timestamp-query')) features.add('timestamp-query');

  const al = adapter.limits;
  const device = await adapter
    .requestDevice({
      label: 'scaleinv-lab device',
      requiredFeatures: [...features],
      requiredLimits: {
        maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
        maxBufferSize: al.maxBufferSize,
        maxComputeWorkgroupsPerDimension: al.maxComputeWorkgroupsPerDimension,
      },
    })
    .catch((e: Error) => {
      throw new GpuUnavailableError(`requestDevice() failed: ${e.message}; ${hint}`);
    });

  // adapter.info is the current API; requestAdapterInfo() the pre-2024 one (old Chrome).
  let info: GPUAdapterInfo | undefined = adapter.info;
  if (!info) {
    const legacy = adapter as unknown as { requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
    info = await legacy.requestAdapterInfo?.();
  }
  const description = describeAdapter(info);
  const isFallback = (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
  const isSoftware = isFallback || SOFTWARE_PATTERN.test(description);

  device.lost.then((lost) => {
    if (lost.reason !== 'destroyed') console.error(`[gpu] device lost (${description}): ${lost.message}`);
  });

  return {
    device,
    adapter,
    description,
    isSoftware,
    maxInvocationsPerDispatch: isSoftware ? SOFTWARE_DISPATCH_LIMIT : Number.MAX_SAFE_INTEGER,
  };
}

/** Most invocations one 1-D dispatch of a kernel with this workgroup size may run on this device. */
export function invocationsPerDispatch(ctx: GpuContext, workgroupSize: number): number {
  const byWorkgroups = ctx.device.limits.maxComputeWorkgroupsPerDimension * workgroupSize;
  return Math.min(ctx.maxInvocationsPerDispatch, byWorkgroups);
}
