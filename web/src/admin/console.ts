// The admin console: where an organisation sets itself up and configures OpenCEM without IT — the first-run wizard,
// the org tree, surveys and their editor, alert rules and managers. Loaded only when an admin view opens
// (`?view=setup|org|surveys|survey|rules|managers`), so the boss view stays small.
//
// Each view is a module with `mount(root, ctx)`; the console draws the navigation, loads the organisation's settings,
// and mounts the view the address names. A language change mounts the view again (views keep what was typed in
// drafts.ts, so nothing is lost). Hooks for tests: #console[data-view], #console-nav a[data-view][aria-current],
// #console-view[data-ready="true"] once the view has drawn.
import { ApiError, createRequest, isSetupRequired, type Request } from '../api.ts';
import type { AdminView } from '../admin-views.ts';
import { viewHref } from '../admin-views.ts';
import type { Session } from '../auth.ts';
import type { DashboardConfig } from '../config.ts';
import { byId, h, setText } from '../dom.ts';
import { localize, onLocaleChange, setLocale, isLocale, type Locale, type LocalizedText } from '../i18n.ts';
import { savedLocale } from '../state.ts';
import { common } from './texts.ts';
import { messageOf } from './field-errors.ts';
import * as setupView from './setup/wizard.ts';
import * as orgView from './org/org-view.ts';
import * as surveysView from './surveys/surveys-view.ts';
import * as surveyEditor from './survey-editor/editor.ts';
import * as rulesView from './rules/rules-view.ts';
import * as managersView from './managers/managers-view.ts';

/** The organisation's settings as GET /api/v1/organisation answers them. */
export interface OrganisationSettings {
  name: LocalizedText;
  timeZone: string;
  locales: Locale[];
  defaultLocale: Locale;
  reviewUrl?: string;
  brand?: { primaryColor?: string; logoUrl?: string; footer?: LocalizedText };
}

export interface ConsoleContext {
  /** The API, with the bearer token. */
  request: Request;
  /** Where the API (and the public survey pages /s/…) live; '' for the dashboard's own origin. */
  apiBaseUrl: string;
  /** The address's query (?view=survey&id=…). */
  params: URLSearchParams;
  /** The organisation's settings; null before the first setup step. */
  organisation: OrganisationSettings | null;
  /** Reads the settings again (after the wizard or a view saved them) and returns them. */
  reloadOrganisation(): Promise<OrganisationSettings | null>;
  /** Opens another view (a new address; the browser's back button returns). */
  navigate(view: AdminView | 'overview', params?: Record<string, string>): void;
  /** Changes the address's query in place (e.g. the open tab), without mounting again. */
  replaceParams(params: Record<string, string | null>): void;
  /** Aborted when the view is unmounted (language change): stop timers and polling with it. */
  signal: AbortSignal;
  /** A 401/403 from a call: signs in again and mounts the view anew. */
  authFailed(error: ApiError): void;
}

export interface ViewModule {
  mount(root: HTMLElement, ctx: ConsoleContext): void | Promise<void>;
}

const VIEWS: Record<AdminView, ViewModule> = {
  setup: setupView,
  org: orgView,
  surveys: surveysView,
  survey: surveyEditor,
  rules: rulesView,
  managers: managersView,
};

/** Which navigation entry is marked for a view (the editor belongs to Surveys). */
const NAV: readonly { view: AdminView; label: Parameters<typeof common>[0] }[] = [
  { view: 'setup', label: 'nav.setup' },
  { view: 'org', label: 'nav.org' },
  { view: 'surveys', label: 'nav.surveys' },
  { view: 'rules', label: 'nav.rules' },
  { view: 'managers', label: 'nav.managers' },
];

export interface ConsoleStart {
  config: DashboardConfig;
  session: Session;
  view: AdminView;
}

export async function startConsole({ config, session, view }: ConsoleStart): Promise<void> {
  const request = createRequest(config.apiBaseUrl, () => session.token());
  document.body.dataset.console = view;
  const shell = byId('console');
  shell.hidden = false;
  shell.dataset.view = view;
  const nav = h('nav', { id: 'console-nav', class: 'console-nav' });
  const root = h('section', { id: 'console-view', class: 'console-view', tabindex: '-1' });
  shell.replaceChildren(nav, root);

  let organisation = await readOrganisation(request, session);
  const orgLocale = organisation && isLocale(organisation.defaultLocale) ? organisation.defaultLocale : null;
  setLocale(savedLocale() ?? orgLocale ?? 'en');

  let controller: AbortController | null = null;
  const mount = async (): Promise<void> => {
    controller?.abort();
    controller = new AbortController();
    drawNav(nav, view);
    setText(byId('org-name'), localize(organisation?.name) || 'OpenCEM');
    document.title = `${common(navLabel(view))} · ${localize(organisation?.name) || 'OpenCEM'}`;
    root.dataset.ready = 'false';
    root.replaceChildren(h('p', { class: 'console-loading' }, common('loading')));
    const ctx: ConsoleContext = {
      request,
      apiBaseUrl: config.apiBaseUrl,
      params: new URLSearchParams(location.search),
      organisation,
      async reloadOrganisation() {
        organisation = await readOrganisation(request, session);
        ctx.organisation = organisation;
        setText(byId('org-name'), localize(organisation?.name) || 'OpenCEM');
        return organisation;
      },
      navigate: (next, params = {}) => location.assign(viewHref(next, params)),
      replaceParams(params) {
        const query = new URLSearchParams(location.search);
        for (const [name, value] of Object.entries(params)) {
          if (value === null) query.delete(name);
          else query.set(name, value);
        }
        history.replaceState(history.state, '', `${location.pathname}?${query.toString()}${location.hash}`);
      },
      signal: controller.signal,
      authFailed: (error) => {
        session.signOut();
        void session.signIn(error.status === 403 ? 'signin.rejected' : 'signin.expired').then(mount);
      },
    };
    try {
      root.replaceChildren();
      await VIEWS[view].mount(root, ctx);
      root.dataset.ready = 'true';
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return ctx.authFailed(error);
      root.replaceChildren(h('p', { class: 'banner', role: 'alert' }, messageOf(error)), h('button', { type: 'button', class: 'primary', 'data-action': 'retry' }, common('retry')));
      root.querySelector('[data-action="retry"]')?.addEventListener('click', () => void mount());
      root.dataset.ready = 'true';
    }
  };
  onLocaleChange(() => void mount());
  await mount();
  document.body.classList.remove('booting');
}

function navLabel(view: AdminView): Parameters<typeof common>[0] {
  return NAV.find((entry) => entry.view === (view === 'survey' ? 'surveys' : view))?.label ?? 'nav.label';
}

function drawNav(nav: HTMLElement, view: AdminView): void {
  const marked = view === 'survey' ? 'surveys' : view;
  nav.setAttribute('aria-label', common('nav.label'));
  nav.replaceChildren(
    h('ul', {}, ...NAV.map((entry) => h('li', {}, h('a', { href: viewHref(entry.view), 'data-view': entry.view, 'aria-current': entry.view === marked ? 'page' : null }, common(entry.label))))),
    h('a', { class: 'console-back', href: viewHref('overview'), 'data-view': 'overview' }, common('nav.dashboard')),
  );
}

/** The settings, or null while there are none (setup_required); signs in first when the token is missing or refused. */
async function readOrganisation(request: Request, session: Session): Promise<OrganisationSettings | null> {
  for (let attempt = 0; ; attempt++) {
    if (!session.token()) await session.signIn();
    try {
      return await request<OrganisationSettings>('/api/v1/organisation');
    } catch (error) {
      if (isSetupRequired(error) || (error instanceof ApiError && error.status === 404)) return null;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403) && attempt < 5) {
        session.signOut();
        await session.signIn(error.status === 403 || attempt === 0 ? 'signin.rejected' : 'signin.expired');
        continue;
      }
      throw error;
    }
  }
}
