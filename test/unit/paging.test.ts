// Paging limits: windows, the outcome order, the digest's words (with plurals) and the settings that tune them.
import { describe, expect, it } from 'vitest';
import { notifyLimitFromEnv } from '../../functions/aws/from-env.ts';
import { digestNotification } from '../../functions/domain/notifications.ts';
import { OrgTree } from '../../functions/domain/org.ts';
import { DEFAULT_NOTIFY_LIMIT, digestKey, nextOutcome, pagingWindow, secondsUntilClose } from '../../functions/domain/paging.ts';
import type { Locale } from '../../functions/domain/survey.ts';
import { demoOrganisation, demoUnits } from '../../functions/local/demo.ts';

const org = new OrgTree(demoUnits);
const rule = { id: 'detractor', name: 'NPS ≤ 6 (detractor)', severity: 'medium' as const };

describe('paging windows', () => {
  it('align to multiples of their length, so every alert of a quarter hour shares one', () => {
    const a = pagingWindow('detractor', 'sh-bund', new Date('2026-11-23T08:00:00.000Z'), 15);
    const b = pagingWindow('detractor', 'sh-bund', new Date('2026-11-23T08:14:59.999Z'), 15);
    const c = pagingWindow('detractor', 'sh-bund', new Date('2026-11-23T08:15:00.000Z'), 15);
    expect(a).toEqual({ ruleId: 'detractor', unitId: 'sh-bund', start: '2026-11-23T08:00:00.000Z', end: '2026-11-23T08:15:00.000Z' });
    expect(b).toEqual(a);
    expect(c.start).toBe('2026-11-23T08:15:00.000Z');
    expect(pagingWindow('r', 'u', new Date('2026-11-23T08:59:00Z'), 60).start).toBe('2026-11-23T08:00:00.000Z');
    expect(digestKey(a)).toBe('digest#detractor#sh-bund#2026-11-23T08:00:00.000Z');
  });

  it('say how long until they close, never negative', () => {
    const w = pagingWindow('r', 'u', new Date('2026-11-23T08:05:00Z'), 15);
    expect(secondsUntilClose(w, new Date('2026-11-23T08:05:00Z'))).toBe(600);
    expect(secondsUntilClose(w, new Date('2026-11-23T08:14:59.500Z'))).toBe(1);
    expect(secondsUntilClose(w, new Date('2026-11-23T09:00:00Z'))).toBe(0);
  });
});

describe('paging outcomes', () => {
  it('page up to the cap, then schedule the digest once, then only count', () => {
    expect(nextOutcome({ paged: 0, digested: 0 }, 10)).toBe('page');
    expect(nextOutcome({ paged: 9, digested: 0 }, 10)).toBe('page');
    expect(nextOutcome({ paged: 10, digested: 0 }, 10)).toBe('first-digest');
    expect(nextOutcome({ paged: 10, digested: 1 }, 10)).toBe('digest');
    expect(nextOutcome({ paged: 10, digested: 431 }, 10)).toBe('digest');
  });
});

describe('the digest notification', () => {
  const window = pagingWindow('detractor', 'sh-bund', new Date('2026-11-23T08:00:00Z'), 15);
  const digest = (locale: Locale, n: number) =>
    digestNotification(window, rule, n, org, { ...demoOrganisation, defaultLocale: locale }, [], 'https://cx.example.com/');

  it('says how many more alerts, since when (organisation time), for which rule and unit, with the board link', () => {
    const en = digest('en', 12);
    expect(en.kind).toBe('digest');
    expect(en.key).toBe(digestKey(window));
    // 08:00 UTC is 16:00 in Asia/Shanghai, the demo organisation's time zone.
    expect(en.body.split('\n')).toEqual([
      '12 more alerts for rule “NPS ≤ 6 (detractor)” at Shanghai Bund since 16:00, not sent one by one; see the ticket board.',
      'Unit: Head office › East region › Shanghai Bund',
      'Why: NPS ≤ 6 (detractor)',
      'Ticket board: https://cx.example.com/?view=tickets&unit=sh-bund',
    ]);
    expect(en.subject).toBe('[medium] Alert digest · Shanghai Bund · NPS ≤ 6 (detractor) · +12');
    expect(en.attributes).toMatchObject({ kind: 'digest', unitId: 'sh-bund', ruleId: 'detractor', unitPath: 'hq/east/sh-bund' });
    expect(digest('en', 1).body).toMatch(/^1 more alert for rule/);
  });

  it('uses Russian plural forms: one, few, many', () => {
    const first = (n: number) => digest('ru', n).body.split('\n')[0];
    expect(first(1)).toMatch(/^Ещё 1 оповещение по правилу «NPS ≤ 6 \(detractor\)» в «Шанхай, Бунд» с 16:00/);
    expect(first(3)).toMatch(/^Ещё 3 оповещения /);
    expect(first(5)).toMatch(/^Ещё 5 оповещений /);
    expect(first(11)).toMatch(/^Ещё 11 оповещений /);
    expect(first(21)).toMatch(/^Ещё 21 оповещение /);
    expect(first(22)).toMatch(/^Ещё 22 оповещения /);
    expect(first(431)).toMatch(/^Ещё 431 оповещение /);
    expect(digest('ru', 5).body).toContain('Доска заявок: https://cx.example.com/?view=tickets&unit=sh-bund');
  });

  it('reads naturally in Chinese', () => {
    expect(digest('zh', 12).body.split('\n')[0]).toBe('自 16:00 起，规则「NPS ≤ 6 (detractor)」在上海外滩店又触发了 12 条预警，未逐条通知；请在工单看板查看。');
    expect(digest('zh', 12).subject).toBe('[中] 预警汇总 · 上海外滩店 · NPS ≤ 6 (detractor) · +12');
  });
});

describe('paging settings', () => {
  it('default to 10 per rule and unit per 15 minutes', () => {
    expect(notifyLimitFromEnv({})).toEqual({ max: 10, windowMinutes: 15 });
    expect(DEFAULT_NOTIFY_LIMIT).toEqual({ max: 10, windowMinutes: 15 });
  });

  it('read ALERT_NOTIFY_CAP and ALERT_NOTIFY_WINDOW_MINUTES, and name the variable that is wrong', () => {
    expect(notifyLimitFromEnv({ ALERT_NOTIFY_CAP: '25', ALERT_NOTIFY_WINDOW_MINUTES: '60' })).toEqual({ max: 25, windowMinutes: 60 });
    expect(() => notifyLimitFromEnv({ ALERT_NOTIFY_CAP: 'lots' })).toThrow(/ALERT_NOTIFY_CAP/);
    expect(() => notifyLimitFromEnv({ ALERT_NOTIFY_CAP: '0' })).toThrow(/ALERT_NOTIFY_CAP/);
    expect(() => notifyLimitFromEnv({ ALERT_NOTIFY_WINDOW_MINUTES: '2.5' })).toThrow(/ALERT_NOTIFY_WINDOW_MINUTES/);
    expect(() => notifyLimitFromEnv({ ALERT_NOTIFY_WINDOW_MINUTES: '10000' })).toThrow(/ALERT_NOTIFY_WINDOW_MINUTES/);
  });
});
