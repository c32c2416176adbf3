// The respondent's routes (/s/:surveyId…): the survey page by page without JavaScript, the thank-you page and its
// contact request, and the friendly pages for a survey that is not set up, closed or not open yet.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { checkAnswers, type Answers, type FieldIssue } from '../domain/answers.ts';
import { surveyFlow, type LogicContext } from '../domain/logic.ts';
import { OrgTree } from '../domain/org.ts';
import { LOCALES, localize, type Locale, type Survey, type SurveyState, type SurveyVersion } from '../domain/survey.ts';
import { rootUnitOrSetup, SetupRequiredError, type Catalog, type CatalogStore, type Clock, type ResponseStore } from '../ports.ts';
import type { AdminEnv } from './auth.ts';
import { captureResponse, closedReason, isResponseId } from './capture.ts';
import { envelopeFromForm, FORM_FIELD } from './envelope.ts';
import { readForm, textField, type FormBody } from './form-body.ts';
import { sameOriginForms, type FormOriginPolicy } from './form-origin.ts';
import { clientAddress, clientKey, formAdmission, type FormLimitSettings } from './rate-limit.ts';
import { linkHiddenFields, linkProblemOf, readSurveyLink } from './survey-link.ts';
import { answersFromForm, MessagePage, pickLocale, SurveyPage, surveyText, type PageBrand, type PagePlace } from './survey-page.tsx';

export interface RespondentDeps {
  catalog: CatalogStore;
  responses: ResponseStore;
  clock: Clock;
  /** The public survey form's guards: which origins may post it, and how often. */
  publicForms: { origins: FormOriginPolicy; limits: FormLimitSettings };
}

/**
 * Status codes of the friendly pages. Not set up: 404, because no survey exists yet (a 5xx would page whoever
 * monitors the site, and the service itself is fine; the API says 409 setup_required to the admin who can fix it). Closed and not open yet:
 * 409, the status the API gives for survey_closed, so both doors agree and neither is cached as a page that exists.
 */
const NOT_SET_UP = 404;
const SURVEY_CLOSED = 409;


type Setting =
  | { kind: 'setup'; locale: Locale }
  | { kind: 'ready'; catalog: Catalog; survey: SurveyVersion | undefined; locale: Locale; brand: PageBrand };

export function registerRespondentRoutes(app: OpenAPIHono<AdminEnv>, deps: RespondentDeps) {
  // Another site must not make its visitors' browsers post answers or contact requests here.
  const formOrigin = sameOriginForms(deps.publicForms.origins, async (c) => {
    const setting = await settingOf(c);
    return page(c, setting, MessagePage({ locale: setting.locale, title: 'OpenCEM', message: 'crossOrigin', brand: brandOf(setting) }), 403);
  });
  app.use('/s/:surveyId', formOrigin);
  app.use('/s/:surveyId/thanks', formOrigin);
  const admission = formAdmission(deps.publicForms.limits, deps.clock);

  app.get('/s/:surveyId', async (c) => {
    const setting = await settingOf(c);
    const refused = refusal(c, setting);
    if (refused) return refused;
    const { catalog, survey, locale } = setting as Ready;
    // Archived units have left new links: refused like units that never existed.
    const link = readSurveyLink(survey.id, (name) => c.req.query(name), (unitId) => catalog.units.some((u) => u.id === unitId && !u.archived));
    if (!link.ok) return page(c, setting, MessagePage({ locale, title: titleOf(survey, locale), message: link.problem, brand: brandOf(setting) }), 400);
    const respondent = respondentOf(catalog, survey, locale, link.hidden[FORM_FIELD.unitId], link.hidden[FORM_FIELD.touchpoint]);
    const flow = surveyFlow(survey, {}, respondent.context);
    return page(c, setting, surveyPage(setting as Ready, respondent, link.hidden, flow, firstPage(flow), {}), 200);
  });

  app.post('/s/:surveyId', async (c) => {
    const form = await readForm(c);
    if (!form) return unreadableForm(c);
    const field = (name: string) => textField(form, name);
    const setting = await settingOf(c, field('lang'), field('v'));
    const refused = refusal(c, setting);
    if (refused) return refused;
    const ready = setting as Ready;
    const { catalog, survey, locale } = ready;
    const title = titleOf(survey, locale);
    // The link fields meet the API's own envelope schema; the respondent cannot fix them, so a page says what is wrong.
    const link = envelopeFromForm(survey.id, (name) => form[name]);
    if (!link.ok) return page(c, setting, MessagePage({ locale, title, message: linkProblemOf(link.issues) ?? 'linkUnit', brand: ready.brand }), 400);
    const { envelope } = link;
    if (envelope.unitId !== undefined && !catalog.units.some((u) => u.id === envelope.unitId)) {
      return page(c, setting, MessagePage({ locale, title, message: 'linkUnit', brand: ready.brand }), 400);
    }
    const hidden = linkHiddenFields(envelope);
    const respondent = respondentOf(catalog, survey, locale, envelope.unitId, envelope.touchpoint);
    const posted = answersFromForm(survey, form);
    const flow = surveyFlow(survey, posted, respondent.context);
    // Answers to questions the logic hides are dropped here, on every page, so they are never carried or stored.
    const answers = shownAnswers(flow, posted, flow.pages.length - 1);
    const at = pageIndex(field('page'), flow.pages.length);
    const reachable = reachablePages(flow);

    if (field('nav') === 'back') {
      const previous = reachable.filter((i) => i < at).pop() ?? at;
      return page(c, setting, surveyPage(ready, respondent, hidden, flow, previous, answers), 200);
    }

    // This page's shown questions, checked as the whole response will be: required only when shown.
    const here = new Set((flow.pages[at]?.shown ?? []).map((q) => `answers.${q.id}`));
    const checked = checkAnswers(survey, posted, { context: respondent.context, hidden: 'drop' });
    const pageIssues = checked.ok ? [] : checked.issues.filter((i) => here.has(i.path));
    if (pageIssues.length) return page(c, setting, surveyPage(ready, respondent, hidden, flow, at, answers, pageIssues), 400);

    const ended = flow.endedAfter !== null && flow.endedAfter <= at;
    const next = ended ? undefined : reachable.find((i) => i > at);
    if (next !== undefined) return page(c, setting, surveyPage(ready, respondent, hidden, flow, next, answers), 200);

    // The last page (or the end rule): only now is anything stored, and only the finished response is counted.
    // Every submission counts, personal ones too: tokens are not signed yet, so a made-up one would pass as personal.
    const admitted = admission.admit({ surveyId: survey.id, client: clientKey(clientAddress(c.env)), personal: envelope.token !== undefined });
    if (!admitted.ok) {
      c.header('Retry-After', String(admitted.retryAfterSeconds));
      return page(c, setting, MessagePage({ locale, title, message: 'tooMany', minutes: Math.ceil(admitted.retryAfterSeconds / 60), brand: ready.brand }), 429);
    }
    const final = shownAnswers(flow, posted, flow.endedAfter ?? flow.pages.length - 1);
    const result = await captureResponse(
      { ...envelope, locale: envelope.locale ?? locale, answers: final, channel: 'web', surveyVersion: survey.version },
      deps,
    );
    if (result.kind === 'invalid') {
      const problem = linkProblemOf(result.issues);
      if (problem) return page(c, setting, MessagePage({ locale, title, message: problem, brand: ready.brand }), 400);
      // Carried answers are checked again here; a problem among them (an edited hidden field) reopens its page.
      const paths = new Set(result.issues.map((i) => i.path));
      const faulty = reachable.find((i) => (flow.pages[i]?.shown ?? []).some((q) => paths.has(`answers.${q.id}`))) ?? at;
      return page(c, setting, surveyPage(ready, respondent, hidden, flow, faulty, answers, result.issues), 400);
    }
    if (result.kind === 'duplicate') return page(c, setting, MessagePage({ locale, title, message: 'already', brand: ready.brand }), 409);
    // Capture may refuse a survey that closed (or a version past its grace) while the respondent was answering.
    if (result.kind !== 'created') return page(c, setting, MessagePage({ locale, title, message: 'closed', brand: ready.brand }), SURVEY_CLOSED);
    return c.redirect(`/s/${encodeURIComponent(survey.id)}/thanks?lang=${locale}&r=${encodeURIComponent(result.id)}`, 303);
  });

  app.get('/s/:surveyId/thanks', async (c) => {
    const setting = await settingOf(c);
    if (setting.kind === 'setup') return notSetUp(c, setting);
    const { survey, locale, catalog } = setting;
    const title = survey ? titleOf(survey, locale) : 'OpenCEM';
    // A mangled link still thanks the respondent; it only loses the recovery offer (no store call with a bad key).
    const responseId = c.req.query('r');
    const stored = survey && responseId && isResponseId(responseId) ? await deps.responses.get(responseId) : undefined;
    const response = stored && stored.surveyId === survey?.id ? stored : undefined;
    let extra: string | undefined;
    if (survey?.thanks) {
      const unit = response ? catalog.units.find((u) => u.id === response.unitId) : undefined;
      const names = namesOf(catalog, survey, locale, unit?.id);
      extra = surveyText(survey, locale, { answers: response?.answers ?? {}, unitName: unit ? names.unit : undefined, organisationName: names.organisation })(survey.thanks);
    }
    // Detractor recovery: only after an NPS of 0–6 on this survey, and only once.
    const npsQuestion = survey?.questions.find((q) => q.type === 'nps');
    const score = npsQuestion ? response?.answers[npsQuestion.id] : undefined;
    const recoveryFor = response && typeof score === 'number' && score <= 6 && !response.contactRequest ? response.id : undefined;
    return page(c, setting, MessagePage({ locale, title, message: 'thanks', extra, recoveryFor, reviewUrl: catalog.organisation.reviewUrl, brand: setting.brand }), 200);
  });

  app.post('/s/:surveyId/thanks', async (c) => {
    const form: FormBody = (await readForm(c)) ?? {};
    const field = (name: string) => textField(form, name);
    const setting = await settingOf(c, field('lang'));
    if (setting.kind === 'setup') return notSetUp(c, setting);
    const { survey, locale } = setting;
    const title = survey ? titleOf(survey, locale) : 'OpenCEM';
    const channel = field('channel');
    const responseId = field('r');
    if (!survey || !responseId || !isResponseId(responseId) || field('consent') !== 'yes' || (channel !== 'phone' && channel !== 'sms' && channel !== 'email')) {
      return page(c, setting, MessagePage({ locale, title, message: 'thanks', brand: setting.brand }), 400);
    }
    const response = await deps.responses.get(responseId);
    if (!response || response.surveyId !== survey.id) return page(c, setting, MessagePage({ locale, title, message: 'notFound', brand: setting.brand }), 404);
    await deps.responses.setContactRequest(responseId, { consent: true, channel, at: deps.clock.now().toISOString() });
    return page(c, setting, MessagePage({ locale, title, message: 'contactThanks', brand: setting.brand }), 200);
  });

  /** A post no survey form sends (malformed multipart, another media type): the first page again, with a 400. */
  async function unreadableForm(c: Context<AdminEnv>) {
    const setting = await settingOf(c);
    const refused = refusal(c, setting);
    if (refused) return refused;
    const ready = setting as Ready;
    const issues = [{ path: '(body)', message: 'the form could not be read; please answer and submit it again' }];
    const link = readSurveyLink(ready.survey.id, (name) => c.req.query(name), (unitId) => ready.catalog.units.some((u) => u.id === unitId));
    const hidden = link.ok ? link.hidden : {};
    const respondent = respondentOf(ready.catalog, ready.survey, ready.locale, hidden[FORM_FIELD.unitId], hidden[FORM_FIELD.touchpoint]);
    const flow = surveyFlow(ready.survey, {}, respondent.context);
    return page(c, setting, surveyPage(ready, respondent, hidden, flow, firstPage(flow), {}, issues), 400);
  }

  /**
   * The catalog, the survey and the page's language. `formVersion` is the version the respondent's page showed: that
   * version is the one answered, even after a newer one was published (capture decides whether it is still accepted).
   */
  async function settingOf(c: Context<AdminEnv>, formLang?: string, formVersion?: string): Promise<Setting> {
    const requested = formLang ?? c.req.query('lang');
    const acceptLanguage = c.req.header('accept-language');
    let catalog: Catalog;
    try {
      catalog = await deps.catalog.load();
      // A survey may be published before the org units exist; nobody can answer for a unit yet.
      rootUnitOrSetup(new OrgTree(catalog.units));
    } catch (error) {
      if (error instanceof SetupRequiredError) return { kind: 'setup', locale: pickLocale(requested, { locales: [...LOCALES], defaultLocale: 'en' }, acceptLanguage) };
      throw error;
    }
    const live = catalog.surveys.find((s) => s.id === c.req.param('surveyId'));
    const shown = formVersion ? Number(formVersion) : undefined;
    const survey =
      live && shown !== undefined && /^\d{1,6}$/.test(formVersion ?? '') && shown !== live.version && shown >= (catalog.surveyStates[live.id]?.firstVersion ?? 1)
        ? ((await deps.catalog.surveyVersion(live.id, shown)) ?? live)
        : live;
    const locale = pickLocale(requested, survey ?? catalog.organisation, acceptLanguage);
    return { kind: 'ready', catalog, survey, locale, brand: brandFor(catalog, locale) };
  }

  /** The friendly page that stops a respondent before any form: not set up, no such survey, closed, not open yet. */
  function refusal(c: Context<AdminEnv>, setting: Setting): Response | Promise<Response> | undefined {
    if (setting.kind === 'setup') return notSetUp(c, setting);
    const { survey, locale, catalog, brand } = setting;
    if (!survey) return page(c, setting, MessagePage({ locale, title: 'OpenCEM', message: 'notFound', brand }), 404);
    const state = availability(catalog.surveyStates[survey.id], deps.clock.now());
    if (state.open) return undefined;
    const when = state.message === 'notYetOpen' ? formatInstant(state.opensAt, locale, catalog.organisation.timeZone) : undefined;
    return page(c, setting, MessagePage({ locale, title: titleOf(survey, locale), message: state.message, when, brand }), SURVEY_CLOSED);
  }
}

type Ready = Extract<Setting, { kind: 'ready' }> & { survey: SurveyVersion };

function notSetUp(c: Context<AdminEnv>, setting: Extract<Setting, { kind: 'setup' }>) {
  return page(c, setting, MessagePage({ locale: setting.locale, title: 'OpenCEM', message: 'notSetUp' }), NOT_SET_UP);
}

/** Sends a page, telling the Content-Security-Policy which brand (colour, logo) it was rendered with. */
function page(c: Context<AdminEnv>, setting: Setting, html: ReturnType<typeof MessagePage>, status: ContentfulStatusCode) {
  const brand = brandOf(setting);
  if (brand) c.set('surveyPageLook', { primaryColor: brand.primaryColor, logoUrl: brand.logoUrl });
  return c.html(html, status);
}

const brandOf = (setting: Setting): PageBrand | undefined => (setting.kind === 'ready' ? setting.brand : undefined);

/** The organisation's brand on this page: its colour, its logo (with its name as alt text) and its footer. */
function brandFor(catalog: Catalog, locale: Locale): PageBrand {
  const org = catalog.organisation;
  const brand = org.brand ?? {};
  const footer = localize(brand.footer, locale, org.defaultLocale);
  return { primaryColor: brand.primaryColor, logoUrl: brand.logoUrl, logoAlt: localize(org.name, locale, org.defaultLocale), footer: footer || undefined };
}

const titleOf = (survey: Survey, locale: Locale) => localize(survey.title, locale, survey.defaultLocale);

/** Whether a survey takes answers now (the same rule capture applies): closed by hand, or outside its opensAt–closesAt window. */
function availability(state: SurveyState | undefined, now: Date): { open: true } | { open: false; message: 'closed' } | { open: false; message: 'notYetOpen'; opensAt: string } {
  const reason = state ? closedReason(state, now) : null;
  if (!reason) return { open: true };
  if (reason === 'notYetOpen' && state?.opensAt) return { open: false, message: 'notYetOpen', opensAt: state.opensAt };
  return { open: false, message: 'closed' };
}

/** An instant as a respondent reads it: date, time and zone, in the organisation's time zone and the page's language. */
export function formatInstant(iso: string, locale: Locale, timeZone: string): string {
  const tag = locale === 'zh' ? 'zh-CN' : locale;
  return new Intl.DateTimeFormat(tag, { timeZone, year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));
}

interface Respondent {
  context: LogicContext;
  names: { unit?: string | undefined; organisation?: string | undefined };
}

/** Who is answering, as logic and piped text see it: the unit (the link's, or the root) and its place in the tree. */
function respondentOf(catalog: Catalog, survey: Survey, locale: Locale, unitId: string | undefined, touchpoint: string | undefined): Respondent {
  const org = new OrgTree(catalog.units);
  const unit = unitId ?? org.root()?.id;
  return {
    context: { touchpoint, unitLineage: unit ? org.lineage(unit).map((u) => u.id) : [], locale },
    names: namesOf(catalog, survey, locale, unit),
  };
}

function namesOf(catalog: Catalog, survey: Survey, locale: Locale, unitId: string | undefined) {
  const org = catalog.organisation;
  const unit = unitId ? catalog.units.find((u) => u.id === unitId) : undefined;
  const fallback = survey.locales.includes(org.defaultLocale) ? org.defaultLocale : survey.defaultLocale;
  return { unit: unit ? localize(unit.name, locale, fallback) : undefined, organisation: localize(org.name, locale, fallback) };
}

type Flow = ReturnType<typeof surveyFlow>;

/** Pages this respondent gets with the answers so far: those with a shown question, up to where the end rule ends. */
function reachablePages(flow: Flow): number[] {
  const reachable: number[] = [];
  flow.pages.forEach((p, i) => {
    if (p.shown.length > 0 && (flow.endedAfter === null || i <= flow.endedAfter)) reachable.push(i);
  });
  return reachable;
}

/** The first page with a question to show; the last page when none has (the form then only sends). */
function firstPage(flow: Flow): number {
  return reachablePages(flow)[0] ?? Math.max(0, flow.pages.length - 1);
}

/** The posted page index; a missing or bad one means the last page, so a one-page form (or an API-like post) sends. */
function pageIndex(raw: string | undefined, count: number): number {
  const last = Math.max(0, count - 1);
  if (raw === undefined || !/^\d{1,3}$/.test(raw)) return last;
  return Math.min(Number(raw), last);
}

/** The answers to questions shown on pages up to `lastPage`: those of hidden questions are left out. */
function shownAnswers(flow: Flow, posted: Answers, lastPage: number): Answers {
  const answers: Answers = {};
  flow.pages.forEach((p, i) => {
    if (i > lastPage) return;
    for (const q of p.shown) {
      const value = posted[q.id];
      if (value !== undefined) answers[q.id] = value;
    }
  });
  return answers;
}

function surveyPage(ready: Ready, respondent: Respondent, hidden: Record<string, string>, flow: Flow, index: number, values: Answers, issues: FieldIssue[] = []) {
  const reachable = reachablePages(flow);
  const before = reachable.filter((i) => i < index).length;
  const place: PagePlace = {
    index,
    position: before + 1,
    total: Math.max(reachable.length, before + 1),
    more: reachable.some((i) => i > index),
    back: before > 0,
  };
  return SurveyPage({
    survey: ready.survey,
    locale: ready.locale,
    hidden,
    values,
    issues,
    questions: flow.pages[index]?.shown ?? [],
    version: ready.survey.version,
    place,
    names: respondent.names,
    brand: ready.brand,
  });
}
