// Manager notifications: readable text in the organisation's language, and attributes subscriptions can filter on.
// Every line is a field ("Label: value") or a quoted line of respondent text ("> …"), so respondents cannot forge fields.
import type { Answers } from './answers.ts';
import type { Organisation, OrgTree } from './org.ts';
import { digestKey, type PagingWindow } from './paging.ts';
import { contactLine, oneLine, quotedExcerpt } from './respondent-text.ts';
import { localize, type Locale, type Survey } from './survey.ts';
import type { Manager, Ticket } from './tickets.ts';

export interface Notification {
  /** Deduplication key: the same notification is never sent twice once it has been sent. */
  key: string;
  kind: 'alert' | 'escalation' | 'overdue' | 'digest';
  subject: string;
  body: string;
  recipients: Manager[];
  /** SNS message attributes: unitPath ("hq/east/sh-bund"), unitId, severity, kind, ruleId. */
  attributes: Record<string, string>;
}

const TEXT = {
  zh: {
    alert: '新预警', escalation: '工单升级', overdue: '工单超时', survey: '问卷', unit: '门店', scores: '评分', comment: '留言',
    contact: '客户联系方式', why: '触发原因', link: '处理工单', severity: { low: '低', medium: '中', high: '高', critical: '紧急' },
    escalated: (from: string, to: string) => `首问责任人未在时限内响应，工单已由 ${from} 升级至 ${to}。`,
    atTop: '已到最高层级，工单已标记为超时。',
    digest: '预警汇总', board: '工单看板',
    more: (n: number, rule: string, unit: string, since: string) => `自 ${since} 起，规则「${rule}」在${unit}又触发了 ${n} 条预警，未逐条通知；请在工单看板查看。`,
  },
  en: {
    alert: 'New alert', escalation: 'Ticket escalated', overdue: 'Ticket overdue', survey: 'Survey', unit: 'Unit', scores: 'Scores', comment: 'Comment',
    contact: 'Customer contact', why: 'Why', link: 'Handle the ticket', severity: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
    escalated: (from: string, to: string) => `Not handled in time: escalated from ${from} to ${to}.`,
    atTop: 'Already at the top of the organisation: flagged overdue.',
    digest: 'Alert digest', board: 'Ticket board',
    more: (n: number, rule: string, unit: string, since: string) =>
      `${n} more ${plural('en', n, { one: 'alert', other: 'alerts' })} for rule “${rule}” at ${unit} since ${since}, not sent one by one; see the ticket board.`,
  },
  ru: {
    alert: 'Новое оповещение', escalation: 'Эскалация заявки', overdue: 'Заявка просрочена', survey: 'Опрос', unit: 'Подразделение', scores: 'Оценки', comment: 'Комментарий',
    contact: 'Контакт клиента', why: 'Причина', link: 'Открыть заявку', severity: { low: 'низкая', medium: 'средняя', high: 'высокая', critical: 'критическая' },
    escalated: (from: string, to: string) => `Не обработано вовремя: передано из «${from}» в «${to}».`,
    atTop: 'Выше передавать некому: заявка помечена как просроченная.',
    digest: 'Сводка оповещений', board: 'Доска заявок',
    more: (n: number, rule: string, unit: string, since: string) =>
      `Ещё ${n} ${plural('ru', n, { one: 'оповещение', few: 'оповещения', many: 'оповещений', other: 'оповещения' })} по правилу «${rule}» в «${unit}» с ${since} не отправлены по одному; см. доску заявок.`,
  },
} as const;

/** The plural form of a count in a locale (ru: one / few / many; en: one / other). */
function plural(locale: Locale, n: number, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }): string {
  return forms[new Intl.PluralRules(locale).select(n)] ?? forms.other;
}

/** Characters of one catalog value (survey title, unit path, rule name and reasons) on its line. */
const CATALOG_CHARS = 200;
/** Characters of a subject line. */
const SUBJECT_CHARS = 200;

export interface AlertContext {
  org: OrgTree;
  organisation: Organisation;
  survey: Survey;
  unitId: string;
  answers: Answers;
  /** Present only when the survey is not anonymous. */
  contact?: { name?: string; phone?: string; email?: string } | undefined;
  dashboardUrl: string;
}

function unitName(org: OrgTree, unitId: string, locale: Locale, fallback: Locale): string {
  return localize(org.get(unitId)?.name, locale, fallback) || unitId;
}

function scoreLines(survey: Survey, answers: Answers): { scores: string; text?: string } {
  const scores = survey.questions
    .filter((q) => typeof answers[q.id] === 'number')
    .map((q) => `${q.id} ${answers[q.id]}`)
    .join(', ');
  const text = survey.questions
    .filter((q) => q.type === 'text')
    .map((q) => answers[q.id])
    .find((v): v is string => typeof v === 'string' && v.trim().length > 0);
  return text ? { scores, text } : { scores };
}

/** Catalog data on one field line: admins write it, but a pasted line break must not start a field either. */
const field = (label: string, value: string) => `${label}: ${oneLine(value, CATALOG_CHARS)}`;

/** The respondent's comment: its label alone on a line, then the quoted excerpt (nothing when nothing visible is left). */
function commentLines(label: string, text: string | undefined): string[] {
  const quoted = text ? quotedExcerpt(text) : [];
  return quoted.length ? [`${label}:`, ...quoted] : [];
}

function contactLines(label: string, contact: AlertContext['contact'], locale: Locale): string[] {
  const line = contact && contactLine(contact, locale);
  return line ? [`${label}: ${line}`] : [];
}

export function ticketLink(dashboardUrl: string, ticketId: string): string {
  return `${dashboardUrl.replace(/\/$/, '')}/?view=tickets&ticket=${encodeURIComponent(ticketId)}`;
}

export function alertNotification(
  context: AlertContext,
  rule: { id: string; name: string; severity: Ticket['severity'] },
  reasons: string[],
  responseId: string,
  recipients: Manager[],
  ticketId: string | undefined,
): Notification {
  const locale = context.organisation.defaultLocale;
  const t = TEXT[locale];
  const unit = unitName(context.org, context.unitId, locale, locale);
  const { scores, text } = scoreLines(context.survey, context.answers);
  const lines = [
    field(t.survey, localize(context.survey.title, locale, context.survey.defaultLocale)),
    field(t.unit, context.org.lineage(context.unitId).reverse().map((u) => localize(u.name, locale, locale)).join(' › ')),
    field(t.why, `${rule.name} — ${reasons.join('; ')}`),
    field(t.scores, scores),
    ...commentLines(t.comment, text),
    ...contactLines(t.contact, context.contact, locale),
  ];
  if (ticketId) lines.push(`${t.link}: ${ticketLink(context.dashboardUrl, ticketId)}`);
  return {
    key: `alert#${responseId}#${rule.id}`,
    kind: 'alert',
    subject: oneLine(`[${t.severity[rule.severity]}] ${t.alert} · ${unit} · ${rule.name}`, SUBJECT_CHARS),
    body: lines.join('\n'),
    recipients,
    attributes: attributes(context.org, context.unitId, rule.severity, 'alert', rule.id),
  };
}

export function escalationNotification(ticket: Ticket, fromUnitId: string, escalated: boolean, org: OrgTree, organisation: Organisation, dashboardUrl: string): Notification {
  const locale = organisation.defaultLocale;
  const t = TEXT[locale];
  const from = unitName(org, fromUnitId, locale, locale);
  const to = unitName(org, ticket.assignedUnitId, locale, locale);
  const lines = [
    oneLine(escalated ? t.escalated(from, to) : t.atTop, CATALOG_CHARS * 2),
    field(t.unit, unitName(org, ticket.unitId, locale, locale)),
    field(t.why, `${ticket.ruleName} — ${ticket.summary.matched.join('; ')}`),
    ...commentLines(t.comment, ticket.summary.text),
    ...contactLines(t.contact, ticket.contact, locale),
    `${t.link}: ${ticketLink(dashboardUrl, ticket.id)}`,
  ];
  const kind = escalated ? 'escalation' : 'overdue';
  return {
    key: `${kind}#${ticket.id}#${ticket.escalationLevel}`,
    kind,
    subject: oneLine(`[${t.severity[ticket.severity]}] ${escalated ? t.escalation : t.overdue} · ${to} · ${ticket.ruleName}`, SUBJECT_CHARS),
    body: lines.join('\n'),
    recipients: ticket.assignees,
    attributes: attributes(org, ticket.assignedUnitId, ticket.severity, kind, ticket.ruleId),
  };
}

/** Ticket board filtered to one unit: where a manager sees the alerts a digest only counts. */
export function boardLink(dashboardUrl: string, unitId: string): string {
  return `${dashboardUrl.replace(/\/$/, '')}/?view=tickets&unit=${encodeURIComponent(unitId)}`;
}

/** Hours and minutes of an instant in the organisation's time zone, e.g. "16:15". */
function clockTime(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));
}

/** The one notification for the alerts of a window past its paging limit: how many, since when, and where to look. */
export function digestNotification(
  window: PagingWindow,
  rule: { id: string; name: string; severity: Ticket['severity'] },
  moreAlerts: number,
  org: OrgTree,
  organisation: Organisation,
  recipients: Manager[],
  dashboardUrl: string,
): Notification {
  const locale = organisation.defaultLocale;
  const t = TEXT[locale];
  const unit = unitName(org, window.unitId, locale, locale);
  const ruleName = oneLine(rule.name, CATALOG_CHARS);
  const lines = [
    oneLine(t.more(moreAlerts, ruleName, oneLine(unit, CATALOG_CHARS), clockTime(window.start, organisation.timeZone)), CATALOG_CHARS * 3),
    field(t.unit, org.lineage(window.unitId).reverse().map((u) => localize(u.name, locale, locale)).join(' › ') || window.unitId),
    field(t.why, ruleName),
    `${t.board}: ${boardLink(dashboardUrl, window.unitId)}`,
  ];
  return {
    key: digestKey(window),
    kind: 'digest',
    subject: oneLine(`[${t.severity[rule.severity]}] ${t.digest} · ${unit} · ${ruleName} · +${moreAlerts}`, SUBJECT_CHARS),
    body: lines.join('\n'),
    recipients,
    attributes: attributes(org, window.unitId, rule.severity, 'digest', rule.id),
  };
}

function attributes(org: OrgTree, unitId: string, severity: string, kind: string, ruleId: string): Record<string, string> {
  return { unitPath: org.lineage(unitId).reverse().map((u) => u.id).join('/') || unitId, unitId, severity, kind, ruleId };
}
