// The filter bar (survey, unit tree, period, custom dates) and the trend's granularity switch, bound to the filter store.
import type { OrgUnit, Survey } from './api.ts';
import { byId, h, setAttr, setText, syncList } from './dom.ts';
import { localize, t } from './i18n.ts';
import { isPickable } from './setup.ts';
import { isDay, isGranularity, isPeriod, suggestedGranularity, windowDays, resolveWindow } from './periods.ts';
import type { FilterStore } from './state.ts';

export interface FilterBar {
  /** Re-renders the option texts (unit and survey names) and the selected values. */
  render(): void;
}

export function createFilterBar(store: FilterStore, org: { units: readonly OrgUnit[]; today: () => string }, surveys: readonly Survey[]): FilterBar {
  const surveySelect = byId<HTMLSelectElement>('survey-select');
  const unitSelect = byId<HTMLSelectElement>('unit-select');
  const periodSelect = byId<HTMLSelectElement>('period-select');
  const customRange = byId('custom-range');
  const fromInput = byId<HTMLInputElement>('from-input');
  const toInput = byId<HTMLInputElement>('to-input');
  const granularity = byId('granularity-switch');
  const unitsInTreeOrder = treeOrder(org.units);

  surveySelect.addEventListener('change', () => store.set({ surveyId: surveySelect.value }));
  unitSelect.addEventListener('change', () => store.set({ unitId: unitSelect.value }));
  periodSelect.addEventListener('change', () => {
    const period = periodSelect.value;
    if (!isPeriod(period)) return;
    if (period === 'custom') {
      // Start the custom range from the window being shown, so switching to it changes nothing until edited.
      const current = store.get();
      const window = resolveWindow(current.period, current, org.today());
      store.set({ period, from: window.from, to: window.to });
      fromInput.focus();
      return;
    }
    store.set({ period, granularity: suggestedGranularity(Number(period)) });
  });
  const onDates = () => {
    if (!isDay(fromInput.value) || !isDay(toInput.value)) return;
    const [from, to] = fromInput.value <= toInput.value ? [fromInput.value, toInput.value] : [toInput.value, fromInput.value];
    store.set({ period: 'custom', from, to, granularity: suggestedGranularity(windowDays({ from, to })) });
  };
  fromInput.addEventListener('change', onDates);
  toInput.addEventListener('change', onDates);
  granularity.addEventListener('click', (event) => {
    const value = (event.target as Element).closest<HTMLElement>('[data-granularity]')?.dataset.granularity;
    if (isGranularity(value)) store.set({ granularity: value });
  });

  function render(): void {
    const filters = store.get();
    const all: Pick<Survey, 'id' | 'title' | 'status'> = { id: '', title: { zh: t('filter.allSurveys'), en: t('filter.allSurveys'), ru: t('filter.allSurveys') } };
    syncList(
      surveySelect,
      [all, ...surveys],
      (s) => s.id,
      (s) => h('option', { value: s.id }),
      (option, s) => {
        const title = localize(s.title) || s.id;
        setText(option, s.status === 'closed' ? t('filter.closedSurvey', { title }) : title);
        setAttr(option, 'data-status', s.status ?? null);
      },
    );
    surveySelect.value = filters.surveyId;

    syncList(
      unitSelect,
      // Archived units leave the picker; the one being looked at stays until another is chosen.
      unitsInTreeOrder.filter((u) => isPickable(u.unit, filters.unitId)),
      (u) => u.unit.id,
      (u) => h('option', { value: u.unit.id }),
      // Native selects cannot nest; indent with no-break spaces so the tree still reads HQ → region → hotel.
      (option, u) => {
        const name = localize(u.unit.name) || u.unit.id;
        setText(option, `${'\u00a0\u00a0'.repeat(u.depth)}${u.unit.archived ? t('filter.archivedUnit', { name }) : name}`);
        setAttr(option, 'data-depth', String(u.depth));
        setAttr(option, 'data-archived', u.unit.archived ? 'true' : null);
      },
    );
    unitSelect.value = filters.unitId;

    periodSelect.value = filters.period;
    customRange.hidden = filters.period !== 'custom';
    if (filters.period === 'custom') {
      fromInput.value = filters.from;
      toInput.value = filters.to;
    }

    for (const button of granularity.querySelectorAll<HTMLElement>('[data-granularity]')) {
      setAttr(button, 'aria-pressed', String(button.dataset.granularity === filters.granularity));
    }
  }

  render();
  return { render };
}

/** The units depth-first from the root, with their depth, for the indented selector. */
export function treeOrder(units: readonly OrgUnit[]): { unit: OrgUnit; depth: number }[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<string | null, OrgUnit[]>();
  for (const unit of units) {
    const parent = unit.parentId && ids.has(unit.parentId) ? unit.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), unit]);
  }
  const ordered: { unit: OrgUnit; depth: number }[] = [];
  const visit = (unit: OrgUnit, depth: number) => {
    if (ordered.length > units.length) return; // a cycle in bad data must not hang the page
    ordered.push({ unit, depth });
    for (const child of children.get(unit.id) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  return ordered;
}
