/**
 * Messages between the models page and its CPU workers (modelWorker.ts). A worker runs a range of seeds of
 * a config on the CPU reference integrator (runModelCpu's path: simulateModel), or analyses records that
 * ran elsewhere (the GPU's): the loss/accuracy curves of the charts and the instability crossing. Work is
 * pure and deterministic, so ranges split over workers and merged in order equal one run.
 */

import { modelInitialPoints } from '../../core/model/modelInit';
import type { ModelRecord } from '../../core/model/modelOutput';
import { modelIntegrator, simulateModel } from '../../core/model/modelRun';
import { resolveModel } from '../../core/model/resolveModel';
import type { ModelConfig } from '../../core/model/types';
import { paramCount } from '../../core/model/types';
import { sampleSteps } from '../../core/run/output';
import { FastModel } from './fastModel';
import { emptyCurves, fillCurves, type SeedCurves } from './series';
import { crossingFromSamples } from './stats';

/** Run seeds [first, first + count) of `config` (its init gives the starts). */
export interface RunRequest {
  kind: 'run';
  id: number;
  config: ModelConfig;
  first: number;
  count: number;
  /** Curves for the seeds below this index, at these sample indices. */
  chartSeeds: number;
  columns: number[];
}

/**
 * Records that ran elsewhere (the GPU's): the curves of `chart` (whole records) and the instability crossing
 * of `cross` (diverged records, their samples up to the divergence step at least).
 */
export interface AnalyseRequest {
  kind: 'analyse';
  id: number;
  config: ModelConfig;
  chart: Pick<ModelRecord, 'wd' | 'ex'>[];
  columns: number[];
  cross: Pick<ModelRecord, 'wd' | 'wdScaleLog2' | 'divergenceStep'>[];
}

export type WorkerRequest = RunRequest | AnalyseRequest;

export type WorkerReply =
  | { kind: 'progress'; id: number; done: number }
  | { kind: 'run'; id: number; records: ModelRecord[]; curves: SeedCurves }
  | { kind: 'analyse'; id: number; curves: SeedCurves; crossings: (number | null)[] }
  | { kind: 'error'; id: number; message: string };

/** The buffers of records and curves, to transfer rather than copy. */
export function transferables(records: readonly ModelRecord[], curves?: SeedCurves): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const r of records)
    for (const a of [
      r.init,
      r.wd,
      r.ex,
      r.gap,
      r.exScaleLog2,
      r.wdScaleLog2,
      r.wdAbsorbedAt,
      r.expAbsorbedAt,
    ])
      out.push(a.buffer as ArrayBuffer);
  if (curves)
    for (const a of [curves.wdLoss, curves.wdAccuracy, curves.expLoss, curves.expAccuracy])
      out.push(a.buffer as ArrayBuffer);
  return [...new Set(out)];
}

/** Answers one request (in a worker, or inline in tests); progress every few seeds. */
export function answer(req: WorkerRequest, reply: (r: WorkerReply, transfer?: ArrayBuffer[]) => void): void {
  try {
    if (req.kind === 'run') answerRun(req, reply);
    else answerAnalyse(req, reply);
  } catch (e) {
    reply({ kind: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
}

function answerRun(req: RunRequest, reply: (r: WorkerReply, transfer?: ArrayBuffer[]) => void): void {
  const { config, first, count } = req;
  const model = resolveModel(config.loss);
  const P = paramCount(model);
  const all = modelInitialPoints(config.init, P);
  const points = all.slice(first * P, (first + count) * P);
  const integrator = modelIntegrator(config, model);
  let last = 0;
  const records = simulateModel(integrator, points, config.steps, config.sampleEvery, first, (done) => {
    if (done - last >= 4 || done === count) {
      reply({ kind: 'progress', id: req.id, done: done - last });
      last = done;
    }
  });
  const rows = Math.max(0, Math.min(count, req.chartSeeds - first));
  const curves = emptyCurves(rows, req.columns.length);
  const fm = new FastModel(model);
  for (let i = 0; i < rows; i++) fillCurves(fm, records[i], req.columns, curves, i);
  reply({ kind: 'run', id: req.id, records, curves }, transferables(records, curves));
}

function answerAnalyse(req: AnalyseRequest, reply: (r: WorkerReply, transfer?: ArrayBuffer[]) => void): void {
  const model = resolveModel(req.config.loss);
  const fm = new FastModel(model);
  const steps = sampleSteps(req.config.steps, req.config.sampleEvery);
  const curves = emptyCurves(req.chart.length, req.columns.length);
  const total = req.chart.length + req.cross.length;
  let done = 0;
  let last = 0;
  const tick = () => {
    done++;
    if (done - last >= 16 || done === total) {
      reply({ kind: 'progress', id: req.id, done: done - last });
      last = done;
    }
  };
  req.chart.forEach((r, i) => {
    fillCurves(fm, r, req.columns, curves, i);
    tick();
  });
  const crossings = req.cross.map((r) => {
    const d = r.divergenceStep;
    const c = d === null ? null : crossingFromSamples(fm, req.config.optimizer, r, steps, d);
    tick();
    return c;
  });
  reply({ kind: 'analyse', id: req.id, curves, crossings }, transferables([], curves));
}
