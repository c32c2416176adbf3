// The alerts use case with in-memory ports: who sees the customer's contact, what a late contact request sends,
// and that history pages nobody.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { raiseAlerts } from '../../functions/alerts/raise-alerts.ts';
import { handleTicketMessages } from '../../functions/tickets/handle-messages.ts';
import type { SQSRecord } from 'aws-lambda';
import type { Notification } from '../../functions/domain/notifications.ts';
import { nextOutcome, type PagingCounts, type PagingOutcome, type PagingWindow } from '../../functions/domain/paging.ts';
import type { TicketMessage } from '../../functions/domain/ticket-messages.ts';
import { ticketIdFor } from '../../functions/domain/tickets.ts';
import { demoManagers, demoOrganisation, demoRules, demoSurveys, demoUnits } from '../../functions/local/demo.ts';
import type { Catalog, ClosedLoopDeps, StoredResponse, TicketStore } from '../../functions/ports.ts';

const now = new Date('2026-11-23T08:00:00Z');

/** Paging counters in memory, with the store's contract: one outcome per response and rule, in the cap's order. */
function memoryPaging() {
  const counts = new Map<string, PagingCounts>();
  const outcomes = new Map<string, PagingOutcome>();
  const key = (w: PagingWindow) => `${w.ruleId}#${w.unitId}#${w.start}`;
  return {
    async countAlert(w: PagingWindow, responseId: string, max: number) {
      const done = outcomes.get(`${responseId}#${w.ruleId}`);
      if (done) return done;
      const c = counts.get(key(w)) ?? { paged: 0, digested: 0 };
      const outcome = nextOutcome(c, max);
      counts.set(key(w), outcome === 'page' ? { ...c, paged: c.paged + 1 } : { ...c, digested: c.digested + 1 });
      outcomes.set(`${responseId}#${w.ruleId}`, outcome);
      return outcome;
    },
    async pagingCounts(w: PagingWindow) {
      return counts.get(key(w)) ?? { paged: 0, digested: 0 };
    },
  };
}

function fakes(anonymous: boolean) {
  const catalog: Catalog = {
    organisation: { ...demoOrganisation, defaultLocale: 'en' },
    units: demoUnits,
    surveys: demoSurveys.map((s) => ({ ...s, anonymous })),
    surveyStates: {},
    rules: demoRules,
    managers: demoManagers,
    version: 1,
  };
  const marks = new Set<string>();
  const sent: Notification[] = [];
  const queued: TicketMessage[] = [];
  const delays: (number | undefined)[] = [];
  const deps: ClosedLoopDeps = {
    catalog: { load: async () => catalog } as unknown as ClosedLoopDeps['catalog'],
    tickets: { hasMark: async (k: string) => marks.has(k), putMark: async (k: string) => void marks.add(k), ...memoryPaging() } as unknown as TicketStore,
    notifier: { publish: async (n) => void sent.push(n) },
    queue: { send: async (m, delay) => void (queued.push(m), delays.push(delay)) },
    clock: { now: () => now },
    dashboardUrl: 'https://cx.example.com',
  };
  return { deps, sent, queued, delays };
}

const response: StoredResponse = {
  id: 'r-1',
  surveyId: 'hotel-stay',
  unitId: 'sz-bay',
  locale: 'en',
  channel: 'api',
  personal: true,
  answers: { nps: 2, comment: 'The room was dirty' },
  submittedAt: '2026-11-23T07:59:58Z',
  respondent: { name: 'Ms Zhou', phone: '+8613800138000', email: 'zhou@example.com' },
};
const insert = (r: StoredResponse, seq = '1'): DynamoDBRecord => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: seq, NewImage: marshall(r) as never } });

describe('raiseAlerts', () => {
  it('shows the customer’s contact to managers only when the survey is not anonymous', async () => {
    const named = fakes(false);
    await raiseAlerts([insert(response)], named.deps);
    expect(named.sent[0]?.body).toContain('“Ms Zhou”, +8613800138000, zhou@example.com');
    expect(named.queued.find((m) => m.type === 'open')).toMatchObject({ contact: { name: 'Ms Zhou' } });

    const anonymous = fakes(true);
    await raiseAlerts([insert(response)], anonymous.deps);
    expect(anonymous.sent).toHaveLength(1);
    expect(anonymous.sent[0]?.body).not.toContain('Zhou');
    expect(anonymous.sent[0]?.body).not.toContain('+8613800138000');
    expect(anonymous.queued.find((m) => m.type === 'open')).not.toHaveProperty('contact');
  });

  it('notifies in the organisation’s language, with a link to the ticket and the unit path as an attribute', async () => {
    const { deps, sent } = fakes(false);
    await raiseAlerts([insert(response)], deps);
    const alert = sent.find((n) => n.key === 'alert#r-1#detractor');
    expect(alert?.subject).toBe('[medium] New alert · Shenzhen Bay · NPS ≤ 6 (detractor)');
    expect(alert?.body).toContain(`https://cx.example.com/?view=tickets&ticket=${ticketIdFor('r-1', 'detractor')}`);
    expect(alert?.attributes).toEqual({ unitPath: 'hq/south/sz-bay', unitId: 'sz-bay', severity: 'medium', kind: 'alert', ruleId: 'detractor' });
    expect(alert?.recipients.map((m) => m.email)).toEqual(['shenzhen-bay@cloudstay.example']);
    // "dirty" is not on the demo's sensitive-word list ("грязно", "脏", "rude", "态度差"), so only the detractor rule fired.
    expect(sent).toHaveLength(1);
  });

  it('sends a contact request for exactly the tickets the response opened, once the respondent agrees', async () => {
    const { deps, queued } = fakes(false);
    const before = { ...response, answers: { nps: 2, comment: 'rude staff' } };
    const after: StoredResponse = { ...before, contactRequest: { consent: true, channel: 'phone', at: now.toISOString() } };
    await raiseAlerts([{ eventName: 'MODIFY', dynamodb: { SequenceNumber: '2', NewImage: marshall(after) as never, OldImage: marshall(before) as never } }], deps);
    expect(queued).toEqual([
      { type: 'contact-request', responseId: 'r-1', ticketIds: [ticketIdFor('r-1', 'detractor'), ticketIdFor('r-1', 'sensitive-words')], contactRequest: { consent: true, channel: 'phone' } },
    ]);
  });

  it('pages nobody for responses older than a day (imports, history)', async () => {
    const { deps, sent, queued } = fakes(false);
    const result = await raiseAlerts([insert({ ...response, submittedAt: '2026-11-20T07:00:00Z' })], deps);
    expect(result.batchItemFailures).toEqual([]);
    expect([...sent, ...queued]).toEqual([]);
  });

  it('pages at most the cap per rule and unit in a window, opens every ticket, and schedules one digest for the window’s end', async () => {
    const { deps, sent, queued, delays } = fakes(false);
    deps.notifyLimit = { max: 3, windowMinutes: 15 };
    const burst = Array.from({ length: 8 }, (_, i) => insert({ ...response, id: `burst-${i}`, answers: { nps: 1 } }, String(100 + i)));
    await raiseAlerts(burst, deps);
    await raiseAlerts(burst, deps); // a retried batch changes nothing
    expect(sent.filter((n) => n.kind === 'alert')).toHaveLength(3);
    expect(new Set(queued.filter((m) => m.type === 'open').map((m) => m.type === 'open' && m.responseId)).size).toBe(8);
    const digests = queued.map((m, i) => [m, delays[i]] as const).filter(([m]) => m.type === 'digest');
    // 08:00:00Z opens a window that closes at 08:15:00Z: delivered 900 s later.
    expect(new Set(digests.map(([m]) => JSON.stringify(m)))).toEqual(
      new Set([JSON.stringify({ type: 'digest', ruleId: 'detractor', ruleName: 'NPS ≤ 6 (detractor)', severity: 'medium', unitId: 'sz-bay', start: '2026-11-23T08:00:00.000Z', end: '2026-11-23T08:15:00.000Z' })]),
    );
    expect(digests.map(([, delay]) => delay)).toEqual(digests.map(() => 900));
  });

  it('lets a digest of a window longer than 15 minutes hop through delayed messages until the window closes', async () => {
    const { deps, sent, queued, delays } = fakes(false);
    deps.notifyLimit = { max: 1, windowMinutes: 60 };
    await raiseAlerts([insert({ ...response, id: 'h-1' }, '1'), insert({ ...response, id: 'h-2' }, '2')], deps);
    const at = queued.findIndex((m) => m.type === 'digest');
    expect(delays[at]).toBe(900); // SQS delays at most 15 minutes; the window closes at 09:00
    const record = { messageId: 'd-1', body: JSON.stringify(queued[at]), attributes: { ApproximateReceiveCount: '1' } } as unknown as SQSRecord;
    queued.length = 0;
    delays.length = 0;
    expect((await handleTicketMessages([record], deps)).batchItemFailures).toEqual([]);
    expect(queued.map((m) => m.type)).toEqual(['digest']);
    expect(delays).toEqual([900]);
    expect(sent.filter((n) => n.kind === 'digest')).toHaveLength(0);
  });

  it('reports the earliest failed record of a batch, as Lambda retries from there', async () => {
    const { deps } = fakes(false);
    const unknownSurvey = { ...response, id: 'r-2', surveyId: 'gone' };
    const result = await raiseAlerts([insert(response, '10'), insert(unknownSurvey, '11'), insert({ ...response, id: 'r-3' }, '12')], deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '11' }]);
  });
});
