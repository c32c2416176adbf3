// What of the catalog the dashboard may offer (live and closed surveys, units not archived) and how far an empty
// start has come: pure, so it reads the same whatever shape of the API (older lists carry no status) answered.
import type { OrgUnit, Survey } from './api.ts';

/** The setup step the organisation is at, in order; null once there is something to show. */
export const SETUP_STAGES = ['organisation', 'units', 'survey'] as const;
export type SetupStage = (typeof SETUP_STAGES)[number];

export interface SetupFacts {
  /** Whether the organisation exists (false when the API said setup_required and GET /organisation had none). */
  organisation: boolean;
  /** Units that are not archived. */
  activeUnits: number;
  /** Surveys with responses to show: live or closed. */
  offeredSurveys: number;
}

export function setupStage(facts: SetupFacts): SetupStage | null {
  if (!facts.organisation) return 'organisation';
  if (facts.activeUnits === 0) return 'units';
  if (facts.offeredSurveys === 0) return 'survey';
  return null;
}

/** Live and closed surveys; a draft has no responses. A survey without `status` is from an API before versions: live. */
export function isOffered(survey: Pick<Survey, 'status'>): boolean {
  return survey.status === undefined || survey.status === 'live' || survey.status === 'closed';
}

export function offeredSurveys<S extends Pick<Survey, 'status'>>(surveys: readonly S[]): S[] {
  return surveys.filter(isOffered);
}

/** Ids of the drafts, for "drafts waiting to be published" (at most `limit`, so a long list stays one line). */
export function draftIds(surveys: readonly Pick<Survey, 'id' | 'status'>[], limit = 5): string[] {
  return surveys.filter((s) => s.status === 'draft').slice(0, limit).map((s) => s.id);
}

/**
 * Whether a unit is offered for a new selection (pickers, ranking rows, survey links): an archived one is not, except
 * the one the manager is already on, whose history stays readable until another unit is picked.
 */
export function isPickable(unit: Pick<OrgUnit, 'id' | 'archived'>, selectedId: string | null = null): boolean {
  return unit.archived !== true || unit.id === selectedId;
}
