/**
 * The Precision tab's module Web Worker: runs runStudy (src/core/study) for one config, f64, dd and mp on
 * the CPU (the CLI's integrators, sampled for the drift curves, on a pool of Web Workers, one per core up to
 * src/playground/cpuWorkerPool.ts's cap) and the Lyapunov twin runs here; for f32 and
 * df64 it asks the page, which owns the GPU device (src/playground/precisionStudy.ts), and waits for the answer.
 * One study per worker: the page terminates it when the study ends or is cancelled.
 */
import type { ExperimentConfig, Precision } from '../core/config/types';
import type { ChunkPool } from '../core/run/chunkPool';
import type { RunOutput } from '../core/run/output';
import type { SampleSummary } from '../core/run/summary';
import { runStudy, type StudyStage } from '../core/study/runStudy';
import type { StudyResult } from '../core/study/types';
import { cpuWorkerPool } from './cpuWorkerPool';

export type StudyRequest =
  | {
      type: 'start';
      config: ExperimentConfig;
      precisions: Precision[];
      ddSubset: number;
      sampleEvery: number;
    }
  | { type: 'gpu'; id: number; output: RunOutput | { skipped: string } };

export type StudyReply =
  /** perStep: a rerun at every step for departures from mp (keep the states, not the drift curve). */
  | { type: 'gpu'; id: number; config: ExperimentConfig; perStep: boolean }
  | { type: 'stage'; stage: StudyStage; index: number; count: number }
  | { type: 'progress'; stage: StudyStage; done: number; total: number }
  | { type: 'drift'; precision: Precision; summary: SampleSummary[] }
  | { type: 'done'; study: StudyResult }
  | { type: 'error'; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: StudyReply) => scope.postMessage(reply);
const waiting = new Map<number, (out: RunOutput | { skipped: string }) => void>();
let nextId = 1;
/** At most one progress message per PROGRESS_MS per stage (the CPU loop calls back per trajectory). */
const PROGRESS_MS = 50;
let lastProgress = 0;

function askGpu(config: ExperimentConfig, perStep: boolean): Promise<RunOutput | { skipped: string }> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    post({ type: 'gpu', id, config, perStep });
  });
}

async function start(req: Extract<StudyRequest, { type: 'start' }>): Promise<void> {
  const pool = cpuWorkerPool(scope.navigator);
  try {
    post({ type: 'done', study: await study(req, pool) });
  } finally {
    await pool.close();
  }
}

function study(req: Extract<StudyRequest, { type: 'start' }>, pool: ChunkPool) {
  return runStudy(req.config, {
    precisions: req.precisions,
    ddSubset: req.ddSubset,
    now: () => performance.now() / 1000,
    onStage: (stage, index, count) => {
      lastProgress = 0;
      post({ type: 'stage', stage, index, count });
    },
    onProgress: (stage, done, total) => {
      const now = performance.now();
      if (done < total && now - lastProgress < PROGRESS_MS) return;
      lastProgress = now;
      post({ type: 'progress', stage, done, total });
    },
    run: async (cfg, onProgress, extra) => {
      // runStudy asks for every step (sampleEvery 1) where it measures departures from mp: those runs keep
      // their samples, as the CLI's. The others are sampled at about DRIFT_SAMPLES steps for the curves.
      const perStep = cfg.sampleEvery === 1;
      const sampled = perStep ? cfg : { ...cfg, sampleEvery: req.sampleEvery };
      if (cfg.backend === 'gpu') return askGpu(sampled, perStep);
      // Slim (events and summary only) unless runStudy needs the states (departures from mp).
      const slim = !perStep && cfg.precision !== 'mp';
      const out = await pool.run(sampled, { onProgress, slim, ...(extra?.bits ? { bits: extra.bits } : {}) });
      // A per-step rerun covers mp's subset only: the drift curve keeps the first run's, over all starts.
      if (!perStep || cfg.precision === 'mp')
        post({ type: 'drift', precision: cfg.precision, summary: out.summary });
      return out;
    },
  });
}

scope.onmessage = (ev: MessageEvent<StudyRequest>) => {
  const req = ev.data;
  if (req.type === 'gpu') {
    const resolve = waiting.get(req.id);
    waiting.delete(req.id);
    resolve?.(req.output);
    return;
  }
  start(req).catch((e: unknown) =>
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
  );
};
