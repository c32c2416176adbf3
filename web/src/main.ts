// Entry of the OpenCEM dashboard: the managers' "boss view" of NPS, CSAT and CES per organisation unit.
//
// Plain TypeScript + DOM, no framework; charts with tree-shaken ECharts. Built by `npx tsx web/build.ts` into web/dist
// (index.html, app.js, styles.css), which the local server (`npm start`) serves and CDK deploys to S3/CloudFront.
//
// - config.ts    ./config.json: { apiBaseUrl, auth: { mode: "token" } | { mode: "cognito", region, userPoolId, userPoolClientId } }
//                (absent → same-origin API with the local admin token)
// - auth.ts      bearer token: "#token=…" in the address or the sign-in form (token mode), Cognito InitiateAuth
//                USER_PASSWORD_AUTH → IdToken (cognito mode); a 401 brings the sign-in form back
// - api.ts       /api/v1/org/units, /api/v1/surveys, /api/v1/metrics, /api/v1/metrics/units; tickets, their actions and
//                /api/v1/loop-metrics
// - state.ts     view (?view=overview|tickets), filters (survey, unit, period, granularity, ticket state, overdue) and
//                language, kept in localStorage and in the address (the view and an open ?ticket= only in the address)
// - dashboard.ts polling every 2.5 s what the current view shows, error/empty states, wiring of the views
// - setup.ts     what may be offered (live and closed surveys, units not archived) and how far an empty start has come;
//                setup-panel.ts shows the API setup steps instead of both views while something is missing
// - overview     filters.ts, kpis.ts, trend.ts, indicators.ts, ranking.ts
// - tickets      loop.ts (closed-loop cards), board.ts (the ticket list), ticket-panel.ts (one ticket and its actions);
//                ticket-model.ts (filters, paging, newer-copy rule), sla.ts and durations.ts (deadlines and lengths of
//                time in words) are pure
// - words        readings.ts writes the one-line reading under each chart and the loop cards; i18n.ts holds every
//                text in zh, en and ru
//
// Hooks for end-to-end tests: [data-kpi="count"] (text and data-value hold the raw response count; also nps, csat,
// ces), [data-locale="zh|en|ru"] buttons (html[lang] follows), #unit-select (a native <select> of unit ids),
// #survey-select, #period-select, [data-granularity], ranking rows [data-unit-id] (click drills down), #signin-form.
// Tickets: #view-switch [data-view="tickets"] (or ?view=tickets; ?ticket=<id> opens one), [data-loop="open|overdue|
// ttA|ttR|withinSla|escalations"] with data-value, #ticket-filter [data-ticket-filter="active|open|…|all"],
// #overdue-only, rows #ticket-list [data-ticket-id][data-state][data-overdue] (click opens the panel), the panel
// #ticket-panel[data-open-ticket][data-state][data-loaded="true"] with button[data-action="acknowledge|start|resolve|
// comment|reassign|close|reopen"] (only those allowed), #action-form with #action-root-cause, #action-assignee,
// #action-note and #action-confirm, errors in #panel-error (API) and #form-error (missing input), the history
// #ticket-history li[data-history-action][data-at], #panel-close (or Escape).
// Admin console (?view=setup|org|surveys|survey|rules|managers, loaded lazily from admin/console.ts): #console, see there.
// Setup: #setup-panel[data-stage="organisation|units|survey"] with li[data-step][data-done][aria-current="step"],
// #setup-title, #setup-lead, #setup-drafts, #setup-docs, #setup-recheck (reloads), #setup-detail (the API's message);
// body[data-setup] while it is shown. Options of #unit-select carry data-archived, of #survey-select data-status.
import { startDashboard } from './dashboard.ts';
import { loadConfig } from './config.ts';
import { createSession } from './auth.ts';
import { browserLocale, isLocale, locale, onLocaleChange, setLocale, t } from './i18n.ts';
import { saveLocale, savedLocale } from './state.ts';
import { byId, setAttr } from './dom.ts';
import { isAdminView } from './admin-views.ts';

/** The header's language buttons work from the first moment, also on the sign-in form; the choice is remembered. */
function bindLanguageSwitch(): void {
  const group = byId('language-switch');
  const showPressed = () => {
    for (const button of group.querySelectorAll<HTMLElement>('[data-locale]')) setAttr(button, 'aria-pressed', String(button.dataset.locale === locale()));
  };
  group.addEventListener('click', (event) => {
    const value = (event.target as Element).closest<HTMLElement>('[data-locale]')?.dataset.locale;
    if (!isLocale(value)) return;
    saveLocale(value);
    setLocale(value);
  });
  onLocaleChange(showPressed);
  showPressed();
}

async function main(): Promise<void> {
  // A language before the organisation's default is known, so the sign-in form is readable.
  setLocale(savedLocale() ?? browserLocale() ?? 'zh');
  bindLanguageSwitch();
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    const banner = byId('status-banner');
    banner.textContent = t('status.configError', { message: error instanceof Error ? error.message : String(error) });
    banner.hidden = false;
    return;
  }
  const session = createSession(config.auth);
  const view = new URLSearchParams(location.search).get('view');
  if (isAdminView(view)) {
    // The console's code is fetched only now: the boss view never pays for it.
    if (!session.token()) await session.signIn();
    const { startConsole } = await import('./admin/console.ts');
    await startConsole({ config, session, view });
    return;
  }
  await startDashboard(config, session);
}

void main();
