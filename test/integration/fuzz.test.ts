// Fuzzing every route: for each operation in the OpenAPI document, and for the respondent pages, arbitrary path
// parameters, query strings and bodies (huge, unicode, numbers, nested objects, out-of-calendar dates, broken encodings)
// never answer a 5xx, always answer within 3 s, and leave /healthz answering after each case.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
let operations: Operation[] = [];

interface Operation {
  method: string;
  /** With {name} placeholders. */
  path: string;
  query: string[];
  bodyFields: string[];
  admin: boolean;
}

type Schema = { $ref?: string; properties?: Record<string, unknown> };
interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

const RUNS_PER_ROUTE = 40;
const TIME_BOUND_MS = 3_000;

beforeAll(async () => {
  system = await setupSystem();
  const doc = (await (await system.app.request('/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] : schema;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyFields: Object.keys(resolve(op.requestBody?.content?.['application/json']?.schema)?.properties ?? {}),
      admin: Boolean(op.security?.length),
    })),
  );
  // The routes outside the OpenAPI document: health, the reference page and the respondent pages.
  const formFields = ['lang', 'unit', 'tp', 't', 'r', 'consent', 'channel', 'q_nps', 'q_comment', 'q_checkin-csat'];
  operations.push(
    { method: 'GET', path: '/healthz', query: [], bodyFields: [], admin: false },
    { method: 'GET', path: '/api/docs', query: [], bodyFields: [], admin: false },
    { method: 'GET', path: '/s/{surveyId}', query: ['lang', 'unit', 'tp', 't', 'token'], bodyFields: [], admin: false },
    { method: 'POST', path: '/s/{surveyId}', query: ['lang', 'unit', 'tp', 't'], bodyFields: formFields, admin: false },
    { method: 'GET', path: '/s/{surveyId}/thanks', query: ['lang', 'r'], bodyFields: [], admin: false },
    { method: 'POST', path: '/s/{surveyId}/thanks', query: ['lang'], bodyFields: formFields, admin: false },
  );
});

// ---- arbitraries ----
const dates = ['9999-12-31', '+010000-01-01', '-000001-01-01', '0000-00-00', '1999-12-31', '2000-01-01', '2100-12-31', '2101-01-01', '2026-02-30', '2026-03-31'];
const oddities = ['', ' ', 'e30', 'null', 'true', '-1', '0', '1e309', 'NaN', 'Infinity', '__proto__', 'constructor', '%ZZ', '%E0%A4%A', '../..', '\u0000', '\ud800', '超'.repeat(30), 'x'.repeat(10_000)];
const knownIds = ['hotel-stay', 'hq', 'sh-bund', 'detractor', 'tk_doesnotexist', '01J00000000000000000000000'];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  { weight: 4, arbitrary: fc.constantFrom(...dates, ...oddities, ...knownIds) },
  fc.integer().map(String),
  fc.double().map(String),
  // Opaque tokens such as list cursors are base64url JSON: forge some.
  fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')),
);
const jsonValue = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 4 }),
  text,
  fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
);

/** The string as a browser would send it: lone surrogates become U+FFFD (encodeURIComponent would throw on them). */
const wellFormed = (value: string) => Buffer.from(value, 'utf8').toString('utf8');
const enc = (value: string) => encodeURIComponent(wellFormed(value));

const pathValue = fc.oneof(text.map(enc), fc.constantFrom('%ZZ', '%E0%A4%A', '%00', '%2F', '..', 'a'.repeat(3_000)));

function queryArbitrary(names: string[]) {
  const known = names.length ? fc.constantFrom(...names) : fc.constant('q');
  const pair = fc.tuple(fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: text }), text);
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('%', '&&&', '=', 'a=%ZZ', 'from=2026-01-01&from=2026-02-01', 'x'.repeat(8_000)) },
  );
}

type Body = { contentType?: string; body: string | FormData };

function bodyArbitrary(fields: string[]): fc.Arbitrary<Body | undefined> {
  const known = fields.length ? fc.constantFrom(...fields) : fc.constant('x');
  const shaped = fc.dictionary(fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: text }), jsonValue, { maxKeys: 8 });
  const form = fc.array(fc.tuple(known, text), { maxLength: 8 });
  return fc.oneof(
    fc.constant(undefined),
    shaped.map((value) => ({ contentType: 'application/json', body: JSON.stringify(value) })),
    jsonValue.map((value) => ({ contentType: 'application/json', body: JSON.stringify(value) ?? 'null' })),
    form.map((pairs) => ({ contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams(pairs.map(([k, v]) => [k, wellFormed(v)])).toString() })),
    form.map((pairs) => {
      const data = new FormData();
      for (const [k, v] of pairs) data.append(k, wellFormed(v));
      return { body: data };
    }),
    fc.constantFrom<Body>(
      { contentType: 'application/json', body: '{"surveyId": "hotel-stay",' },
      { contentType: 'multipart/form-data', body: 'q_nps=3' },
      { contentType: 'multipart/form-data; boundary=zz', body: '--zz\r\nContent-Disposition: form-data; name="q_nps"\r\n\r\n3' },
      { contentType: 'text/plain', body: 'hello' },
      { contentType: 'application/json', body: `"${'x'.repeat(70_000)}"` },
    ),
  );
}

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIME_BOUND_MS} ms`)), TIME_BOUND_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzzing every route', () => {
  it('found the routes of the OpenAPI document and the respondent pages', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['GET /api/v1/metrics', 'GET /api/v1/tickets', 'POST /s/{surveyId}']));
  });

  it('never answers 5xx, always answers within 3 s, and stays healthy', async () => {
    const failures: string[] = [];
    for (const op of operations) {
      const placeholders = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      const request = fc.record({
        params: fc.array(fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...knownIds) }, { weight: 2, arbitrary: pathValue }), {
          minLength: placeholders.length,
          maxLength: placeholders.length,
        }),
        query: queryArbitrary(op.query),
        body: op.method === 'GET' || op.method === 'DELETE' ? fc.constant(undefined) : bodyArbitrary(op.bodyFields),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ params, query, body }) => {
          let path = op.path;
          placeholders.forEach((name, i) => {
            path = path.replace(`{${name}}`, params[i] as string);
          });
          const url = query ? `${path}?${query}` : path;
          const headers: Record<string, string> = op.admin ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {};
          if (body?.contentType) headers['content-type'] = body.contentType;
          const started = Date.now();
          const res = await within(Promise.resolve(system.app.request(url, { method: op.method, headers, ...(body ? { body: body.body } : {}) })), `${op.method} ${url.slice(0, 200)}`);
          await res.arrayBuffer();
          const elapsed = Date.now() - started;
          const label = `${op.method} ${url.slice(0, 300)} ${body ? String(body.body).slice(0, 300) : ''}`;
          if (res.status >= 500) failures.push(`${res.status} ${label}`);
          expect(res.status, label).toBeLessThan(500);
          expect(elapsed, label).toBeLessThan(TIME_BOUND_MS);
          const health = await within(Promise.resolve(system.app.request('/healthz')), '/healthz');
          expect(health.status).toBe(200);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
