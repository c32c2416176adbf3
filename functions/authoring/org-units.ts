// Changing the org tree: one unit at a time (create, rename, move, archive) or the whole tree from a CSV file, every
// change checked against the whole resulting tree and written as one atomic replace of the tree's snapshot.
import { z } from 'zod';
import type { FieldIssue } from '../domain/answers.ts';
import { checkTree, MAX_IMPORT_BYTES, planImport, sameName, type ImportDiff, type ImportError } from '../domain/org-import.ts';
import { MAX_UNITS, OrgUnit, UNIT_KINDS, UnitId, type Organisation } from '../domain/org.ts';
import { SetupRequiredError, type CatalogStore } from '../ports.ts';
import { issuesOf } from './organisation.ts';

export interface OrgUnitsDeps {
  catalog: Pick<CatalogStore, 'organisation' | 'unitTree' | 'replaceUnitTree'>;
  /**
   * Whether responses were ever counted under the unit (below it included, since counts roll up): a move then needs a
   * rebuild of the aggregates, because roll-ups are written when a response is counted.
   */
  hasHistory(unitId: string): Promise<boolean>;
}

/** The body of PUT /api/v1/org/units/:id. */
export const UnitInput = z.strictObject({ parentId: UnitId.nullable(), kind: z.enum(UNIT_KINDS), name: OrgUnit.shape.name });
export type UnitInput = z.infer<typeof UnitInput>;

/** Lost races on the tree's pointer retried (re-read, re-check, re-write) before answering 409. */
const MAX_ATTEMPTS = 4;
/** Moved units whose history an import looks up; with more moved, it says a rebuild is needed without looking. */
const MAX_HISTORY_LOOKUPS = 25;

export const REBUILD_HINT = 'Past responses still roll up under the old parent until the aggregates are rebuilt: POST /api/v1/admin/rebuilds. New responses roll up under the new parent already.';

export type SaveUnitResult =
  | { kind: 'saved'; unit: OrgUnit; created: boolean; renamed: boolean; moved: boolean; restored: boolean; rebuildRequired: boolean; message?: string }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'conflict'; message: string; issues: FieldIssue[] };

export type ArchiveUnitResult =
  | { kind: 'archived'; unit: OrgUnit; alreadyArchived: boolean }
  | { kind: 'not_found' }
  | { kind: 'conflict'; message: string; issues: FieldIssue[] };

export type ImportResult =
  | ({ kind: 'imported'; dryRun: boolean; rebuildRequired: boolean; message?: string } & ImportDiff)
  | { kind: 'invalid'; errors: ImportError[]; more: number }
  | { kind: 'conflict'; message: string };

const lostRace = (what: string) => `The org tree kept changing while ${what}; reload it and try again.`;

async function organisationOf(deps: OrgUnitsDeps): Promise<Organisation> {
  const organisation = await deps.catalog.organisation();
  if (!organisation) throw new SetupRequiredError('The organisation is not set up yet: PUT /api/v1/organisation first (its languages decide which unit names are required), then the units.');
  return organisation;
}

/**
 * Creates, renames, moves or restores one unit (a PUT: the unit becomes exactly what the body says, and not archived).
 * Refused with the field named when the resulting tree breaks a rule (second root, missing or archived parent, a
 * cycle, too deep) or a name is missing for an enabled language.
 */
export async function saveUnit(id: string, input: unknown, deps: OrgUnitsDeps): Promise<SaveUnitResult> {
  const parsed = UnitInput.safeParse(input);
  const idCheck = UnitId.safeParse(id);
  if (!idCheck.success) return { kind: 'invalid', issues: issuesOf(idCheck.error, ['id']) };
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const organisation = await organisationOf(deps);
  const missing = organisation.locales.filter((l) => !parsed.data.name[l]);
  if (missing.length) return { kind: 'invalid', issues: missing.map((l) => ({ path: `name.${l}`, message: `the name in "${l}" is required: "${l}" is one of the organisation's languages` })) };

  for (let attempt = 1; ; attempt++) {
    const tree = await deps.catalog.unitTree();
    const index = tree.units.findIndex((u) => u.id === id);
    const before = index >= 0 ? tree.units[index] : undefined;
    const unit: OrgUnit = { id, ...parsed.data };
    if (!before && tree.units.length >= MAX_UNITS) return { kind: 'invalid', issues: [{ path: 'id', message: `the tree already has ${MAX_UNITS} units, the most it may hold` }] };
    const units = before ? tree.units.map((u, i) => (i === index ? unit : u)) : [...tree.units, unit];
    const problems = checkTree(units.map((u) => ({ unit: u, at: u.id })), (at) => `unit "${at}"`);
    if (problems.length) {
      return { kind: 'invalid', issues: problems.map((p) => ({ path: p.at === id ? p.field : `units.${p.at}.${p.field}`, message: p.message })) };
    }
    const moved = before !== undefined && before.parentId !== unit.parentId;
    const renamed = before !== undefined && (before.kind !== unit.kind || !sameName(before.name, unit.name));
    const restored = before?.archived === true;
    const unchanged = before !== undefined && !moved && !renamed && !restored;
    // A PUT that changes nothing writes nothing: no new snapshot, no stamp raised, every cache stays warm.
    if (!unchanged && !(await deps.catalog.replaceUnitTree(units, tree.revision))) {
      if (attempt >= MAX_ATTEMPTS) return { kind: 'conflict', message: lostRace(`unit "${id}" was being saved`), issues: [] };
      continue;
    }
    const rebuildRequired = moved && (await deps.hasHistory(id));
    return {
      kind: 'saved',
      unit,
      created: before === undefined,
      renamed,
      moved,
      restored,
      rebuildRequired,
      ...(rebuildRequired ? { message: `"${id}" moved from "${before!.parentId}" to "${unit.parentId}". ${REBUILD_HINT}` } : {}),
    };
  }
}

/**
 * Archives a unit: it leaves pickers and new links, its history and counters stay. Refused for the root and for a unit
 * with units under it that are not archived (archive or move those first): archiving never cascades silently.
 * Archiving an archived unit is a success that changes nothing, so a retried request is harmless.
 */
export async function archiveUnit(id: string, deps: OrgUnitsDeps): Promise<ArchiveUnitResult> {
  for (let attempt = 1; ; attempt++) {
    const tree = await deps.catalog.unitTree();
    const unit = tree.units.find((u) => u.id === id);
    if (!unit) return { kind: 'not_found' };
    if (unit.archived) return { kind: 'archived', unit, alreadyArchived: true };
    if (unit.parentId === null) return { kind: 'conflict', message: `"${id}" is the root of the tree and cannot be archived: every roll-up ends there.`, issues: [{ path: 'id', message: 'the root' }] };
    const active = tree.units.filter((u) => u.parentId === id && !u.archived);
    if (active.length) {
      const named = active.slice(0, 10).map((u) => `"${u.id}"`).join(', ');
      return {
        kind: 'conflict',
        message: `"${id}" has ${active.length} unit(s) under it that are not archived (${named}${active.length > 10 ? ', …' : ''}): archive or move them first.`,
        issues: active.slice(0, 10).map((u) => ({ path: `children.${u.id}`, message: 'not archived' })),
      };
    }
    const archived: OrgUnit = { ...unit, archived: true };
    if (await deps.catalog.replaceUnitTree(tree.units.map((u) => (u.id === id ? archived : u)), tree.revision)) return { kind: 'archived', unit: archived, alreadyArchived: false };
    if (attempt >= MAX_ATTEMPTS) return { kind: 'conflict', message: lostRace(`unit "${id}" was being archived`), issues: [] };
  }
}

/**
 * Imports the whole tree from CSV (see planImport for the file's rules), all or nothing: a file with any error
 * changes nothing and every error names its row and column. With `dryRun` it only says what it would change.
 */
export async function importUnits(csv: string, options: { dryRun: boolean }, deps: OrgUnitsDeps): Promise<ImportResult> {
  if (csv.length > MAX_IMPORT_BYTES) return { kind: 'invalid', errors: [{ row: 1, line: 1, column: 'id', message: `the file is larger than ${MAX_IMPORT_BYTES} bytes` }], more: 0 };
  const organisation = await organisationOf(deps);
  for (let attempt = 1; ; attempt++) {
    const tree = await deps.catalog.unitTree();
    const plan = planImport(csv, { locales: organisation.locales, current: tree.units });
    if (!plan.ok) return { kind: 'invalid', errors: plan.errors, more: plan.more };
    const { diff } = plan;
    const changed = diff.added + diff.renamed + diff.moved + diff.archived + diff.restored > 0;
    if (!options.dryRun && changed && !(await deps.catalog.replaceUnitTree(plan.units, tree.revision))) {
      if (attempt >= MAX_ATTEMPTS) return { kind: 'conflict', message: lostRace('the file was being imported') };
      continue;
    }
    const rebuildRequired = await anyHistory(plan.movedIds, deps);
    const verb = options.dryRun ? 'would move' : 'moved';
    return {
      kind: 'imported',
      dryRun: options.dryRun,
      ...diff,
      rebuildRequired,
      ...(rebuildRequired ? { message: `The import ${verb} ${diff.moved} unit(s) with history. ${REBUILD_HINT}` } : {}),
    };
  }
}

async function anyHistory(ids: readonly string[], deps: OrgUnitsDeps): Promise<boolean> {
  if (ids.length === 0) return false;
  if (ids.length > MAX_HISTORY_LOOKUPS) return true;
  return (await Promise.all(ids.map((id) => deps.hasHistory(id)))).some(Boolean);
}
