// A burst of detractors at one hotel, end to end on DynamoDB Local: every response opens its ticket, the manager is
// paged at most the cap, then gets one digest when the window closes; replayed stream batches change nothing.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { raiseAlerts } from '../../functions/alerts/raise-alerts.ts';
import { dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { outboxNotifier } from '../../functions/aws/notifier.ts';
import { dynamoTicketStore } from '../../functions/aws/ticket-store.ts';
import { DEFAULT_NOTIFY_LIMIT } from '../../functions/domain/paging.ts';
import type { TicketMessage } from '../../functions/domain/ticket-messages.ts';
import { putDemoCatalog } from '../../functions/local/demo.ts';
import type { ClosedLoopDeps, StoredResponse } from '../../functions/ports.ts';
import { handleTicketMessages } from '../../functions/tickets/handle-messages.ts';
import { useLocalTables } from '../support/dynamo.ts';

const DETRACTORS = 30;
const CAP = DEFAULT_NOTIFY_LIMIT.max;
let now = new Date('2026-11-23T08:03:00.000Z');
/** The tickets queue, held in memory so the test decides when delayed messages arrive. */
const queued: { message: TicketMessage; delaySeconds: number }[] = [];
let deps: ClosedLoopDeps;
let outbox: ReturnType<typeof outboxNotifier>;
let tickets: ReturnType<typeof dynamoTicketStore>;
let readItem: (key: { pk: string; sk: string }) => Promise<Record<string, unknown> | undefined>;

beforeAll(async () => {
  const { endpoint, names } = await useLocalTables('paging');
  const doc = documentClient(endpoint);
  readItem = async (Key) => (await doc.send(new GetCommand({ TableName: names.tickets, Key, ConsistentRead: true }))).Item;
  const catalog = dynamoCatalogStore(doc, names.catalog);
  await putDemoCatalog(catalog);
  tickets = dynamoTicketStore(doc, names.tickets);
  outbox = outboxNotifier(doc, names.outbox, names.tickets);
  deps = {
    catalog,
    tickets,
    notifier: outbox,
    queue: { send: async (message, delaySeconds = 0) => void queued.push({ message, delaySeconds }) },
    clock: { now: () => now },
    dashboardUrl: 'https://cx.example.com',
  };
}, 60_000);

const detractor = (i: number): StoredResponse => ({
  id: `stuffed-${String(i).padStart(3, '0')}`,
  surveyId: 'hotel-stay',
  unitId: 'sh-bund',
  locale: 'zh',
  channel: 'web',
  personal: false,
  answers: { nps: 0, comment: '一般' },
  submittedAt: now.toISOString(),
});
const batch: DynamoDBRecord[] = Array.from({ length: DETRACTORS }, (_, i) => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: String(1000 + i), NewImage: marshall(detractor(i)) as never },
}));

/** Delivers the matching messages now on the queue to the tickets worker, as SQS would; what they send stays queued. */
async function deliverQueue(only: (m: TicketMessage) => boolean) {
  const due = queued.filter(({ message }) => only(message));
  const rest = queued.filter(({ message }) => !only(message));
  queued.splice(0, queued.length, ...rest);
  const records = due.map(({ message }, i) => ({ messageId: `m-${i}`, body: JSON.stringify(message), attributes: { ApproximateReceiveCount: '1' } }) as unknown as SQSRecord);
  for (let i = 0; i < records.length; i += 10) expect((await handleTicketMessages(records.slice(i, i + 10), deps)).batchItemFailures).toEqual([]);
}

const sent = async () => (await outbox.since(undefined)).filter((e) => e.attributes.unitId === 'sh-bund' && e.attributes.ruleId === 'detractor');

describe('a burst of 30 detractors at one hotel within one window', () => {
  it('pages the cap, opens all 30 tickets, and queues the digest for the window’s end', async () => {
    expect((await raiseAlerts(batch, deps)).batchItemFailures).toEqual([]);
    const alerts = (await sent()).filter((e) => e.kind === 'alert');
    expect(alerts).toHaveLength(CAP);
    expect(alerts.every((e) => e.recipients.some((r) => r.email === 'bund@cloudstay.example'))).toBe(true);

    const digests = queued.filter((q) => q.message.type === 'digest');
    expect(digests).toHaveLength(1);
    // 08:03 in a quarter-hour window that closes at 08:15: 12 minutes.
    expect(digests[0]?.delaySeconds).toBe(720);
    await deliverQueue((m) => m.type === 'open');
    const { tickets: opened } = await tickets.list({ unitId: 'sh-bund', limit: 100 });
    expect(opened.filter((t) => t.ruleId === 'detractor')).toHaveLength(DETRACTORS);
    expect(await tickets.pagingCounts({ ruleId: 'detractor', unitId: 'sh-bund', start: '2026-11-23T08:00:00.000Z', end: '2026-11-23T08:15:00.000Z' })).toEqual({
      paged: CAP,
      digested: DETRACTORS - CAP,
    });
    // The window's counter and each response's paging mark expire (table TTL) a week after the window closes.
    const weekAfterClose = Date.parse('2026-11-23T08:15:00.000Z') / 1000 + 7 * 24 * 3600;
    expect((await readItem({ pk: 'P#detractor#sh-bund#2026-11-23T08:00:00.000Z', sk: 'PAGING' }))?.expiresAt).toBe(weekAfterClose);
    expect((await readItem({ pk: 'M#paging#stuffed-000#detractor', sk: 'MARK' }))?.expiresAt).toBe(weekAfterClose);
  }, 60_000);

  it('changes no count when the same stream batch is delivered again, even concurrently', async () => {
    await Promise.all([raiseAlerts(batch, deps), raiseAlerts(batch, deps)]);
    expect((await sent()).filter((e) => e.kind === 'alert')).toHaveLength(CAP);
    expect(await tickets.pagingCounts({ ruleId: 'detractor', unitId: 'sh-bund', start: '2026-11-23T08:00:00.000Z', end: '2026-11-23T08:15:00.000Z' })).toEqual({
      paged: CAP,
      digested: DETRACTORS - CAP,
    });
    await deliverQueue((m) => m.type === 'open');
    const { tickets: opened } = await tickets.list({ unitId: 'sh-bund', limit: 100 });
    expect(opened.filter((t) => t.ruleId === 'detractor')).toHaveLength(DETRACTORS);
  }, 60_000);

  it('holds the digest back until the window closes, then sends exactly one, counting the rest', async () => {
    // Delivered early (a digest message on a window that is still open) it waits again.
    await deliverQueue((m) => m.type === 'digest');
    expect((await sent()).filter((e) => e.kind === 'digest')).toHaveLength(0);
    const waiting = queued.filter((q) => q.message.type === 'digest');
    expect(waiting.length).toBeGreaterThan(0);
    expect(new Set(waiting.map((q) => q.delaySeconds))).toEqual(new Set([720]));

    now = new Date('2026-11-23T08:15:00.000Z');
    // Every copy of the digest message (the retried batches re-sent it) is delivered, twice over.
    const copies = queued.filter((q) => q.message.type === 'digest');
    queued.push(...copies);
    await deliverQueue((m) => m.type === 'digest');
    const digests = (await sent()).filter((e) => e.kind === 'digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]?.body).toContain(`又触发了 ${DETRACTORS - CAP} 条预警`);
    expect(digests[0]?.body).toContain('https://cx.example.com/?view=tickets&unit=sh-bund');
    expect(digests[0]?.recipients.map((r) => r.email)).toEqual(['bund@cloudstay.example']);
    expect((await sent()).filter((e) => e.kind === 'alert')).toHaveLength(CAP);
  }, 60_000);

  it('pages again in the next window', async () => {
    now = new Date('2026-11-23T08:16:00.000Z');
    const next = { ...detractor(500), submittedAt: now.toISOString() };
    await raiseAlerts([{ eventName: 'INSERT', dynamodb: { SequenceNumber: '5000', NewImage: marshall(next) as never } }], deps);
    expect((await sent()).filter((e) => e.kind === 'alert')).toHaveLength(CAP + 1);
  });
});
