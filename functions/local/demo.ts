// Demo organisation for a first start: a hotel chain (HQ → 2 regions → 4 hotels), a hotel-stay survey in zh/en/ru,
// and ~2,000 plausible responses over the last 90 days, so the dashboard has something true to say from minute one.
import { ulid } from 'ulid';
import type { Answers } from '../domain/answers.ts';
import type { Organisation, OrgUnit } from '../domain/org.ts';
import { Survey, type SurveyInput, type SurveyVersion } from '../domain/survey.ts';
import { AlertRule } from '../domain/alert-rules.ts';
import type { Manager } from '../domain/tickets.ts';
import { saveManagers, saveRule } from '../authoring/alert-rules.ts';
import { saveOrganisation } from '../authoring/organisation.ts';
import { saveUnit } from '../authoring/org-units.ts';
import { createSurvey, publishSurvey } from '../authoring/surveys.ts';
import { surveyTemplates } from '../domain/templates/index.ts';
import { systemClock, type CatalogStore, type Clock, type StoredResponse } from '../ports.ts';

export const demoOrganisation: Organisation = {
  name: { zh: '云栖酒店集团', en: 'Cloudstay Hotels', ru: 'Гостиничная сеть Cloudstay' },
  timeZone: 'Asia/Shanghai',
  locales: ['zh', 'en', 'ru'],
  defaultLocale: 'zh',
  reviewUrl: 'https://reviews.example.com/cloudstay-hotels',
};

export const demoUnits: OrgUnit[] = [
  { id: 'hq', parentId: null, kind: 'hq', name: { zh: '集团总部', en: 'Head office', ru: 'Головной офис' } },
  { id: 'east', parentId: 'hq', kind: 'region', name: { zh: '华东区', en: 'East region', ru: 'Восточный регион' } },
  { id: 'south', parentId: 'hq', kind: 'region', name: { zh: '华南区', en: 'South region', ru: 'Южный регион' } },
  { id: 'sh-bund', parentId: 'east', kind: 'store', name: { zh: '上海外滩店', en: 'Shanghai Bund', ru: 'Шанхай, Бунд' } },
  { id: 'hz-westlake', parentId: 'east', kind: 'store', name: { zh: '杭州西湖店', en: 'Hangzhou West Lake', ru: 'Ханчжоу, Западное озеро' } },
  { id: 'gz-tianhe', parentId: 'south', kind: 'store', name: { zh: '广州天河店', en: 'Guangzhou Tianhe', ru: 'Гуанчжоу, Тяньхэ' } },
  { id: 'sz-bay', parentId: 'south', kind: 'store', name: { zh: '深圳湾店', en: 'Shenzhen Bay', ru: 'Шэньчжэнь, Залив' } },
];

const hotelStay: SurveyInput = {
  id: 'hotel-stay',
  title: { zh: '入住体验调查', en: 'How was your stay?', ru: 'Как прошло ваше проживание?' },
  intro: {
    zh: '感谢入住！只需一分钟，帮助我们做得更好。',
    en: 'Thank you for staying with us. One minute of your time helps us do better.',
    ru: 'Спасибо, что выбрали нас! Одна минута — и мы станем лучше.',
  },
  thanks: { zh: '我们会认真阅读每一条意见。', en: 'We read every comment.', ru: 'Мы читаем каждый отзыв.' },
  locales: ['zh', 'en', 'ru'],
  defaultLocale: 'zh',
  anonymous: false,
  indicatorTree: [
    { id: 'overall', parentId: null, label: { zh: '总体推荐度', en: 'Overall recommendation', ru: 'Готовность рекомендовать' } },
    { id: 'booking', parentId: 'overall', label: { zh: '预订', en: 'Booking', ru: 'Бронирование' } },
    { id: 'checkin', parentId: 'overall', label: { zh: '入住登记', en: 'Check-in', ru: 'Заселение' } },
    { id: 'stay', parentId: 'overall', label: { zh: '住宿', en: 'Stay', ru: 'Проживание' } },
    { id: 'checkout', parentId: 'overall', label: { zh: '退房', en: 'Check-out', ru: 'Выезд' } },
    { id: 'room-cleanliness', parentId: 'stay', label: { zh: '房间清洁', en: 'Room cleanliness', ru: 'Чистота номера' } },
  ],
  questions: [
    {
      id: 'nps',
      type: 'nps',
      nodeId: 'overall',
      required: true,
      label: {
        zh: '您有多大可能向朋友或同事推荐我们的酒店？',
        en: 'How likely are you to recommend our hotel to a friend or colleague?',
        ru: 'Насколько вероятно, что вы порекомендуете наш отель друзьям или коллегам?',
      },
      lowLabel: { zh: '完全不可能', en: 'Not at all likely', ru: 'Совсем маловероятно' },
      highLabel: { zh: '非常可能', en: 'Extremely likely', ru: 'Очень вероятно' },
    },
    {
      id: 'booking-ease',
      type: 'ces',
      nodeId: 'booking',
      label: { zh: '预订过程有多轻松？', en: 'How easy was it to book your stay?', ru: 'Насколько легко было забронировать номер?' },
      lowLabel: { zh: '非常费力', en: 'Very difficult', ru: 'Очень сложно' },
      highLabel: { zh: '非常轻松', en: 'Very easy', ru: 'Очень легко' },
    },
    {
      id: 'checkin-csat',
      type: 'csat',
      nodeId: 'checkin',
      label: { zh: '您对入住登记满意吗？', en: 'How satisfied were you with check-in?', ru: 'Насколько вы довольны заселением?' },
      lowLabel: { zh: '非常不满意', en: 'Very dissatisfied', ru: 'Совсем недоволен' },
      highLabel: { zh: '非常满意', en: 'Very satisfied', ru: 'Очень доволен' },
    },
    {
      id: 'stay-csat',
      type: 'csat',
      nodeId: 'stay',
      label: { zh: '您对住宿体验满意吗？', en: 'How satisfied were you with your stay?', ru: 'Насколько вы довольны проживанием?' },
      lowLabel: { zh: '非常不满意', en: 'Very dissatisfied', ru: 'Совсем недоволен' },
      highLabel: { zh: '非常满意', en: 'Very satisfied', ru: 'Очень доволен' },
    },
    {
      id: 'checkout-csat',
      type: 'csat',
      nodeId: 'checkout',
      label: { zh: '您对退房满意吗？', en: 'How satisfied were you with check-out?', ru: 'Насколько вы довольны выездом?' },
      lowLabel: { zh: '非常不满意', en: 'Very dissatisfied', ru: 'Совсем недоволен' },
      highLabel: { zh: '非常满意', en: 'Very satisfied', ru: 'Очень доволен' },
    },
    {
      id: 'room-clean',
      type: 'rating',
      scale: 5,
      nodeId: 'room-cleanliness',
      label: { zh: '房间干净整洁吗？', en: 'How clean was your room?', ru: 'Насколько чистым был номер?' },
      lowLabel: { zh: '很脏', en: 'Dirty', ru: 'Грязно' },
      highLabel: { zh: '一尘不染', en: 'Spotless', ru: 'Безупречно' },
    },
    {
      id: 'comment',
      type: 'text',
      nodeId: 'overall',
      maxLength: 2000,
      label: { zh: '还有什么想告诉我们的？', en: 'Anything else you would like to tell us?', ru: 'Что ещё вы хотели бы нам сказать?' },
    },
  ],
};

export const demoSurveys: SurveyVersion[] = [{ ...Survey.parse(hotelStay), version: 1 }];

/** The two rules a hotel chain starts with: every detractor gets a ticket; sensitive words are urgent. */
export const demoRules: AlertRule[] = [
  AlertRule.parse({
    id: 'detractor',
    name: 'NPS ≤ 6 (detractor)',
    severity: 'medium',
    conditions: [{ kind: 'score', questionType: 'nps', op: 'lte', value: 6 }],
    actions: { notify: true, ticket: { acknowledgeWithin: 'PT2H', resolveWithin: 'P2D' } },
  }),
  AlertRule.parse({
    id: 'sensitive-words',
    name: 'Sensitive words',
    severity: 'high',
    conditions: [{ kind: 'keywords', words: ['脏', '态度差', 'грязно', 'rude'] }],
    actions: { notify: true, ticket: { acknowledgeWithin: 'PT1H', resolveWithin: 'P1D' } },
  }),
];

/** Every demo unit has a manager, so alerts and escalations always reach someone. */
export const demoManagers: Record<string, Manager[]> = {
  hq: [{ name: '王总 (CX Director)', email: 'cx.director@cloudstay.example', phone: '+862160000001', locale: 'zh' }],
  east: [{ name: '李经理 (East region)', email: 'east.manager@cloudstay.example', phone: '+862160000010', locale: 'zh' }],
  south: [{ name: 'Anna Petrova (South region)', email: 'south.manager@cloudstay.example', phone: '+862060000020', locale: 'ru' }],
  'sh-bund': [{ name: '张店长', email: 'bund@cloudstay.example', phone: '+862160001001', locale: 'zh' }],
  'hz-westlake': [{ name: '陈店长', email: 'westlake@cloudstay.example', phone: '+8657160001002', locale: 'zh' }],
  'gz-tianhe': [{ name: '刘店长', email: 'tianhe@cloudstay.example', phone: '+862060001003', locale: 'zh' }],
  'sz-bay': [{ name: 'James Wong', email: 'shenzhen-bay@cloudstay.example', phone: '+8675560001004', locale: 'en' }],
};

/** Per-hotel character: a baseline mood and the stage that lets guests down, so drill-down finds something. */
const HOTEL_PROFILES: Record<string, { mood: number; weakStage?: 'checkin' | 'stay' | 'checkout'; share: number }> = {
  'sh-bund': { mood: 0.72, share: 0.32 },
  'hz-westlake': { mood: 0.8, share: 0.22 },
  'gz-tianhe': { mood: 0.55, weakStage: 'checkin', share: 0.26 },
  'sz-bay': { mood: 0.66, weakStage: 'stay', share: 0.2 },
};

const COMMENTS = {
  good: {
    zh: ['前台服务很热情，入住很快。', '房间干净，床很舒服。', '早餐种类丰富，下次还来。', '位置很好，看江景非常棒。'],
    en: ['Friendly staff and a quick check-in.', 'Spotless room and a very comfortable bed.', 'Great breakfast, will come back.'],
    ru: ['Очень приветливый персонал, быстрое заселение.', 'Чистый номер и удобная кровать.', 'Отличный завтрак, приедем ещё.'],
  },
  bad: {
    zh: ['入住排队太久，前台态度差。', '房间很脏，卫生间有头发。', '空调太吵，一晚没睡好。', '退房结账出错，等了半小时。'],
    en: ['Waited 40 minutes to check in, rude staff.', 'The room was dirty and smelled of smoke.', 'Noisy air conditioning, could not sleep.'],
    ru: ['Долго ждали заселения, персонал грубый.', 'Грязно в номере, в ванной волосы.', 'Шумный кондиционер, не выспались.'],
  },
} as const;

/** A small seeded generator so the demo is the same on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(value)));
}

/** Demo responses spread over the last `days` days, newest ending at `now`. */
export function demoResponses(now: Date, count = 2000, days = 90): StoredResponse[] {
  const random = seededRandom(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hotels = Object.entries(HOTEL_PROFILES);
  const responses: StoredResponse[] = [];
  for (let i = 0; i < count; i++) {
    let roll = random();
    const [unitId, profile] = hotels.find(([, p]) => (roll -= p.share) < 0) ?? (hotels[0] as (typeof hotels)[number]);
    const ageDays = Math.pow(random(), 0.9) * days; // slightly more recent answers than old ones
    const submittedAt = new Date(now.getTime() - ageDays * 86_400_000);
    // Mood improves a little over the quarter, so the trend line has a story.
    const mood = Math.min(0.98, Math.max(0.02, profile.mood + (random() - 0.5) * 0.55 + (1 - ageDays / days) * 0.06));
    const stage = (name: string) => clamp(1 + mood * 4 + (random() - 0.5) * 1.4 - (profile.weakStage === name ? 1.1 : 0), 1, 5);
    const locale = random() < 0.7 ? 'zh' : random() < 0.6 ? 'en' : 'ru';
    const answers: Answers = {
      nps: clamp(mood * 10.8 + (random() - 0.5) * 2.5, 0, 10),
      'booking-ease': clamp(2 + mood * 5 + (random() - 0.5) * 1.5, 1, 7),
      'checkin-csat': stage('checkin'),
      'stay-csat': stage('stay'),
      'checkout-csat': stage('checkout'),
      'room-clean': stage('stay'),
    };
    if (random() < 0.35) answers.comment = pick(COMMENTS[mood > 0.6 ? 'good' : 'bad'][locale]);
    responses.push({
      id: ulid(submittedAt.getTime()),
      surveyId: 'hotel-stay',
      unitId,
      touchpoint: 'checkout',
      locale,
      channel: 'web',
      personal: false,
      answers,
      submittedAt: submittedAt.toISOString(),
    });
  }
  return responses.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
}

/**
 * Sets the demo organisation up through the same use cases as the setup API (organisation, units one by one, each
 * survey created and published, rules, managers), so the demo is just a first customer and not a second path in.
 * Its responses are written directly afterwards, so each survey is marked as having responses.
 */
export async function putDemoCatalog(catalog: CatalogStore, clock: Clock = systemClock): Promise<void> {
  const expect = <R extends { kind: string }>(what: string, result: R, wanted: R['kind']): void => {
    if (result.kind !== wanted) throw new Error(`Setting up the demo failed at ${what}: ${JSON.stringify(result)}`);
  };
  expect('the organisation', await saveOrganisation(demoOrganisation, { catalog }), 'saved');
  const units = { catalog, hasHistory: async () => false };
  for (const { id, parentId, kind, name } of demoUnits) expect(`unit ${id}`, await saveUnit(id, { parentId, kind, name }, units), 'saved');
  const surveys = { surveys: catalog.surveyAuthoring, clock, templates: surveyTemplates };
  for (const { version: _version, ...definition } of demoSurveys) {
    expect(`survey ${definition.id}`, await createSurvey({ id: definition.id, definition }, surveys), 'ok');
    expect(`publishing ${definition.id}`, await publishSurvey(definition.id, surveys), 'ok');
    await catalog.surveyAuthoring.markResponded(definition.id);
  }
  for (const rule of demoRules) expect(`rule ${rule.id}`, await saveRule(rule.id, rule, { catalog }), 'saved');
  for (const [unitId, managers] of Object.entries(demoManagers)) expect(`managers of ${unitId}`, await saveManagers(unitId, managers, { catalog }), 'saved');
}
