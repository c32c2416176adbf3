// Use case: accept one respondent's answers — validate against the survey, then store once (one response per link).
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { checkAnswers, type FieldIssue } from '../domain/answers.ts';
import { OrgTree } from '../domain/org.ts';
import type { Locale } from '../domain/survey.ts';
import type { CatalogStore, Clock, ResponseStore, StoredResponse } from '../ports.ts';

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
}

export type CaptureResult =
  | { kind: 'created'; id: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'invalid'; issues: FieldIssue[] };

export interface CaptureDeps {
  catalog: CatalogStore;
  responses: ResponseStore;
  clock: Clock;
}

export async function captureResponse(input: CaptureInput, deps: CaptureDeps): Promise<CaptureResult> {
  const catalog = await deps.catalog.load();
  const survey = catalog.surveys.find((s) => s.id === input.surveyId);
  if (!survey) return { kind: 'invalid', issues: [{ path: 'surveyId', message: `unknown survey "${input.surveyId}"` }] };

  const org = new OrgTree(catalog.units);
  const issues: FieldIssue[] = [];
  const unitId = input.unitId ?? org.root()?.id;
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
    unitId,
    ...(input.touchpoint ? { touchpoint: input.touchpoint } : {}),
    ...(input.respondent && Object.keys(input.respondent).length ? { respondent: input.respondent } : {}),
    locale,
    channel: input.channel,
    personal: Boolean(input.token),
    answers: checked.answers,
    submittedAt: deps.clock.now().toISOString(),
  };
  const stored = await deps.responses.putIfAbsent(response);
  return stored.created ? { kind: 'created', id: response.id } : { kind: 'duplicate', id: stored.existingId };
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
