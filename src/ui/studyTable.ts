/**
 * The Precision tab's per-trajectory table (DOM): sortable columns, pages of PAGE_SIZE rows, a click on a
 * row selects it (the tab highlights that path). Per precision: divergence step, its cause (with the path
 * colour of colorBy "cause"), the absorbed steps of both runs, and their departures from the mp reference.
 * The rows, sort order and cell text are pure (src/playground/studyRows.ts).
 */

import type { StudyResult } from '../core/study/types';
import {
  cellText,
  pageOf,
  type SortKey,
  type StudyRow,
  sortRows,
  studyHas,
  studyRows,
} from '../playground/studyRows';
import { causeRgb } from '../render/cause';
import { rgbCss } from '../render/colormap';
import { el } from './dom';

const PAGE_SIZE = 50;

export class StudyTable {
  private readonly table: HTMLTableElement;
  private readonly note: HTMLElement;
  private readonly pager: HTMLElement;
  private study: StudyResult | null = null;
  private rows: StudyRow[] = [];
  private sort: { key: SortKey; dir: 1 | -1 } = { key: 'index', dir: 1 };
  private page = 0;
  private selected: number | null = null;

  /** `onSelect`: a row was selected (its trajectory index) or unselected (null). */
  constructor(
    parent: HTMLElement,
    private readonly onSelect: (index: number | null) => void,
  ) {
    this.note = el('div', 'ptab-note ptab-table-note', parent);
    this.table = el('table', 'ptab-table', parent);
    this.pager = el('div', 'ptab-pager', parent);
  }

  /** Shows a study's rows from the first page, nothing selected. */
  show(study: StudyResult): void {
    this.study = study;
    this.rows = studyRows(study);
    this.page = 0;
    this.note.textContent = this.notes(study).join(' ');
    this.select(null);
    this.draw();
  }

  /** What the per-precision columns mean, and why a column is missing or reads NA. */
  private notes(study: StudyResult): string[] {
    const notes = ['Per precision: div = divergence step, cause, abs = absorbed step wd / exp (— never).'];
    if (!studyHas(study, 'cause')) notes.push('This study has no causes or absorbed steps (NA).');
    // Departures need the mp reference: without it the columns are left out (tick mp to measure them).
    if (studyHas(study, 'wdDeparture'))
      notes.push("dep = first departure from mp, wd / exp († after mp's own horizon: not trusted).");
    else notes.push('Departures from the mp reference: not measured (mp did not run).');
    return notes;
  }

  private columns(): { key: SortKey; label: string }[] {
    const study = this.study;
    const runs = study?.runs ?? [];
    const departures = !!study && studyHas(study, 'wdDeparture');
    return [
      { key: 'index', label: '#' },
      { key: 'initX', label: 'x₀' },
      { key: 'initY', label: 'y₀' },
      ...runs.flatMap((r) => {
        const p = r.precision;
        const cols: { key: SortKey; label: string }[] = [
          { key: `div:${p}`, label: `div ${p}` },
          { key: `cause:${p}`, label: `cause ${p}` },
          { key: `abs:${p}`, label: `abs ${p}` },
        ];
        if (departures && p !== 'mp') cols.push({ key: `dep:${p}`, label: `dep ${p}` });
        return cols;
      }),
      { key: 'overflow', label: 'overflow' },
      { key: 'crossing', label: 'crossing' },
      { key: 'lyapunov', label: 'Lyapunov μ' },
    ];
  }

  private draw(): void {
    const cols = this.columns();
    const sorted = sortRows(this.rows, this.sort.key, this.sort.dir);
    const page = pageOf(sorted, this.page, PAGE_SIZE);
    this.page = page.page;
    this.table.replaceChildren();
    const head = el('tr', '', el('thead', '', this.table));
    for (const c of cols) {
      const th = el('th', '', head, c.label);
      th.dataset.key = c.key;
      if (c.key === this.sort.key) th.textContent += this.sort.dir === 1 ? ' ▲' : ' ▼';
      th.addEventListener('click', () => {
        this.sort = { key: c.key, dir: c.key === this.sort.key ? (-this.sort.dir as 1 | -1) : 1 };
        this.draw();
      });
    }
    const body = el('tbody', '', this.table);
    for (const row of page.rows) {
      const tr = el('tr', row.index === this.selected ? 'selected' : '', body);
      tr.dataset.index = String(row.index);
      for (const c of cols) {
        const td = el('td', '', tr, cellText(row, c.key));
        if (c.key === 'overflow' && row.overflowIn) td.title = `first in ${row.overflowIn}`;
        if (c.key.startsWith('cause:')) {
          const cause = row.cause[c.key.slice(6) as keyof StudyRow['cause']];
          if (cause !== undefined) td.style.color = rgbCss(causeRgb(cause));
          td.dataset.cause = cause === undefined ? 'NA' : (cause ?? 'none');
        }
      }
      tr.addEventListener('click', () => this.select(row.index === this.selected ? null : row.index));
    }
    this.pager.replaceChildren();
    const prev = el('button', '', this.pager, '‹');
    el('span', '', this.pager, ` page ${page.page + 1} of ${page.pages} (${this.rows.length} rows) `);
    const next = el('button', '', this.pager, '›');
    prev.disabled = page.page === 0;
    next.disabled = page.page >= page.pages - 1;
    prev.addEventListener('click', () => this.goTo(this.page - 1));
    next.addEventListener('click', () => this.goTo(this.page + 1));
  }

  private goTo(page: number): void {
    this.page = page;
    this.draw();
  }

  /** Selects row `index` (null: none) and tells onSelect. */
  select(index: number | null): void {
    this.selected = index;
    for (const tr of this.table.querySelectorAll('tbody tr'))
      tr.classList.toggle('selected', (tr as HTMLElement).dataset.index === String(index));
    this.onSelect(index);
  }
}
