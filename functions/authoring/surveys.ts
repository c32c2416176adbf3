// Use cases of the survey lifecycle: create (from a template or our JSON), save the draft, publish immutable versions
// that stay compatible with the earlier ones, close, reopen, schedule and delete — through the survey store by key.
import type { FieldIssue } from '../domain/answers.ts';
import { Survey, type Locale, type SurveyState, type SurveyVersion } from '../domain/survey.ts';
import { versionIssues } from '../domain/survey-compat.ts';
import type { SurveyTemplate } from '../domain/templates/index.ts';
import { MAX_SURVEY_VERSIONS, type Clock, type PublishedVersion, type StoredSurveyState, type SurveyStore } from '../ports.ts';

export interface SurveyAuthoringDeps {
  surveys: SurveyStore;
  clock: Clock;
  templates: readonly SurveyTemplate[];
}

export type AuthoringResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'not_found'; message: string }
  | { kind: 'conflict'; message: string };

const ok = <T>(value: T): AuthoringResult<T> => ({ kind: 'ok', value });
const invalid = (issues: FieldIssue[]): AuthoringResult<never> => ({ kind: 'invalid', issues });
const notFound = (id: string): AuthoringResult<never> => ({ kind: 'not_found', message: `No survey "${id}".` });
const conflict = (message: string): AuthoringResult<never> => ({ kind: 'conflict', message });
const raced = (id: string) => conflict(`Survey "${id}" was changed by someone else meanwhile; read it again and retry.`);

/** A changed state is retried this many times when another writer moved it in between (then: 409). */
const STATE_WRITE_ATTEMPTS = 3;

/** The definition an author sends, as field issues under `prefix` when it does not meet the Survey schema. */
function parseDefinition(raw: unknown, prefix: string): AuthoringResult<Survey> {
  const parsed = Survey.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  return invalid(
    parsed.error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  );
}

export type CreateSurveyInput =
  | {
      id: string;
      templateId: string;
      definition?: undefined;
      /** The organisation's languages: a template (written in all three) is offered in those it shares with them. */
      languages?: { locales: readonly Locale[]; defaultLocale: Locale } | undefined;
    }
  | { id: string; definition: unknown; templateId?: undefined };

/** A template's languages narrowed to the organisation's; unchanged when they share none. */
export function inLanguagesOf<S extends { locales: Locale[]; defaultLocale: Locale }>(survey: S, languages: { locales: readonly Locale[]; defaultLocale: Locale } | undefined): S {
  if (!languages) return survey;
  const locales = survey.locales.filter((l) => languages.locales.includes(l));
  if (locales.length === 0) return survey;
  const defaultLocale = locales.includes(languages.defaultLocale) ? languages.defaultLocale : locales.includes(survey.defaultLocale) ? survey.defaultLocale : locales[0]!;
  return { ...survey, locales, defaultLocale };
}

/** A new survey as a draft, from a template of the bank or from our JSON; 409 when the id is taken. */
export async function createSurvey(input: CreateSurveyInput, deps: SurveyAuthoringDeps): Promise<AuthoringResult<{ state: SurveyState; draft: Survey }>> {
  let parsed: AuthoringResult<Survey>;
  if (input.templateId !== undefined) {
    const template = deps.templates.find((t) => t.id === input.templateId);
    if (!template) return invalid([{ path: 'templateId', message: `unknown template "${input.templateId}"; GET /api/v1/templates lists them` }]);
    parsed = parseDefinition({ ...inLanguagesOf(template.survey, input.languages), id: input.id }, 'definition');
  } else {
    const raw = input.definition;
    const withId = raw && typeof raw === 'object' && !Array.isArray(raw) && !('id' in raw) ? { ...raw, id: input.id } : raw;
    parsed = parseDefinition(withId, 'definition');
    if (parsed.kind === 'ok' && parsed.value.id !== input.id) return invalid([{ path: 'definition.id', message: `must be "${input.id}", the id the survey is created under` }]);
  }
  if (parsed.kind !== 'ok') return parsed;
  const at = deps.clock.now().toISOString();
  if (!(await deps.surveys.create(parsed.value, at))) return conflict(`A survey "${input.id}" exists already; edit its draft (PUT /api/v1/surveys/${input.id}/draft) or pick another id.`);
  return ok({ state: { id: input.id, status: 'draft', liveVersion: null, updatedAt: at }, draft: parsed.value });
}

export async function getDraft(id: string, deps: SurveyAuthoringDeps): Promise<AuthoringResult<{ state: SurveyState; draft: Survey }>> {
  const [stored, draft] = await Promise.all([deps.surveys.state(id), deps.surveys.draft(id)]);
  if (!stored || !draft) return notFound(id);
  return ok({ state: stored.state, draft });
}

/**
 * Replaces the draft with a full definition, validated as on publish — against the earlier versions too, so a draft
 * that publish would refuse (a question id with another type, scales mixed on a node) is refused when it is saved.
 */
export async function saveDraft(id: string, raw: unknown, deps: SurveyAuthoringDeps): Promise<AuthoringResult<{ state: SurveyState; draft: Survey }>> {
  const withId = raw && typeof raw === 'object' && !Array.isArray(raw) && !('id' in raw) ? { ...raw, id } : raw;
  const parsed = parseDefinition(withId, '');
  if (parsed.kind !== 'ok') return parsed;
  if (parsed.value.id !== id) return invalid([{ path: 'id', message: `must be "${id}", the survey this draft belongs to` }]);
  for (let attempt = 1; attempt <= STATE_WRITE_ATTEMPTS; attempt++) {
    const stored = await deps.surveys.state(id);
    if (!stored) return notFound(id);
    const issues = versionIssues(await deps.surveys.versions(id, stored.firstVersion), parsed.value);
    if (issues.length) return invalid(issues);
    const at = deps.clock.now().toISOString();
    if (await deps.surveys.saveDraft(parsed.value, at, stored.revision)) return ok({ state: { ...stored.state, updatedAt: at }, draft: parsed.value });
  }
  return raced(id);
}

/**
 * Publishes the draft as the next version, refusing one that is incompatible with any earlier version (400 naming the
 * field). A draft identical to the live version publishes nothing and answers the live version, so a retried publish
 * does not mint a duplicate. Publishing a closed survey keeps it closed; the first publish makes it live.
 */
export async function publishSurvey(id: string, deps: SurveyAuthoringDeps): Promise<AuthoringResult<{ version: number; status: SurveyState['status']; created: boolean }>> {
  for (let attempt = 1; attempt <= STATE_WRITE_ATTEMPTS; attempt++) {
    const [stored, draft] = await Promise.all([deps.surveys.state(id), deps.surveys.draft(id)]);
    if (!stored || !draft) return notFound(id);
    // Re-check the draft against today's schema: rules added since it was saved apply to what is published.
    const current = parseDefinition(draft, '');
    if (current.kind !== 'ok') return current;
    const earlier = await deps.surveys.versions(id, stored.firstVersion);
    const latest = earlier[0];
    if (latest && stored.state.liveVersion === latest.version && sameDefinition(stripVersion(latest), current.value)) {
      return ok({ version: latest.version, status: stored.state.status, created: false });
    }
    if (earlier.length >= MAX_SURVEY_VERSIONS)
      return conflict(`Survey "${id}" has ${earlier.length} versions, the most one survey may have; create a new survey instead.`);
    const issues = versionIssues(earlier, current.value);
    if (issues.length) return invalid(issues);

    const version = Math.max(stored.firstVersion - 1, latest?.version ?? 0) + 1;
    const at = deps.clock.now().toISOString();
    const state: SurveyState = { ...stored.state, status: stored.state.status === 'closed' ? 'closed' : 'live', liveVersion: version, publishedAt: at, updatedAt: at };
    if (await deps.surveys.publish(current.value, state, stored.revision)) return ok({ version, status: state.status, created: true });
  }
  return raced(id);
}

async function changeState(
  id: string,
  deps: SurveyAuthoringDeps,
  change: (stored: StoredSurveyState, at: string) => AuthoringResult<SurveyState>,
): Promise<AuthoringResult<SurveyState>> {
  for (let attempt = 1; attempt <= STATE_WRITE_ATTEMPTS; attempt++) {
    const stored = await deps.surveys.state(id);
    if (!stored) return notFound(id);
    const next = change(stored, deps.clock.now().toISOString());
    if (next.kind !== 'ok') return next;
    if (next.value === stored.state) return next;
    if (await deps.surveys.putState(next.value, stored.revision)) return next;
  }
  return raced(id);
}

/** Stops taking answers (the API answers 409 survey_closed, the page says so). Closing a closed survey is a no-op. */
export function closeSurvey(id: string, deps: SurveyAuthoringDeps): Promise<AuthoringResult<SurveyState>> {
  return changeState(id, deps, ({ state }, at) => {
    if (state.liveVersion === null) return conflict(`Survey "${id}" was never published, so there is nothing to close; delete the draft instead.`);
    return ok(state.status === 'closed' ? state : { ...state, status: 'closed', updatedAt: at });
  });
}

/** Takes answers again (within the schedule, if it has one). Reopening a live survey is a no-op. */
export function reopenSurvey(id: string, deps: SurveyAuthoringDeps): Promise<AuthoringResult<SurveyState>> {
  return changeState(id, deps, ({ state }, at) => {
    if (state.liveVersion === null) return conflict(`Survey "${id}" was never published; POST /api/v1/surveys/${id}/publish makes it live.`);
    return ok(state.status === 'live' ? state : { ...state, status: 'live', updatedAt: at });
  });
}

export interface Schedule {
  opensAt?: string | undefined;
  closesAt?: string | undefined;
}

/** Replaces the schedule: an absent bound is removed. closesAt must come after opensAt. */
export function scheduleSurvey(id: string, schedule: Schedule, deps: SurveyAuthoringDeps): Promise<AuthoringResult<SurveyState>> {
  if (schedule.opensAt && schedule.closesAt && Date.parse(schedule.closesAt) <= Date.parse(schedule.opensAt))
    return Promise.resolve(invalid([{ path: 'closesAt', message: 'must be after opensAt' }]));
  return changeState(id, deps, ({ state }, at) => {
    const { opensAt: _opens, closesAt: _closes, ...rest } = state;
    return ok({ ...rest, ...(schedule.opensAt ? { opensAt: normalizeInstant(schedule.opensAt) } : {}), ...(schedule.closesAt ? { closesAt: normalizeInstant(schedule.closesAt) } : {}), updatedAt: at });
  });
}

/**
 * Deletes a survey that cannot have responses: capture marks a survey (state.hasResponses) before it stores the first
 * one, so the mark is a cheap, race-free test. A survey with responses can only be closed (409).
 */
export async function deleteSurvey(id: string, deps: SurveyAuthoringDeps): Promise<AuthoringResult<null>> {
  for (let attempt = 1; attempt <= STATE_WRITE_ATTEMPTS; attempt++) {
    const stored = await deps.surveys.state(id);
    if (!stored) return notFound(id);
    if (stored.state.hasResponses) return conflict(`Survey "${id}" has responses, so it cannot be deleted; close it instead (POST /api/v1/surveys/${id}/close).`);
    if (await deps.surveys.delete(id, stored.revision)) return ok(null);
  }
  return raced(id);
}

export async function listVersions(id: string, deps: SurveyAuthoringDeps): Promise<AuthoringResult<PublishedVersion[]>> {
  const stored = await deps.surveys.state(id);
  if (!stored) return notFound(id);
  return ok(await deps.surveys.versionList(id, stored.firstVersion));
}

/** The instant as the store keeps every time: UTC, milliseconds, `Z`. */
function normalizeInstant(value: string): string {
  return new Date(value).toISOString();
}

function stripVersion(version: SurveyVersion & Partial<PublishedVersion>): Survey {
  const { version: _version, publishedAt: _publishedAt, ...survey } = version;
  return survey;
}

/** Deep equality of two definitions, whatever order their object keys came in. */
export function sameDefinition(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
