// Bad input on the respondent pages and the ticket list: unreadable form bodies, response ids that cannot be keys, and
// forged list cursors each answer a 4xx naming the problem, never a 500, and nothing is stored.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
beforeAll(async () => {
  system = await setupSystem();
});

const boundary = '----opencem-test-boundary';
const formBodies: { name: string; headers: Record<string, string>; body: string }[] = [
  { name: 'multipart without a boundary', headers: { 'content-type': 'multipart/form-data' }, body: 'q_nps=3' },
  { name: 'multipart with a wrong boundary', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: '--other\r\nContent-Disposition: form-data; name="q_nps"\r\n\r\n3\r\n--other--' },
  { name: 'multipart cut off', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: `--${boundary}\r\nContent-Disposition: form-data; name="q_nps"\r\n\r\n3` },
  { name: 'multipart with garbage', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: '\u0000\u0001 not multipart at all' },
  { name: 'a JSON body', headers: { 'content-type': 'application/json' }, body: '{"q_nps":"3"}' },
  { name: 'a text body', headers: { 'content-type': 'text/plain' }, body: 'q_nps=3' },
  { name: 'no content type', headers: {}, body: 'q_nps=3' },
];

describe('POST /s/:id with a body no survey form sends', () => {
  it.each(formBodies)('$name → 400 with the form again', async ({ headers, body }) => {
    const before = await system.count('responses');
    const res = await system.app.request('/s/hotel-stay?lang=en', { method: 'POST', headers, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('<form');
    expect(page).toContain('the form could not be read');
    expect(await system.count('responses')).toBe(before);
  });

  it('answers 404 for an unknown survey whatever the body', async () => {
    const res = await system.app.request('/s/nope', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' });
    expect(res.status).toBe(404);
  });

  it('does not crash on repeated single-value fields', async () => {
    const body = new URLSearchParams([['lang', 'en'], ['lang', 'zh'], ['q_nps', '3'], ['q_nps', '9'], ['unit', 'sh-bund'], ['unit', 'hq'], ['t', 'abcdefgh'], ['t', 'ijklmnop']]);
    const res = await system.app.request('/s/hotel-stay', { method: 'POST', body });
    // Repeated hidden fields count as absent; a repeated answer keeps its first value.
    expect([303, 400]).toContain(res.status);
  });

  it('still accepts an honest multipart form', async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ lang: 'en', unit: 'sh-bund', q_nps: '9', 'q_booking-ease': '6', 'q_checkin-csat': '4', 'q_stay-csat': '5', 'q_checkout-csat': '4', 'q_room-clean': '4' })) {
      form.set(name, value);
    }
    const res = await system.app.request('/s/hotel-stay', { method: 'POST', body: form });
    expect(res.status).toBe(303);
  });
});

describe('POST /s/:id/thanks with a bad body or response id', () => {
  const cases: { name: string; headers: Record<string, string>; body: string }[] = [
    ...formBodies.map(({ name, headers, body }) => ({ name, headers, body })),
    { name: 'a 10,000-character r', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ r: 'x'.repeat(10_000), consent: 'yes', channel: 'sms' }).toString() },
    { name: 'an r with odd characters', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ r: '01J\u0000#../x', consent: 'yes', channel: 'sms' }).toString() },
    { name: 'an empty r', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'r=&consent=yes&channel=sms' },
  ];
  it.each(cases)('$name → 400 thank-you page', async ({ headers, body }) => {
    const res = await system.app.request('/s/hotel-stay/thanks?lang=en', { method: 'POST', headers, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('data-outcome="thanks"');
  });

  it('answers 404 for a well-formed id that names no response', async () => {
    const body = new URLSearchParams({ r: '01J00000000000000000000000', consent: 'yes', channel: 'sms' });
    const res = await system.app.request('/s/hotel-stay/thanks', { method: 'POST', body });
    expect(res.status).toBe(404);
  });
});

describe('GET /s/:id/thanks with an r that cannot be a response id', () => {
  it.each([
    ['10,000 characters', 'x'.repeat(10_000)],
    ['2,049 characters', 'a'.repeat(2049)],
    ['odd characters', '%00%FF../<script>'],
    ['a ULID in lower case with a suffix', '01j00000000000000000000000-extra'],
  ])('%s → the plain thank-you page without the recovery offer', async (_name, r) => {
    const res = await system.app.request(`/s/hotel-stay/thanks?lang=en&r=${encodeURIComponent(r)}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('data-outcome="thanks"');
    expect(page).not.toContain('contact-request');
  });

  it('still offers recovery for a real detractor response', async () => {
    const form = new URLSearchParams({ lang: 'en', unit: 'sh-bund', q_nps: '2', 'q_booking-ease': '2', 'q_checkin-csat': '2', 'q_stay-csat': '2', 'q_checkout-csat': '2', 'q_room-clean': '2' });
    const posted = await system.app.request('/s/hotel-stay', { method: 'POST', body: form });
    expect(posted.status).toBe(303);
    const thanks = await system.app.request(posted.headers.get('location') ?? '');
    expect(await thanks.text()).toContain('contact-request');
  });

  it('answers 404, not 500, for a survey id of 10,000 characters', async () => {
    for (const path of [`/s/${'x'.repeat(10_000)}`, `/s/${'x'.repeat(10_000)}/thanks?r=01J00000000000000000000000`]) {
      expect((await system.app.request(path)).status).toBeLessThan(500);
    }
  });
});

describe('GET /api/v1/tickets with a cursor it did not hand out', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['{} (e30)', 'e30'],
    ['not base64url', '!!!!'],
    ['base64url of no JSON', Buffer.from('not json').toString('base64url')],
    ['a JSON string', encode('x')],
    ['a JSON array', encode([1, 2])],
    ['a JSON null', encode(null)],
    ['a key with a number', encode({ pk: 1, sk: 'TICKET', listKey: 'ticket', createdAt: '2026-01-01T00:00:00.000Z' })],
    ['a key of another list', encode({ pk: 'T#x', sk: 'TICKET', listKey: 'other', createdAt: '2026-01-01T00:00:00.000Z' })],
    ['a key with an extra attribute', encode({ pk: 'T#x', sk: 'TICKET', listKey: 'ticket', createdAt: '2026-01-01T00:00:00.000Z', id: 'x' })],
    ['a key with a nested object', encode({ pk: { S: 'T#x' }, sk: 'TICKET', listKey: 'ticket', createdAt: '2026-01-01T00:00:00.000Z' })],
    ['a key with a huge pk', encode({ pk: `T#${'x'.repeat(1500)}`, sk: 'TICKET', listKey: 'ticket', createdAt: '2026-01-01T00:00:00.000Z' })],
    ['a key with a free-text time', encode({ pk: 'T#x', sk: 'TICKET', listKey: 'ticket', createdAt: 'yesterday' })],
  ])('%s → 400 naming query.cursor', async (_name, cursor) => {
    const res = await system.app.request(`/api/v1/tickets?cursor=${encodeURIComponent(cursor)}`, { headers: adminHeaders() });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path)).toContain('query.cursor');
  });

  it('follows its own cursors through every page', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `tk_page${i}`;
      await system.doc.send(
        new PutCommand({
          TableName: system.names.tickets,
          Item: { pk: `T#${id}`, sk: 'TICKET', listKey: 'ticket', id, createdAt: `2026-01-0${i + 1}T08:00:00.000Z`, state: 'open', unitPath: ['hq'], history: [] },
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : 'limit=2';
      const res = await system.app.request(`/api/v1/tickets?${query}`, { headers: adminHeaders() });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { tickets: { id: string }[]; nextCursor: string | null };
      seen.push(...body.tickets.map((t) => t.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['tk_page4', 'tk_page3', 'tk_page2', 'tk_page1', 'tk_page0']);
  });
});
