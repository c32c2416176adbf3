// Respondent text in manager notifications: quoted on its own lines, shortened, and never able to pose as a field.
import { describe, expect, it } from 'vitest';
import { alertNotification, escalationNotification, type Notification } from '../../functions/domain/notifications.ts';
import { OrgTree } from '../../functions/domain/org.ts';
import { quotedExcerpt, oneLine, quotedName } from '../../functions/domain/respondent-text.ts';
import type { Locale } from '../../functions/domain/survey.ts';
import type { Ticket } from '../../functions/domain/tickets.ts';
import { demoOrganisation, demoSurveys, demoUnits } from '../../functions/local/demo.ts';

const org = new OrgTree(demoUnits);
const survey = demoSurveys.find((s) => s.id === 'hotel-stay')!;
const DASHBOARD = 'https://cx.example.com';
const LINK_LABEL: Record<Locale, string> = { zh: '处理工单', en: 'Handle the ticket', ru: 'Открыть заявку' };
const FIELD_LABELS: Record<Locale, string[]> = {
  zh: ['问卷', '门店', '触发原因', '评分', '留言', '客户联系方式', '处理工单'],
  en: ['Survey', 'Unit', 'Why', 'Scores', 'Comment', 'Customer contact', 'Handle the ticket'],
  ru: ['Опрос', 'Подразделение', 'Причина', 'Оценки', 'Комментарий', 'Контакт клиента', 'Открыть заявку'],
};
const LOCALES: Locale[] = ['zh', 'en', 'ru'];
const PHISH = 'http://evil.example/phish';

/** Ways to start a new line (or make one look new) inside a comment, each followed by a fake ticket link. */
const forgeries = (label: string): [string, string][] => [
  ['\\n', `ok\n${label}: ${PHISH}`],
  ['\\r\\n', `ok\r\n${label}: ${PHISH}`],
  ['\\r', `ok\r${label}: ${PHISH}`],
  ['vertical tab and form feed', `ok\v${label}: ${PHISH}\f${label}: ${PHISH}`],
  ['U+2028 line separator', `ok\u2028${label}: ${PHISH}`],
  ['U+2029 paragraph separator', `ok\u2029${label}: ${PHISH}`],
  ['U+0085 next line', `ok\u0085${label}: ${PHISH}`],
  ['bidi override', `ok\u202e\n\u202d${label}: ${PHISH}\u202c`],
  ['bidi isolate', `ok\n\u2066${label}: ${PHISH}\u2069`],
  ['zero-width before the label', `ok\n\u200b\u200d\ufeff${label}: ${PHISH}`],
  ['blank lines and spaces first', `ok\n\n   \n\t${label}: ${PHISH}`],
  ['the label alone at the start', `${label}: ${PHISH}`],
  ['C1 and C0 controls', `ok\u009b\u001b[2K\n${label}: ${PHISH}`],
];

function contextFor(locale: Locale, comment: string, contact?: { name?: string; phone?: string; email?: string }) {
  return {
    org,
    organisation: { ...demoOrganisation, defaultLocale: locale },
    survey,
    unitId: 'sh-bund',
    answers: { nps: 2, comment },
    contact,
    dashboardUrl: DASHBOARD,
  };
}
const rule = { id: 'detractor', name: 'NPS ≤ 6 (detractor)', severity: 'medium' as const };
const TICKET_ID = 'tk-123';

function alertFor(locale: Locale, comment: string, contact?: { name?: string; phone?: string; email?: string }): Notification {
  return alertNotification(contextFor(locale, comment, contact), rule, ['nps = 2 (≤ 6)'], 'r-1', [], TICKET_ID);
}

function ticketFor(text: string, contact?: Ticket['contact']): Ticket {
  const at = '2026-11-23T08:00:00.000Z';
  return {
    id: TICKET_ID, responseId: 'r-1', ruleId: 'detractor', ruleName: rule.name, severity: 'medium', surveyId: 'hotel-stay',
    unitId: 'sh-bund', unitPath: 'hq/east/sh-bund', assignedUnitId: 'east', assignees: [], escalationLevel: 1, state: 'open',
    overdue: false, sla: { acknowledgeWithin: 'PT2H', resolveWithin: 'P2D' }, summary: { nps: 2, scores: { nps: 2 }, text, matched: ['nps = 2 (≤ 6)'] },
    ...(contact ? { contact } : {}), createdAt: at, updatedAt: at, version: 1, history: [],
  } as unknown as Ticket;
}

/** Every line is a field of ours or a quoted respondent line; the real link is the only line with the link label. */
function expectNoForgedLines(notification: Notification, locale: Locale, firstLineFree = false) {
  const lines = notification.body.split('\n');
  const linkLines = lines.filter((l) => l.startsWith(`${LINK_LABEL[locale]}:`));
  expect(linkLines).toEqual([`${LINK_LABEL[locale]}: ${DASHBOARD}/?view=tickets&ticket=${TICKET_ID}`]);
  for (const [i, line] of lines.entries()) {
    if (firstLineFree && i === 0) continue;
    const isField = FIELD_LABELS[locale].some((label) => line.startsWith(`${label}:`));
    expect(isField || line.startsWith('> '), `line ${i}: ${JSON.stringify(line)}`).toBe(true);
    // A forged link survives only as quoted comment text or inside the contact line, never at the start of a line.
    const contactLabel = FIELD_LABELS[locale][5];
    if (line.includes(PHISH)) expect(line.startsWith('> ') || line.startsWith(`${contactLabel}:`), `line ${i}: ${JSON.stringify(line)}`).toBe(true);
  }
  expect(notification.body).not.toMatch(/[\r\u2028\u2029\u0085\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(notification.subject).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
}

describe('alert notifications quote respondent text', () => {
  for (const locale of LOCALES) {
    for (const label of new Set([LINK_LABEL[locale], ...LOCALES.map((l) => LINK_LABEL[l])])) {
      for (const [how, comment] of forgeries(label)) {
        it(`${locale}: a comment forging "${label}:" with ${how} stays quoted`, () => {
          const notification = alertFor(locale, comment);
          expectNoForgedLines(notification, locale);
          expect(notification.body).toContain(`> `);
        });
      }
    }
  }

  it('puts the comment label on its own line and every comment line after it, quoted', () => {
    const body = alertFor('zh', `ok\n处理工单: ${PHISH}`).body.split('\n');
    const at = body.indexOf('留言:');
    expect(body.slice(at, at + 3)).toEqual(['留言:', '> ok', `> 处理工单: ${PHISH}`]);
    expect(body.at(-1)).toBe(`处理工单: ${DASHBOARD}/?view=tickets&ticket=${TICKET_ID}`);
  });

  it('keeps a name, phone and e-mail on the contact line, the name quoted in the locale’s marks', () => {
    const forged = { name: `Zhou\nHandle the ticket: ${PHISH}`, phone: `+86 138\r\nHandle the ticket: ${PHISH}`, email: `a@b.example\u2028Handle the ticket: ${PHISH}` };
    const en = alertFor('en', 'fine', forged);
    expectNoForgedLines(en, 'en');
    const contact = en.body.split('\n').find((l) => l.startsWith('Customer contact:'));
    expect(contact).toMatch(/^Customer contact: “Zhou Handle the ticket: http:\/\/evil\.example\/phish”, \+86 138 Handle the ticket: /);
    expect(alertFor('ru', 'fine', { name: 'Иван' }).body).toContain('Контакт клиента: «Иван»');
    expect(alertFor('zh', 'fine', { name: '周女士', phone: '+8613800138000' }).body).toContain('客户联系方式: 「周女士」, +8613800138000');
  });

  it('shortens long comments to five lines and 200 characters, and long names to 80, with "…"', () => {
    const lines = alertFor('en', Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n')).body.split('\n').filter((l) => l.startsWith('> '));
    expect(lines).toEqual(['> line 0', '> line 1', '> line 2', '> line 3', '> line 4…']);
    const long = alertFor('en', 'x'.repeat(10_000)).body.split('\n').filter((l) => l.startsWith('> '));
    expect(long).toEqual([`> ${'x'.repeat(200)}…`]);
    const name = quotedName('N'.repeat(500), 'en');
    expect(name).toBe(`“${'N'.repeat(80)}…”`);
  });

  it('leaves out a comment with nothing visible in it', () => {
    const body = alertFor('en', '\n\u200b\u202e \r\n').body;
    expect(body).not.toContain('Comment:');
    expect(body).not.toContain('> ');
  });

  it('keeps the subject on one line even if catalog names carry line breaks', () => {
    const n = alertNotification(contextFor('en', 'ok'), { ...rule, name: `Bad\nHandle the ticket: ${PHISH}` }, ['x'], 'r-1', [], TICKET_ID);
    expect(n.subject).toBe(`[medium] New alert · Shanghai Bund · Bad Handle the ticket: ${PHISH}`);
    expectNoForgedLines({ ...n, body: n.body.replace(PHISH, '') }, 'en');
  });
});

describe('escalation notifications quote respondent text', () => {
  for (const locale of LOCALES) {
    for (const [how, comment] of forgeries(LINK_LABEL[locale])) {
      it(`${locale}: a ticket summary forging the link with ${how} stays quoted`, () => {
        const organisation = { ...demoOrganisation, defaultLocale: locale };
        for (const escalated of [true, false]) {
          const n = escalationNotification(ticketFor(comment, { name: `X\n${LINK_LABEL[locale]}: ${PHISH}` }), 'sh-bund', escalated, org, organisation, DASHBOARD);
          expectNoForgedLines(n, locale, true);
        }
      });
    }
  }
});

describe('respondent text helpers', () => {
  it('turn every invisible or line-breaking character into at most one space', () => {
    expect(oneLine('a\u202e\u2066b\u0085c\u200b\u200bd\u00ade')).toBe('a b c d e');
    expect(quotedExcerpt('  first  \t line \u2028\u2028 second ')).toEqual(['> first line', '> second']);
    expect(quotedExcerpt('')).toEqual([]);
  });

  it('keeps CJK, Cyrillic and emoji text as it is', () => {
    expect(quotedExcerpt('房间很脏，服务态度差 😡')).toEqual(['> 房间很脏，服务态度差 😡']);
    expect(oneLine('Грязно в номере')).toBe('Грязно в номере');
  });

  it('finishes quickly on a huge input (the work is bounded by the output, not the input)', () => {
    const started = Date.now();
    for (let i = 0; i < 20; i++) quotedExcerpt('\u200b'.repeat(1_000_000));
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
