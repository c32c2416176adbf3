// The closed loop on the local runtime: response → stream → alert rules → outbox notification + tickets queue → ticket
// → SLA checks → escalation up the org tree. Everything real: DynamoDB Local streams, SQS-compatible local queues.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlerts } from '../../functions/alerts/raise-alerts.ts';
import { cachedCatalog, dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { outboxNotifier } from '../../functions/aws/notifier.ts';
import { sqsClient, sqsQueue } from '../../functions/aws/sqs-queue.ts';
import { dynamoTicketStore } from '../../functions/aws/ticket-store.ts';
import type { TicketMessage } from '../../functions/domain/ticket-messages.ts';
import { ticketIdFor } from '../../functions/domain/tickets.ts';
import { startLocalRuntime, type Runtime } from '../../functions/local/runtime.ts';
import { startLocalSqs } from '../../functions/local/sqs-server.ts';
import { startQueueMapping } from '../../functions/local/queue-mapping.ts';
import { functions, queues, tables } from '../../functions/topology.ts';
import type { StoredResponse } from '../../functions/ports.ts';
import { systemClock } from '../../functions/ports.ts';

let runtime: Runtime;
const TOKEN = 'closed-loop-admin-token-0123';

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${runtime.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

interface OutboxEntry {
  id: string;
  key: string;
  kind: string;
  subject: string;
  body: string;
  recipients: { email: string }[];
  attributes: Record<string, string>;
}
interface TicketView {
  id: string;
  ruleId: string;
  responseId: string;
  state: string;
  assignedUnitId: string;
  assignees: { email: string }[];
  escalationLevel: number;
  overdue: boolean;
  history: { action: string; by: string; to?: string }[];
  allowedActions: string[];
}

const outbox = async () => (await api<{ entries: OutboxEntry[] }>('/api/v1/outbox')).body.entries;
const ticket = async (id: string) => api<TicketView>(`/api/v1/tickets/${id}`);
const submit = async (body: Record<string, unknown>) => {
  const res = await api<{ id: string }>('/api/v1/responses', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return res.body.id;
};

beforeAll(async () => {
  runtime = await startLocalRuntime({ dataDir: null, port: 0, demo: true, demoResponseCount: 0, adminToken: TOKEN });
  // A fast rule for the escalation tests, scoped to one touchpoint so it does not fire elsewhere.
  const fast = await api('/api/v1/alert-rules/front-desk-fast', {
    method: 'PUT',
    body: JSON.stringify({
      name: 'Front desk: call back within seconds',
      severity: 'critical',
      scope: { touchpoint: 'front-desk' },
      conditions: [{ kind: 'score', questionType: 'nps', op: 'lte', value: 6 }],
      actions: { notify: true, ticket: { acknowledgeWithin: 'PT3S', resolveWithin: 'PT1H' } },
    }),
  });
  expect(fast.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('a detractor response', () => {
  it('sends exactly one notification and opens one ticket assigned to the hotel managers, within seconds', async () => {
    const started = Date.now();
    const responseId = await submit({
      surveyId: 'hotel-stay',
      unitId: 'sh-bund',
      touchpoint: 'checkout',
      respondent: { name: '周女士', phone: '+8613800138000' },
      answers: { nps: 3, comment: '房间很干净' },
    });
    const ticketId = ticketIdFor(responseId, 'detractor');
    await expect.poll(async () => (await ticket(ticketId)).status, { timeout: 5_000, interval: 50 }).toBe(200);
    await expect.poll(async () => (await outbox()).filter((e) => e.key === `alert#${responseId}#detractor`).length, { timeout: 5_000, interval: 50 }).toBe(1);
    const elapsedMs = Date.now() - started;
    console.log(`detractor → ticket and notification in ${elapsedMs} ms`);

    const { body } = await ticket(ticketId);
    expect(body).toMatchObject({ state: 'open', assignedUnitId: 'sh-bund', escalationLevel: 0 });
    expect(body.assignees.map((m) => m.email)).toEqual(['bund@cloudstay.example']);
    const [notification] = (await outbox()).filter((e) => e.key === `alert#${responseId}#detractor`);
    expect(notification?.attributes).toMatchObject({ unitPath: 'hq/east/sh-bund', severity: 'medium', kind: 'alert', ruleId: 'detractor' });
    expect(notification?.recipients.map((r) => r.email)).toEqual(['bund@cloudstay.example']);
    expect(notification?.body).toContain(`ticket=${ticketId}`);
    expect(notification?.body).toContain('上海外滩店');
    // The hotel survey is not anonymous, so the manager can call the guest back.
    expect(notification?.body).toContain('「周女士」, +8613800138000');
  });

  it('stays one notification and one ticket when the stream batch and the queue message are delivered again', async () => {
    const responseId = await submit({ surveyId: 'hotel-stay', unitId: 'hz-westlake', answers: { nps: 1 } });
    const ticketId = ticketIdFor(responseId, 'detractor');
    await expect.poll(async () => (await ticket(ticketId)).status, { timeout: 5_000 }).toBe(200);
    await runtime.idle();

    // Replay: the same INSERT record handed to the alerts handler twice, as a retried stream batch would be.
    const doc = documentClient(process.env.DYNAMODB_ENDPOINT);
    const response = (await doc.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: process.env[tables.responses.envVar], Key: { id: responseId } }))).Item as StoredResponse;
    const record: DynamoDBRecord = { eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall(response, { removeUndefinedValues: true }) as never } };
    const alerts = (await import('../../functions/alerts/handler.ts')) as { handler: (e: { Records: DynamoDBRecord[] }) => Promise<unknown> };
    await alerts.handler({ Records: [record] });
    await alerts.handler({ Records: [record] });
    // And the ticket message itself, twice more, straight onto the tickets queue.
    const queue = sqsQueue<TicketMessage>(sqsClient(process.env.SQS_ENDPOINT), process.env[queues.tickets.envVar] as string);
    const stored = (await ticket(ticketId)).body;
    for (let i = 0; i < 2; i++) {
      await queue.send({ type: 'open', responseId, ruleId: 'detractor', ruleName: 'NPS ≤ 6 (detractor)', severity: 'medium', surveyId: 'hotel-stay', unitId: 'hz-westlake', sla: { acknowledgeWithin: 'PT2H', resolveWithin: 'P2D' }, summary: { nps: 1, scores: { nps: 1 }, matched: ['nps = 1 (≤ 6)'] } });
    }
    await runtime.idle();

    expect((await outbox()).filter((e) => e.key.startsWith(`alert#${responseId}#`))).toHaveLength(1);
    const list = await api<{ tickets: { id: string; responseId: string }[] }>('/api/v1/tickets?unitId=hz-westlake&limit=200');
    expect(list.body.tickets.filter((t) => t.responseId === responseId)).toHaveLength(1);
    expect((await ticket(ticketId)).body.history).toEqual(stored.history);
  });

  it('fires the sensitive-word rule on "RUDE staff" with high severity, and not on "crude oil"', async () => {
    const rude = await submit({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 9, comment: 'RUDE staff at the bar' } });
    const crude = await submit({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 9, comment: 'They sell crude oil paintings, prudent prices' } });
    await expect.poll(async () => (await ticket(ticketIdFor(rude, 'sensitive-words'))).status, { timeout: 5_000 }).toBe(200);
    await runtime.idle();
    expect((await ticket(ticketIdFor(crude, 'sensitive-words'))).status).toBe(404);
    const [alert] = (await outbox()).filter((e) => e.key === `alert#${rude}#sensitive-words`);
    expect(alert?.attributes.severity).toBe('high');
  });

  it('opens a sensitive-word ticket for each comment that hides its word', async () => {
    const hidden = ['ru\u200Bde staff', 'ru\u00ADde staff', 'rud\u0435 staff', 'в номере грязнo', '前台態度差', '房間很髒', '态 度 很 差'];
    const ids = await Promise.all(hidden.map((comment) => submit({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 9, comment } })));
    for (const id of ids) await expect.poll(async () => (await ticket(ticketIdFor(id, 'sensitive-words'))).status, { timeout: 5_000 }).toBe(200);
  });
});

describe('a rule saved through the API', () => {
  it('applies to the very next response, though the alerts function has the catalog cached', async () => {
    // Warm the alerts and tickets functions' catalogs first, so the new rule can only fire if they notice the change.
    const warm = await submit({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 9, comment: 'rude doorman' } });
    await expect.poll(async () => (await ticket(ticketIdFor(warm, 'sensitive-words'))).status, { timeout: 5_000 }).toBe(200);

    const saved = await api('/api/v1/alert-rules/broken-elevator', {
      method: 'PUT',
      body: JSON.stringify({
        name: 'Broken elevator',
        severity: 'high',
        conditions: [{ kind: 'keywords', words: ['elevator'] }],
        actions: { notify: true, ticket: { acknowledgeWithin: 'PT1H', resolveWithin: 'P1D' } },
      }),
    });
    expect(saved.status).toBe(200);
    const responseId = await submit({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 8, comment: 'The elevator was out of order all week' } });

    const ticketId = ticketIdFor(responseId, 'broken-elevator');
    await expect.poll(async () => (await ticket(ticketId)).status, { timeout: 5_000, interval: 50 }).toBe(200);
    expect((await ticket(ticketId)).body).toMatchObject({ ruleId: 'broken-elevator', assignedUnitId: 'gz-tianhe' });
    await expect.poll(async () => (await outbox()).filter((e) => e.key === `alert#${responseId}#broken-elevator`).length, { timeout: 5_000, interval: 50 }).toBe(1);

    // And deleting it stops it just as fast.
    expect((await api('/api/v1/alert-rules/broken-elevator', { method: 'DELETE' })).status).toBe(204);
    const after = await submit({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 8, comment: 'The elevator again' } });
    await runtime.idle();
    expect((await ticket(ticketIdFor(after, 'broken-elevator'))).status).toBe(404);
  });
});

describe('SLA escalation (PT3S to acknowledge)', () => {
  it('escalates hotel → region → HQ with a notification at each step, then flags the ticket overdue', async () => {
    const responseId = await submit({ surveyId: 'hotel-stay', unitId: 'sz-bay', touchpoint: 'front-desk', answers: { nps: 2 } });
    const ticketId = ticketIdFor(responseId, 'front-desk-fast');
    await expect.poll(async () => (await ticket(ticketId)).status, { timeout: 5_000 }).toBe(200);
    expect((await ticket(ticketId)).body).toMatchObject({ assignedUnitId: 'sz-bay', escalationLevel: 0 });

    await expect.poll(async () => (await ticket(ticketId)).body.assignedUnitId, { timeout: 6_000, interval: 100 }).toBe('south');
    await expect.poll(async () => (await ticket(ticketId)).body.assignedUnitId, { timeout: 6_000, interval: 100 }).toBe('hq');
    await expect.poll(async () => (await ticket(ticketId)).body.overdue && (await ticket(ticketId)).body.history.some((h) => h.action === 'overdue'), { timeout: 6_000, interval: 100 }).toBe(true);

    const sent = (await outbox()).filter((e) => e.body.includes(ticketId));
    expect(sent.map((e) => e.kind)).toEqual(['alert', 'escalation', 'escalation', 'overdue']);
    expect(sent[1]?.recipients.map((r) => r.email)).toEqual(['south.manager@cloudstay.example']);
    expect(sent[2]?.recipients.map((r) => r.email)).toEqual(['cx.director@cloudstay.example']);
    const { body } = await ticket(ticketId);
    expect(body.history.filter((h) => h.action === 'escalated')).toHaveLength(2);
    expect(body.escalationLevel).toBe(2);
  }, 30_000);

  it('does not escalate a ticket acknowledged before its deadline', async () => {
    const responseId = await submit({ surveyId: 'hotel-stay', unitId: 'sh-bund', touchpoint: 'front-desk', answers: { nps: 4 } });
    const ticketId = ticketIdFor(responseId, 'front-desk-fast');
    await expect.poll(async () => (await ticket(ticketId)).status, { timeout: 5_000 }).toBe(200);
    const ack = await api<TicketView>(`/api/v1/tickets/${ticketId}/actions`, { method: 'POST', body: JSON.stringify({ action: 'acknowledge', note: 'Calling the guest now' }) });
    expect(ack.status).toBe(200);
    expect(ack.body.state).toBe('acknowledged');
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const { body } = await ticket(ticketId);
    expect(body).toMatchObject({ state: 'acknowledged', assignedUnitId: 'sh-bund', escalationLevel: 0, overdue: false });
    expect((await outbox()).filter((e) => e.body.includes(ticketId)).map((e) => e.kind)).toEqual(['alert']);
  }, 20_000);
});

describe('detractor recovery on the thank-you page', () => {
  it('offers "may we contact you?" after a detractor answer and puts the consent on the ticket; everyone gets the review link', async () => {
    const form = new URLSearchParams({ lang: 'en', unit: 'hz-westlake', q_nps: '2', q_comment: 'Cold shower' });
    const posted = await fetch(`${runtime.url}/s/hotel-stay`, { method: 'POST', body: form, redirect: 'manual' });
    expect(posted.status).toBe(303);
    const thanksUrl = posted.headers.get('location') ?? '';
    const responseId = new URL(thanksUrl, runtime.url).searchParams.get('r') ?? '';
    const thanks = await (await fetch(`${runtime.url}${thanksUrl}`)).text();
    expect(thanks).toContain('May we contact you');
    expect(thanks).toContain('data-review-link');

    const ticketId = ticketIdFor(responseId, 'detractor');
    await expect.poll(async () => (await ticket(ticketId)).status, { timeout: 5_000 }).toBe(200);
    const consent = await fetch(`${runtime.url}/s/hotel-stay/thanks`, { method: 'POST', body: new URLSearchParams({ r: responseId, lang: 'en', consent: 'yes', channel: 'sms' }) });
    expect(await consent.text()).toContain('will contact you');
    await expect.poll(async () => ((await ticket(ticketId)).body as unknown as { contactRequest?: { channel: string } }).contactRequest?.channel, { timeout: 5_000 }).toBe('sms');
    expect((await ticket(ticketId)).body.history.map((h) => h.action)).toContain('contact_requested');

    // A promoter is not asked for a call-back, but is invited to share a review.
    const promoter = await fetch(`${runtime.url}/s/hotel-stay`, { method: 'POST', body: new URLSearchParams({ lang: 'en', q_nps: '10' }), redirect: 'manual' });
    const promoterThanks = await (await fetch(`${runtime.url}${promoter.headers.get('location')}`)).text();
    expect(promoterThanks).not.toContain('May we contact you');
    expect(promoterThanks).toContain('data-review-link');
  });
});

describe('ticket workflow over the API', () => {
  it('refuses an invalid transition with 409 naming the allowed ones, and records who did what', async () => {
    const responseId = await submit({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 0 } });
    const ticketId = ticketIdFor(responseId, 'detractor');
    await expect.poll(async () => (await ticket(ticketId)).status, { timeout: 5_000 }).toBe(200);
    const act = (body: Record<string, unknown>) => api<TicketView & { error?: { code: string; message: string; issues: { path: string }[] } }>(`/api/v1/tickets/${ticketId}/actions`, { method: 'POST', body: JSON.stringify(body) });

    const close = await act({ action: 'close' });
    expect(close.status).toBe(409);
    expect(close.body.error?.message).toMatch(/allowed: acknowledge, start, comment, resolve, reassign/);
    const resolveWithoutCause = await act({ action: 'resolve', note: 'done' });
    expect(resolveWithoutCause.status).toBe(400);
    expect(resolveWithoutCause.body.error?.issues.map((i) => i.path)).toEqual(['rootCause']);
    expect((await act({ action: 'start' })).body.state).toBe('in_progress');
    expect((await act({ action: 'resolve', rootCause: 'wait_time', note: 'Apologised; new express check-in lane' })).body.state).toBe('resolved');
    const reopened = await act({ action: 'reopen', note: 'Guest called back' });
    expect(reopened.body.state).toBe('open');
    expect(reopened.body.history.map((h) => `${h.action}:${h.by}`)).toEqual(['created:system', 'start:admin', 'resolve:admin', 'reopen:admin']);
  });

  it('reports loop metrics', async () => {
    const metrics = await api<{ total: number; open: number; escalations: number; byUnit: { unitId: string; total: number }[] }>('/api/v1/loop-metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body.total).toBeGreaterThanOrEqual(5);
    expect(metrics.body.escalations).toBeGreaterThanOrEqual(2);
    expect(metrics.body.byUnit.map((u) => u.unitId).sort()).toEqual(['east', 'south']);
  });

  it('pages the outbox: `limit` bounds a page, `next` continues it, and a bad limit is a 400 naming it', async () => {
    const all = await outbox();
    expect(all.length).toBeGreaterThan(2);
    const first = await api<{ entries: OutboxEntry[]; next: string | null }>('/api/v1/outbox?limit=2');
    expect(first.body.entries.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(first.body.next).not.toBeNull();
    const second = await api<{ entries: OutboxEntry[]; next: string | null }>(`/api/v1/outbox?limit=2&since=${encodeURIComponent(first.body.next ?? '')}`);
    expect(second.body.entries.map((e) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    for (const limit of ['0', '1001', 'many']) {
      const bad = await api<{ error: { issues: { path: string }[] } }>(`/api/v1/outbox?limit=${limit}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues.map((i) => i.path)).toContain('query.limit');
    }
  });
});

describe('failures', () => {
  it('opens the ticket even while SNS fails, retries the notification until it is sent, and never sends it twice', async () => {
    const doc = documentClient(process.env.DYNAMODB_ENDPOINT);
    const outboxTable = process.env[tables.outbox.envVar] as string;
    const real = outboxNotifier(doc, outboxTable);
    let failuresLeft = 2;
    const flakyNotifier = {
      async publish(notification: Parameters<typeof real.publish>[0]) {
        if (failuresLeft-- > 0) throw new Error('SNS: Throttling (injected)');
        await real.publish(notification);
      },
    };
    const deps = {
      catalog: cachedCatalog(dynamoCatalogStore(doc, process.env[tables.catalog.envVar] as string)),
      tickets: dynamoTicketStore(doc, process.env[tables.tickets.envVar] as string),
      notifier: flakyNotifier,
      queue: sqsQueue<TicketMessage>(sqsClient(process.env.SQS_ENDPOINT), process.env[queues.tickets.envVar] as string),
      clock: systemClock,
      dashboardUrl: runtime.url,
    };
    const response: StoredResponse = { id: 'fault-injected-response-1', surveyId: 'hotel-stay', unitId: 'sh-bund', locale: 'zh', channel: 'api', personal: false, answers: { nps: 2 }, submittedAt: new Date().toISOString() };
    const record: DynamoDBRecord = { eventName: 'INSERT', dynamodb: { SequenceNumber: '42', NewImage: marshall(response) as never } };

    const results = [];
    for (let attempt = 0; attempt < 4; attempt++) results.push(await raiseAlerts([record], deps));
    expect(results.map((r) => r.batchItemFailures.length)).toEqual([1, 1, 0, 0]);
    await runtime.idle();
    expect((await ticket(ticketIdFor(response.id, 'detractor'))).status).toBe(200);
    expect((await outbox()).filter((e) => e.key === `alert#${response.id}#detractor`)).toHaveLength(1);

    // History (an import, a backfill) pages nobody.
    const old: StoredResponse = { ...response, id: 'imported-last-quarter-1', submittedAt: new Date(Date.now() - 30 * 86_400_000).toISOString() };
    expect((await raiseAlerts([{ eventName: 'INSERT', dynamodb: { SequenceNumber: '43', NewImage: marshall(old) as never } }], deps)).batchItemFailures).toEqual([]);
    await runtime.idle();
    expect((await ticket(ticketIdFor(old.id, 'detractor'))).status).toBe(404);
  });

  it('moves a poison ticket message to the dead-letter queue after maxReceiveCount without blocking the others', async () => {
    // A queue like the tickets queue but with a 1 s visibility timeout, so five receives take seconds, not minutes.
    const sqs = await startLocalSqs({ queues: { tickets: { ...queues.tickets, visibilityTimeoutSeconds: 1 } }, log: () => {} });
    const client = new SQSClient({ endpoint: sqs.endpoint, region: sqs.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const tickets = (await import('../../functions/tickets/handler.ts')) as { handler: Parameters<typeof startQueueMapping>[0]['handler'] };
    let good = 0;
    const mapping = await startQueueMapping({
      name: 'tickets-poison-test',
      sqs: client,
      queueUrl: sqs.queueUrl('tickets'),
      trigger: functions.tickets.trigger as { batchSize: number; maxBatchingWindowSeconds: number },
      handler: async (event) => {
        const result = await tickets.handler(event);
        good += event.Records.filter((r) => !(result?.batchItemFailures ?? []).some((f) => f.itemIdentifier === r.messageId)).length;
        return result;
      },
      waitTimeSeconds: 1,
    });
    try {
      await client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('tickets'), MessageBody: '{"type":"open","this is":"not a ticket message"}' }));
      for (let i = 0; i < 3; i++) {
        await client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('tickets'), MessageBody: JSON.stringify({ type: 'contact-request', responseId: `nobody-${i}`, ticketIds: [], contactRequest: { consent: true, channel: 'sms' } }) }));
      }
      await expect.poll(() => good, { timeout: 5_000 }).toBe(3);
      await expect.poll(() => sqs.stats('tickets').dlq, { timeout: 15_000, interval: 200 }).toBe(1);
      expect(sqs.stats('tickets')).toMatchObject({ visible: 0, inFlight: 0 });
    } finally {
      await mapping.stop();
      client.destroy();
      await sqs.stop();
    }
  }, 30_000);
});
