// The unit ranking: the selected unit's sub-units (or, for a hotel, its peers) with NPS, CSAT, CES and responses; a
// click drills down, the breadcrumb goes back up, and each row links to the unit's public survey page.
import type { OrgUnit, UnitScore } from './api.ts';
import { h, setAttr, setText, syncList } from './dom.ts';
import { count, num, tone } from './format.ts';
import { localize, t, type MessageKey } from './i18n.ts';

export interface RankingRow {
  unit: OrgUnit;
  score: UnitScore | null;
}

export interface RankingModel {
  rows: readonly RankingRow[];
  /** The selected unit when it has no sub-units and the table shows its peers instead. */
  selfId: string | null;
  lineage: readonly OrgUnit[];
  /** Where "open survey" leads for a unit (null for one with no link, e.g. archived), or null when there is no survey. */
  surveyLink: ((unitId: string) => string | null) | null;
}

type SortKey = 'nps' | 'csat' | 'ces' | 'count';

export interface RankingView {
  render(model: RankingModel): void;
}

export function createRankingView(
  elements: { body: HTMLElement; head: HTMLElement; breadcrumb: HTMLElement },
  select: (unitId: string) => void,
): RankingView {
  let sortKey: SortKey = 'nps';
  let last: RankingModel | null = null;

  elements.head.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLElement>('[data-sort]');
    const key = button?.dataset.sort;
    if (key === 'nps' || key === 'csat' || key === 'ces' || key === 'count') {
      sortKey = key;
      if (last) render(last);
    }
  });
  elements.body.addEventListener('click', (event) => {
    const target = event.target as Element;
    if (target.closest('a')) return;
    const row = target.closest<HTMLElement>('[data-unit-id]');
    if (row?.dataset.unitId) select(row.dataset.unitId);
  });
  elements.breadcrumb.addEventListener('click', (event) => {
    const crumb = (event.target as Element).closest<HTMLElement>('[data-unit-crumb]');
    if (crumb?.dataset.unitCrumb) select(crumb.dataset.unitCrumb);
  });

  function render(model: RankingModel): void {
    last = model;
    for (const th of elements.head.querySelectorAll<HTMLElement>('th[data-col]')) {
      setAttr(th, 'aria-sort', th.dataset.col === sortKey ? 'descending' : null);
    }
    const rows = [...model.rows].sort((a, b) => compare(b, a, sortKey));
    syncList(elements.body, rows, (r) => r.unit.id, createRow, (row, item) => updateRow(row, item, model));
    renderBreadcrumb(elements.breadcrumb, model.lineage);
  }

  return { render };
}

function value(row: RankingRow, key: SortKey): number | null {
  return row.score ? row.score[key] : null;
}

/** Higher first; units without a value go last, then by response count. */
function compare(a: RankingRow, b: RankingRow, key: SortKey): number {
  const x = value(a, key);
  const y = value(b, key);
  if (x === null || y === null) return x === y ? (a.score?.count ?? 0) - (b.score?.count ?? 0) : x === null ? -1 : 1;
  return x - y || (a.score?.count ?? 0) - (b.score?.count ?? 0);
}

function createRow(item: RankingRow): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-unit-id': item.unit.id },
    h('th', { scope: 'row' }, h('button', { type: 'button', class: 'unit-link', 'data-drill': item.unit.id }), h('small', { class: 'kind' })),
    h('td', { class: 'num nps' }, h('span', { class: 'pill', 'data-metric': 'nps' })),
    h('td', { class: 'num csat', 'data-metric': 'csat' }),
    h('td', { class: 'num ces hide-narrow', 'data-metric': 'ces' }),
    h('td', { class: 'num count', 'data-metric': 'count' }),
    h('td', { class: 'open' }, h('a', { target: '_blank', rel: 'noopener', 'data-survey-link': '' }, '↗')),
  );
}

function updateRow(row: HTMLTableRowElement, item: RankingRow, model: RankingModel): void {
  const name = localize(item.unit.name);
  const s = item.score;
  setAttr(row, 'aria-current', item.unit.id === model.selfId ? 'true' : null);
  const button = row.querySelector('.unit-link');
  if (button) {
    setText(button, name);
    setAttr(button, 'aria-label', t('ranking.drill', { unit: name }));
  }
  const kind = row.querySelector('.kind');
  if (kind) setText(kind, kindName(item.unit.kind));
  const pill = row.querySelector('.pill');
  if (pill) {
    setText(pill, num(s?.nps, 1));
    setAttr(pill, 'data-tone', tone(s?.nps ?? null, 'nps', null));
    setAttr(pill, 'data-value', s?.nps === null || s?.nps === undefined ? '' : String(s.nps));
  }
  const cell = (metric: string) => row.querySelector(`[data-metric="${metric}"]`);
  const csat = cell('csat');
  if (csat) setText(csat, num(s?.csat, 2));
  const ces = cell('ces');
  if (ces) setText(ces, num(s?.ces, 2));
  const responses = cell('count');
  if (responses) {
    setText(responses, count(s?.count ?? 0));
    setAttr(responses, 'data-value', String(s?.count ?? 0));
  }
  const link = row.querySelector<HTMLAnchorElement>('[data-survey-link]');
  if (link) {
    const href = model.surveyLink?.(item.unit.id) ?? null;
    link.hidden = href === null;
    setAttr(link, 'href', href);
    setAttr(link, 'title', t('ranking.openSurvey'));
    setAttr(link, 'aria-label', `${t('ranking.openSurvey')}: ${name}`);
  }
}

function renderBreadcrumb(container: HTMLElement, lineage: readonly OrgUnit[]): void {
  syncList(
    container,
    lineage,
    (u) => u.id,
    (u) => h('li', {}, h('button', { type: 'button', 'data-unit-crumb': u.id })),
    (li, u, index) => {
      const button = li.firstElementChild;
      if (!button) return;
      setText(button, localize(u.name));
      const isLast = index === lineage.length - 1;
      setAttr(button, 'aria-current', isLast ? 'page' : null);
    },
  );
}

export function kindName(kind: string): string {
  const key = `kind.${kind}`;
  return ['hq', 'region', 'area', 'store', 'department'].includes(kind) ? t(key as MessageKey) : kind;
}
