/**
 * The models page's progress box (what runs where, how far) and stats box (per precision: seeds, diverged,
 * median divergence step, divergences by cause, timings; and the run's notes: what ran on a subset, what
 * was skipped and why).
 */
import type { RunProgress, RunResult } from '../../playground/model/runner';
import { statsLine } from '../../playground/model/stats';

const fmt = (n: number) => n.toLocaleString('en-US');

export class ProgressBox {
  private readonly bar: HTMLProgressElement;
  private readonly text: HTMLElement;

  constructor(private readonly root: HTMLElement) {
    this.bar = document.createElement('progress');
    this.text = document.createElement('div');
  }

  show(p: RunProgress, where: 'gpu' | 'cpu'): void {
    if (!this.root.contains(this.bar)) this.root.replaceChildren(this.text, this.bar);
    const what =
      p.phase === 'run'
        ? where === 'gpu'
          ? `${p.precision} on the GPU: step ${fmt(p.done)} of ${fmt(p.total)}`
          : `${p.precision} on the CPU: ${fmt(p.done)} of ${fmt(p.total)} seeds`
        : `${p.precision}: loss curves and crossings, ${fmt(p.done)} of ${fmt(p.total)}`;
    this.text.textContent = what;
    this.bar.max = Math.max(1, p.total);
    this.bar.value = Math.min(p.done, p.total);
  }

  message(text: string): void {
    this.text.textContent = text;
    this.root.replaceChildren(this.text);
  }

  clear(): void {
    this.root.replaceChildren();
  }
}

export function renderStats(root: HTMLElement, result: RunResult, adapter: string): void {
  const lines = result.results.map((r) => {
    const el = document.createElement('div');
    el.dataset.precision = r.precision;
    const t = r.driverSeconds === null ? '' : `, driver ${r.driverSeconds.toFixed(2)} s`;
    el.textContent = `${statsLine(r.stats)}. Ran in ${r.stats.seconds.toFixed(2)} s${t}.`;
    return el;
  });
  const notes = [
    `Adapter: ${adapter}. Whole run ${result.seconds.toFixed(1)} s.`,
    ...result.notes,
    ...result.results
      .filter((r) => r.stats.crossing === 'samples')
      .map(
        (r) =>
          `${r.precision}: the GPU does not check the instability crossing; it was found from the run's ` +
          'samples (float64 sharpness every 16 steps) for the seeds that diverged.',
      ),
  ].map((n) => {
    const el = document.createElement('div');
    el.className = 'note';
    el.textContent = n;
    return el;
  });
  root.replaceChildren(...lines, ...notes);
}
