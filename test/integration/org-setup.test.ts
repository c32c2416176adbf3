// Setting up an organisation from an empty catalog through the API, on DynamoDB Local: settings, a rejected and an
// accepted CSV import, a dry run, a re-import that renames, moves and archives, and single-unit moves and archives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { useLocalTables } from '../support/dynamo.ts';
import { demoManagers, demoOrganisation, demoSurveys, demoUnits } from '../../functions/local/demo.ts';
import type { OrgUnit } from '../../functions/domain/org.ts';
import { adminHeaders, hotelAnswers, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
const stops: (() => Promise<void>)[] = [];
beforeAll(async () => {
  system = await setupSystem({ seed: false });
});
afterAll(async () => {
  for (const stop of stops) await stop();
});

const organisation = {
  name: { zh: '山海零售', en: 'Shanhai Retail', ru: 'Шаньхай Ритейл' },
  timeZone: 'Asia/Shanghai',
  locales: ['zh', 'en', 'ru'],
  defaultLocale: 'zh',
  reviewUrl: 'https://reviews.example.com/shanhai',
  brand: { primaryColor: '#c8102e', logoUrl: 'https://cdn.example.com/shanhai.svg', footer: { zh: '山海零售 · 客户之声', en: 'Shanhai Retail · Voice of the customer', ru: 'Шаньхай Ритейл · Голос клиента' } },
};

type Json = Record<string, unknown>;
const request = (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
  system.app.request(path, { method: init.method ?? 'GET', headers: adminHeaders(init.headers), ...(init.body !== undefined ? { body: init.body } : {}) });
const send = async (path: string, method: string, body: unknown) => {
  const res = await request(path, { method, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json };
};
const importCsv = async (csv: string | Uint8Array<ArrayBuffer>, query = '', contentType = 'text/csv; charset=utf-8') => {
  const res = await system.app.request(`/api/v1/org/units/import${query}`, { method: 'POST', headers: adminHeaders({ 'content-type': contentType }), body: csv });
  return { status: res.status, body: (await res.json()) as Json };
};
const units = async (query = ''): Promise<OrgUnit[]> => ((await (await request(`/api/v1/org/units${query}`)).json()) as { units: OrgUnit[] }).units;

const HEADER = 'id,parentId,kind,name_zh,name_en,name_ru';
const goodFile = [
  HEADER,
  'hq,,hq,总部,Head office,Головной офис',
  'north,hq,region,华北区,North,Север',
  'south,hq,region,华南区,South,Юг',
  'bj-1,north,store,北京国贸店,"Beijing, Guomao",Пекин — Гомао',
  'bj-2,north,store,北京望京店,Beijing Wangjing,Пекин — Ванцзин',
  'tj-1,north,store,天津滨江店,Tianjin Binjiang,Тяньцзинь — Бинцзян',
  'gz-1,south,store,广州天河店,Guangzhou Tianhe,Гуанчжоу — Тяньхэ',
  'sz-1,south,store,深圳南山店,"Shenzhen ""Nanshan""",Шэньчжэнь — Наньшань',
  'sz-ops,sz-1,department,深圳南山店运营部,Nanshan operations,Операционный отдел Наньшаня',
].join('\r\n');

describe('an empty catalog', () => {
  it('answers 409 setup_required, saying what to create first, wherever the organisation is needed', async () => {
    for (const [path, method, body] of [
      ['/api/v1/organisation', 'GET', undefined],
      ['/api/v1/org/units', 'GET', undefined],
      ['/api/v1/org/units/hq', 'PUT', { parentId: null, kind: 'hq', name: { en: 'HQ' } }],
    ] as const) {
      const res = await request(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect(res.status, `${method} ${path}`).toBe(409);
      const { error } = (await res.json()) as { error: { code: string; message: string; issues: unknown[] } };
      expect(error).toEqual({ code: 'setup_required', message: expect.stringContaining('PUT /api/v1/organisation'), issues: [] });
    }
    expect((await importCsv(goodFile)).status).toBe(409);
  });

  it('refuses settings that break a rule, naming each field, and stores nothing', async () => {
    const { status, body } = await send('/api/v1/organisation', 'PUT', { ...organisation, name: { zh: '山海零售', en: 'Shanhai Retail' }, timeZone: 'Mars/Olympus', defaultLocale: 'de' });
    expect(status).toBe(400);
    const paths = (body.error as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'defaultLocale']));
    expect((await request('/api/v1/organisation')).status).toBe(409);
    const missingName = await send('/api/v1/organisation', 'PUT', { ...organisation, name: { zh: '山海零售', en: 'Shanhai Retail' } });
    expect(missingName.status).toBe(400);
    expect(missingName.body.error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'name.ru', message: expect.stringContaining('required') }] });
  });

  it('is set up by PUT /api/v1/organisation, and reads it back', async () => {
    const { status, body } = await send('/api/v1/organisation', 'PUT', organisation);
    expect(status).toBe(200);
    expect(body).toEqual(organisation);
    const read = await request('/api/v1/organisation');
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(organisation);
    expect(await units()).toEqual([]);
  });
});

describe('the CSV import', () => {
  it('rejects a bad file with every error at its row and column, and changes nothing', async () => {
    const bad = [
      HEADER,
      'hq,,hq,总部,Head office,Головной офис',
      'north,hq,region,华北区,North,Север',
      'north,hq,region,华北区二,North 2,Север 2', // row 4: duplicate id
      'top,,hq,另一个总部,Another HQ,Другой офис', // row 5: second root
      'bj-1,nowhere,store,北京店,Beijing,Пекин', // row 6: missing parent
      'x,y,area,甲,X,Икс', // row 7: cycle x → y → x
      'y,x,area,乙,Y,Игрек', // row 8
    ].join('\n');
    const { status, body } = await importCsv(bad);
    expect(status).toBe(400);
    expect((body.error as { code: string }).code).toBe('validation_failed');
    expect(body.errors).toEqual([
      { row: 4, line: 4, column: 'id', message: '"north" is used twice: row 3 has it already' },
      { row: 5, line: 5, column: 'parentId', message: expect.stringContaining('second root: row 2 ("hq")') },
      { row: 6, line: 6, column: 'parentId', message: 'no unit "nowhere" in the tree' },
      { row: 7, line: 7, column: 'parentId', message: '"x" is in a cycle: x → y → x' },
      { row: 8, line: 8, column: 'parentId', message: '"y" is in a cycle: x → y → x' },
    ]);
    expect((body.error as { issues: { path: string }[] }).issues[0]!.path).toBe('rows.4.id');
    expect(await units()).toEqual([]);

    const rowErrors = await importCsv(`${HEADER}\nhq,,hq,总部,Head office,Головной офис\nbj-1,hq,shop,北京店,,Пекин`);
    expect(rowErrors.body.errors).toEqual([
      { row: 3, line: 3, column: 'kind', message: expect.stringContaining('"shop" is not a unit kind') },
      { row: 3, line: 3, column: 'name_en', message: expect.stringContaining('"en" is required') },
    ]);
    expect(await units()).toEqual([]);
  });

  it('refuses what is not UTF-8 CSV', async () => {
    expect((await importCsv(goodFile, '', 'application/json')).status).toBe(415);
    const gbk = new Uint8Array([...new TextEncoder().encode(`${HEADER}\nhq,,hq,`), 0xd7, 0xdc, 0xb2, 0xbf, ...new TextEncoder().encode(',HQ,ГО\n')]);
    const { status, body } = await importCsv(gbk);
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ row: 1, message: expect.stringContaining('UTF-8') })]);
  });

  it('imports a good file (BOM, CRLF, quoted names) and says what it added', async () => {
    const { status, body } = await importCsv(`\uFEFF${goodFile}\r\n`);
    expect(status).toBe(200);
    expect(body).toEqual({ added: 9, renamed: 0, moved: 0, archived: 0, restored: 0, errors: [], dryRun: false, rebuildRequired: false });
    const tree = await units();
    expect(tree).toHaveLength(9);
    expect(tree.find((u) => u.id === 'sz-1')).toEqual({ id: 'sz-1', parentId: 'south', kind: 'store', name: { zh: '深圳南山店', en: 'Shenzhen "Nanshan"', ru: 'Шэньчжэнь — Наньшань' } });
    // The same file again changes nothing.
    expect((await importCsv(goodFile)).body).toMatchObject({ added: 0, renamed: 0, moved: 0, archived: 0, restored: 0 });
  });

  const changed = [
    HEADER,
    'hq,,hq,总部,Head office,Головной офис',
    'north,hq,region,华北大区,North region,Северный регион', // renamed
    'south,hq,region,华南区,South,Юг',
    'bj-1,north,store,北京国贸店,"Beijing, Guomao",Пекин — Гомао',
    'tj-1,south,store,天津滨江店,Tianjin Binjiang,Тяньцзинь — Бинцзян', // moved north → south
    'gz-1,south,store,广州天河店,Guangzhou Tianhe,Гуанчжоу — Тяньхэ',
    'sz-1,south,store,深圳南山店,"Shenzhen ""Nanshan""",Шэньчжэнь — Наньшань',
    'sz-ops,sz-1,department,深圳南山店运营部,Nanshan operations,Операционный отдел Наньшаня',
    'cd-1,south,store,成都春熙店,Chengdu Chunxi,Чэнду — Чуньси', // added
    // bj-2 left out: archived
  ].join('\n');

  it('with dryRun=1 answers the diff and changes nothing', async () => {
    const before = await units();
    const { status, body } = await importCsv(changed, '?dryRun=1');
    expect(status).toBe(200);
    expect(body).toEqual({ added: 1, renamed: 1, moved: 1, archived: 1, restored: 0, errors: [], dryRun: true, rebuildRequired: false });
    expect(await units()).toEqual(before);
  });

  it('re-imports with a rename, a move, an addition and an archive, counted right and visible at once', async () => {
    const { status, body } = await importCsv(changed);
    expect(status).toBe(200);
    expect(body).toMatchObject({ added: 1, renamed: 1, moved: 1, archived: 1, restored: 0, errors: [], dryRun: false });
    const tree = await units();
    const byId = new Map(tree.map((u) => [u.id, u]));
    expect(tree).toHaveLength(10);
    expect(byId.get('north')!.name.en).toBe('North region');
    expect(byId.get('tj-1')!.parentId).toBe('south');
    expect(byId.get('bj-2')).toMatchObject({ parentId: 'north', archived: true });
    expect((await units('?archived=1')).map((u) => u.id)).toEqual(['bj-2']);
    expect((await units('?archived=0')).map((u) => u.id)).not.toContain('bj-2');
  });

  it('takes a file far above the 64 KB body limit of the other routes, which keep theirs', async () => {
    const rows = [HEADER, 'hq,,hq,总部,Head office,Головной офис', 'north,hq,region,华北大区,North region,Северный регион', 'south,hq,region,华南区,South,Юг'];
    for (let i = 0; i < 2000; i++) rows.push(`bulk-${i},${i % 2 ? 'north' : 'south'},store,门店${i},Store number ${i},Магазин номер ${i}`);
    const file = rows.join('\n');
    expect(file.length).toBeGreaterThan(100 * 1024);
    const { status, body } = await importCsv(file, '?dryRun=1');
    expect(status).toBe(200);
    // Seven units are left out of the file; bj-2 was archived already, so six are archived now.
    expect(body).toMatchObject({ added: 2000, archived: 6 });
    const big = await send('/api/v1/organisation', 'PUT', { ...organisation, name: { ...organisation.name, en: 'x'.repeat(70 * 1024) } });
    expect(big.status).toBe(400);
    expect((big.body.error as { code: string }).code).toBe('body_too_large');
  });
});

describe('one unit at a time', () => {
  it('creates a unit (201), renames it (200), and refuses a tree that would break a rule', async () => {
    const created = await send('/api/v1/org/units/wh-1', 'PUT', { parentId: 'south', kind: 'store', name: { zh: '武汉江汉店', en: 'Wuhan Jianghan', ru: 'Ухань — Цзянхань' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ created: true, moved: false, rebuildRequired: false, unit: { id: 'wh-1', parentId: 'south' } });
    const renamed = await send('/api/v1/org/units/wh-1', 'PUT', { parentId: 'south', kind: 'store', name: { zh: '武汉江汉路店', en: 'Wuhan Jianghan Road', ru: 'Ухань — улица Цзянхань' } });
    expect(renamed).toMatchObject({ status: 200, body: { created: false, renamed: true, moved: false } });

    for (const [body, path, message] of [
      [{ parentId: 'bj-2', kind: 'store', name: { zh: '甲', en: 'A', ru: 'А' } }, 'parentId', /archived/],
      [{ parentId: 'nowhere', kind: 'store', name: { zh: '甲', en: 'A', ru: 'А' } }, 'parentId', /no unit "nowhere"/],
      [{ parentId: null, kind: 'hq', name: { zh: '甲', en: 'A', ru: 'А' } }, 'parentId', /second root/],
      [{ parentId: 'south', kind: 'store', name: { zh: '甲', en: 'A' } }, 'name.ru', /required/],
      [{ parentId: 'south', kind: 'shop', name: { zh: '甲', en: 'A', ru: 'А' } }, 'kind', /./],
    ] as const) {
      const res = await send('/api/v1/org/units/new-1', 'PUT', body);
      expect(res.status).toBe(400);
      expect((res.body.error as { issues: { path: string; message: string }[] }).issues).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    // A move under its own descendant is a cycle.
    const cycle = await send('/api/v1/org/units/south', 'PUT', { parentId: 'sz-ops', kind: 'region', name: { zh: '华南区', en: 'South', ru: 'Юг' } });
    expect(cycle.status).toBe(400);
    expect((cycle.body.error as { issues: { path: string; message: string }[] }).issues).toContainEqual({ path: 'parentId', message: expect.stringContaining('cycle') });
    expect((await units()).some((u) => u.id === 'new-1')).toBe(false);
  });

  it('moves a unit with history and says that past roll-ups need a rebuild; a unit without history needs none', async () => {
    await dynamoCatalogStore(system.doc, system.names.catalog).putSurvey(demoSurveys[0]!);
    const { mapping } = await system.startAggregateMapping();
    stops.push(() => mapping.stop());
    const res = await send('/api/v1/responses', 'POST', { surveyId: 'hotel-stay', unitId: 'gz-1', answers: hotelAnswers(9) });
    expect(res.status).toBe(201);
    await mapping.idle();

    const moved = await send('/api/v1/org/units/gz-1', 'PUT', { parentId: 'north', kind: 'store', name: { zh: '广州天河店', en: 'Guangzhou Tianhe', ru: 'Гуанчжоу — Тяньхэ' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ moved: true, rebuildRequired: true, message: expect.stringContaining('POST /api/v1/admin/rebuilds'), unit: { id: 'gz-1', parentId: 'north' } });
    expect((await units()).find((u) => u.id === 'gz-1')!.parentId).toBe('north');

    const quiet = await send('/api/v1/org/units/wh-1', 'PUT', { parentId: 'north', kind: 'store', name: { zh: '武汉江汉路店', en: 'Wuhan Jianghan Road', ru: 'Ухань — улица Цзянхань' } });
    expect(quiet.body).toMatchObject({ moved: true, rebuildRequired: false });
    expect(quiet.body.message).toBeUndefined();
  });

  it('archives a unit (DELETE) but not the root, nor a unit with active units under it', async () => {
    const root = await request('/api/v1/org/units/hq', { method: 'DELETE' });
    expect(root.status).toBe(409);
    expect(((await root.json()) as { error: { code: string } }).error.code).toBe('conflict');

    const parent = await request('/api/v1/org/units/sz-1', { method: 'DELETE' });
    expect(parent.status).toBe(409);
    expect(((await parent.json()) as { error: { message: string } }).error.message).toContain('"sz-ops"');

    const leaf = await request('/api/v1/org/units/sz-ops', { method: 'DELETE' });
    expect(leaf.status).toBe(200);
    expect(await leaf.json()).toMatchObject({ archived: true, unit: { id: 'sz-ops', archived: true } });
    // Archived, not deleted: still listed with its flag, and a second DELETE is a harmless repeat.
    expect((await units()).find((u) => u.id === 'sz-ops')).toMatchObject({ archived: true });
    expect((await request('/api/v1/org/units/sz-ops', { method: 'DELETE' })).status).toBe(200);
    expect((await request('/api/v1/org/units/sz-1', { method: 'DELETE' })).status).toBe(200);
    expect((await request('/api/v1/org/units/nope', { method: 'DELETE' })).status).toBe(404);

    // A PUT brings an archived unit back.
    const back = await send('/api/v1/org/units/sz-1', 'PUT', { parentId: 'south', kind: 'store', name: { zh: '深圳南山店', en: 'Shenzhen "Nanshan"', ru: 'Шэньчжэнь — Наньшань' } });
    expect(back.body).toMatchObject({ restored: true, unit: { id: 'sz-1' } });
    expect((await units()).find((u) => u.id === 'sz-1')!.archived).toBeUndefined();
  });
});

describe('the tree snapshot in the store', () => {
  it('replaces the tree only from the revision it was read at: one of two racing writers wins, the other changes nothing', async () => {
    const store = dynamoCatalogStore(system.doc, system.names.catalog);
    const tree = await store.unitTree();
    const a = tree.units.map((u) => (u.id === 'hq' ? { ...u, name: { ...u.name, en: 'Writer A' } } : u));
    const b = tree.units.map((u) => (u.id === 'hq' ? { ...u, name: { ...u.name, en: 'Writer B' } } : u));
    const results = await Promise.all([store.replaceUnitTree(a, tree.revision), store.replaceUnitTree(b, tree.revision)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await store.unitTree();
    expect(after.units.find((u) => u.id === 'hq')!.name.en).toBe(results[0] ? 'Writer A' : 'Writer B');
    expect(after.revision).not.toBe(tree.revision);
    // A stale writer (as after a crash between its chunks and its switch) leaves the current tree as it is.
    expect(await store.replaceUnitTree([], tree.revision)).toBe(false);
    expect(await store.unitTree()).toEqual(after);
    // The catalog that every function loads has the same units.
    expect((await store.load()).units).toEqual(after.units);
  });

  it('keeps putUnits (seeding) working as "replace the tree", with one stamp raise', async () => {
    const store = dynamoCatalogStore(system.doc, system.names.catalog);
    const current = (await store.unitTree()).units;
    const version = await store.version();
    await store.putUnits(current);
    expect(await store.version()).toBe(version + 1);
    expect((await store.unitTree()).units).toEqual(current);
  });
});

describe('the API description', () => {
  it('documents the organisation and org-unit routes, the import as text/csv', async () => {
    const doc = (await (await system.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/organisation', '/api/v1/org/units', '/api/v1/org/units/{id}', '/api/v1/org/units/import']));
    expect(Object.keys(doc.paths['/api/v1/organisation']!)).toEqual(expect.arrayContaining(['get', 'put']));
    expect(Object.keys(doc.paths['/api/v1/org/units/{id}']!)).toEqual(expect.arrayContaining(['put', 'delete']));
    expect(Object.keys(doc.paths['/api/v1/org/units/import']!.post!.requestBody!.content)).toEqual(['text/csv']);
  });
});

describe('data written in the earlier layouts (one item per unit, one per manager list)', () => {
  it('is read as before, and moves to the snapshot and the buckets on the next write, every list kept', async () => {
    const { endpoint, names } = await useLocalTables('org-legacy');
    const doc = documentClient(endpoint);
    const store = dynamoCatalogStore(doc, names.catalog);
    await store.putOrganisation(demoOrganisation);
    for (const unit of demoUnits) await doc.send(new PutCommand({ TableName: names.catalog, Item: { pk: 'ORG', sk: `UNIT#${unit.id}`, value: unit } }));
    for (const [unitId, list] of Object.entries(demoManagers)) await doc.send(new PutCommand({ TableName: names.catalog, Item: { pk: 'ORG', sk: `MGR#${unitId}`, value: list } }));

    // The old layout reads in key order.
    const sorted = (list: readonly OrgUnit[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    const before = await store.load();
    expect(sorted(before.units)).toEqual(sorted(demoUnits));
    expect(before.managers).toEqual(demoManagers);
    const legacyTree = await store.unitTree();
    expect(legacyTree.revision).toBeNull();
    expect(sorted(legacyTree.units)).toEqual(sorted(demoUnits));

    // Two lists saved at once (maybe into one bucket) both stay; each replaces its unit's old item.
    const changed = { name: '王经理', email: 'wang@example.com', phone: '+8613800138111', locale: 'zh' as const };
    await Promise.all([store.putManagers('hq', [changed]), store.putManagers('sh-bund', [])]);
    const renamed = demoUnits.map((u) => (u.id === 'east' ? { ...u, name: { ...u.name, en: 'East China' } } : u));
    expect(await store.replaceUnitTree(renamed, null)).toBe(true);

    const after = await store.load();
    expect(after.units).toEqual(renamed);
    expect(after.managers).toEqual({ ...demoManagers, hq: [changed], 'sh-bund': [] });
    const left = await doc.send(new QueryCommand({ TableName: names.catalog, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ORG' } }));
    const keys = (left.Items ?? []).map((i) => String(i.sk));
    expect(keys.filter((k) => k.startsWith('UNIT#'))).toEqual([]);
    expect(keys.filter((k) => k.startsWith('MGR#')).sort()).toEqual(Object.keys(demoManagers).filter((id) => id !== 'hq' && id !== 'sh-bund').map((id) => `MGR#${id}`).sort());
  });
});
