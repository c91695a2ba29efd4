/**
 * The bench's table keeps a row for every GPU precision, bf16 and f16 included, beside f32 and df64; their
 * cost against f32 is computed from rates of the same run; the worker-thread CPU rows include the CPU f32
 * mirror and the emulated formats (src/bench/emulated.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ThreadTiming } from '../../src/bench/cpuThreads';
import {
  costOf,
  cpuEmulationCosts,
  formatEmulationCosts,
  type GpuRows,
  gpuEmulationCosts,
  gpuRowName,
  skippedGpuRows,
  tableRows,
  threadJobs,
} from '../../src/bench/emulated';
import { parseOptions, type Row, resultTable } from '../../src/bench/options';

function row(implementation: string, rate: number | null): Row {
  return {
    implementation,
    rate,
    trajectories: 1024,
    steps: 1000,
    seconds: rate && 1024e3 / rate,
    notes: 'n',
  };
}

function gpuRows(rates: Record<keyof GpuRows, number | null>): GpuRows {
  return {
    f32: row(gpuRowName('f32'), rates.f32),
    df64: row(gpuRowName('df64'), rates.df64),
    bf16: row(gpuRowName('bf16'), rates.bf16),
    f16: row(gpuRowName('f16'), rates.f16),
  };
}

function thread(precision: string, oneThread: number): ThreadTiming {
  return {
    precision,
    trajectories: 256,
    steps: 1000,
    oneThread,
    threads: 2,
    allThreads: oneThread,
    speedup: 1,
  };
}

const parts = (gpu: GpuRows) => ({
  js: row('JS f64 (Integrator, F64)', 4e6),
  gpu,
  dd: row('CPU double-double (Integrator, DDA)', 8e4),
  numpy: row('NumPy f64', 12e6),
  c: row('C f32 loop', 11e6),
});

describe('bench table rows', () => {
  it('has the bf16 and f16 GPU rows right after f32 and df64', () => {
    const names = tableRows(parts(gpuRows({ f32: 24e6, df64: 1e6, bf16: 2e6, f16: 6e5 }))).map(
      (r) => r.implementation,
    );
    expect(names).toEqual([
      'JS f64 (Integrator, F64)',
      'WGSL f32 kernel',
      'WGSL df64 kernel',
      'WGSL bf16 kernel',
      'WGSL f16 kernel',
      'CPU double-double (Integrator, DDA)',
      'NumPy f64',
      'C f32 loop',
    ]);
  });

  it('prints the emulated rows in the same format and units as the f32 row', () => {
    const text = resultTable(
      tableRows(parts(gpuRows({ f32: 24e6, df64: 1e6, bf16: 2e6, f16: 6e5 }))),
      12e6,
      11e6,
    );
    const line = (name: string) => text.split('\n').find((l) => l.startsWith(name));
    expect(line('WGSL f32 kernel')).toMatch(/\| 24\.00 M +\| 2\.00x +\| 2\.18x +\| n$/);
    expect(line('WGSL bf16 kernel')).toMatch(/\| 2\.00 M +\| 0\.17x +\| 0\.18x +\| n$/);
    expect(line('WGSL f16 kernel')).toMatch(/\| 600\.0 k +\| 5\.0e-2x +\| 5\.5e-2x +\| n$/);
  });

  it('without an adapter every GPU precision still has a (skipped) row', () => {
    const skipped = skippedGpuRows('no adapter');
    expect(Object.keys(skipped).sort()).toEqual(['bf16', 'df64', 'f16', 'f32']);
    for (const [p, r] of Object.entries(skipped)) {
      expect(r).toMatchObject({
        implementation: `WGSL ${p} kernel`,
        rate: null,
        notes: 'skipped: no adapter',
      });
    }
    expect(tableRows(parts(skipped)).map((r) => r.implementation)).toContain('WGSL f16 kernel');
  });
});

describe('emulation cost against f32 of the same run', () => {
  it('is the f32 rate over the format rate, against the f32 row and against f32 on the same subset', () => {
    const costs = gpuEmulationCosts(gpuRows({ f32: 24e6, df64: 1e6, bf16: 2e6, f16: 6e5 }), {
      trajectories: 1024,
      rate: 21e6,
    });
    expect(costs.map((c) => c.format)).toEqual(['bf16', 'f16']);
    expect(costs[0]).toMatchObject({ backend: 'gpu', rate: 2e6, f32Rate: 24e6 });
    expect(costs[0].cost).toBeCloseTo(12, 12);
    expect(costs[1].cost).toBeCloseTo(40, 12);
    expect(costs[1].sameSubset?.cost).toBeCloseTo(35, 12);
    const text = formatEmulationCosts(costs);
    expect(text).toContain(
      'WGSL bf16: 2.00 M/s vs WGSL f32 row 24.00 M/s: bf16 costs 12.0x f32 (f32 on the same 1024 trajectories: 21.00 M/s, 10.5x)',
    );
    expect(text).toContain('WGSL f16: 600.0 k/s vs WGSL f32 row 24.00 M/s: f16 costs 40.0x f32');
  });

  it('says "not measured" when the format or f32 was skipped', () => {
    expect(costOf(null, 1e6)).toBeNull();
    expect(costOf(1e6, null)).toBeNull();
    expect(costOf(0, 1e6)).toBeNull();
    const costs = gpuEmulationCosts(gpuRows({ f32: 24e6, df64: null, bf16: null, f16: 6e5 }), null);
    expect(costs[0]).toMatchObject({ format: 'bf16', cost: null });
    expect(costs[0].sameSubset).toBeUndefined();
    expect(formatEmulationCosts(costs)).toContain(
      'WGSL bf16: not measured vs WGSL f32 row 24.00 M/s: bf16 costs not measured f32',
    );
  });

  it('on the CPU compares each format with the CPU f32 mirror on one worker thread', () => {
    const costs = cpuEmulationCosts([
      thread('f64', 3e6),
      thread('dd', 1.7e5),
      thread('f32', 6e5),
      thread('bf16', 2e5),
      thread('f16', 1.5e5),
    ]);
    expect(costs.map((c) => [c.format, c.backend])).toEqual([
      ['bf16', 'cpu'],
      ['f16', 'cpu'],
    ]);
    expect(costs[0].cost).toBeCloseTo(3, 12);
    expect(costs[1].cost).toBeCloseTo(4, 12);
    expect(formatEmulationCosts(costs)).toContain(
      'CPU f16 (1 worker thread): 150.0 k/s vs CPU f32 mirror 600.0 k/s: f16 costs 4.00x f32',
    );
    // A missing row is reported, not silently dropped.
    expect(cpuEmulationCosts([thread('f32', 6e5), thread('f16', 1.5e5)])[0]).toMatchObject({
      format: 'bf16',
      rate: null,
      cost: null,
    });
  });

  it('the worker-thread rows time f32, bf16 and f16 on the same subset', () => {
    const jobs = threadJobs(16384, parseOptions([]));
    expect(jobs.map(([p]) => p)).toEqual(['f64', 'dd', 'f32', 'bf16', 'f16']);
    const subset = new Map(jobs);
    expect(subset.get('bf16')).toBe(subset.get('f32'));
    expect(subset.get('f16')).toBe(subset.get('f32'));
    expect(threadJobs(100, parseOptions([])).every(([, m]) => m <= 100)).toBe(true);
  });
});
