// Use case: accept one respondent's answers — validate against the survey version they saw, then store once (one
// response per link). A closed or out-of-schedule survey takes none.
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { checkAnswers, type FieldIssue } from '../domain/answers.ts';
import { OrgTree } from '../domain/org.ts';
import type { Locale, SurveyState, SurveyVersion } from '../domain/survey.ts';
import { rootUnitOrSetup, type CatalogStore, type Clock, type ResponseStore, type StoredResponse } from '../ports.ts';

export interface CaptureInput {
  surveyId: string;
  unitId?: string | undefined;
  touchpoint?: string | undefined;
  locale?: Locale | undefined;
  /** The personal link token; a second submission with it is refused. */
  token?: string | undefined;
  answers: Record<string, unknown>;
  channel: StoredResponse['channel'];
  respondent?: StoredResponse['respondent'] | undefined;
  /** The version the respondent's page showed; absent: the live one. */
  surveyVersion?: number | undefined;
}

/** How long after a publish a page opened on the version before may still be submitted against it. */
export const OLDER_VERSION_GRACE_MS = 24 * 60 * 60 * 1000;

export type CaptureResult =
  | { kind: 'created'; id: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'invalid'; issues: FieldIssue[] }
  /** Closed, not open yet, or past its closing time: no answers taken (API 409 survey_closed, a page on the form). */
  | { kind: 'closed'; surveyId: string; reason: 'closed' | 'notYetOpen' | 'ended' };

export interface CaptureDeps {
  catalog: CatalogStore;
  responses: ResponseStore;
  clock: Clock;
}

export async function captureResponse(input: CaptureInput, deps: CaptureDeps): Promise<CaptureResult> {
  const catalog = await deps.catalog.load();
  const live = catalog.surveys.find((s) => s.id === input.surveyId);
  const state = Object.hasOwn(catalog.surveyStates, input.surveyId) ? catalog.surveyStates[input.surveyId] : undefined;
  if (!live || !state) return { kind: 'invalid', issues: [{ path: 'surveyId', message: `unknown survey "${input.surveyId}"` }] };
  const now = deps.clock.now();
  const closed = closedReason(state, now);
  if (closed) return { kind: 'closed', surveyId: live.id, reason: closed };
  const chosen = await chooseVersion(live, state, input.surveyVersion, now, deps.catalog);
  if ('issue' in chosen) return { kind: 'invalid', issues: [chosen.issue] };
  const survey = chosen.survey;

  const org = new OrgTree(catalog.units);
  const issues: FieldIssue[] = [];
  const unitId = input.unitId ?? rootUnitOrSetup(org).id;
  if (!unitId || !org.get(unitId)) issues.push({ path: 'unitId', message: `unknown org unit "${input.unitId ?? ''}"` });
  const locale = input.locale ?? survey.defaultLocale;
  if (!survey.locales.includes(locale)) issues.push({ path: 'locale', message: `survey "${survey.id}" is offered in ${survey.locales.join(', ')}` });
  // The display logic reads who answers where; the API is told about answers to hidden questions, the form drops them.
  const context = { touchpoint: input.touchpoint, unitLineage: unitId ? org.lineage(unitId).map((u) => u.id) : [], locale };
  const checked = checkAnswers(survey, input.answers, { context, hidden: input.channel === 'api' ? 'refuse' : 'drop' });
  if (!checked.ok) issues.push(...checked.issues);
  if (issues.length || !checked.ok || !unitId) return { kind: 'invalid', issues };

  const response: StoredResponse = {
    id: input.token ? responseIdForToken(input.token) : ulid(),
    surveyId: survey.id,
    surveyVersion: survey.version,
    unitId,
    ...(input.touchpoint ? { touchpoint: input.touchpoint } : {}),
    ...(input.respondent && Object.keys(input.respondent).length ? { respondent: input.respondent } : {}),
    locale,
    channel: input.channel,
    personal: Boolean(input.token),
    answers: checked.answers,
    submittedAt: now.toISOString(),
  };
  // Marked before the first response is stored, so a delete can never remove a survey that has one.
  if (!state.hasResponses && !(await deps.catalog.surveyAuthoring.markResponded(survey.id)))
    return { kind: 'invalid', issues: [{ path: 'surveyId', message: `unknown survey "${input.surveyId}"` }] };
  const stored = await deps.responses.putIfAbsent(response);
  return stored.created ? { kind: 'created', id: response.id } : { kind: 'duplicate', id: stored.existingId };
}

/** Why a survey takes no answers at `now`, or null when it does. */
export function closedReason(state: Pick<SurveyState, 'status' | 'opensAt' | 'closesAt'>, now: Date): 'closed' | 'notYetOpen' | 'ended' | null {
  if (state.status !== 'live') return 'closed';
  if (state.opensAt && now.getTime() < Date.parse(state.opensAt)) return 'notYetOpen';
  if (state.closesAt && now.getTime() >= Date.parse(state.closesAt)) return 'ended';
  return null;
}

/**
 * The version the answers are checked against: the live one, or the older one the respondent's page showed while the
 * live one is less than a day old (that page was opened before the publish).
 */
async function chooseVersion(
  live: SurveyVersion,
  state: SurveyState,
  requested: number | undefined,
  now: Date,
  catalog: CatalogStore,
): Promise<{ survey: SurveyVersion } | { issue: FieldIssue }> {
  if (requested === undefined || requested === live.version) return { survey: live };
  const issue = (message: string) => ({ issue: { path: 'surveyVersion', message } });
  // Versions below firstVersion belong to a deleted survey that had this id: not answers to this one.
  if (requested > live.version || requested < (state.firstVersion ?? 1)) return issue(`survey "${live.id}" has no version ${requested}; the live version is ${live.version}`);
  const publishedAt = state.publishedAt ? Date.parse(state.publishedAt) : Number.NaN;
  if (!(now.getTime() - publishedAt < OLDER_VERSION_GRACE_MS))
    return issue(`version ${requested} of survey "${live.id}" was replaced by version ${live.version} more than 24 hours ago; reload the survey and answer it again`);
  const older = await catalog.surveyVersion(live.id, requested);
  return older ? { survey: older } : issue(`survey "${live.id}" has no version ${requested}; the live version is ${live.version}`);
}

/** A personal link's response id is derived from its token, so the link can only ever create one response. */
export function responseIdForToken(token: string): string {
  return `t_${createHash('sha256').update(token).digest('base64url').slice(0, 32)}`;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const TOKEN_RESPONSE_ID = /^t_[A-Za-z0-9_-]{32}$/;

/** True for an id this system gives responses (a ULID, or a personal link's derived id), checked before any store call. */
export function isResponseId(value: string): boolean {
  return value.length <= 64 && (ULID.test(value) || TOKEN_RESPONSE_ID.test(value));
}
