// The ticket board: the unit's tickets newest first, filtered by state and "overdue only"; each row shows severity,
// unit, age, SLA countdown and escalation, and opens the ticket's details. Rows are updated in place on every refresh.
import type { Ticket } from './api.ts';
import { byId, h, setAttr, setText, syncList } from './dom.ts';
import { hasMessage, t } from './i18n.ts';
import { ageText, slaStatus, slaText } from './sla.ts';
import type { FilterStore } from './state.ts';
import { PAGE_SIZE, isBoardFilter, isNewer, matchesFilter, type BoardPage } from './ticket-model.ts';

/** How long a copy from an action is preferred over older list answers (lists may lag a moment behind writes). */
const OVERRIDE_TTL_MS = 60_000;

export interface BoardView {
  render(page: BoardPage, now: number): void;
  /** A ticket changed here (an action, or the open details): shown at once and kept over older list answers. */
  apply(ticket: Ticket, rerender?: boolean): void;
  /** Marks the row whose details are open. */
  select(id: string | null): void;
  /** Re-renders the filter buttons from the store. */
  renderControls(): void;
  /** How many tickets to load ("show more" adds a page); back to one page when the filters change. */
  wanted(): number;
  resetWanted(): void;
}

export function createBoardView(
  store: FilterStore,
  deps: { unitName: (unitId: string) => string; open: (id: string) => void; more: () => void },
): BoardView {
  const list = byId('ticket-list');
  const empty = byId('board-empty');
  const more = byId<HTMLButtonElement>('board-more');
  const shown = byId('board-count');
  const filterGroup = byId('ticket-filter');
  const overdueOnly = byId<HTMLInputElement>('overdue-only');
  const overrides = new Map<string, { ticket: Ticket; at: number }>();
  let last: BoardPage | null = null;
  let selected: string | null = null;
  let wanted = PAGE_SIZE;

  filterGroup.addEventListener('click', (event) => {
    const value = (event.target as Element).closest<HTMLElement>('[data-ticket-filter]')?.dataset.ticketFilter;
    if (isBoardFilter(value)) store.set({ tickets: value });
  });
  overdueOnly.addEventListener('change', () => store.set({ overdue: overdueOnly.checked }));
  list.addEventListener('click', (event) => {
    const row = (event.target as Element).closest<HTMLElement>('[data-ticket-id]');
    if (row?.dataset.ticketId) deps.open(row.dataset.ticketId);
  });
  more.addEventListener('click', () => {
    wanted += PAGE_SIZE;
    deps.more();
  });

  function merged(page: BoardPage): Ticket[] {
    const now = Date.now();
    for (const [id, o] of overrides) if (now - o.at > OVERRIDE_TTL_MS) overrides.delete(id);
    const tickets = page.tickets.map((ticket) => {
      const o = overrides.get(ticket.id);
      if (o && isNewer(o.ticket, ticket)) return o.ticket;
      if (o) overrides.delete(ticket.id);
      return ticket;
    });
    return tickets.filter((ticket) => matchesFilter(ticket, page.filter, page.overdueOnly));
  }

  function render(page: BoardPage, now: number): void {
    last = page;
    const tickets = merged(page);
    syncList(list, tickets, (ticket) => ticket.id, createRow, (row, ticket) => updateRow(row, ticket, now, deps.unitName, selected));
    empty.hidden = tickets.length > 0;
    setText(empty, page.filter === 'active' || page.filter === 'all' ? (page.overdueOnly ? t('tickets.emptyFilter') : t('tickets.empty')) : t('tickets.emptyFilter'));
    setAttr(empty, 'data-filter', page.filter);
    more.hidden = !page.more;
    setText(shown, tickets.length > 0 && page.more ? t('tickets.shown', { n: tickets.length }) : '');
  }

  return {
    render,
    apply(ticket, rerender = true) {
      overrides.set(ticket.id, { ticket, at: Date.now() });
      if (rerender && last) render(last, Date.now());
    },
    select(id) {
      selected = id;
      for (const row of list.querySelectorAll<HTMLElement>('[data-ticket-id]')) {
        setAttr(row, 'aria-current', row.dataset.ticketId === id ? 'true' : null);
      }
    },
    renderControls() {
      const filters = store.get();
      for (const button of filterGroup.querySelectorAll<HTMLElement>('[data-ticket-filter]')) {
        setAttr(button, 'aria-pressed', String(button.dataset.ticketFilter === filters.tickets));
      }
      overdueOnly.checked = filters.overdue;
    },
    wanted: () => wanted,
    resetWanted() {
      wanted = PAGE_SIZE;
    },
  };
}

function createRow(ticket: Ticket): HTMLLIElement {
  return h(
    'li',
    { class: 'ticket', 'data-ticket-id': ticket.id },
    h(
      'button',
      { type: 'button', class: 'ticket-main' },
      h(
        'span',
        { class: 'ticket-top' },
        h('span', { class: 'sev' }),
        h('span', { class: 'ticket-rule' }),
        h('span', { class: 'chips' }, h('span', { class: 'state-chip' }), h('span', { class: 'overdue-badge' })),
      ),
      h('span', { class: 'ticket-meta' }, h('span', { class: 'ticket-unit' }), h('span', { class: 'ticket-age' }), h('span', { class: 'ticket-nps' })),
      h('span', { class: 'ticket-text' }),
      h('span', { class: 'ticket-bottom' }, h('span', { class: 'sla' }), h('span', { class: 'escalation-chip' })),
    ),
  );
}

function updateRow(row: HTMLElement, ticket: Ticket, now: number, unitName: (id: string) => string, selected: string | null): void {
  const sla = slaStatus(ticket, now);
  setAttr(row, 'data-state', ticket.state);
  setAttr(row, 'data-severity', ticket.severity);
  setAttr(row, 'data-overdue', String(ticket.overdue));
  setAttr(row, 'data-escalation-level', String(ticket.escalationLevel));
  setAttr(row, 'aria-current', ticket.id === selected ? 'true' : null);
  const part = (selector: string) => row.querySelector<HTMLElement>(selector);
  const unit = unitName(ticket.unitId);

  const sev = part('.sev');
  if (sev) {
    setText(sev, severityName(ticket.severity));
    setAttr(sev, 'data-severity', ticket.severity);
  }
  const rule = part('.ticket-rule');
  if (rule) setText(rule, ticket.ruleName);
  const state = part('.state-chip');
  if (state) {
    setText(state, stateName(ticket.state));
    setAttr(state, 'data-ticket-state', ticket.state);
  }
  const overdue = part('.overdue-badge');
  if (overdue) {
    overdue.hidden = !ticket.overdue;
    setText(overdue, t('ticket.overdue'));
  }
  const unitEl = part('.ticket-unit');
  if (unitEl) setText(unitEl, unit);
  const age = part('.ticket-age');
  if (age) {
    setText(age, ageText(ticket.createdAt, now));
    setAttr(age, 'title', ticket.createdAt);
  }
  const nps = part('.ticket-nps');
  if (nps) {
    nps.hidden = ticket.summary.nps === undefined;
    setText(nps, ticket.summary.nps === undefined ? '' : `NPS ${ticket.summary.nps}`);
  }
  const text = part('.ticket-text');
  if (text) {
    const excerpt = ticket.summary.text ?? ticket.summary.matched.join(' · ');
    text.hidden = !excerpt;
    setText(text, excerpt);
  }
  const slaEl = part('.sla');
  if (slaEl) {
    setText(slaEl, slaText(sla));
    setAttr(slaEl, 'data-phase', sla.phase);
    setAttr(slaEl, 'data-overdue', String((sla.phase === 'ack' || sla.phase === 'resolve') && sla.overdue));
    setAttr(slaEl, 'data-late', sla.phase === 'done' && sla.late ? 'true' : null);
  }
  const escalation = part('.escalation-chip');
  if (escalation) {
    escalation.hidden = ticket.escalationLevel <= 0;
    setText(escalation, ticket.escalationLevel > 0 ? t('ticket.escalatedTo', { unit: unitName(ticket.assignedUnitId) }) : '');
    setAttr(escalation, 'title', ticket.escalationLevel > 0 ? t('ticket.escalationLevel', { level: ticket.escalationLevel }) : null);
  }
}

export function stateName(state: string): string {
  const key = `state.${state}`;
  return hasMessage(key) ? t(key) : state;
}

export function severityName(severity: string): string {
  const key = `severity.${severity}`;
  return hasMessage(key) ? t(key) : severity;
}
