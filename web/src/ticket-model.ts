// What the ticket board shows: its state filter, loading the unit's tickets page by page (merging the three "active"
// states), and which of two copies of a ticket is the newer one.
import { TICKET_STATES, type Api, type Ticket, type TicketState } from './api.ts';

/** "active" = open, acknowledged or in progress: what still needs someone. */
export const BOARD_FILTERS = ['active', ...TICKET_STATES, 'all'] as const;
export type BoardFilter = (typeof BOARD_FILTERS)[number];
const ACTIVE_STATES: readonly TicketState[] = ['open', 'acknowledged', 'in_progress'];

export const PAGE_SIZE = 50;
/** Pages followed per state and refresh at most, so "show more" cannot turn one refresh into hundreds of calls. */
const MAX_PAGES = 10;

export function isBoardFilter(value: unknown): value is BoardFilter {
  return typeof value === 'string' && (BOARD_FILTERS as readonly string[]).includes(value);
}

export function matchesFilter(ticket: Pick<Ticket, 'state' | 'overdue'>, filter: BoardFilter, overdueOnly: boolean): boolean {
  if (overdueOnly && !ticket.overdue) return false;
  if (filter === 'all') return true;
  if (filter === 'active') return ACTIVE_STATES.includes(ticket.state);
  return ticket.state === filter;
}

/** True when `a` is a later version of the ticket than `b` (by updatedAt, then by history length). */
export function isNewer(a: Pick<Ticket, 'updatedAt' | 'history'>, b: Pick<Ticket, 'updatedAt' | 'history'>): boolean {
  const x = Date.parse(a.updatedAt);
  const y = Date.parse(b.updatedAt);
  if (x !== y) return x > y;
  return (a.history?.length ?? 0) > (b.history?.length ?? 0);
}

/** Newest first, as the API lists them; ties by id (ULIDs sort by time). */
export function byNewest(a: Pick<Ticket, 'createdAt' | 'id'>, b: Pick<Ticket, 'createdAt' | 'id'>): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export interface BoardQuery {
  unitId: string;
  filter: BoardFilter;
  overdueOnly: boolean;
  /** How many tickets to show; grows with "show more". */
  wanted: number;
}

export interface BoardPage extends BoardQuery {
  tickets: Ticket[];
  /** There are more tickets than shown. */
  more: boolean;
}

export async function loadBoard(api: Pick<Api, 'tickets'>, query: BoardQuery): Promise<BoardPage> {
  const states: (TicketState | undefined)[] = query.filter === 'active' ? [...ACTIVE_STATES] : query.filter === 'all' ? [undefined] : [query.filter];
  const lists = await Promise.all(
    states.map(async (state) => {
      const tickets: Ticket[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await api.tickets({ state, unitId: query.unitId || undefined, overdue: query.overdueOnly ? true : undefined, cursor, limit: PAGE_SIZE });
        tickets.push(...answer.tickets);
        cursor = answer.nextCursor ?? undefined;
        if (!cursor || tickets.length >= query.wanted) break;
      }
      return { tickets, more: cursor !== undefined };
    }),
  );
  const unique = new Map<string, Ticket>();
  for (const ticket of lists.flatMap((l) => l.tickets)) if (!unique.has(ticket.id)) unique.set(ticket.id, ticket);
  const merged = [...unique.values()].sort(byNewest);
  return { ...query, tickets: merged.slice(0, query.wanted), more: lists.some((l) => l.more) || merged.length > query.wanted };
}
