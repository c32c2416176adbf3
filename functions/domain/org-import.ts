// The org tree as a whole: the CSV import (a linear RFC 4180 reader, row/column errors), the rules every stored tree
// keeps (one root, parents present and not archived, no cycles, bounded depth), and the diff an import would apply.
import { LOCALES, type Locale } from './survey.ts';
import { MAX_TREE_DEPTH, MAX_UNITS, OrgUnit, UNIT_KINDS, UnitId } from './org.ts';

/** Largest CSV file accepted: 20,000 units with three names each fit well inside it. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;
/** Most units one file may hold: the whole tree, so the tree's own bound. */
export const MAX_IMPORT_UNITS = MAX_UNITS;
/** Errors reported for one file; a file with more is reported with its first ones and a count of the rest. */
export const MAX_REPORTED_ERRORS = 100;

export const IMPORT_COLUMNS = ['id', 'parentId', 'kind', 'name_zh', 'name_en', 'name_ru'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
const nameColumn = (locale: Locale): Column => `name_${locale}`;

/**
 * One problem in a file. `row` is the spreadsheet row: the header is row 1 and every record after it is the next row,
 * blank ones included — so it is the row number a spreadsheet shows. `line` is the physical line of the file where
 * that row starts; the two differ only after a quoted cell that holds a line break.
 */
export interface ImportError {
  row: number;
  line: number;
  column: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// CSV reading

export interface CsvRecord {
  row: number;
  line: number;
  fields: string[];
}

/** On an error, `records` holds the records read before it (the header, for naming the column). */
export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; records: CsvRecord[]; error: { row: number; line: number; field: number; message: string } };

/**
 * Reads RFC 4180 CSV in one pass over the text: quoted cells may hold commas, doubled quotes and line breaks; lines end
 * with CRLF, LF or CR; a leading UTF-8 BOM and a final line break are ignored. A quote inside an unquoted cell, text
 * after a closing quote and an unclosed quote are errors (a spreadsheet never writes them; guessing would shift cells).
 * Blank lines are records with one empty cell; the caller skips them. Stops with an error past `maxRecords`.
 */
export function parseCsv(text: string, maxRecords: number = MAX_IMPORT_UNITS + 1): CsvResult {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let row = 1;
  let fields: string[] = [];
  let recordLine = 1;
  const fail = (message: string) => ({ ok: false as const, records, error: { row, line: recordLine, field: fields.length, message } });

  if (i >= n) return { ok: true, records };
  const separator = separatorOf(text, i);
  for (;;) {
    let value: string;
    if (text.charCodeAt(i) === 0x22 /* " */) {
      const startLine = line;
      i++;
      let parts = '';
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) return fail(`a quoted cell opened on line ${startLine} is never closed`);
        line += countLineBreaks(text, i, close);
        parts += text.slice(i, close);
        if (text.charCodeAt(close + 1) === 0x22) {
          parts += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      value = parts;
      const next = text.charCodeAt(i);
      if (i < n && next !== separator && next !== 0x0a && next !== 0x0d) return fail('text after a closing quote: quote the whole cell, and double any quote inside it');
    } else {
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === separator || c === 0x0a || c === 0x0d) break;
        if (c === 0x22) return fail('a quote inside an unquoted cell: quote the whole cell, and double any quote inside it');
        i++;
      }
      value = text.slice(start, i);
    }
    fields.push(value);

    const c = i < n ? text.charCodeAt(i) : -1;
    if (c === separator) {
      i++;
      continue;
    }
    // End of the record: a line break or the end of the text.
    records.push({ row, line: recordLine, fields });
    if (records.length > maxRecords) return { ok: false, records, error: { row, line: recordLine, field: 0, message: `more than ${maxRecords - 1} rows after the header` } };
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i += 2;
    else if (c >= 0) i++;
    if (c >= 0) line++;
    if (i >= n) break;
    fields = [];
    row++;
    recordLine = line;
  }
  return { ok: true, records };
}

/**
 * The cell separator, read off the header line: a comma, unless the header has none but semicolons (what Excel writes
 * where the decimal mark is a comma, as in Russian) or tabs (cells pasted from a spreadsheet).
 */
function separatorOf(text: string, from: number): number {
  let semicolons = 0;
  let tabs = 0;
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x0a || c === 0x0d || c === 0x22) break; // the header's end (or a quoted header cell: keep it simple)
    if (c === 0x2c) return 0x2c;
    if (c === 0x3b) semicolons++;
    else if (c === 0x09) tabs++;
  }
  return semicolons > 0 ? 0x3b : tabs > 0 ? 0x09 : 0x2c;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x0a) count++;
    else if (c === 0x0d && text.charCodeAt(j + 1) !== 0x0a) count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------------------------------
// The rules of a whole tree

export interface TreeProblem<At> {
  at: At;
  field: 'id' | 'parentId';
  message: string;
}

/**
 * Checks a whole tree in linear time: unique ids, exactly one unit without a parent, every parent present, no active
 * unit under an archived one, no cycles, active units at most MAX_TREE_DEPTH levels deep. `at` says where each unit
 * came from (a CSV row, a unit id) and `where` names it in messages.
 */
export function checkTree<At>(entries: readonly { unit: OrgUnit; at: At }[], where: (at: At) => string): TreeProblem<At>[] {
  const problems: TreeProblem<At>[] = [];
  const byId = new Map<string, { unit: OrgUnit; at: At }>();
  for (const entry of entries) {
    const first = byId.get(entry.unit.id);
    if (first) problems.push({ at: entry.at, field: 'id', message: `"${entry.unit.id}" is used twice: ${where(first.at)} has it already` });
    else byId.set(entry.unit.id, entry);
  }

  const roots = [...byId.values()].filter((e) => e.unit.parentId === null);
  if (roots.length === 0 && byId.size > 0) {
    const first = entries[0]!;
    problems.push({ at: first.at, field: 'parentId', message: 'no root: exactly one unit must have an empty parentId (the top of the tree)' });
  }
  for (const extra of roots.slice(1)) {
    problems.push({ at: extra.at, field: 'parentId', message: `a second root: ${where(roots[0]!.at)} ("${roots[0]!.unit.id}") already has an empty parentId, and the tree has one top` });
  }
  for (const entry of byId.values()) {
    const { unit } = entry;
    if (unit.parentId === null) continue;
    if (unit.parentId === unit.id) {
      problems.push({ at: entry.at, field: 'parentId', message: `"${unit.id}" cannot be its own parent` });
      continue;
    }
    const parent = byId.get(unit.parentId);
    if (!parent) problems.push({ at: entry.at, field: 'parentId', message: `no unit "${unit.parentId}" in the tree` });
    else if (parent.unit.archived && !unit.archived) problems.push({ at: entry.at, field: 'parentId', message: `the parent "${unit.parentId}" is archived` });
  }

  // Walk down from the root: what it does not reach sits in a cycle or below one (every parent exists by now).
  const children = new Map<string, string[]>();
  for (const { unit } of byId.values()) {
    if (unit.parentId === null || unit.parentId === unit.id || !byId.has(unit.parentId)) continue;
    const list = children.get(unit.parentId);
    if (list) list.push(unit.id);
    else children.set(unit.parentId, [unit.id]);
  }
  const level = new Map<string, number>();
  const root = roots[0];
  if (root) {
    level.set(root.unit.id, 1);
    const queue = [root.unit.id];
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head]!;
      const depth = level.get(id)!;
      for (const child of children.get(id) ?? []) {
        if (level.has(child)) continue;
        level.set(child, depth + 1);
        queue.push(child);
        const entry = byId.get(child)!;
        // Reported once per branch, at the first unit too deep.
        if (depth === MAX_TREE_DEPTH && !entry.unit.archived) {
          problems.push({ at: entry.at, field: 'parentId', message: `"${child}" would be at level ${depth + 1}; a tree has at most ${MAX_TREE_DEPTH} levels` });
        }
      }
    }
  }
  // Units not reached: follow parents with a three-state mark, so each unit is visited once.
  const state = new Map<string, 'walking' | 'done'>();
  for (const start of byId.values()) {
    if (level.has(start.unit.id) || state.has(start.unit.id)) continue;
    const path: string[] = [];
    let id: string | null = start.unit.id;
    while (id !== null && byId.has(id) && !level.has(id) && !state.has(id)) {
      state.set(id, 'walking');
      path.push(id);
      id = byId.get(id)!.unit.parentId;
    }
    if (id !== null && state.get(id) === 'walking') {
      const cycle = path.slice(path.indexOf(id));
      const ring = [...cycle, id].join(' → ');
      for (const member of cycle) {
        if (byId.get(member)!.unit.parentId === member) continue; // reported above as its own parent
        problems.push({ at: byId.get(member)!.at, field: 'parentId', message: `"${member}" is in a cycle: ${ring}` });
      }
    }
    for (const walked of path) state.set(walked, 'done');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------------
// The import: file → rows → whole tree → diff against the current tree

export interface ImportDiff {
  /** Units new to the tree. */
  added: number;
  /** Units whose name (in a language the file has a column for) or kind changed. */
  renamed: number;
  /** Units under a new parent. */
  moved: number;
  /** Active units absent from the file, archived by the import. */
  archived: number;
  /** Archived units the file brings back. */
  restored: number;
}

export type ImportPlan = { ok: true; units: OrgUnit[]; diff: ImportDiff; movedIds: string[] } | { ok: false; errors: ImportError[]; more: number };

/**
 * Plans an import: reads the file, checks every row and the tree it describes, and merges it with the current tree —
 * the file is the whole tree, so active units it leaves out are archived (kept with their history, never deleted).
 * Names in languages the file has no column for are kept. The root cannot change: it is where every roll-up ends.
 */
export function planImport(csv: string, options: { locales: readonly Locale[]; current: readonly OrgUnit[] }): ImportPlan {
  const errors: ImportError[] = [];
  const report = (error: ImportError) => {
    errors.push(error);
  };
  const done = (): ImportPlan => {
    errors.sort((a, b) => a.row - b.row); // stable: a row's problems stay in column order
    return { ok: false, errors: errors.slice(0, MAX_REPORTED_ERRORS), more: Math.max(0, errors.length - MAX_REPORTED_ERRORS) };
  };

  const parsed = parseCsv(csv);
  if (!parsed.ok) {
    const { row, line, field, message } = parsed.error;
    // Name the column from the header when the error is past it.
    const header = row > 1 ? parsed.records[0]?.fields : undefined;
    report({ row, line, column: header?.[field]?.trim() || `column ${field + 1}`, message });
    return done();
  }
  const [headerRecord, ...rows] = parsed.records;
  if (!headerRecord || (headerRecord.fields.length === 1 && headerRecord.fields[0]!.trim() === '')) {
    report({ row: 1, line: 1, column: 'id', message: `the file is empty: the first row must be the header ${IMPORT_COLUMNS.join(',')}` });
    return done();
  }

  // The header: known columns, each once; id, parentId, kind and a name for every enabled locale required.
  const header = headerRecord.fields.map((f) => f.trim());
  const position = new Map<Column, number>();
  header.forEach((name, index) => {
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      report({ row: 1, line: 1, column: name || `column ${index + 1}`, message: `unknown column "${name}": the columns are ${IMPORT_COLUMNS.join(', ')}` });
    } else if (position.has(name as Column)) {
      report({ row: 1, line: 1, column: name, message: `the column "${name}" appears twice` });
    } else position.set(name as Column, index);
  });
  const required: Column[] = ['id', 'parentId', 'kind', ...options.locales.map(nameColumn)];
  for (const column of required) {
    if (position.has(column)) continue;
    const why = column.startsWith('name_') ? ` (${column.slice(5)} is one of the organisation's languages)` : '';
    report({ row: 1, line: 1, column, message: `missing column "${column}"${why}` });
  }
  if (errors.length) return done();
  const nameLocales = LOCALES.filter((l) => position.has(nameColumn(l)));

  // Each row on its own.
  const entries: { unit: OrgUnit; at: CsvRecord }[] = [];
  // Rows with problems of their own still take part in the tree checks under their id, so one pass reports a bad kind
  // on one row and a missing parent or a repeated id on another (a parent named by a bad row is not "missing").
  const standIns: { unit: OrgUnit; at: CsvRecord }[] = [];
  for (const record of rows) {
    if (record.fields.length === 1 && record.fields[0]!.trim() === '' && header.length > 1) continue; // a blank line
    // One error per cell: the first reason is the one to fix.
    const reported = new Set<string>();
    const at = (column: string, message: string) => {
      if (reported.has(column)) return;
      reported.add(column);
      report({ row: record.row, line: record.line, column, message });
    };
    if (record.fields.length !== header.length) {
      const missing = header[record.fields.length];
      if (record.fields.length < header.length) at(missing ?? 'id', `the row has ${record.fields.length} cells and the header ${header.length}: "${missing}" and any after it are missing`);
      else at(`column ${header.length + 1}`, `the row has ${record.fields.length} cells and the header ${header.length}: a comma inside a name needs the name in quotes`);
      continue;
    }
    const cell = (column: Column) => record.fields[position.get(column)!]!.trim();
    const name: Partial<Record<Locale, string>> = {};
    for (const locale of nameLocales) {
      const value = cell(nameColumn(locale));
      if (value) name[locale] = value;
    }
    const kind = cell('kind');
    const candidate = { id: cell('id'), parentId: cell('parentId') || null, kind, name };
    let bad = false;
    if (!(UNIT_KINDS as readonly string[]).includes(kind)) {
      at('kind', kind ? `"${kind}" is not a unit kind: use one of ${UNIT_KINDS.join(', ')}` : `the kind is required: one of ${UNIT_KINDS.join(', ')}`);
      bad = true;
    }
    const result = OrgUnit.safeParse(candidate);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const [field, locale] = issue.path;
        if (field === 'kind') continue; // reported above in the file's words
        const column = field === 'name' && typeof locale === 'string' ? `name_${locale}` : String(field ?? 'id');
        at(column, column === 'id' && !candidate.id ? 'the id is required' : issue.message);
      }
      bad = true;
    }
    for (const locale of options.locales) {
      if (!name[locale]) {
        at(nameColumn(locale), `the name in "${locale}" is required: "${locale}" is one of the organisation's languages`);
        bad = true;
      }
    }
    if (!bad && result.success) entries.push({ unit: result.data, at: record });
    else if (UnitId.safeParse(candidate.id).success) {
      const parentId = UnitId.safeParse(candidate.parentId).success ? candidate.parentId : null;
      standIns.push({ unit: { id: candidate.id, parentId, kind: 'store', name: {} }, at: record });
    }
  }
  if (rows.length === 0) report({ row: 2, line: 2, column: 'id', message: 'no units: the file has a header and nothing under it' });
  const rowErrors = new Set(errors.map((e) => `${e.row}\u0000${e.column}`));
  const inFileOrder = [...entries, ...standIns].sort((a, b) => a.at.row - b.at.row);
  for (const problem of checkTree(inFileOrder, (r) => `row ${r.row}`)) {
    // A cell already reported on its own keeps its first reason.
    if (rowErrors.has(`${problem.at.row}\u0000${problem.field}`)) continue;
    report({ row: problem.at.row, line: problem.at.line, column: problem.field, message: problem.message });
  }
  const current = new Map(options.current.map((u) => [u.id, u]));
  const currentRoot = options.current.find((u) => u.parentId === null && !u.archived);
  const fileRoot = entries.find((e) => e.unit.parentId === null);
  if (!errors.length && currentRoot && fileRoot && fileRoot.unit.id !== currentRoot.id) {
    report({
      row: fileRoot.at.row,
      line: fileRoot.at.line,
      column: 'parentId',
      message: `the root must stay "${currentRoot.id}": every roll-up ends there. Put "${currentRoot.id}" in the file with an empty parentId (and "${fileRoot.unit.id}" under it, if it is a unit)`,
    });
  }
  if (errors.length) return done();

  // The diff, and the tree it leads to: the file's units in file order, then the units it leaves out, archived.
  const diff: ImportDiff = { added: 0, renamed: 0, moved: 0, archived: 0, restored: 0 };
  const movedIds: string[] = [];
  const units: OrgUnit[] = [];
  const inFile = new Set<string>();
  for (const { unit } of entries) {
    inFile.add(unit.id);
    const before = current.get(unit.id);
    if (!before) {
      diff.added++;
      units.push(unit);
      continue;
    }
    const name = { ...before.name };
    for (const locale of nameLocales) {
      if (unit.name[locale] === undefined) delete name[locale];
      else name[locale] = unit.name[locale];
    }
    const next: OrgUnit = { id: unit.id, parentId: unit.parentId, kind: unit.kind, name };
    if (before.archived) diff.restored++;
    if (before.kind !== next.kind || !sameName(before.name, next.name)) diff.renamed++;
    if (before.parentId !== next.parentId) {
      diff.moved++;
      movedIds.push(unit.id);
    }
    units.push(next);
  }
  for (const unit of options.current) {
    if (inFile.has(unit.id)) continue;
    if (!unit.archived) diff.archived++;
    units.push({ ...unit, archived: true });
  }
  return { ok: true, units, diff, movedIds };
}

export function sameName(a: OrgUnit['name'], b: OrgUnit['name']): boolean {
  return LOCALES.every((l) => a[l] === b[l]);
}
