// The local outbox sends each notification exactly once: the entry and its sent-mark are one transaction, so racing
// or retried deliveries (and a crash right after the write) never leave a second entry.
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { outboxNotifier } from '../../functions/aws/notifier.ts';
import { dynamoTicketStore } from '../../functions/aws/ticket-store.ts';
import type { Notification } from '../../functions/domain/notifications.ts';
import { outboxPosition, type Notifier, type OutboxReader, type TicketStore } from '../../functions/ports.ts';
import { notifyOnce } from '../../functions/tickets/notify-once.ts';
import { useLocalTables } from '../support/dynamo.ts';

let deps: { tickets: TicketStore; notifier: Notifier & OutboxReader };

beforeAll(async () => {
  const { endpoint, names } = await useLocalTables('outbox');
  const doc = documentClient(endpoint);
  deps = { tickets: dynamoTicketStore(doc, names.tickets), notifier: outboxNotifier(doc, names.outbox, names.tickets) };
}, 60_000);

const notification = (key: string): Notification => ({
  key,
  kind: 'alert',
  subject: '[medium] New alert · Shanghai Bund · NPS ≤ 6',
  body: 'Why: nps = 2',
  recipients: [{ name: 'Manager', email: 'bund@cloudstay.example' }] as Notification['recipients'],
  attributes: { unitId: 'sh-bund' },
});
const entries = async (key: string) => (await deps.notifier.since(undefined)).filter((e) => e.key === key);

describe('notifyOnce with the outbox', () => {
  it('publishes and marks in one step', () => {
    expect(deps.notifier.publishOnce).toBeTypeOf('function');
  });

  it('leaves exactly one entry when two deliveries race', async () => {
    const results = await Promise.all([notifyOnce(notification('alert#race-1#detractor'), deps), notifyOnce(notification('alert#race-1#detractor'), deps)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await entries('alert#race-1#detractor')).toHaveLength(1);
    expect(await deps.tickets.hasMark('alert#race-1#detractor')).toBe(true);
  });

  it('leaves exactly one entry when twenty deliveries race', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => notifyOnce(notification('alert#race-20#detractor'), deps)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await entries('alert#race-20#detractor')).toHaveLength(1);
  });

  it('sends nothing on a retry after success', async () => {
    expect(await notifyOnce(notification('alert#retry-1#detractor'), deps)).toBe(true);
    expect(await notifyOnce(notification('alert#retry-1#detractor'), deps)).toBe(false);
    expect(await entries('alert#retry-1#detractor')).toHaveLength(1);
  });

  it('sends nothing for a key marked by the at-least-once path (the marks are the same items)', async () => {
    await deps.tickets.putMark('alert#marked-1#detractor');
    expect(await notifyOnce(notification('alert#marked-1#detractor'), deps)).toBe(false);
    expect(await entries('alert#marked-1#detractor')).toHaveLength(0);
  });
});

describe('reading the outbox', () => {
  it('pages oldest first, at most `limit` entries at a time, and continues after a page’s last entry', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `alert#paged-${i}#detractor`);
    for (const key of keys) await notifyOnce(notification(key), deps);
    const before = await deps.notifier.since(undefined);
    const paged = before.filter((e) => keys.includes(e.key)).map((e) => e.key);
    expect(paged).toEqual(keys);

    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await deps.notifier.since(after, 2);
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page.map((e) => e.key));
      if (page.length < 2) break;
      after = outboxPosition(page[page.length - 1]!);
    }
    expect(seen).toEqual(before.map((e) => e.key));
  });
});
