// One ticket in a side panel: what the customer said and why the alert fired, how to reach them, who is responsible,
// the deadlines, the full history, and the actions the ticket allows now. Resolve asks for a root cause and a note,
// comment for a note, reassign for one of the assignees, before anything is sent. Refreshes update the panel in place,
// so an open form and typed text survive them.
import { ApiError, TICKET_ACTIONS, type Api, type Ticket, type TicketAction, type TicketActionInput, type TicketHistoryEntry } from './api.ts';
import { severityName, stateName } from './board.ts';
import { byId, h, setAttr, setText, syncList } from './dom.ts';
import { dateTime, tone, type Tone } from './format.ts';
import { hasMessage, t, type MessageKey } from './i18n.ts';
import { ageText, slaStatus, slaText } from './sla.ts';
import { isNewer } from './ticket-model.ts';

export interface QuestionInfo {
  /** Short: the indicator the question measures ("Check-in"). */
  label: string;
  /** The question as the customer read it. */
  text: string;
  type: string;
  /** Top of the scale (10 for NPS, 5 for CSAT, 7 for CES), or null when unknown. */
  max: number | null;
  /** Position in the survey, so scores read in the order the customer answered. */
  order: number;
}

export interface TicketPanelDeps {
  api: Pick<Api, 'ticket' | 'ticketAction'>;
  unitName(unitId: string): string;
  surveyTitle(surveyId: string): string;
  question(surveyId: string, questionId: string): QuestionInfo | null;
  /** The ticket changed through an action here. */
  changed(ticket: Ticket): void;
  /** The panel now shows this ticket (or none). */
  opened(id: string | null): void;
  /** The API no longer accepts the session. */
  authFailed(error: ApiError): void;
}

export interface TicketPanel {
  open(id: string): void;
  close(): void;
  openId(): string | null;
  /** A copy of the open ticket from the refresh loop; one older than what is shown is ignored. */
  update(ticket: Ticket, now: number): void;
  loadFailed(id: string, error: unknown): void;
  /** Re-renders texts (after a language change) and countdowns. */
  refresh(now: number): void;
}

/** Actions that need more from the manager before they are sent. */
const FORM_ACTIONS: ReadonlySet<TicketAction> = new Set(['resolve', 'comment', 'reassign']);

interface Draft {
  action: TicketAction | null;
  note: string;
  rootCause: string;
  assignee: string;
}

function isAction(value: unknown): value is TicketAction {
  return typeof value === 'string' && (TICKET_ACTIONS as readonly string[]).includes(value);
}

export function createTicketPanel(deps: TicketPanelDeps): TicketPanel {
  const panel = byId('ticket-panel');
  const title = byId('panel-title');
  const error = byId('panel-error');
  const status = byId('panel-status');
  const actions = byId('panel-actions');
  const form = byId<HTMLFormElement>('action-form');
  const formError = byId('form-error');
  const note = byId<HTMLTextAreaElement>('action-note');
  const rootCause = byId<HTMLSelectElement>('action-root-cause');
  const assignee = byId<HTMLSelectElement>('action-assignee');
  const confirm = byId<HTMLButtonElement>('action-confirm');
  const part = (name: string) => panel.querySelector<HTMLElement>(`[data-panel="${name}"]`) ?? h('span');

  let currentId: string | null = null;
  let ticket: Ticket | null = null;
  let formAction: TicketAction | null = null;
  let sending = false;
  let returnFocus: HTMLElement | null = null;
  /** A draft's assignee, chosen before this ticket's assignees are listed in the select. */
  let pendingAssignee = '';
  /** Unsent form input per ticket, so looking at another ticket does not throw it away. */
  const drafts = new Map<string, Draft>();

  // On wide screens the panel opens under the sticky header, so views, language and sign-out stay at hand.
  const topbar = document.querySelector<HTMLElement>('.topbar');
  if (topbar) new ResizeObserver(() => document.documentElement.style.setProperty('--topbar-h', `${topbar.offsetHeight}px`)).observe(topbar);

  byId('panel-close').addEventListener('click', () => close());
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || panel.hidden) return;
    if (formAction && form.contains(document.activeElement)) hideForm();
    else close();
  });
  actions.addEventListener('click', (event) => {
    const action = (event.target as Element).closest<HTMLElement>('[data-action]')?.dataset.action;
    if (!isAction(action) || sending) return;
    if (FORM_ACTIONS.has(action)) showForm(action);
    else void send({ action });
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (formAction) submitForm(formAction);
  });
  form.querySelector('[data-cancel]')?.addEventListener('click', () => hideForm());
  for (const field of [note, rootCause, assignee]) field.addEventListener('input', () => setAttr(field, 'aria-invalid', null));

  function open(id: string): void {
    if (id === currentId && !panel.hidden) {
      title.focus();
      return;
    }
    saveDraft();
    if (panel.hidden) returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    currentId = id;
    ticket = null;
    restoreDraft(id);
    showError(null);
    setText(status, '');
    setAttr(panel, 'data-open-ticket', id);
    setAttr(panel, 'data-loaded', 'false');
    setAttr(panel, 'data-state', null);
    setText(title, '');
    panel.hidden = false;
    document.body.toggleAttribute('data-panel-open', true);
    deps.opened(id);
    title.focus();
    deps.api.ticket(id).then(
      (loaded) => update(loaded, Date.now()),
      (failure: unknown) => loadFailed(id, failure),
    );
  }

  function close(): void {
    if (panel.hidden) return;
    saveDraft();
    panel.hidden = true;
    currentId = null;
    ticket = null;
    setAttr(panel, 'data-open-ticket', '');
    document.body.removeAttribute('data-panel-open');
    deps.opened(null);
    if (returnFocus?.isConnected) returnFocus.focus();
    returnFocus = null;
  }

  function update(next: Ticket, now: number): void {
    if (next.id !== currentId) return;
    if (ticket && isNewer(ticket, next)) return;
    ticket = next;
    render(now);
  }

  function loadFailed(id: string, failure: unknown): void {
    if (id !== currentId) return;
    if (failure instanceof ApiError && (failure.status === 401 || failure.status === 403)) {
      deps.authFailed(failure);
      return;
    }
    const message = failure instanceof Error ? failure.message : String(failure);
    // A ticket already shown stays readable; the error says why it may be out of date.
    showError(t('panel.loadError', { message }));
  }

  // Drafts --------------------------------------------------------------------------------------------------------

  function saveDraft(): void {
    if (!currentId) return;
    const draft: Draft = { action: formAction, note: note.value, rootCause: rootCause.value, assignee: assignee.value };
    if (draft.note || draft.rootCause || draft.action) drafts.set(currentId, draft);
    else drafts.delete(currentId);
  }

  function restoreDraft(id: string): void {
    const draft = drafts.get(id);
    note.value = draft?.note ?? '';
    rootCause.value = draft?.rootCause ?? '';
    assignee.value = draft?.assignee ?? '';
    pendingAssignee = draft?.assignee ?? '';
    for (const field of [note, rootCause, assignee]) setAttr(field, 'aria-invalid', null);
    if (draft?.action) showForm(draft.action, false);
    else hideForm();
  }

  // The action form ---------------------------------------------------------------------------------------------

  function showForm(action: TicketAction, focus = true): void {
    formAction = action;
    form.hidden = false;
    setAttr(form, 'data-form-action', action);
    showFormError(null);
    renderFormTexts();
    const field = (name: string) => form.querySelector<HTMLElement>(`[data-field="${name}"]`);
    const rootField = field('rootCause');
    const assigneeField = field('assignee');
    if (rootField) rootField.hidden = action !== 'resolve';
    if (assigneeField) assigneeField.hidden = action !== 'reassign';
    note.required = action !== 'reassign';
    rootCause.required = action === 'resolve';
    assignee.required = action === 'reassign';
    for (const button of actions.querySelectorAll<HTMLElement>('[data-action]')) setAttr(button, 'aria-expanded', FORM_ACTIONS.has(button.dataset.action as TicketAction) ? String(button.dataset.action === action) : null);
    if (focus) (action === 'resolve' ? rootCause : action === 'reassign' ? assignee : note).focus();
  }

  function hideForm(): void {
    const previous = formAction;
    const hadFocus = form.contains(document.activeElement);
    formAction = null;
    form.hidden = true;
    setAttr(form, 'data-form-action', '');
    for (const button of actions.querySelectorAll<HTMLElement>('[data-action]')) setAttr(button, 'aria-expanded', FORM_ACTIONS.has(button.dataset.action as TicketAction) ? 'false' : null);
    // Focus goes back to the button that opened the form, not to the page's start.
    if (hadFocus) (actions.querySelector<HTMLElement>(`[data-action="${previous ?? ''}"]:not([hidden])`) ?? title).focus();
  }

  function renderFormTexts(): void {
    const label = form.querySelector('[data-note-label]');
    if (label) setText(label, t(formAction === 'resolve' ? 'form.resolveNote' : formAction === 'comment' ? 'form.comment' : 'form.note'));
    setText(confirm, formAction ? actionName(formAction) : '');
    setAttr(confirm, 'data-confirm', formAction ?? '');
  }

  function submitForm(action: TicketAction): void {
    const problems: [HTMLElement, MessageKey][] = [];
    const text = note.value.trim();
    if (action === 'resolve' && !rootCause.value) problems.push([rootCause, 'form.needRootCause']);
    if (action === 'resolve' && !text) problems.push([note, 'form.needNote']);
    if (action === 'comment' && !text) problems.push([note, 'form.needComment']);
    if (action === 'reassign' && !assignee.value) problems.push([assignee, 'form.needAssignee']);
    for (const field of [note, rootCause, assignee]) setAttr(field, 'aria-invalid', problems.some(([f]) => f === field) ? 'true' : null);
    if (problems.length > 0) {
      showFormError(problems.map(([, key]) => t(key)).join(' '));
      problems[0]?.[0].focus();
      return;
    }
    showFormError(null);
    const input: TicketActionInput = { action };
    if (text) input.note = text;
    if (action === 'resolve') input.rootCause = rootCause.value as TicketActionInput['rootCause'];
    if (action === 'reassign') input.assignee = assignee.value;
    void send(input);
  }

  async function send(input: TicketActionInput): Promise<void> {
    const id = currentId;
    if (!id || sending) return;
    sending = true;
    setBusy(true);
    showError(null);
    setText(status, t('form.sending'));
    try {
      const updated = await deps.api.ticketAction(id, input);
      deps.changed(updated);
      if (currentId !== id) return;
      ticket = updated;
      if (formAction === input.action) {
        note.value = '';
        rootCause.value = '';
        assignee.value = '';
        drafts.delete(id);
        hideForm();
      }
      render(Date.now());
      setText(status, t('panel.done', { action: actionName(input.action) }));
    } catch (failure) {
      setText(status, '');
      if (currentId !== id) return;
      if (failure instanceof ApiError && (failure.status === 401 || failure.status === 403)) deps.authFailed(failure);
      showError(describeFailure(failure));
      error.scrollIntoView({ block: 'nearest' });
      if (failure instanceof ApiError) markIssues(failure);
    } finally {
      sending = false;
      setBusy(false);
    }
  }

  function markIssues(failure: ApiError): void {
    const fields: Record<string, HTMLElement> = { note, rootCause, assignee };
    for (const issue of failure.issues) {
      const field = fields[issueField(issue.path)];
      if (field) setAttr(field, 'aria-invalid', 'true');
    }
  }

  function setBusy(busy: boolean): void {
    panel.toggleAttribute('data-busy', busy);
    for (const button of panel.querySelectorAll<HTMLButtonElement>('[data-action], [data-confirm]')) button.disabled = busy;
  }

  function showError(text: string | null): void {
    error.hidden = text === null;
    setText(error, text ?? '');
  }

  function showFormError(text: string | null): void {
    formError.hidden = text === null;
    setText(formError, text ?? '');
  }

  // Rendering ---------------------------------------------------------------------------------------------------

  function render(now: number): void {
    renderFormTexts();
    if (!ticket) return;
    const tk = ticket;
    const sla = slaStatus(tk, now);
    setAttr(panel, 'data-loaded', 'true');
    setAttr(panel, 'data-state', tk.state);
    setAttr(panel, 'data-severity', tk.severity);
    setAttr(panel, 'data-overdue', String(tk.overdue));

    const sev = part('severity');
    setText(sev, severityName(tk.severity));
    setAttr(sev, 'data-severity', tk.severity);
    const state = part('state');
    setText(state, stateName(tk.state));
    setAttr(state, 'data-ticket-state', tk.state);
    part('overdue').hidden = !tk.overdue;
    const escalation = part('escalation');
    escalation.hidden = tk.escalationLevel <= 0;
    setText(escalation, tk.escalationLevel > 0 ? t('ticket.escalatedTo', { unit: deps.unitName(tk.assignedUnitId) }) : '');
    setAttr(escalation, 'title', tk.escalationLevel > 0 ? t('ticket.escalationLevel', { level: tk.escalationLevel }) : null);
    setText(title, tk.ruleName);
    setText(part('sub'), [deps.unitName(tk.unitId), deps.surveyTitle(tk.surveyId), ageText(tk.createdAt, now)].filter(Boolean).join(' · '));
    const slaLine = part('sla');
    setText(slaLine, slaText(sla));
    setAttr(slaLine, 'data-overdue', String((sla.phase === 'ack' || sla.phase === 'resolve') && sla.overdue));
    setText(part('id'), `${tk.id}`);

    // Only what the ticket allows now.
    const allowed = new Set(tk.allowedActions);
    for (const button of actions.querySelectorAll<HTMLElement>('[data-action]')) button.hidden = !allowed.has(button.dataset.action ?? '');
    part('no-actions').hidden = TICKET_ACTIONS.some((a) => allowed.has(a));
    syncList(
      assignee,
      [{ name: '', email: '' }, ...tk.assignees.filter((a) => a.email)],
      (a) => a.email,
      (a) => h('option', { value: a.email }),
      (option, a) => setText(option, a.email ? (a.name ? `${a.name} <${a.email}>` : a.email) : t('form.choose')),
    );
    if (pendingAssignee) {
      assignee.value = pendingAssignee;
      pendingAssignee = '';
    }

    renderSummary(tk);
    renderResolution(tk);
    renderContact(tk);
    renderPeople(tk);
    renderDeadlines(tk);
    renderHistory(tk.history ?? []);
  }

  function renderSummary(tk: Ticket): void {
    interface ScoreRow {
      id: string;
      label: string;
      title: string;
      value: number;
      max: number | null;
      tone: Tone;
    }
    const rows: (ScoreRow & { order: number })[] = [];
    if (tk.summary.nps !== undefined) rows.push({ id: '#nps', label: 'NPS', title: '', value: tk.summary.nps, max: 10, tone: npsTone(tk.summary.nps), order: -1 });
    for (const [questionId, value] of Object.entries(tk.summary.scores)) {
      const q = deps.question(tk.surveyId, questionId);
      if (q?.type === 'nps' && tk.summary.nps !== undefined) continue;
      const max = q?.max ?? null;
      rows.push({ id: questionId, label: q?.label || questionId, title: q?.text ?? '', value, max, tone: q?.type === 'nps' ? npsTone(value) : tone(value, 'mean', max), order: q?.order ?? Infinity });
    }
    rows.sort((a, b) => a.order - b.order);
    syncList(
      byId('panel-scores'),
      rows,
      (r) => r.id,
      () => h('li', {}, h('span', { class: 'score-label' }), h('span', { class: 'score' }, h('b', { class: 'pill' }), h('small', { class: 'score-max' }))),
      (li, r) => {
        setAttr(li, 'data-question-id', r.id);
        const label = li.querySelector('.score-label');
        if (label) {
          setText(label, r.label);
          setAttr(label, 'title', r.title || null);
        }
        const pill = li.querySelector('.pill');
        if (pill) {
          setText(pill, String(r.value));
          setAttr(pill, 'data-tone', r.tone);
          setAttr(pill, 'data-value', String(r.value));
        }
        const max = li.querySelector('.score-max');
        if (max) setText(max, r.max ? `/ ${r.max}` : '');
      },
    );
    const excerpt = part('text');
    setText(excerpt, tk.summary.text || t('panel.noText'));
    setAttr(excerpt, 'data-empty', tk.summary.text ? null : '');
    syncList(
      byId('panel-matched'),
      tk.summary.matched,
      (reason) => reason,
      () => h('li', {}),
      (li, reason) => setText(li, reason),
    );
  }

  function renderResolution(tk: Ticket): void {
    // A reopened ticket keeps its old resolution in the history, not here.
    part('resolution-section').hidden = (tk.state !== 'resolved' && tk.state !== 'closed') || (!tk.rootCause && !tk.resolutionNote);
    const key = `rootCause.${tk.rootCause ?? ''}`;
    setText(part('root-cause'), tk.rootCause ? (hasMessage(key) ? t(key) : tk.rootCause) : '—');
    setText(part('resolution-note'), tk.resolutionNote ?? '');
  }

  function renderContact(tk: Ticket): void {
    const c = tk.contact ?? {};
    const items: { key: string; text: string; href?: string }[] = [];
    if (c.name) items.push({ key: 'name', text: c.name });
    if (c.phone) items.push({ key: 'phone', text: c.phone, href: `tel:${c.phone.replace(/[^\d+]/g, '')}` });
    if (c.email) items.push({ key: 'email', text: c.email, href: `mailto:${c.email}` });
    if (items.length === 0) items.push({ key: 'none', text: t('panel.noContact') });
    syncList(
      byId('panel-contact'),
      items,
      (i) => `${i.key}:${i.href ? 'link' : 'text'}`,
      (i) => h('li', { 'data-contact': i.key }, i.href ? h('a', {}) : h('span', {})),
      (li, i) => {
        const el = li.firstElementChild;
        if (!el) return;
        setText(el, i.text);
        if (i.href) setAttr(el, 'href', i.href);
      },
    );
    const request = tk.contactRequest;
    const channelKey = `channel.${request?.channel ?? ''}`;
    setText(
      part('contact-request'),
      !request ? '' : request.consent ? t('panel.wantsContact', { channel: hasMessage(channelKey) ? t(channelKey) : request.channel }) : t('panel.noConsent'),
    );
    setAttr(part('contact-request'), 'data-consent', request ? String(request.consent) : null);
  }

  function renderPeople(tk: Ticket): void {
    setText(part('handled-by'), tk.assignee ? t('panel.handledBy', { who: tk.assignee }) : '');
    syncList(
      byId('panel-assignees'),
      tk.assignees,
      (a) => a.email || a.name,
      () => h('li', {}, h('b', { class: 'person' }), h('a', { class: 'person-email' }), h('a', { class: 'person-phone' })),
      (li, a) => {
        setAttr(li, 'data-email', a.email);
        setAttr(li, 'data-current', a.email === tk.assignee ? 'true' : null);
        const [name, email, phone] = Array.from(li.children);
        if (name) setText(name, a.name || a.email);
        if (email) {
          setText(email, a.email);
          setAttr(email, 'href', a.email ? `mailto:${a.email}` : null);
        }
        if (phone instanceof HTMLElement) {
          phone.hidden = !a.phone;
          setText(phone, a.phone ?? '');
          setAttr(phone, 'href', a.phone ? `tel:${a.phone.replace(/[^\d+]/g, '')}` : null);
        }
      },
    );
  }

  function renderDeadlines(tk: Ticket): void {
    const rows: { key: string; label: MessageKey; at: string | undefined; late?: boolean }[] = [
      { key: 'created', label: 'panel.created', at: tk.createdAt },
      { key: 'ackDue', label: 'panel.ackDue', at: tk.ackDueAt, late: lateAgainst(tk.ackDueAt, tk.acknowledgedAt, tk.state === 'open') },
      { key: 'acknowledged', label: 'panel.acknowledged', at: tk.acknowledgedAt },
      { key: 'resolveDue', label: 'panel.resolveDue', at: tk.resolveDueAt, late: lateAgainst(tk.resolveDueAt, tk.resolvedAt, tk.state === 'acknowledged' || tk.state === 'in_progress' || tk.state === 'open') },
      { key: 'resolved', label: 'panel.resolved', at: tk.resolvedAt },
      { key: 'closed', label: 'panel.closed', at: tk.closedAt },
    ];
    syncList(
      byId('panel-deadlines'),
      rows.filter((r) => r.at),
      (r) => r.key,
      (r) => h('div', { 'data-deadline': r.key }, h('dt', {}), h('dd', {}, h('time', {}))),
      (div, r) => {
        const [dt, dd] = Array.from(div.children);
        if (dt) setText(dt, t(r.label));
        const time = dd?.firstElementChild;
        if (time && r.at) {
          setText(time, dateTime(r.at));
          setAttr(time, 'datetime', r.at);
        }
        setAttr(div, 'data-late', r.late ? 'true' : null);
      },
    );
  }

  function renderHistory(history: readonly TicketHistoryEntry[]): void {
    syncList(
      byId('ticket-history'),
      history,
      (entry) => `${entry.at}|${entry.action}|${entry.by}`,
      () =>
        h(
          'li',
          {},
          h('p', { class: 'h-meta' }, h('time', { class: 'h-at' }), h('span', { class: 'h-by' })),
          h('p', { class: 'h-head' }, h('b', { class: 'h-action' }), h('span', { class: 'h-change' })),
          h('p', { class: 'h-note' }),
          h('p', { class: 'h-detail' }),
        ),
      (li, entry) => {
        setAttr(li, 'data-history-action', entry.action);
        setAttr(li, 'data-at', entry.at);
        const q = (s: string) => li.querySelector<HTMLElement>(s) ?? h('span');
        const at = q('.h-at');
        setText(at, dateTime(entry.at));
        setAttr(at, 'datetime', entry.at);
        setText(q('.h-action'), historyActionName(entry.action));
        // A state change: "Open → Acknowledged"; the first entry has only where it started.
        const change = entry.to ? (entry.from && entry.from !== entry.to ? `${changeName(entry.from)} → ${changeName(entry.to)}` : `→ ${changeName(entry.to)}`) : '';
        setText(q('.h-change'), change);
        setText(q('.h-by'), entry.by === 'system' ? t('history.system') : entry.by);
        const noteEl = q('.h-note');
        noteEl.hidden = !entry.note;
        setText(noteEl, entry.note ?? '');
        const detail = q('.h-detail');
        const causeKey = `rootCause.${entry.detail ?? ''}`;
        detail.hidden = !entry.detail;
        setText(detail, entry.action === 'resolve' && hasMessage(causeKey) ? t(causeKey) : (entry.detail ?? ''));
      },
    );
  }

  function changeName(value: string): string {
    const state = stateName(value);
    if (state !== value) return state;
    const unit = deps.unitName(value);
    return unit || value;
  }

  return {
    open,
    close,
    openId: () => (panel.hidden ? null : currentId),
    update,
    loadFailed,
    refresh: render,
  };
}

function npsTone(score: number): Tone {
  return score >= 9 ? 'good' : score >= 7 ? 'fair' : 'poor';
}

/** A deadline is missed when the step happened after it, or has not happened and the deadline is past. */
function lateAgainst(due: string, doneAt: string | undefined, pending: boolean): boolean {
  const dueAt = Date.parse(due);
  if (Number.isNaN(dueAt)) return false;
  if (doneAt) return Date.parse(doneAt) > dueAt;
  return pending && Date.now() > dueAt;
}

export function actionName(action: string): string {
  const key = `action.${action}`;
  return hasMessage(key) ? t(key) : action;
}

const HISTORY_ALIASES: Record<string, string> = { create: 'created', open: 'created', opened: 'created', notified: 'notify', notification: 'notify', escalation: 'escalate' };

/** A history entry's action in words; past-tense names ("acknowledged", "escalated") are understood too. */
export function historyActionName(action: string): string {
  const name = action.toLowerCase();
  for (const candidate of [HISTORY_ALIASES[name] ?? name, name.replace(/ed$/, ''), name.replace(/d$/, '')]) {
    const key = `history.${candidate}`;
    if (hasMessage(key)) return t(key);
  }
  return action;
}

/** The form field an API issue names: "rootCause", ["body", "note"], "body.assignee" → its last part. */
function issueField(path: string | readonly (string | number)[]): string {
  const parts = typeof path === 'string' ? path.split('.') : path.map(String);
  return parts[parts.length - 1] ?? '';
}

function describeFailure(failure: unknown): string {
  if (!(failure instanceof ApiError)) return t('status.error', { message: failure instanceof Error ? failure.message : String(failure) });
  if (failure.status === 0) return t('status.offline');
  if (failure.status === 409) return `${t('panel.conflict')} ${failure.message}`;
  if (failure.status === 400 || failure.status === 422) {
    const labels: Record<string, MessageKey> = { note: 'form.note', rootCause: 'form.rootCause', assignee: 'form.assignee' };
    const fields = [...new Set(failure.issues.map((i) => issueField(i.path)))].map((f) => {
      const key = labels[f];
      return key ? t(key) : f;
    });
    return fields.length > 0 ? `${t('panel.invalid', { fields: fields.join(', ') })} ${failure.message}` : failure.message;
  }
  return t('status.error', { message: failure.message });
}
