// The organisation half of the admin API: its settings, and its unit tree one unit at a time or as a CSV import.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ALL_SURVEYS, counterKey } from '../domain/aggregation.ts';
import { IMPORT_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_UNITS, MAX_REPORTED_ERRORS } from '../domain/org-import.ts';
import { MAX_TREE_DEPTH, MAX_UNITS, Organisation, OrganisationInput, OrgUnit, UnitId } from '../domain/org.ts';
import { readOrganisation, saveOrganisation } from '../authoring/organisation.ts';
import { archiveUnit, importUnits, saveUnit, UnitInput, type OrgUnitsDeps } from '../authoring/org-units.ts';
import type { AggregateStore, CatalogStore } from '../ports.ts';
import type { AdminEnv } from './auth.ts';
import { ErrorBody, errorBody, validationError } from './errors.ts';
import { commonProblems, json, security } from './route-docs.ts';

export interface OrgDeps {
  catalog: CatalogStore;
  aggregates: AggregateStore;
}

/** The CSV import's path: app.ts exempts it from the 64 KB body limit, and it gets its own larger one here. */
export const ORG_IMPORT_PATH = '/api/v1/org/units/import';

const problems = {
  ...commonProblems,
  404: json(ErrorBody, 'Not found'),
  409: json(ErrorBody, 'setup_required (no organisation yet), or conflict'),
};

const UnitChange = z
  .object({
    unit: OrgUnit,
    created: z.boolean(),
    renamed: z.boolean().openapi({ description: 'Its name or kind changed' }),
    moved: z.boolean().openapi({ description: 'Its parent changed' }),
    restored: z.boolean().openapi({ description: 'It was archived and is active again' }),
    rebuildRequired: z.boolean().openapi({ description: 'It moved and has history: past responses roll up under the old parent until POST /api/v1/admin/rebuilds' }),
    message: z.string().optional(),
  })
  .openapi('UnitChange');

const ImportError = z.object({
  row: z.number().int().openapi({ description: 'Spreadsheet row: the header is row 1, each record after it the next (blank ones included)' }),
  column: z.string().openapi({ description: 'The column name from the header, e.g. "parentId"' }),
  message: z.string(),
  line: z.number().int().openapi({ description: 'Line of the file where the row starts (differs from row only after a quoted cell with a line break)' }),
});

const ImportSummary = z
  .object({
    added: z.number().int(),
    renamed: z.number().int().openapi({ description: 'Units whose name or kind changed' }),
    moved: z.number().int(),
    archived: z.number().int().openapi({ description: 'Active units absent from the file (the file is the whole tree)' }),
    restored: z.number().int().openapi({ description: 'Archived units the file brings back' }),
    errors: z.array(ImportError).length(0),
    dryRun: z.boolean(),
    rebuildRequired: z.boolean(),
    message: z.string().optional(),
  })
  .openapi('OrgImport');

const routes = {
  getOrganisation: createRoute({
    method: 'get',
    path: '/api/v1/organisation',
    summary: 'The organisation’s settings',
    security,
    responses: { 200: json(Organisation, 'The settings'), 401: problems[401], 409: json(ErrorBody, 'setup_required: no organisation yet') },
  }),
  putOrganisation: createRoute({
    method: 'put',
    path: '/api/v1/organisation',
    summary: 'Save the organisation’s settings (the first step of setup)',
    description:
      'The full settings: a name in every enabled locale, an IANA time zone, the enabled locales (zh/en/ru) with a default among them, an optional review URL, and an optional brand (primary colour #rrggbb, https logo URL, a footer in every enabled locale). Works on an empty catalog.',
    security,
    request: { body: { content: { 'application/json': { schema: OrganisationInput } }, required: true } },
    responses: { 200: json(Organisation, 'The stored settings'), 400: problems[400], 401: problems[401] },
  }),
  listUnits: createRoute({
    method: 'get',
    path: '/api/v1/org/units',
    summary: 'The organisation and its unit tree (HQ → regions → stores)',
    description: `Every unit, archived ones flagged \`archived: true\` (pickers and new links skip them). \`archived=0\` lists the active units only, \`archived=1\` the archived ones. A tree holds at most ${MAX_UNITS} units.`,
    security,
    request: { query: z.object({ archived: z.enum(['0', '1']).optional() }) },
    responses: {
      200: json(z.object({ organisation: Organisation, units: z.array(OrgUnit) }).openapi('OrgTree'), 'The org tree'),
      400: problems[400],
      401: problems[401],
      409: problems[409],
    },
  }),
  putUnit: createRoute({
    method: 'put',
    path: '/api/v1/org/units/{id}',
    summary: 'Create, rename, move or restore an org unit',
    description: `The unit becomes what the body says (and active, if it was archived). The resulting tree must keep one root, parents that exist and are not archived, no cycles and at most ${MAX_TREE_DEPTH} levels; a name is required in every enabled locale. Moving a unit with history answers \`rebuildRequired: true\`: roll-ups are written when a response is counted, so past responses stay under the old parent until POST /api/v1/admin/rebuilds; new ones roll up under the new parent at once.`,
    security,
    request: { params: z.object({ id: UnitId }), body: { content: { 'application/json': { schema: UnitInput } }, required: true } },
    responses: { 200: json(UnitChange, 'Saved'), 201: json(UnitChange, 'Created'), 400: problems[400], 401: problems[401], 409: problems[409] },
  }),
  archiveUnit: createRoute({
    method: 'delete',
    path: '/api/v1/org/units/{id}',
    summary: 'Archive an org unit (its history stays)',
    description: 'The unit leaves pickers and new links; its responses and counters stay and still roll up. The root cannot be archived, nor a unit with units under it that are not archived (409 names them): archive or move those first. Archiving an archived unit changes nothing.',
    security,
    request: { params: z.object({ id: UnitId }) },
    responses: { 200: json(z.object({ unit: OrgUnit, archived: z.literal(true) }), 'Archived'), 401: problems[401], 404: problems[404], 409: problems[409] },
  }),
  importUnits: createRoute({
    method: 'post',
    path: ORG_IMPORT_PATH,
    summary: 'Import the whole org tree from CSV (all or nothing)',
    description: [
      `\`Content-Type: text/csv\`, UTF-8 (a BOM is fine), a header row with the columns ${IMPORT_COLUMNS.join(',')} in any order (a name column for every enabled locale is required; the others may be left out, and names in languages without a column are kept).`,
      'RFC 4180: quoted cells may hold commas, doubled quotes and line breaks; CRLF or LF. An empty parentId marks the root.',
      `The file is the whole tree: exactly one root (the current root, if there is a tree), every parent in the file, unique ids, known kinds, at most ${MAX_TREE_DEPTH} levels. Active units absent from the file are archived.`,
      `Up to ${MAX_IMPORT_UNITS} units and ${MAX_IMPORT_BYTES / (1024 * 1024)} MB. Any error rejects the whole file and changes nothing: 400 with \`errors: [{ row, column, message, line }]\` (row 1 is the header; at most ${MAX_REPORTED_ERRORS} errors listed).`,
      '`?dryRun=1` answers the same counts without changing anything.',
    ].join(' '),
    security,
    request: {
      query: z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() }),
      body: { content: { 'text/csv': { schema: z.string().openapi({ example: 'id,parentId,kind,name_zh,name_en,name_ru\nhq,,hq,总部,Head office,Головной офис\n' }) } }, required: true },
    },
    responses: {
      200: json(ImportSummary, 'Imported (or, with dryRun, what would change)'),
      400: json(ErrorBody.extend({ errors: z.array(ImportError) }), 'Rejected: nothing changed; every problem named by row and column'),
      401: problems[401],
      409: problems[409],
      415: json(ErrorBody, 'Not text/csv'),
    },
  }),
};

export function registerOrgRoutes(app: OpenAPIHono<AdminEnv>, deps: OrgDeps): void {
  const units: OrgUnitsDeps = {
    catalog: deps.catalog,
    // The unit's own all-surveys partition of the live generation holds every response counted at or below it (counts
    // roll up the lineage).
    hasHistory: async (unitId) => deps.aggregates.hasCounters(counterKey.partition(ALL_SURVEYS, unitId, (await deps.aggregates.generations()).live)),
  };

  app.openapi(routes.getOrganisation, async (c) => c.json(await readOrganisation(deps), 200));

  app.openapi(routes.putOrganisation, async (c) => {
    const result = await saveOrganisation(c.req.valid('json'), deps);
    if (result.kind === 'invalid') return c.json(validationError(result.issues), 400);
    return c.json(result.organisation, 200);
  });

  app.openapi(routes.listUnits, async (c) => {
    const { archived } = c.req.valid('query');
    const catalog = await deps.catalog.load();
    const list = archived === undefined ? catalog.units : catalog.units.filter((u) => (u.archived === true) === (archived === '1'));
    return c.json({ organisation: catalog.organisation, units: list }, 200);
  });

  app.openapi(routes.putUnit, async (c) => {
    const { id } = c.req.valid('param');
    const result = await saveUnit(id, c.req.valid('json'), units);
    if (result.kind === 'invalid') return c.json(validationError(result.issues), 400);
    if (result.kind === 'conflict') return c.json(errorBody('conflict', result.message, result.issues), 409);
    const { kind: _kind, ...body } = result;
    return c.json(body, result.created ? 201 : 200);
  });

  app.openapi(routes.archiveUnit, async (c) => {
    const { id } = c.req.valid('param');
    const result = await archiveUnit(id, units);
    if (result.kind === 'not_found') return c.json(errorBody('not_found', `No org unit "${id}".`, [{ path: 'id', message: 'unknown unit' }]), 404);
    if (result.kind === 'conflict') return c.json(errorBody('conflict', result.message, result.issues), 409);
    return c.json({ unit: result.unit, archived: true as const }, 200);
  });

  const fileTooLarge = `The file must be at most ${MAX_IMPORT_BYTES} bytes (${MAX_IMPORT_UNITS} units).`;
  app.use(ORG_IMPORT_PATH, bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => c.json(errorBody('body_too_large', fileTooLarge, [{ path: '(body)', message: 'too large' }]), 400) }));

  app.openapi(routes.importUnits, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'text/csv') {
      return c.json(errorBody('unsupported_media_type', 'Send the file as Content-Type: text/csv.', [{ path: '(body)', message: `expected text/csv, got ${type || 'none'}` }]), 415);
    }
    let csv: string;
    try {
      // Fatal decoding: a file saved in another encoding (GBK, Windows-1251) is named as such, not imported as mojibake.
      csv = new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer());
    } catch {
      const errors = [{ row: 1, line: 1, column: 'id', message: 'the file is not UTF-8 text: save it as "CSV UTF-8"' }];
      return c.json({ ...validationError([{ path: '(body)', message: errors[0]!.message }]), errors }, 400);
    }
    const dryRun = c.req.valid('query').dryRun;
    const result = await importUnits(csv, { dryRun: dryRun === '1' || dryRun === 'true' }, units);
    if (result.kind === 'conflict') return c.json(errorBody('conflict', result.message), 409);
    if (result.kind === 'invalid') {
      const issues = result.errors.map((e) => ({ path: `rows.${e.row}.${e.column}`, message: e.message }));
      const body = validationError(issues);
      const more = result.more ? `; ${result.more} more error(s) not listed` : '';
      body.error.message = `The file was not imported (nothing changed): ${body.error.message}${more}`;
      return c.json({ ...body, errors: result.errors }, 400);
    }
    const { kind: _kind, ...summary } = result;
    return c.json({ ...summary, errors: [] }, 200);
  });
}
