/**
 * A run of the models page (src/playground/model/runner.ts) with the CPU workers answered inline: split over
 * workers it equals runModelCpu (the CLI's path); a GPU run whose records carry no crossing (as the driver's)
 * gets its crossings and causes back from the samples, equal to the CPU integrator's (stats taken from the
 * records as they came, the sabotage, say "precision" instead); a cancelled GPU run stops; the plan says
 * what ran where.
 */
import { describe, expect, it } from 'vitest';
import { modelInitialPoints } from '../../../src/core/model/modelInit';
import type { ModelRecord } from '../../../src/core/model/modelOutput';
import { modelIntegrator, runModelCpu, simulateModel } from '../../../src/core/model/modelRun';
import { resolveModel } from '../../../src/core/model/resolveModel';
import type { ModelConfig } from '../../../src/core/model/types';
import type { GpuModelRunner } from '../../../src/playground/model/gpuDriver';
import { configFor, type ModelsPageState, stateFromPreset } from '../../../src/playground/model/pageState';
import { GpuRunError, planRun, runModels } from '../../../src/playground/model/runner';
import { precisionStats } from '../../../src/playground/model/stats';
import {
  CancelledError,
  ModelWorkerPool,
  splitRange,
  type WorkerLike,
} from '../../../src/playground/model/workerPool';
import { answer } from '../../../src/playground/model/workerProtocol';

class InlineWorker implements WorkerLike {
  onmessage: WorkerLike['onmessage'] = null;
  onerror: WorkerLike['onerror'] = null;
  postMessage(req: Parameters<WorkerLike['postMessage']>[0]): void {
    setTimeout(() =>
      answer(structuredClone(req), (reply) => this.onmessage?.({ data: reply } as MessageEvent)),
    );
  }
  terminate(): void {}
}

const pool = (size: number) => new ModelWorkerPool(size, () => new InlineWorker());

const STATE: ModelsPageState = {
  ...stateFromPreset('bn-logistic-gaussians'),
  seeds: 7,
  steps: 130,
  cpuSeeds: 5,
};

describe('the models run', () => {
  it('splitRange: contiguous, in order, nothing empty', () => {
    expect(splitRange(7, 3)).toEqual([
      { first: 0, count: 3 },
      { first: 3, count: 2 },
      { first: 5, count: 2 },
    ]);
    expect(splitRange(2, 8)).toEqual([
      { first: 0, count: 1 },
      { first: 1, count: 1 },
    ]);
  });

  it('CPU workers over 3 parts give the run of runModelCpu', async () => {
    const config = configFor(STATE, 'f64', 'cpu', 5);
    const ref = runModelCpu(config);
    const out = await pool(3).run(config, 5, 2, [0, 10, 20]);
    expect(out.records).toHaveLength(5);
    out.records.forEach((r, i) => {
      const t = ref.trajectories[i];
      expect([r.divergenceStep, r.crossingStep, r.overflowStep]).toEqual([
        t.divergenceStep,
        t.crossingStep,
        t.overflowStep,
      ]);
      // The samples, as runModelCpu's output holds them (w = direction × 2^log2|w|).
      const last = t.samples.wd.length - 1;
      const P = 8;
      const wd = Array.from(r.wd.subarray(last * P, (last + 1) * P)).map((c) => c * 2 ** r.wdScaleLog2[last]);
      wd.forEach((c, k) => {
        expect(Math.abs(c - t.samples.wd[last]![k])).toBeLessThan(1e-15 * Math.hypot(...wd));
      });
    });
    expect(out.curves.seeds).toBe(2);
    expect(out.curves.wdLoss[0]).toBeCloseTo(ref.trajectories[0].samples.wdLoss[0]!, 12);
  });

  it('a GPU run without crossings gets them back from its samples', async () => {
    // The "GPU": the CPU's f32 mirror, with the crossing erased as the driver leaves it.
    let reference: ModelRecord[] = [];
    const fakeGpu: GpuModelRunner = async (config: ModelConfig) => {
      const model = resolveModel(config.loss);
      const cpu = { ...config, backend: 'cpu' as const };
      reference = simulateModel(
        modelIntegrator(cpu, model),
        modelInitialPoints(config.init, 8),
        config.steps,
        config.sampleEvery,
      );
      const records = reference.map((r) => ({ ...r, crossingStep: null }));
      return { records, seconds: 0, adapter: 'fake' };
    };
    const run = await runModels({ ...STATE, precisions: ['f32'] }, { pool: pool(2), gpu: fakeGpu });
    const r = run.results[0];
    expect(r.backend).toBe('gpu');
    expect(r.stats.crossing).toBe('samples');
    const expected = precisionStats('f32', reference, {
      requested: 7,
      backend: 'gpu',
      crossing: 'samples',
      seconds: r.stats.seconds,
    });
    expect(expected.causes.chaos).toBeGreaterThan(0);
    expect(r.stats.causes).toEqual(expected.causes);
    expect(r.records.map((x) => x.crossingStep)).toEqual(
      reference.map((x) => (x.divergenceStep === null ? null : x.crossingStep)),
    );
    // Sabotage: stats from the records as the driver gave them call every split "precision".
    const raw = precisionStats(
      'f32',
      reference.map((x) => ({ ...x, crossingStep: null })),
      { requested: 7, backend: 'gpu', crossing: 'unchecked', seconds: 0 },
    );
    expect(raw.causes).not.toEqual(expected.causes);
    expect(r.series.seeds).toBe(7);
    expect(r.series.step.at(-1)).toBe(130);
  });

  it('a cancelled GPU run stops at its next progress report, with CancelledError', async () => {
    let reports = 0;
    const gpu: GpuModelRunner = async (config, onProgress) => {
      for (let t = 0; t <= config.steps; t += 16) {
        onProgress?.(t, config.steps);
        reports++;
      }
      throw new Error('not reached');
    };
    const run = runModels({ ...STATE, precisions: ['f32'] }, { pool: pool(1), gpu, isCancelled: () => true });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(reports).toBe(0);
    // A driver failure is a GpuRunError (the page reruns on the CPU), not a cancellation.
    const failing: GpuModelRunner = async () => {
      throw new Error('device lost');
    };
    await expect(
      runModels({ ...STATE, precisions: ['f32'] }, { pool: pool(1), gpu: failing }),
    ).rejects.toBeInstanceOf(GpuRunError);
  });

  it('the plan: GPU precisions on every seed, CPU ones on cpuSeeds, df64 skipped without a GPU', () => {
    const s = { ...STATE, precisions: ['f32', 'df64', 'f64'] as ModelsPageState['precisions'] };
    expect(planRun(s, true).runs).toEqual([
      { precision: 'f32', backend: 'gpu', seeds: 7 },
      { precision: 'df64', backend: 'gpu', seeds: 7 },
      { precision: 'f64', backend: 'cpu', seeds: 5 },
    ]);
    const cpu = planRun(s, false);
    expect(cpu.runs).toEqual([
      { precision: 'f32', backend: 'cpu', seeds: 5 },
      { precision: 'f64', backend: 'cpu', seeds: 5 },
    ]);
    expect(cpu.notes.join(' ')).toMatch(/df64 runs only on the GPU driver.*skipped/);
    expect(cpu.notes.join(' ')).toMatch(
      /f32 ran on the CPU \(its float32 mirror, no GPU driver\) for the first 5 of 7/,
    );
  });
});
