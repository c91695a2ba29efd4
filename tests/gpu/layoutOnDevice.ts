/**
 * Asks the device where a struct's fields are: the host writes a distinct value into each field at the
 * offsets of a candidate layout, a one-invocation kernel reads one struct through the generated WGSL
 * declaration and copies every field's bits out in declaration order. The result equals writtenFields()
 * exactly when the candidate layout is the device's.
 */

import type { GpuContext } from '../../src/gpu/device';
import { compileShaderModule, withErrorScopes } from '../../src/gpu/errors';
import {
  type GpuPrecision,
  realType,
  type StructLayout,
  type StructSpec,
  structWgsl,
} from '../../src/gpu/layout';
import { readBufferRange } from '../../src/gpu/readback';

/** Room for one struct of any candidate layout (the largest is 120 bytes), and its padding. */
const STRUCT_ROOM = 256;
/** What padding holds: a word no field is given. */
const PADDING = 0xffff_fff0;

/** 32-bit words per field: two for a df64 real, one otherwise. */
function wordsOf(type: string, p: GpuPrecision): number {
  return type === 'R' && p === 'df64' ? 2 : 1;
}

/** The words the host puts in field k: normal floats for real fields (no NaN or subnormal to canonicalise). */
function fieldWords(k: number, type: string, p: GpuPrecision): number[] {
  const bits = new Uint32Array(new Float32Array([1.5 * (k + 1), 0.25 * (k + 1)]).buffer);
  if (type === 'i32' || type === 'u32') return [1000 + k];
  return Array.from(bits.slice(0, wordsOf(type, p)));
}

/** The words written, in declaration order (what a right layout reads back). */
export function writtenFields(spec: StructSpec, p: GpuPrecision): number[] {
  return spec.fields.flatMap(([, type], k) => fieldWords(k, type, p));
}

/** A layout counted by hand with every field 4-byte aligned (wrong for df64's 8-aligned vec2 reals). */
export function packedLayout(spec: StructSpec, p: GpuPrecision): StructLayout {
  const offsets: Record<string, number> = {};
  let at = 0;
  for (const [name, type] of spec.fields) {
    offsets[name] = at;
    at += 4 * wordsOf(type, p);
  }
  return { size: at, offsets };
}

/** The kernel: read probe_in[0] and write each field's bits to probe_out, in declaration order. */
function readerWgsl(spec: StructSpec, p: GpuPrecision): string {
  let k = 0;
  const lines = spec.fields.map(([name, type]) => {
    const n = wordsOf(type, p);
    const at = k;
    k += n;
    if (n === 2) {
      return `  let v${at} = bitcast<vec2<u32>>(s.${name});\n  probe_out[${at}] = v${at}.x;\n  probe_out[${at + 1}] = v${at}.y;`;
    }
    const t = type === 'R' ? realType(p) : type;
    return `  probe_out[${at}] = bitcast<u32>(s.${name}); // ${t}`;
  });
  return `${structWgsl(spec, p)}
@group(0) @binding(0) var<storage, read> probe_in: array<${spec.name}>;
@group(0) @binding(1) var<storage, read_write> probe_out: array<u32>;

@compute @workgroup_size(1)
fn read_fields(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= 1u || arrayLength(&probe_out) < ${k}u) { return; }
  let s = probe_in[0];
${lines.join('\n')}
}
`;
}

/** The words the device reads from each field of one struct written with `layout`. */
export async function fieldsOnDevice(
  ctx: GpuContext,
  spec: StructSpec,
  p: GpuPrecision,
  layout: StructLayout,
): Promise<number[]> {
  const { device } = ctx;
  const label = `layout check ${spec.name} ${p}`;
  const words = new Uint32Array(STRUCT_ROOM / 4).fill(PADDING);
  spec.fields.forEach(([name, type], k) => {
    words.set(fieldWords(k, type, p), layout.offsets[name] / 4);
  });
  const count = writtenFields(spec, p).length;
  const module = await compileShaderModule(device, `${label} shader`, readerWgsl(spec, p));
  return withErrorScopes(device, label, async () => {
    const input = device.createBuffer({
      label: `${label} input`,
      size: STRUCT_ROOM,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(input, 0, words);
    const output = device.createBuffer({
      label: `${label} output`,
      size: 4 * count,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const pipeline = await device.createComputePipelineAsync({
      label: `${label} pipeline`,
      layout: 'auto',
      compute: { module, entryPoint: 'read_fields' },
    });
    const bindGroup = device.createBindGroup({
      label: `${label} bind group`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: input } },
        { binding: 1, resource: { buffer: output } },
      ],
    });
    try {
      const bytes = await readBufferRange(device, output, 4 * count, {
        label: `${label} readback`,
        encode: (encoder) => {
          const pass = encoder.beginComputePass({ label: `${label} pass` });
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bindGroup);
          pass.dispatchWorkgroups(1);
          pass.end();
        },
      });
      return Array.from(new Uint32Array(bytes));
    } finally {
      input.destroy();
      output.destroy();
    }
  });
}
