// The dashboard's words in Chinese, English and Russian, the chosen language, and the static texts marked in the page.

export const LOCALES = ['zh', 'en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export type LocalizedText = Partial<Record<Locale, string>>;

const en = {
  'app.title': 'Customer experience',
  'app.tagline': 'Boss view',
  'lang.label': 'Language',
  'filter.title': 'Filters',
  'filter.survey': 'Survey',
  'filter.allSurveys': 'All surveys',
  'filter.unit': 'Unit',
  'filter.period': 'Period',
  'filter.last7': 'Last 7 days',
  'filter.last30': 'Last 30 days',
  'filter.last90': 'Last 90 days',
  'filter.last365': 'Last 365 days',
  'filter.custom': 'Custom…',
  'filter.from': 'From',
  'filter.to': 'To',
  'filter.granularity': 'Granularity',
  'gran.day': 'Day',
  'gran.week': 'Week',
  'gran.month': 'Month',
  'gran.quarter': 'Quarter',
  'gran.year': 'Year',
  'kpi.nps': 'NPS',
  'kpi.npsHint': 'Net Promoter Score, −100 to 100',
  'kpi.csat': 'CSAT',
  'kpi.csatHint': 'Satisfaction, mean of 1–5',
  'kpi.ces': 'CES',
  'kpi.cesHint': 'Ease, mean of 1–7 (7 = very easy)',
  'kpi.count': 'Responses',
  'kpi.countHint': 'Completed surveys',
  'kpi.promoters': 'Promoters',
  'kpi.passives': 'Passives',
  'kpi.detractors': 'Detractors',
  'kpi.of': '/ {max}',
  'kpi.deltaPoints': '{delta} pts vs previous {days} days',
  'kpi.deltaMean': '{delta} vs previous {days} days',
  'kpi.deltaCount': '{delta}% vs previous {days} days',
  'kpi.noPrevious': 'no data for the previous {days} days',
  'trend.title': 'Trend',
  'trend.nps': 'NPS',
  'trend.count': 'Responses',
  'indicators.title': 'Indicator tree',
  'indicators.indicator': 'Indicator',
  'indicators.score': 'Score',
  'indicators.count': 'Answers',
  'indicators.pickSurvey': 'Choose a survey above to see its indicator tree: overall → journey stages → items.',
  'indicators.radar': 'Journey stages',
  'ranking.title': 'Units',
  'ranking.children': 'Units under {unit}',
  'ranking.peers': 'Peers of {unit} in {parent}',
  'ranking.unit': 'Unit',
  'ranking.nps': 'NPS',
  'ranking.csat': 'CSAT',
  'ranking.ces': 'CES',
  'ranking.count': 'Responses',
  'ranking.openSurvey': 'Open survey',
  'ranking.drill': 'Show {unit}',
  'ranking.none': 'This unit has no sub-units.',
  'ranking.up': 'Up to {unit}',
  'kind.hq': 'HQ',
  'kind.region': 'Region',
  'kind.area': 'Area',
  'kind.store': 'Store',
  'kind.department': 'Department',
  'status.liveUpdated': 'Live · updated',
  'status.offline': 'Cannot reach the API — retrying…',
  'status.loading': 'Loading…',
  'status.noData': 'No responses in this period yet. Try a longer period or another unit.',
  'status.error': 'Something went wrong: {message}',
  'status.configError': 'Could not load config.json: {message}',
  'signin.title': 'Sign in',
  'signin.tokenLabel': 'Admin token',
  'signin.tokenHint': 'Printed in the banner of `npm start`, or open the dashboard with #token=… in the address.',
  'signin.username': 'User name or e-mail',
  'signin.password': 'Password',
  'signin.newPassword': 'New password',
  'signin.newPasswordHint': 'Your account needs a new password before first use.',
  'signin.submit': 'Sign in',
  'signin.failed': 'Sign-in failed: {message}',
  'signin.rejected': 'The server did not accept these credentials.',
  'signin.expired': 'Your session has ended. Please sign in again.',
  'signin.signOut': 'Sign out',
  'read.none': 'No responses in this period yet.',
  'read.npsIs': 'NPS is {nps}',
  'read.npsUp': ', up {delta} points on the previous {days} days',
  'read.npsDown': ', down {delta} points on the previous {days} days',
  'read.npsSame': ', unchanged from the previous {days} days',
  'read.detractors': '; detractors are {share}% of answers.',
  'read.noNps': 'No NPS answers in this period; {count} responses in total.',
  'read.trendRose': 'NPS rose from {a} in the first half of the period to {b} in the second',
  'read.trendFell': 'NPS fell from {a} in the first half of the period to {b} in the second',
  'read.trendFlat': 'NPS held steady at about {b} through the period',
  'read.trendOnly': 'NPS for the period is {b}',
  'read.trendBusiest': '; the busiest was {label} with {count} responses.',
  'read.weekOf': 'the week of {date}',
  'read.trendNoNps': 'No NPS answers yet; the busiest was {label} with {count} responses.',
  'read.stageWeakest': '{weak} is the weakest stage ({score})',
  'read.stageItem': ', lowest on {item} ({score})',
  'read.stageStrongest': '; {strong} is the strongest ({score}).',
  'read.stageOnly': '{weak} scores {score}.',
  'read.stagesNone': 'Not enough answers yet to compare the journey stages.',
  'read.pickSurvey': 'Pick a survey to see which journey stage drives the score.',
  'read.rankLeads': '{best} leads with NPS {a}; {worst} trails at {b}, a gap of {gap} points.',
  'read.rankSingle': '{best} has NPS {a}; the other units have no NPS answers yet.',
  'read.rankPosition': '{unit} ranks {rank} of {total} among its peers by NPS.',
  'read.rankNone': 'None of these units has NPS answers in this period.',
  'score.ofMax': '{score} of {max}',
  'score.nps': 'NPS {score}',
};

export type MessageKey = keyof typeof en;
type Messages = Record<MessageKey, string>;

const zh: Messages = {
  'app.title': '客户体验',
  'app.tagline': '管理驾驶舱',
  'lang.label': '语言',
  'filter.title': '筛选',
  'filter.survey': '问卷',
  'filter.allSurveys': '全部问卷',
  'filter.unit': '组织',
  'filter.period': '时间',
  'filter.last7': '最近7天',
  'filter.last30': '最近30天',
  'filter.last90': '最近90天',
  'filter.last365': '最近365天',
  'filter.custom': '自定义…',
  'filter.from': '开始',
  'filter.to': '结束',
  'filter.granularity': '粒度',
  'gran.day': '日',
  'gran.week': '周',
  'gran.month': '月',
  'gran.quarter': '季',
  'gran.year': '年',
  'kpi.nps': 'NPS 净推荐值',
  'kpi.npsHint': '净推荐值，−100 至 100',
  'kpi.csat': 'CSAT 满意度',
  'kpi.csatHint': '满意度，1–5 分均值',
  'kpi.ces': 'CES 费力度',
  'kpi.cesHint': '省力程度，1–7 分均值（7 = 非常容易）',
  'kpi.count': '答卷数',
  'kpi.countHint': '已完成的问卷',
  'kpi.promoters': '推荐者',
  'kpi.passives': '中立者',
  'kpi.detractors': '贬损者',
  'kpi.of': '/ {max}',
  'kpi.deltaPoints': '较前{days}天 {delta} 分',
  'kpi.deltaMean': '较前{days}天 {delta}',
  'kpi.deltaCount': '较前{days}天 {delta}%',
  'kpi.noPrevious': '前{days}天无数据',
  'trend.title': '趋势',
  'trend.nps': 'NPS',
  'trend.count': '答卷数',
  'indicators.title': '指标体系',
  'indicators.indicator': '指标',
  'indicators.score': '得分',
  'indicators.count': '作答数',
  'indicators.pickSurvey': '请在上方选择一份问卷，查看其指标体系：总体 → 旅程阶段 → 细项。',
  'indicators.radar': '旅程阶段',
  'ranking.title': '组织排名',
  'ranking.children': '{unit}下属单位',
  'ranking.peers': '{parent}中与{unit}同级的单位',
  'ranking.unit': '单位',
  'ranking.nps': 'NPS',
  'ranking.csat': 'CSAT',
  'ranking.ces': 'CES',
  'ranking.count': '答卷数',
  'ranking.openSurvey': '打开问卷',
  'ranking.drill': '查看 {unit}',
  'ranking.none': '该单位没有下属单位。',
  'ranking.up': '返回 {unit}',
  'kind.hq': '总部',
  'kind.region': '区域',
  'kind.area': '片区',
  'kind.store': '门店',
  'kind.department': '部门',
  'status.liveUpdated': '实时 · 更新于',
  'status.offline': '无法连接 API，正在重试…',
  'status.loading': '加载中…',
  'status.noData': '该时间段内还没有答卷。可以换一个更长的时间段或其他单位。',
  'status.error': '出错了：{message}',
  'status.configError': '无法加载 config.json：{message}',
  'signin.title': '登录',
  'signin.tokenLabel': '管理员令牌',
  'signin.tokenHint': '令牌显示在 `npm start` 的启动信息中，也可以在地址后加 #token=… 打开。',
  'signin.username': '用户名或邮箱',
  'signin.password': '密码',
  'signin.newPassword': '新密码',
  'signin.newPasswordHint': '首次使用前需要设置新密码。',
  'signin.submit': '登录',
  'signin.failed': '登录失败：{message}',
  'signin.rejected': '服务器不接受该凭据。',
  'signin.expired': '登录已失效，请重新登录。',
  'signin.signOut': '退出登录',
  'read.none': '该时间段内还没有答卷。',
  'read.npsIs': 'NPS 为 {nps}',
  'read.npsUp': '，较前{days}天上升 {delta} 分',
  'read.npsDown': '，较前{days}天下降 {delta} 分',
  'read.npsSame': '，与前{days}天持平',
  'read.detractors': '；贬损者占 {share}%。',
  'read.noNps': '该时间段内没有 NPS 作答；共 {count} 份答卷。',
  'read.trendRose': 'NPS 从前半段的 {a} 上升到后半段的 {b}',
  'read.trendFell': 'NPS 从前半段的 {a} 下降到后半段的 {b}',
  'read.trendFlat': 'NPS 在整个时间段内稳定在 {b} 左右',
  'read.trendOnly': '本期 NPS 为 {b}',
  'read.trendBusiest': '；答卷最多的是 {label}（{count} 份）。',
  'read.weekOf': '{date}当周',
  'read.trendNoNps': '暂无 NPS 作答；答卷最多的是 {label}（{count} 份）。',
  'read.stageWeakest': '{weak}是最弱的阶段（{score}）',
  'read.stageItem': '，其中{item}得分最低（{score}）',
  'read.stageStrongest': '；{strong}最强（{score}）。',
  'read.stageOnly': '{weak}得分 {score}。',
  'read.stagesNone': '作答还不够，暂时无法比较各旅程阶段。',
  'read.pickSurvey': '选择一份问卷，查看是哪个旅程阶段在影响得分。',
  'read.rankLeads': '{best}领先，NPS 为 {a}；{worst}垫底，NPS 为 {b}，相差 {gap} 分。',
  'read.rankSingle': '{best}的 NPS 为 {a}；其他单位暂无 NPS 作答。',
  'read.rankPosition': '按 NPS，{unit}在同级 {total} 个单位中排第 {rank}。',
  'read.rankNone': '这些单位在该时间段内都没有 NPS 作答。',
  'score.ofMax': '{score}/{max} 分',
  'score.nps': 'NPS {score}',
};

const ru: Messages = {
  'app.title': 'Клиентский опыт',
  'app.tagline': 'Обзор для руководителя',
  'lang.label': 'Язык',
  'filter.title': 'Фильтры',
  'filter.survey': 'Опрос',
  'filter.allSurveys': 'Все опросы',
  'filter.unit': 'Подразделение',
  'filter.period': 'Период',
  'filter.last7': 'Последние 7 дней',
  'filter.last30': 'Последние 30 дней',
  'filter.last90': 'Последние 90 дней',
  'filter.last365': 'Последние 365 дней',
  'filter.custom': 'Свой период…',
  'filter.from': 'С',
  'filter.to': 'По',
  'filter.granularity': 'Шаг',
  'gran.day': 'День',
  'gran.week': 'Неделя',
  'gran.month': 'Месяц',
  'gran.quarter': 'Квартал',
  'gran.year': 'Год',
  'kpi.nps': 'NPS',
  'kpi.npsHint': 'Индекс потребительской лояльности, от −100 до 100',
  'kpi.csat': 'CSAT',
  'kpi.csatHint': 'Удовлетворённость, среднее 1–5',
  'kpi.ces': 'CES',
  'kpi.cesHint': 'Лёгкость, среднее 1–7 (7 = очень легко)',
  'kpi.count': 'Ответы',
  'kpi.countHint': 'Заполненные анкеты',
  'kpi.promoters': 'Промоутеры',
  'kpi.passives': 'Нейтралы',
  'kpi.detractors': 'Критики',
  'kpi.of': '/ {max}',
  'kpi.deltaPoints': '{delta} п. к пред. {days} дн.',
  'kpi.deltaMean': '{delta} к пред. {days} дн.',
  'kpi.deltaCount': '{delta}% к пред. {days} дн.',
  'kpi.noPrevious': 'нет данных за пред. {days} дн.',
  'trend.title': 'Динамика',
  'trend.nps': 'NPS',
  'trend.count': 'Ответы',
  'indicators.title': 'Дерево показателей',
  'indicators.indicator': 'Показатель',
  'indicators.score': 'Оценка',
  'indicators.count': 'Ответы',
  'indicators.pickSurvey': 'Выберите опрос выше, чтобы увидеть дерево показателей: общий → этапы пути → пункты.',
  'indicators.radar': 'Этапы пути клиента',
  'ranking.title': 'Подразделения',
  'ranking.children': '{unit}: подразделения',
  'ranking.peers': '{unit} среди соседей ({parent})',
  'ranking.unit': 'Подразделение',
  'ranking.nps': 'NPS',
  'ranking.csat': 'CSAT',
  'ranking.ces': 'CES',
  'ranking.count': 'Ответы',
  'ranking.openSurvey': 'Открыть анкету',
  'ranking.drill': 'Показать: {unit}',
  'ranking.none': 'У этого подразделения нет дочерних.',
  'ranking.up': 'Вверх: {unit}',
  'kind.hq': 'Головной офис',
  'kind.region': 'Регион',
  'kind.area': 'Округ',
  'kind.store': 'Точка',
  'kind.department': 'Отдел',
  'status.liveUpdated': 'Онлайн · обновлено',
  'status.offline': 'API недоступен — повторяем…',
  'status.loading': 'Загрузка…',
  'status.noData': 'За этот период ответов пока нет. Выберите период длиннее или другое подразделение.',
  'status.error': 'Ошибка: {message}',
  'status.configError': 'Не удалось загрузить config.json: {message}',
  'signin.title': 'Вход',
  'signin.tokenLabel': 'Токен администратора',
  'signin.tokenHint': 'Токен печатается при запуске `npm start`; можно также открыть панель с #token=… в адресе.',
  'signin.username': 'Имя пользователя или e-mail',
  'signin.password': 'Пароль',
  'signin.newPassword': 'Новый пароль',
  'signin.newPasswordHint': 'Перед первым входом нужно задать новый пароль.',
  'signin.submit': 'Войти',
  'signin.failed': 'Не удалось войти: {message}',
  'signin.rejected': 'Сервер не принял эти данные.',
  'signin.expired': 'Сеанс завершён. Войдите снова.',
  'signin.signOut': 'Выйти',
  'read.none': 'За этот период ответов пока нет.',
  'read.npsIs': 'NPS {nps}',
  'read.npsUp': ', на {delta} п. выше, чем за предыдущие {days} дн.',
  'read.npsDown': ', на {delta} п. ниже, чем за предыдущие {days} дн.',
  'read.npsSame': ', как и за предыдущие {days} дн.',
  'read.detractors': '; критики дали {share}% ответов.',
  'read.noNps': 'Ответов на вопрос NPS за период нет; всего ответов: {count}.',
  'read.trendRose': 'NPS вырос с {a} в первой половине периода до {b} во второй',
  'read.trendFell': 'NPS снизился с {a} в первой половине периода до {b} во второй',
  'read.trendFlat': 'NPS весь период держится около {b}',
  'read.trendOnly': 'NPS за период: {b}',
  'read.trendBusiest': '; больше всего ответов — {label} ({count}).',
  'read.weekOf': 'неделя с {date}',
  'read.trendNoNps': 'Ответов на вопрос NPS пока нет; больше всего ответов — {label} ({count}).',
  'read.stageWeakest': 'Самый слабый этап — «{weak}» ({score})',
  'read.stageItem': ', хуже всего «{item}» ({score})',
  'read.stageStrongest': '; самый сильный — «{strong}» ({score}).',
  'read.stageOnly': '«{weak}»: {score}.',
  'read.stagesNone': 'Ответов пока мало, чтобы сравнить этапы пути клиента.',
  'read.pickSurvey': 'Выберите опрос, чтобы увидеть, какой этап влияет на оценку.',
  'read.rankLeads': 'Лидер — {best} (NPS {a}); отстаёт {worst} ({b}), разрыв {gap} п.',
  'read.rankSingle': '{best}: NPS {a}; у остальных ответов на вопрос NPS пока нет.',
  'read.rankPosition': '{unit}: {rank}-е место из {total} среди соседних подразделений по NPS.',
  'read.rankNone': 'Ни у одного из этих подразделений нет ответов на вопрос NPS за период.',
  'score.ofMax': '{score} из {max}',
  'score.nps': 'NPS {score}',
};

const messages: Record<Locale, Messages> = { zh, en, ru };

export const LOCALE_NAMES: Record<Locale, string> = { zh: '中文', en: 'English', ru: 'Русский' };

let current: Locale = 'en';
const listeners = new Set<(locale: Locale) => void>();

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  if (next === current && document.documentElement.lang === htmlLang(next)) return;
  current = next;
  document.documentElement.lang = htmlLang(next);
  applyStaticTexts(document);
  for (const listener of listeners) listener(next);
}

export function onLocaleChange(listener: (locale: Locale) => void): void {
  listeners.add(listener);
}

function htmlLang(l: Locale): string {
  return l === 'zh' ? 'zh-CN' : l;
}

/** The message for a key in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = messages[current][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Picks a text for the current language, falling back to the given locale and then to any text there is. */
export function localize(text: LocalizedText | undefined, fallback: Locale = 'en'): string {
  if (!text) return '';
  return text[current] ?? text[fallback] ?? Object.values(text).find(Boolean) ?? '';
}

/** The first supported language the browser asks for, if any. */
export function browserLocale(): Locale | null {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return null;
}

/**
 * Fills elements marked in the HTML: `data-i18n="key"` sets the text, `data-i18n-attr="attr:key;attr:key"` sets
 * attributes (aria-label, placeholder, title).
 */
export function applyStaticTexts(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n;
    if (key && key in en) el.textContent = t(key as MessageKey);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (el.dataset.i18nAttr ?? '').split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key && key in en) el.setAttribute(attr, t(key as MessageKey));
    }
  }
}
