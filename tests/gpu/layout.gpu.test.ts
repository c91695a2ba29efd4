/**
 * The struct layouts shared by the WGSL kernels and the host (src/gpu/layout.ts). The numbers below are the
 * one place byte offsets are written by hand: the code reflects them from the generated WGSL, and this test
 * pins them so that any schema change (a field added, reordered or retyped) is noticed and reviewed.
 * WGSL rules behind them: f32/i32/u32 are 4-byte aligned; the df64 real vec2<f32> is 8 bytes, 8-aligned;
 * a struct's size is rounded up to its largest member alignment.
 *
 * Needs the WebGPU globals (webgpu-utils' reflection reads GPUShaderStage), so it runs in the gpu project.
 * Reflection is a parser's opinion: the device itself is asked too. A kernel reads every field of one
 * struct that the host wrote at the TS offsets and writes them out in declaration order; the values come
 * back unchanged only if the device's layout is the TS layout (a sabotaged layout shows the check fails).
 */

import { describe, expect, it } from 'vitest';
import { makeShaderDataDefinitions } from 'webgpu-utils';
import { findPreset } from '../../src/core/presets';
import {
  GPU_PRECISIONS,
  type GpuPrecision,
  type StructLayout as Layout,
  METRIC_EVENT_FIELDS,
  METRIC_STRUCT,
  PARAMS_STRUCT,
  RING_RECORD,
  type StructSpec,
  structLayout,
  structsWgsl,
  structWgsl,
  TRAJECTORY_STRUCT,
} from '../../src/gpu/layout';
import { trajectoryShader } from '../../src/gpu/shaderSource';
import { UNIFORM_SLOT_BYTES } from '../../src/gpu/uniformSlots';
import { gpuTestSetup } from './gpuTestUtils';
import { fieldsOnDevice, packedLayout, writtenFields } from './layoutOnDevice';

const { ctx } = await gpuTestSetup();

const PARAMS_HEAD = {
  count: 0,
  offset: 4,
  invocations: 8,
  steps: 12,
  t0: 16,
  history_len: 20,
  sample_every: 24,
  switch_at_end: 28,
  log2c_t0: 32,
  log2_alpha: 36,
  renormalize: 40,
  lr_mode: 44,
  lr_t0_exp: 48,
};
const METRIC: Layout = {
  size: 28,
  offsets: {
    gap: 0,
    divergence_step: 4,
    overflow_step: 8,
    crossing_step: 12,
    wd_absorbed_step: 16,
    exp_absorbed_step: 20,
    underflow_step: 24,
  },
};

const F32_LAYOUT: Record<string, Layout> = {
  Params: {
    size: 84,
    offsets: {
      ...PARAMS_HEAD,
      tan2_tol: 52,
      eta: 56,
      lambda: 60,
      gamma: 64,
      growth: 68,
      switch_factor: 72,
      kappa: 76,
      lr_t0: 80,
    },
  },
  Trajectory: {
    size: 48,
    offsets: {
      wd_x: 0,
      wd_y: 4,
      wd_vx: 8,
      wd_vy: 12,
      ex_x: 16,
      ex_y: 20,
      ex_vx: 24,
      ex_vy: 28,
      lr: 32,
      scale_exp: 36,
      wd_scale_exp: 40,
      lr_exp: 44,
    },
  },
  Metric: METRIC,
};

const EXPECTED: Record<GpuPrecision, Record<string, Layout>> = {
  f32: F32_LAYOUT,
  // bf16 and f16 are stored as f32.
  bf16: F32_LAYOUT,
  f16: F32_LAYOUT,
  df64: {
    Params: {
      size: 120,
      offsets: {
        ...PARAMS_HEAD,
        // vec2<f32> is 8-aligned: 4 bytes of padding after lr_t0_exp.
        tan2_tol: 56,
        eta: 64,
        lambda: 72,
        gamma: 80,
        growth: 88,
        switch_factor: 96,
        kappa: 104,
        lr_t0: 112,
      },
    },
    Trajectory: {
      // 9 reals of 8 bytes and the three i32 K, Kw, J: 84 bytes, padded to the 8-byte alignment.
      size: 88,
      offsets: {
        wd_x: 0,
        wd_y: 8,
        wd_vx: 16,
        wd_vy: 24,
        ex_x: 32,
        ex_y: 40,
        ex_vx: 48,
        ex_vy: 56,
        lr: 64,
        scale_exp: 72,
        wd_scale_exp: 76,
        lr_exp: 80,
      },
    },
    Metric: METRIC,
  },
};

const SPECS: StructSpec[] = [PARAMS_STRUCT, TRAJECTORY_STRUCT, METRIC_STRUCT];
const PRECISIONS: readonly GpuPrecision[] = GPU_PRECISIONS;

describe.skipIf(!ctx)('struct layouts', () => {
  for (const p of PRECISIONS) {
    for (const spec of SPECS) {
      it(`${spec.name} (${p}): offsets and size are pinned`, () => {
        const got = structLayout(spec, p);
        expect(got).toEqual(EXPECTED[p][spec.name]);
        // Declaration order is the memory order.
        expect(Object.keys(got.offsets)).toEqual(spec.fields.map(([n]) => n));
      });
    }

    it(`the ${p} kernel declares the same structs it binds (reflected from the full shader)`, () => {
      const defs = makeShaderDataDefinitions(trajectoryShader(p, findPreset('rugged')!.loss));
      expect(defs.uniforms.params.size).toBe(EXPECTED[p].Params.size);
      const traj = defs.storages.trajectories.typeDefinition as { elementType?: { size: number } };
      const metric = defs.storages.metrics.typeDefinition as { elementType?: { size: number } };
      expect(traj.elementType?.size).toBe(EXPECTED[p].Trajectory.size);
      expect(metric.elementType?.size).toBe(EXPECTED[p].Metric.size);
    });

    it(`the generated ${p} struct text is what the kernel declares`, () => {
      const text = structsWgsl(p);
      for (const spec of SPECS) expect(text).toContain(structWgsl(spec, p));
      // vec2<f32> is the df64 real; f32 runs have no vec2 field at all.
      expect(text.includes('vec2<f32>')).toBe(p === 'df64');
      expect(trajectoryShader(p, findPreset('rugged')!.loss)).toContain(text);
    });

    for (const spec of SPECS) {
      it(`${spec.name} (${p}): the device reads every field where the TS layout writes it`, async () => {
        const layout = structLayout(spec, p);
        expect(await fieldsOnDevice(ctx!, spec, p, layout)).toEqual(writtenFields(spec, p));
      });

      it(`${spec.name} (${p}): a layout with two fields swapped is caught (test of the test)`, async () => {
        const real = structLayout(spec, p);
        const [a, b] = spec.fields.map(([n]) => n);
        const swapped = {
          size: real.size,
          offsets: { ...real.offsets, [a]: real.offsets[b], [b]: real.offsets[a] },
        };
        expect(await fieldsOnDevice(ctx!, spec, p, swapped)).not.toEqual(writtenFields(spec, p));
      });
    }
  }

  it('df64 Params counted by hand without the vec2 alignment is caught on the device (test of the test)', async () => {
    const packed = packedLayout(PARAMS_STRUCT, 'df64');
    // The realistic mistake: tan2_tol right after lr_t0_exp at 52, not at the 8-aligned 56.
    expect(packed.offsets.tan2_tol).toBe(52);
    const got = await fieldsOnDevice(ctx!, PARAMS_STRUCT, 'df64', packed);
    expect(got).not.toEqual(writtenFields(PARAMS_STRUCT, 'df64'));
  });

  it('the path ring record is the one RING_RECORD describes (trajectory kernel, reflected)', () => {
    for (const p of PRECISIONS) {
      const defs = makeShaderDataDefinitions(trajectoryShader(p, findPreset('rugged')!.loss));
      const ring = defs.storages.history.typeDefinition as { elementType?: { size: number } };
      expect(ring.elementType?.size).toBe(RING_RECORD.bytes);
    }
    expect(RING_RECORD.floats * 4).toBe(RING_RECORD.bytes);
    expect(Object.values(RING_RECORD.fields).sort()).toEqual([0, 1, 2, 3]);
  });

  it('the metric event fields are exactly the i32 fields of Metric (each starts at −1)', () => {
    const ints = METRIC_STRUCT.fields.filter(([, t]) => t === 'i32').map(([n]) => n);
    expect([...METRIC_EVENT_FIELDS]).toEqual(ints);
  });

  it('the Params struct fits one uniform slot and Metric is the same in both precisions', () => {
    for (const p of PRECISIONS) expect(EXPECTED[p].Params.size).toBeLessThanOrEqual(UNIFORM_SLOT_BYTES);
    expect(EXPECTED.f32.Metric).toEqual(EXPECTED.df64.Metric);
  });
});
