/**
 * Per-dispatch uniforms packed into one buffer, one 256-byte slot per dispatch, bound with a dynamic offset.
 * Every compute pass that varies its parameters across dispatches (trajectory engine, gap reduction,
 * divergence histogram) packs them here, so a whole submit needs one writeBuffer and one bind group.
 */

/** minUniformBufferOffsetAlignment's largest allowed value: a slot offset valid on every device. */
export const UNIFORM_SLOT_BYTES = 256;

/** Byte offset of slot `k`, for setBindGroup's dynamic offsets. */
export function slotOffset(k: number): number {
  return k * UNIFORM_SLOT_BYTES;
}

/** The slots' bytes laid end to end, each at a multiple of UNIFORM_SLOT_BYTES (at least one slot). */
export function packUniformSlots(slots: readonly ArrayBuffer[]): Uint8Array<ArrayBuffer> {
  const all = new Uint8Array(Math.max(1, slots.length) * UNIFORM_SLOT_BYTES);
  for (let k = 0; k < slots.length; k++) {
    if (slots[k].byteLength > UNIFORM_SLOT_BYTES) {
      throw new RangeError(`uniform slot ${k}: ${slots[k].byteLength} bytes exceed ${UNIFORM_SLOT_BYTES}`);
    }
    all.set(new Uint8Array(slots[k]), slotOffset(k));
  }
  return all;
}

/** A uniform buffer of `slots` slots, writable from the queue. */
export function createUniformSlotBuffer(device: GPUDevice, label: string, slots: number): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(1, slots) * UNIFORM_SLOT_BYTES,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
}

/** Writes `slots` into `buffer` from slot 0 (the buffer must hold them all). */
export function writeUniformSlots(device: GPUDevice, buffer: GPUBuffer, slots: readonly ArrayBuffer[]): void {
  device.queue.writeBuffer(buffer, 0, packUniformSlots(slots));
}

/** Bind-group-layout entry of a slotted uniform buffer (compute stage, dynamic offset). */
export function slottedUniformLayoutEntry(binding: number): GPUBindGroupLayoutEntry {
  return { binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } };
}

/** Bind-group entry that exposes one slot of `buffer` (the dynamic offset picks which). */
export function slottedUniformEntry(binding: number, buffer: GPUBuffer): GPUBindGroupEntry {
  return { binding, resource: { buffer, size: UNIFORM_SLOT_BYTES } };
}
