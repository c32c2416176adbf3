// Authoring the closed loop's configuration: alert rules (checked against the surveys and the org tree they name) and
// the managers who hear about each unit. Saved through the catalog, so the very next response sees them.
import type { FieldIssue } from '../domain/answers.ts';
import { AlertRule, checkRule } from '../domain/alert-rules.ts';
import { OrgTree } from '../domain/org.ts';
import type { Manager } from '../domain/tickets.ts';
import type { CatalogStore } from '../ports.ts';

export interface LoopAuthoringDeps {
  catalog: Pick<CatalogStore, 'load' | 'putRule' | 'putManagers'>;
}

export type SaveRuleResult = { kind: 'saved'; rule: AlertRule } | { kind: 'invalid'; issues: FieldIssue[] };

/** Saves one rule under `id` (a PUT: the whole rule), refusing one that names unknown surveys, questions or units. */
export async function saveRule(id: string, input: unknown, deps: LoopAuthoringDeps): Promise<SaveRuleResult> {
  const parsed = AlertRule.safeParse({ ...(typeof input === 'object' && input !== null ? input : {}), id });
  if (!parsed.success) return { kind: 'invalid', issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const catalog = await deps.catalog.load();
  const issues = checkRule(parsed.data, catalog.surveys, new OrgTree(catalog.units));
  if (issues.length) return { kind: 'invalid', issues };
  await deps.catalog.putRule(parsed.data);
  return { kind: 'saved', rule: parsed.data };
}

/** Replaces a unit's managers; `unknown_unit` when no such unit exists. */
export async function saveManagers(unitId: string, managers: Manager[], deps: LoopAuthoringDeps): Promise<{ kind: 'saved' } | { kind: 'unknown_unit' }> {
  const catalog = await deps.catalog.load();
  if (!catalog.units.some((u) => u.id === unitId)) return { kind: 'unknown_unit' };
  await deps.catalog.putManagers(unitId, managers);
  return { kind: 'saved' };
}
