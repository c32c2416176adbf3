// What a survey link's parameters (unit, tp, t, lang) become on the respondent's page: kept on the form, dropped when
// harmless, or refused with a page that says which part of the link is damaged.
import type { FieldIssue } from '../domain/answers.ts';
import { envelopeFromForm, FORM_FIELD, linkFieldOf, type LinkField, type ResponseEnvelope } from './envelope.ts';
import type { LinkProblem } from './survey-page.tsx';

const problemFor: Record<LinkField, LinkProblem> = {
  token: 'linkToken',
  unitId: 'linkUnit',
  touchpoint: 'linkTouchpoint',
  locale: 'linkLocale',
};
/** Most telling first: a damaged token or unit decides what the respondent should do. */
const precedence: LinkField[] = ['token', 'unitId', 'touchpoint', 'locale'];

/** The link problem among a submission's issues, if any: the respondent cannot fix those by editing answers. */
export function linkProblemOf(issues: readonly FieldIssue[]): LinkProblem | undefined {
  const fields = new Set(issues.map(linkFieldOf));
  const worst = precedence.find((field) => fields.has(field));
  return worst ? problemFor[worst] : undefined;
}

/** The link fields the form posts back, under their form names. */
export function linkHiddenFields(envelope: ResponseEnvelope): Record<string, string> {
  const hidden: Record<string, string> = {};
  for (const field of ['unitId', 'touchpoint', 'token'] as const) {
    const value = envelope[field];
    if (value !== undefined) hidden[FORM_FIELD[field]] = value;
  }
  return hidden;
}

/** Link parts that are only detail: a bad one is left out rather than refused. */
const droppable: ReadonlySet<LinkField | undefined> = new Set<LinkField>(['touchpoint', 'locale']);

export type LinkReading = { ok: true; hidden: Record<string, string> } | { ok: false; problem: LinkProblem };

/**
 * Reads a survey link before the page is shown, with the same schema the submission will meet, so no one fills in a
 * form that can never be sent. A bad touchpoint or language is dropped: the answer still counts for the right unit,
 * and the page falls back to the browser's language. A bad token or unknown unit is refused instead, because dropping
 * it would file the answer under the wrong hotel or quietly turn a personal answer into an anonymous one.
 * `t` may also be spelled `token` in links.
 */
export function readSurveyLink(surveyId: string, query: (name: string) => string | undefined, unitExists: (unitId: string) => boolean): LinkReading {
  const raw = (name: string) => (name === FORM_FIELD.token ? (query('t') ?? query('token')) : query(name));
  let read = envelopeFromForm(surveyId, raw);
  if (!read.ok) {
    const bad = new Set(read.issues.map(linkFieldOf));
    const problem = linkProblemOf(read.issues.filter((issue) => !droppable.has(linkFieldOf(issue))));
    if (problem) return { ok: false, problem };
    const dropped = new Set((['touchpoint', 'locale'] as const).filter((field) => bad.has(field)).map((field): string => FORM_FIELD[field]));
    read = envelopeFromForm(surveyId, (name) => (dropped.has(name) ? undefined : raw(name)));
    // Only the dropped fields were wrong (the survey id came from the catalog), so this cannot fail; refuse if it does.
    if (!read.ok) return { ok: false, problem: linkProblemOf(read.issues) ?? 'linkUnit' };
  }
  if (read.envelope.unitId !== undefined && !unitExists(read.envelope.unitId)) return { ok: false, problem: 'linkUnit' };
  return { ok: true, hidden: linkHiddenFields(read.envelope) };
}
