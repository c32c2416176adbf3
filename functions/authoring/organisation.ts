// Setting up the organisation: reading and saving its settings (names, time zone, languages, review link, brand).
import type { z } from 'zod';
import type { FieldIssue } from '../domain/answers.ts';
import { Organisation, OrganisationInput } from '../domain/org.ts';
import { SetupRequiredError, type CatalogStore } from '../ports.ts';

export interface OrganisationDeps {
  catalog: Pick<CatalogStore, 'organisation' | 'putOrganisation'>;
}

export type SaveOrganisationResult = { kind: 'saved'; organisation: Organisation; created: boolean } | { kind: 'invalid'; issues: FieldIssue[] };

/** The settings; throws SetupRequiredError on an empty catalog (the API's 409 setup_required). */
export async function readOrganisation(deps: { catalog: Pick<CatalogStore, 'organisation'> }): Promise<Organisation> {
  const organisation = await deps.catalog.organisation();
  if (!organisation) throw new SetupRequiredError('The organisation is not set up yet: PUT /api/v1/organisation with its name, time zone and languages first.');
  return organisation;
}

/**
 * Saves the full settings (a PUT: what is left out goes). Works on an empty catalog — this is how setup begins — and
 * every function sees the change on its next request, because the write raises the catalog version stamp.
 */
export async function saveOrganisation(input: unknown, deps: OrganisationDeps): Promise<SaveOrganisationResult> {
  const parsed = OrganisationInput.safeParse(input);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  // Time zones are matched case-insensitively by Intl; store the canonical spelling ("europe/london" → "Europe/London").
  const organisation = { ...parsed.data, timeZone: new Intl.DateTimeFormat('en', { timeZone: parsed.data.timeZone }).resolvedOptions().timeZone };
  const before = await deps.catalog.organisation();
  await deps.catalog.putOrganisation(organisation);
  return { kind: 'saved', organisation, created: before === undefined };
}

export function issuesOf(error: z.ZodError, prefix: readonly string[] = []): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') return { path: [...path, ...issue.keys].join('.'), message: `unknown field(s): ${issue.keys.join(', ')}` };
    return { path: path.join('.'), message: issue.message };
  });
}
