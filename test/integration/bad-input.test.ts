// Malformed requests: each gets a 4xx with the documented error shape naming the field, and nothing is stored.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, hotelAnswers, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
beforeAll(async () => {
  system = await setupSystem();
});

const valid = { surveyId: 'hotel-stay', unitId: 'sh-bund', answers: hotelAnswers(9) };
const withAnswers = (answers: Record<string, unknown>) => ({ ...valid, answers: { ...hotelAnswers(9), ...answers } });
const without = (key: string) => {
  const answers: Record<string, unknown> = { ...hotelAnswers(9) };
  delete answers[key];
  return { ...valid, answers };
};

interface Case {
  name: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  path?: string;
}

const cases: Case[] = [
  { name: 'unknown survey', body: { ...valid, surveyId: 'no-such-survey' }, status: 400, path: 'surveyId' },
  { name: 'missing surveyId', body: { unitId: 'sh-bund', answers: hotelAnswers(9) }, status: 400, path: 'surveyId' },
  { name: 'surveyId not a string', body: { ...valid, surveyId: 42 }, status: 400, path: 'surveyId' },
  { name: 'empty surveyId', body: { ...valid, surveyId: '' }, status: 400, path: 'surveyId' },
  { name: 'unknown unit', body: { ...valid, unitId: 'atlantis' }, status: 400, path: 'unitId' },
  { name: 'unsupported locale', body: { ...valid, locale: 'de' }, status: 400, path: 'locale' },
  { name: 'unknown top-level field', body: { ...valid, rating: 5 }, status: 400, path: 'rating' },
  { name: 'answers missing', body: { surveyId: 'hotel-stay' }, status: 400, path: 'answers' },
  { name: 'answers not an object', body: { ...valid, answers: [9] }, status: 400, path: 'answers' },
  { name: 'unknown question', body: withAnswers({ wifi: 3 }), status: 400, path: 'answers.wifi' },
  { name: 'NPS above 10', body: withAnswers({ nps: 11 }), status: 400, path: 'answers.nps' },
  { name: 'NPS below 0', body: withAnswers({ nps: -1 }), status: 400, path: 'answers.nps' },
  { name: 'NPS fractional', body: withAnswers({ nps: 8.5 }), status: 400, path: 'answers.nps' },
  { name: 'NPS as text', body: withAnswers({ nps: 'ten' }), status: 400, path: 'answers.nps' },
  { name: 'NPS as a list', body: withAnswers({ nps: ['9'] }), status: 400, path: 'answers.nps' },
  { name: 'CSAT 0', body: withAnswers({ 'checkin-csat': 0 }), status: 400, path: 'answers.checkin-csat' },
  { name: 'CSAT 6', body: withAnswers({ 'stay-csat': 6 }), status: 400, path: 'answers.stay-csat' },
  { name: 'CES 8', body: withAnswers({ 'booking-ease': 8 }), status: 400, path: 'answers.booking-ease' },
  { name: 'rating 0', body: withAnswers({ 'room-clean': 0 }), status: 400, path: 'answers.room-clean' },
  { name: 'text as a number', body: withAnswers({ comment: 5 }), status: 400, path: 'answers.comment' },
  { name: 'text over its 2,000 characters', body: withAnswers({ comment: '长'.repeat(2001) }), status: 400, path: 'answers.comment' },
  { name: 'text over 5,000 characters', body: withAnswers({ comment: 'x'.repeat(5001) }), status: 400, path: 'answers.comment' },
  { name: 'required NPS missing', body: without('nps'), status: 400, path: 'answers.nps' },
  { name: 'required NPS null', body: withAnswers({ nps: null }), status: 400, path: 'answers.nps' },
  { name: 'token too short', body: { ...valid, token: 'abc' }, status: 400, path: 'token' },
  { name: 'respondent phone not E.164', body: { ...valid, respondent: { phone: '138-0013-8000' } }, status: 400, path: 'respondent.phone' },
  { name: 'touchpoint too long', body: { ...valid, touchpoint: 't'.repeat(65) }, status: 400, path: 'touchpoint' },
  { name: 'body not JSON', raw: '{"surveyId": "hotel-stay",', status: 400 },
  { name: 'body empty', raw: '', status: 400 },
  { name: 'body a JSON array', raw: '[]', status: 400 },
  { name: 'body over 64 KB', raw: JSON.stringify({ ...valid, answers: { ...hotelAnswers(9), comment: 'x'.repeat(70_000) } }), status: 400 },
  { name: 'form-encoded body', raw: 'surveyId=hotel-stay', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  { name: 'no bearer token', body: valid, headers: { authorization: '' }, status: 401 },
  { name: 'wrong bearer token', body: valid, headers: { authorization: 'Bearer not-the-token-at-all' }, status: 401 },
];

describe('bad input on POST /api/v1/responses', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$name → $status', async ({ body, raw, headers, status, path }) => {
    const before = await system.count('responses');
    const res = await system.app.request('/api/v1/responses', {
      method: 'POST',
      headers: adminHeaders(headers),
      body: raw ?? JSON.stringify(body),
    });
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/); // no stack traces
    const json = JSON.parse(text) as { error: { code: string; message: string; issues: { path: string; message: string }[] } };
    expect(typeof json.error.code).toBe('string');
    expect(json.error.message.length).toBeGreaterThan(0);
    expect(Array.isArray(json.error.issues)).toBe(true);
    if (path) expect(json.error.issues.map((i) => i.path)).toContain(path);
    expect(await system.count('responses')).toBe(before);
  });

  it('answers metrics queries with bad parameters with the same shape', async () => {
    for (const [query, path] of [
      ['granularity=hour', 'query.granularity'],
      ['from=2026-02-30', 'query.from'],
      ['from=2026-05-01&to=2026-04-01', 'query.from'],
      ['unitId=atlantis', 'query.unitId'],
      ['surveyId=nope', 'query.surveyId'],
    ] as const) {
      const res = await system.app.request(`/api/v1/metrics?${query}`, { headers: adminHeaders() });
      expect(res.status, query).toBe(400);
      const json = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(json.error.issues.map((i) => i.path), query).toContain(path);
    }
  });

  it('keeps a valid request working after all that', async () => {
    const res = await system.app.request('/api/v1/responses', { method: 'POST', headers: adminHeaders(), body: JSON.stringify(valid) });
    expect(res.status).toBe(201);
  });
});
