// The "not set up yet" panel shown instead of the overview and the ticket board while the organisation, its units or
// a published survey is missing: what is missing, the API steps in order (done ones ticked), and "check again".
import { byId, setAttr, setText } from './dom.ts';
import { onLocaleChange, t } from './i18n.ts';
import { SETUP_STAGES, type SetupStage } from './setup.ts';

export interface SetupView {
  stage: SetupStage;
  /** Active units, for the "survey" stage's lead. */
  units: number;
  /** Drafts waiting to be published. */
  drafts: readonly string[];
  /** The API's own words (English), when it answered setup_required. */
  apiMessage: string | null;
}

let shown: SetupView | null = null;
let bound = false;

/** Shows the panel in place of both views; the language switch keeps working on it. */
export function showSetupPanel(view: SetupView, apiBaseUrl: string): void {
  shown = view;
  if (!bound) {
    bound = true;
    // "Check again" reloads: the dashboard then starts exactly as it would for a manager arriving now.
    byId('setup-recheck').addEventListener('click', () => location.reload());
    onLocaleChange(() => shown && render(shown));
  }
  setAttr(byId('setup-docs'), 'href', `${apiBaseUrl.replace(/\/+$/, '')}/api/docs`);
  document.body.dataset.setup = view.stage;
  byId('setup-panel').hidden = false;
  byId('dashboard').hidden = true;
  byId('tickets-view').hidden = true;
  render(view);
}

function render(view: SetupView): void {
  const panel = byId('setup-panel');
  setAttr(panel, 'data-stage', view.stage);
  setText(byId('setup-title'), t(`setup.title.${view.stage}`));
  setText(byId('setup-lead'), t(`setup.lead.${view.stage}`, { units: view.units }));
  const current = SETUP_STAGES.indexOf(view.stage);
  for (const step of panel.querySelectorAll<HTMLElement>('[data-step]')) {
    const index = SETUP_STAGES.indexOf(step.dataset.step as SetupStage);
    setAttr(step, 'data-done', String(index < current));
    setAttr(step, 'aria-current', index === current ? 'step' : null);
  }
  const drafts = byId('setup-drafts');
  drafts.hidden = view.drafts.length === 0;
  setText(drafts, view.drafts.length ? t('setup.drafts', { ids: view.drafts.join(', ') }) : '');
  const detail = byId('setup-detail');
  detail.hidden = !view.apiMessage;
  setText(detail, view.apiMessage ? t('setup.detail', { message: view.apiMessage }) : '');
}
