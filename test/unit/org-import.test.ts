// The org CSV import as pure code: the CSV reader, the whole-tree rules and the diff against the current tree.
import { describe, expect, it } from 'vitest';
import { checkTree, MAX_REPORTED_ERRORS, parseCsv, planImport, type ImportError } from '../../functions/domain/org-import.ts';
import { MAX_TREE_DEPTH, Organisation, OrganisationInput, OrgTree, type OrgUnit } from '../../functions/domain/org.ts';
import { chunkUnits } from '../../functions/aws/org-store.ts';
import { archiveUnit, importUnits, saveUnit } from '../../functions/authoring/org-units.ts';

const HEADER = 'id,parentId,kind,name_zh,name_en,name_ru';
const all = ['zh', 'en', 'ru'] as const;
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
const good = csv('hq,,hq,总部,Head office,Головной офис', 'east,hq,region,华东区,East,Восток', 'sh,east,store,上海店,Shanghai,Шанхай');

describe('parseCsv', () => {
  it.each([
    ['LF lines', 'a,b\nc,d', [['a', 'b'], ['c', 'd']]],
    ['CRLF lines', 'a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
    ['lone CR lines (old Mac)', 'a,b\rc,d', [['a', 'b'], ['c', 'd']]],
    ['a UTF-8 BOM is dropped', '\uFEFFid,x\n1,2', [['id', 'x'], ['1', '2']]],
    ['a final line break makes no empty record', 'a\n', [['a']]],
    ['quoted comma', 'a,"b,c",d', [['a', 'b,c', 'd']]],
    ['doubled quotes', '"say ""hi""",x', [['say "hi"', 'x']]],
    ['line break inside quotes', '"two\nlines",x\ny,z', [['two\nlines', 'x'], ['y', 'z']]],
    ['CRLF inside quotes kept', '"a\r\nb",c', [['a\r\nb', 'c']]],
    ['empty cells', ',,\n,', [['', '', ''], ['', '']]],
    ['empty quoted cell', '"",x', [['', 'x']]],
    ['blank line is one empty cell', 'a\n\nb', [['a'], [''], ['b']]],
    ['empty text', '', []],
  ])('%s', (_name, text, expected) => {
    const result = parseCsv(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.records.map((r) => r.fields)).toEqual(expected);
  });

  it('numbers rows by record and lines by line break, so a quoted line break shifts lines but not rows', () => {
    const result = parseCsv('h\n"a\nb"\nc');
    expect(result.ok && result.records.map((r) => [r.row, r.line])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
  });

  it.each([
    ['an unclosed quote', 'a,b\nc,"never', { row: 2, line: 2, field: 1 }, /never closed/],
    ['a quote inside an unquoted cell', 'a,b\nc,d"e', { row: 2, field: 1 }, /quote inside an unquoted cell/],
    ['text after a closing quote', 'a,b\n"c"d,e', { row: 2, field: 0 }, /after a closing quote/],
  ])('refuses %s with its position', (_name, text, position, message) => {
    const result = parseCsv(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject(position);
      expect(result.error.message).toMatch(message);
    }
  });

  it('stops past the record bound', () => {
    const result = parseCsv('h\n1\n2\n3', 3);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.row).toBe(4);
  });

  it('reads a long file in linear time (no backtracking)', () => {
    const row = '"a ""quoted"" name, with a comma",' + 'x'.repeat(50);
    const text = Array.from({ length: 50_000 }, () => row).join('\r\n');
    const t0 = performance.now();
    const result = parseCsv(text, 60_000);
    expect(result.ok && result.records.length).toBe(50_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

/** The errors of a plan that must fail, as [row, column, message] triples. */
function errorsOf(text: string, current: OrgUnit[] = [], locales: readonly ('zh' | 'en' | 'ru')[] = all): ImportError[] {
  const plan = planImport(text, { locales, current });
  expect(plan.ok).toBe(false);
  return plan.ok ? [] : plan.errors;
}

describe('planImport: a file that must be refused names the row, the column and the reason', () => {
  it.each<[string, string, { row: number; column: string; message: RegExp }[]]>([
    ['an empty file', '', [{ row: 1, column: 'id', message: /empty/ }]],
    ['a header only', HEADER, [{ row: 2, column: 'id', message: /nothing under it/ }]],
    ['a missing column', 'id,parentId,name_zh,name_en,name_ru\nhq,,总部,HQ,ГО', [{ row: 1, column: 'kind', message: /missing column "kind"/ }]],
    ['a missing name column for an enabled locale', 'id,parentId,kind,name_zh,name_en\nhq,,hq,总部,HQ', [{ row: 1, column: 'name_ru', message: /missing column "name_ru".*languages/ }]],
    ['an unknown column', `${HEADER},name_fr\nhq,,hq,总部,HQ,ГО,QG`, [{ row: 1, column: 'name_fr', message: /unknown column/ }]],
    ['a column twice', `${HEADER},id\nhq,,hq,总部,HQ,ГО,hq`, [{ row: 1, column: 'id', message: /twice/ }]],
    ['duplicate ids', csv('hq,,hq,总部,HQ,ГО', 'a,hq,store,甲,A,А', 'a,hq,store,乙,B,Б'), [{ row: 4, column: 'id', message: /"a" is used twice: row 3/ }]],
    ['two roots', csv('hq,,hq,总部,HQ,ГО', 'hq2,,hq,总部2,HQ2,ГО2'), [{ row: 3, column: 'parentId', message: /second root: row 2 \("hq"\)/ }]],
    ['no root', csv('a,b,store,甲,A,А', 'b,a,store,乙,B,Б'), [{ row: 2, column: 'parentId', message: /no root/ }, { row: 2, column: 'parentId', message: /cycle/ }, { row: 3, column: 'parentId', message: /cycle/ }]],
    [
      'a cycle below the root',
      csv('hq,,hq,总部,HQ,ГО', 'a,c,region,甲,A,А', 'b,a,area,乙,B,Б', 'c,b,store,丙,C,В', 'd,c,store,丁,D,Г'),
      [
        { row: 3, column: 'parentId', message: /"a" is in a cycle: a → c → b → a/ },
        { row: 4, column: 'parentId', message: /"b" is in a cycle/ },
        { row: 5, column: 'parentId', message: /"c" is in a cycle/ },
      ],
    ],
    ['its own parent', csv('hq,,hq,总部,HQ,ГО', 'a,a,store,甲,A,А'), [{ row: 3, column: 'parentId', message: /its own parent/ }]],
    ['a missing parent', csv('hq,,hq,总部,HQ,ГО', 'a,nowhere,store,甲,A,А'), [{ row: 3, column: 'parentId', message: /no unit "nowhere"/ }]],
    ['a bad kind', csv('hq,,hq,总部,HQ,ГО', 'a,hq,shop,甲,A,А'), [{ row: 3, column: 'kind', message: /"shop" is not a unit kind: use one of hq, region/ }]],
    ['an empty kind', csv('hq,,,总部,HQ,ГО'), [{ row: 2, column: 'kind', message: /kind is required/ }]],
    ['a bad id', csv('hq,,hq,总部,HQ,ГО', 'a b,hq,store,甲,A,А'), [{ row: 3, column: 'id', message: /letters, digits/ }]],
    ['an empty id', csv('hq,,hq,总部,HQ,ГО', ',hq,store,甲,A,А'), [{ row: 3, column: 'id', message: /id is required/ }]],
    ['a bad parent id', csv('hq,,hq,总部,HQ,ГО', 'a,h q,store,甲,A,А'), [{ row: 3, column: 'parentId', message: /letters, digits/ }]],
    ['a missing name', csv('hq,,hq,总部,,ГО'), [{ row: 2, column: 'name_en', message: /name in "en" is required/ }]],
    ['too few cells', csv('hq,,hq,总部'), [{ row: 2, column: 'name_en', message: /4 cells and the header 6: "name_en"/ }]],
    ['too many cells (an unquoted comma)', csv('hq,,hq,总部,Head office, Shanghai,ГО'), [{ row: 2, column: 'column 7', message: /in quotes/ }]],
    ['a CSV syntax error, with its column from the header', csv('hq,,hq,总部,"Head office,ГО'), [{ row: 2, column: 'name_en', message: /never closed/ }]],
    ['a too long name', csv(`hq,,hq,总部,${'x'.repeat(201)},ГО`), [{ row: 2, column: 'name_en', message: /200/ }]],
  ])('%s', (_name, text, expected) => {
    const errors = errorsOf(text);
    expect(errors.map((e) => ({ row: e.row, column: e.column, message: e.message }))).toEqual(expected.map((e) => ({ ...e, message: expect.stringMatching(e.message) })));
  });

  it('reports row problems and tree problems of one file together: a bad kind, a missing parent and a repeated id', () => {
    const file = ['id,parentId,kind,name_zh,name_en,name_ru', 'hq,,hq,总部,HQ,Офис', 'north,nowhere,region,北,North,Север', 'n-01,north,shop,北一,N1,С1', 'n-02,n-01,store,北二,N2,С2', 'hq,,hq,总部,Again,Снова'].join('\n');
    const found = errorsOf(file).map((e) => [e.row, e.column]);
    expect(found).toEqual(expect.arrayContaining([[3, 'parentId'], [4, 'kind'], [6, 'id']]));
    // n-02 sits under the bad row n-01: its parent is in the file, so it is not reported as missing.
    expect(found.filter(([row]) => row === 5)).toEqual([]);
  });

  it('counts rows as a spreadsheet does after a quoted line break, and gives the line too', () => {
    const [error] = errorsOf(csv('hq,,hq,"总部\n第二行",HQ,ГО', 'a,hq,shop,甲,A,А'));
    expect(error).toMatchObject({ row: 3, line: 4, column: 'kind' });
  });

  it('takes a BOM, CRLF, quoted names with commas and quotes, columns in any order and extra blank lines', () => {
    const text = '\uFEFFname_en,id,kind,parentId,name_ru,name_zh\r\n"Head office, Beijing",hq,hq,,"Офис ""Пекин""",总部\r\n\r\nEast,east,region,hq,Восток,华东\r\n';
    const plan = planImport(text, { locales: all, current: [] });
    expect(plan.ok).toBe(true);
    if (plan.ok) {
      expect(plan.units).toEqual([
        { id: 'hq', parentId: null, kind: 'hq', name: { zh: '总部', en: 'Head office, Beijing', ru: 'Офис "Пекин"' } },
        { id: 'east', parentId: 'hq', kind: 'region', name: { zh: '华东', en: 'East', ru: 'Восток' } },
      ]);
      expect(plan.diff).toEqual({ added: 2, renamed: 0, moved: 0, archived: 0, restored: 0 });
    }
  });

  it.each([
    ['semicolons (Excel where the decimal mark is a comma)', ';'],
    ['tabs (cells pasted from a spreadsheet)', '\t'],
  ])('reads a file separated by %s', (_what, separator) => {
    const rows = [['id', 'parentId', 'kind', 'name_zh', 'name_en', 'name_ru'], ['hq', '', 'hq', '总部', 'Head office', 'Головной офис'], ['n-01', 'hq', 'store', '北一店', 'North 01, Mall', 'Север, 01']];
    const plan = planImport(rows.map((r) => r.join(separator)).join('\r\n'), { locales: all, current: [] });
    expect(plan.ok && plan.units.find((u) => u.id === 'n-01')?.name).toEqual({ zh: '北一店', en: 'North 01, Mall', ru: 'Север, 01' });
  });

  it('needs only the name columns of the enabled locales', () => {
    const plan = planImport('id,parentId,kind,name_en\nhq,,hq,Head office', { locales: ['en'], current: [] });
    expect(plan.ok && plan.units).toEqual([{ id: 'hq', parentId: null, kind: 'hq', name: { en: 'Head office' } }]);
  });

  it('refuses a tree deeper than the limit at the first unit too deep', () => {
    const rows = ['u1,,hq,一,One,Один'];
    for (let i = 2; i <= MAX_TREE_DEPTH + 2; i++) rows.push(`u${i},u${i - 1},department,级${i},L${i},У${i}`);
    const errors = errorsOf(csv(...rows));
    expect(errors).toEqual([expect.objectContaining({ row: MAX_TREE_DEPTH + 2, column: 'parentId', message: expect.stringMatching(/level 11; a tree has at most 10/) })]);
  });

  it('refuses a new root when a tree exists (every roll-up ends at the root)', () => {
    const current: OrgUnit[] = [{ id: 'hq', parentId: null, kind: 'hq', name: { zh: '总部', en: 'HQ', ru: 'ГО' } }];
    const errors = errorsOf(csv('top,,hq,总部,HQ,ГО'), current);
    expect(errors).toEqual([expect.objectContaining({ row: 2, column: 'parentId', message: expect.stringMatching(/root must stay "hq"/) })]);
  });

  it(`lists at most ${MAX_REPORTED_ERRORS} errors and counts the rest`, () => {
    const rows = ['hq,,hq,总部,HQ,ГО', ...Array.from({ length: 150 }, (_, i) => `u${i},hq,shop,甲,A,А`)];
    const plan = planImport(csv(...rows), { locales: all, current: [] });
    expect(plan.ok).toBe(false);
    if (!plan.ok) {
      expect(plan.errors).toHaveLength(MAX_REPORTED_ERRORS);
      expect(plan.more).toBe(50);
      expect(plan.errors[0]!.row).toBe(3);
    }
  });
});

describe('planImport: the diff against the current tree', () => {
  const current: OrgUnit[] = [
    { id: 'hq', parentId: null, kind: 'hq', name: { zh: '总部', en: 'Head office', ru: 'Головной офис' } },
    { id: 'east', parentId: 'hq', kind: 'region', name: { zh: '华东区', en: 'East', ru: 'Восток' } },
    { id: 'west', parentId: 'hq', kind: 'region', name: { zh: '华西区', en: 'West', ru: 'Запад' } },
    { id: 'sh', parentId: 'east', kind: 'store', name: { zh: '上海店', en: 'Shanghai', ru: 'Шанхай' } },
    { id: 'cd', parentId: 'west', kind: 'store', name: { zh: '成都店', en: 'Chengdu', ru: 'Чэнду' } },
    { id: 'old', parentId: 'hq', kind: 'store', name: { zh: '旧店', en: 'Old', ru: 'Старый' }, archived: true },
  ];

  it.each<[string, string, Record<string, number>]>([
    ['the same tree changes nothing', csv('hq,,hq,总部,Head office,Головной офис', 'east,hq,region,华东区,East,Восток', 'west,hq,region,华西区,West,Запад', 'sh,east,store,上海店,Shanghai,Шанхай', 'cd,west,store,成都店,Chengdu,Чэнду'), { added: 0, renamed: 0, moved: 0, archived: 0, restored: 0 }],
    [
      'a rename, a move, an addition, and west left out (archived with nothing active below it)',
      csv('hq,,hq,总部,Head office,Головной офис', 'east,hq,region,华东大区,East,Восток', 'sh,east,store,上海店,Shanghai,Шанхай', 'cd,east,store,成都店,Chengdu,Чэнду', 'hz,east,store,杭州店,Hangzhou,Ханчжоу'),
      { added: 1, renamed: 1, moved: 1, archived: 1, restored: 0 },
    ],
    ['a kind change counts as a rename', csv('hq,,hq,总部,Head office,Головной офис', 'east,hq,area,华东区,East,Восток', 'west,hq,region,华西区,West,Запад', 'sh,east,store,上海店,Shanghai,Шанхай', 'cd,west,store,成都店,Chengdu,Чэнду'), { added: 0, renamed: 1, moved: 0, archived: 0, restored: 0 }],
    ['an archived unit brought back', csv('hq,,hq,总部,Head office,Головной офис', 'east,hq,region,华东区,East,Восток', 'west,hq,region,华西区,West,Запад', 'sh,east,store,上海店,Shanghai,Шанхай', 'cd,west,store,成都店,Chengdu,Чэнду', 'old,hq,store,旧店,Old,Старый'), { added: 0, renamed: 0, moved: 0, archived: 0, restored: 1 }],
  ])('%s', (_name, text, diff) => {
    const plan = planImport(text, { locales: all, current });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.diff).toEqual(diff);
    // Every unit stays in the tree (history is never lost), and the tree it leads to keeps every rule.
    expect(new Set(plan.units.map((u) => u.id))).toEqual(new Set([...current.map((u) => u.id), ...plan.units.map((u) => u.id)]));
    expect(checkTree(plan.units.map((u) => ({ unit: u, at: u.id })), String)).toEqual([]);
  });

  it('archives what the file leaves out, keeps its place, and keeps names of languages without a column', () => {
    const plan = planImport('id,parentId,kind,name_en\nhq,,hq,HQ\neast,hq,region,East', { locales: ['en'], current });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const byId = new Map(plan.units.map((u) => [u.id, u]));
    expect(byId.get('hq')!.name).toEqual({ zh: '总部', en: 'HQ', ru: 'Головной офис' });
    expect(byId.get('west')).toMatchObject({ parentId: 'hq', archived: true });
    expect(byId.get('cd')).toMatchObject({ parentId: 'west', archived: true });
    expect(plan.diff).toEqual({ added: 0, renamed: 1, moved: 0, archived: 3, restored: 0 });
    expect(new OrgTree(plan.units).root()!.id).toBe('hq');
  });
});

describe('checkTree on a stored tree', () => {
  const unit = (id: string, parentId: string | null, archived?: boolean): OrgUnit => ({ id, parentId, kind: 'store', name: { en: id }, ...(archived ? { archived } : {}) });
  it.each<[string, OrgUnit[], RegExp[]]>([
    ['a valid tree', [unit('hq', null), unit('a', 'hq'), unit('b', 'a')], []],
    ['an active unit under an archived one', [unit('hq', null), unit('a', 'hq', true), unit('b', 'a')], [/parent "a" is archived/]],
    ['archived units under archived ones are fine', [unit('hq', null), unit('a', 'hq', true), unit('b', 'a', true)], []],
    ['a two-unit cycle, with a unit hanging below it', [unit('hq', null), unit('a', 'b'), unit('b', 'a'), unit('c', 'a')], [/"a" is in a cycle: a → b → a/, /"b" is in a cycle/]],
  ])('%s', (_name, units, expected) => {
    const problems = checkTree(units.map((u) => ({ unit: u, at: u.id })), (at) => `unit ${at}`);
    expect(problems.map((p) => p.message)).toEqual(expected.map((m) => expect.stringMatching(m)));
  });

  it('checks 20,000 units in well under a second', () => {
    const units: OrgUnit[] = [unit('hq', null)];
    for (let r = 0; r < 20; r++) units.push(unit(`r${r}`, 'hq'));
    for (let i = 0; i < 19_979; i++) units.push(unit(`s${i}`, `r${i % 20}`));
    const t0 = performance.now();
    expect(checkTree(units.map((u) => ({ unit: u, at: u.id })), String)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('chunkUnits (the stored snapshot)', () => {
  it('splits at 1,000 units or 300 KB a chunk, and loses nothing', () => {
    const units: OrgUnit[] = Array.from({ length: 2500 }, (_, i) => ({ id: `u${i}`, parentId: i ? 'u0' : null, kind: 'store', name: { en: `Unit ${i}` } }));
    const chunks = chunkUnits(units);
    expect(chunks.map((c) => (JSON.parse(c) as unknown[]).length)).toEqual([1000, 1000, 500]);
    const long: OrgUnit[] = units.slice(0, 600).map((u) => ({ ...u, name: { en: 'x'.repeat(200), ru: 'я'.repeat(200), zh: '字'.repeat(200) } }));
    const big = chunkUnits(long);
    for (const c of big) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(300 * 1024);
    expect(big.flatMap((c) => JSON.parse(c) as OrgUnit[])).toEqual(long);
  });
});

describe('organisation settings', () => {
  const base = { name: { zh: '云栖', en: 'Cloudstay', ru: 'Клаудстэй' }, timeZone: 'Asia/Shanghai', locales: ['zh', 'en', 'ru'], defaultLocale: 'zh' };
  it.each<[string, Record<string, unknown>, string[]]>([
    ['valid', base, []],
    ['a brand', { ...base, brand: { primaryColor: '#1a2b3c', logoUrl: 'https://cdn.example.com/logo.png', footer: { zh: '页脚', en: 'Footer', ru: 'Подвал' } } }, []],
    ['a name missing for an enabled locale', { ...base, name: { zh: '云栖', en: 'Cloudstay' } }, ['name.ru']],
    ['a default locale that is not enabled', { ...base, locales: ['en'], name: { en: 'Cloudstay' }, defaultLocale: 'zh' }, ['defaultLocale']],
    ['a locale twice', { ...base, locales: ['zh', 'zh'] }, ['locales.1']],
    ['not an IANA zone', { ...base, timeZone: 'China/Beijing' }, ['timeZone']],
    ['a javascript: review link', { ...base, reviewUrl: 'javascript:alert(1)' }, ['reviewUrl']],
    ['an http logo', { ...base, brand: { logoUrl: 'http://example.com/logo.png' } }, ['brand.logoUrl']],
    ['a short colour', { ...base, brand: { primaryColor: '#fff' } }, ['brand.primaryColor']],
    ['a footer missing a locale', { ...base, brand: { footer: { zh: '页脚' } } }, ['brand.footer.en', 'brand.footer.ru']],
    ['an unknown field (a typo)', { ...base, timezone: 'UTC' }, ['']],
  ])('%s', (_name, input, paths) => {
    const result = OrganisationInput.safeParse(input);
    expect(result.success ? [] : result.error.issues.map((i) => i.path.join('.'))).toEqual(paths);
  });

  it('stored settings parse without the strict check, with all three locales by default', () => {
    expect(Organisation.parse({ name: base.name, timeZone: 'UTC', defaultLocale: 'en' }).locales).toEqual(['zh', 'en', 'ru']);
  });
});

describe('the org-unit use cases over an in-memory catalog', () => {
  const org = OrganisationInput.parse({ name: { en: 'Acme' }, timeZone: 'UTC', locales: ['en'], defaultLocale: 'en' });
  /** A catalog whose tree write loses the race `lose` times (another writer got in first) before it lands. */
  function memoryCatalog(units: OrgUnit[], lose = 0) {
    const state = { units, revision: 'r0', writes: 0, attempts: 0 };
    const catalog = {
      organisation: async () => org,
      unitTree: async () => ({ units: state.units, revision: state.revision }),
      replaceUnitTree: async (next: OrgUnit[], expected: string | null) => {
        state.attempts++;
        if (state.attempts <= lose || expected !== state.revision) {
          state.revision = `${state.revision}+`; // someone else wrote
          return false;
        }
        state.units = next;
        state.revision = `r${++state.writes}`;
        return true;
      },
    };
    return { state, deps: { catalog, hasHistory: async (id: string) => id === 'busy' } };
  }
  const tree: OrgUnit[] = [
    { id: 'hq', parentId: null, kind: 'hq', name: { en: 'HQ' } },
    { id: 'a', parentId: 'hq', kind: 'region', name: { en: 'A' } },
    { id: 'busy', parentId: 'a', kind: 'store', name: { en: 'Busy' } },
  ];

  it('re-reads and retries a lost race, then answers conflict when it keeps losing', async () => {
    const once = memoryCatalog(tree, 1);
    const saved = await saveUnit('busy', { parentId: 'hq', kind: 'store', name: { en: 'Busy' } }, once.deps);
    expect(saved).toMatchObject({ kind: 'saved', moved: true, rebuildRequired: true, message: expect.stringContaining('POST /api/v1/admin/rebuilds') });
    expect(once.state.attempts).toBe(2);
    const always = memoryCatalog(tree, 100);
    expect((await saveUnit('busy', { parentId: 'hq', kind: 'store', name: { en: 'Busy' } }, always.deps)).kind).toBe('conflict');
    expect(always.state.units).toBe(tree);
  });

  it('writes nothing for a PUT that changes nothing, nor for a dry run', async () => {
    const { state, deps } = memoryCatalog(tree);
    expect(await saveUnit('a', { parentId: 'hq', kind: 'region', name: { en: 'A' } }, deps)).toMatchObject({ kind: 'saved', created: false, renamed: false, moved: false });
    const dry = await importUnits('id,parentId,kind,name_en\nhq,,hq,HQ\na,hq,region,A\nbusy,hq,store,Busy', { dryRun: true }, deps);
    expect(dry).toMatchObject({ kind: 'imported', dryRun: true, moved: 1, rebuildRequired: true });
    expect(state.attempts).toBe(0);
  });

  it('refuses to archive the root or a unit with active units under it, and archives a leaf once', async () => {
    const { state, deps } = memoryCatalog(tree);
    expect(await archiveUnit('hq', deps)).toMatchObject({ kind: 'conflict' });
    expect(await archiveUnit('a', deps)).toMatchObject({ kind: 'conflict', message: expect.stringContaining('"busy"') });
    expect(await archiveUnit('busy', deps)).toMatchObject({ kind: 'archived', alreadyArchived: false, unit: { archived: true } });
    expect(await archiveUnit('busy', deps)).toMatchObject({ kind: 'archived', alreadyArchived: true });
    expect(await archiveUnit('a', deps)).toMatchObject({ kind: 'archived' });
    expect(await archiveUnit('nope', deps)).toEqual({ kind: 'not_found' });
    expect(state.writes).toBe(2);
  });
});
