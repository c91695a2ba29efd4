/** Packing per-dispatch uniforms into 256-byte slots (src/gpu/uniformSlots.ts). */
import { describe, expect, it } from 'vitest';
import { packUniformSlots, slotOffset, UNIFORM_SLOT_BYTES } from '../../src/gpu/uniformSlots';

describe('uniform slots', () => {
  it('puts slot k at byte 256·k and zero-fills the rest of each slot', () => {
    const slots = [new Uint8Array([1, 2, 3]).buffer, new Uint8Array([4]).buffer, new Uint8Array(0).buffer];
    const all = packUniformSlots(slots);
    expect(UNIFORM_SLOT_BYTES).toBe(256); // the largest minUniformBufferOffsetAlignment WebGPU allows
    expect(all.length).toBe(3 * 256);
    expect([all[0], all[1], all[2], all[3]]).toEqual([1, 2, 3, 0]);
    expect([all[255], all[256], all[257]]).toEqual([0, 4, 0]);
    expect(slotOffset(2)).toBe(512);
    expect(all.reduce((s, b) => s + b, 0)).toBe(1 + 2 + 3 + 4);
  });

  it('has one slot even with nothing to write, and refuses a slot larger than 256 bytes', () => {
    expect(packUniformSlots([]).length).toBe(256);
    expect(() => packUniformSlots([new ArrayBuffer(257)])).toThrow(RangeError);
  });
});
