/** @jsxImportSource hono/jsx */
// The respondent's survey page: server-rendered, mobile-first, a few KB, and complete without JavaScript.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Answers, FieldIssue } from '../domain/answers.ts';
import { pipeText, type PipingContext } from '../domain/piping.ts';
import { LOCALES, localize, scoreRange, type Locale, type LocalizedText, type Question, type Survey } from '../domain/survey.ts';

const CHROME = {
  zh: { notSetUp: '问卷系统还在设置中，暂时无法填写。请稍后再打开此链接。', closed: '此问卷已结束，不再接受答卷。感谢您的关注！', notYetOpen: '此问卷尚未开始，将于 {when} 开放，届时欢迎您来填写。', next: '下一页', back: '上一页', linkToken: '此问卷链接已损坏：其中的个人识别码无效。请从您收到的短信或邮件中重新打开链接。', linkUnit: '此问卷链接中的门店不存在。请重新扫描二维码，或从您收到的消息中重新打开链接。', linkTouchpoint: '此问卷链接中的服务环节参数无效。请从您收到的消息中重新打开链接。', linkLocale: '此问卷不提供所选的语言。请重新打开问卷。', crossOrigin: '出于安全考虑，答卷只能在问卷页面本身提交。请直接打开问卷链接，在那里提交。', tooMany: '您所在的网络刚刚提交了太多份答卷。请约 {n} 分钟后再提交；返回上一页即可保留您填写的内容。', contactAsk: '很抱歉这次没让您满意。我们可以联系您了解情况吗？', contactYes: '可以，请联系我', channel: '联系方式', phone: '电话', sms: '短信', email: '电子邮件', send: '发送', contactThanks: '谢谢！相关负责人会尽快与您联系。', review: '愿意分享您的体验吗？写一条点评', submit: '提交', required: '必答', fix: '请检查标出的问题。', thanks: '感谢您的反馈！', already: '此链接已经提交过问卷，感谢您！', notFound: '找不到此问卷。', pick: '请选择', lang: '中文' },
  en: { notSetUp: 'This survey is not available yet: it is still being set up. Please open the link again later.', closed: 'This survey has closed and no longer takes answers. Thank you for your interest!', notYetOpen: 'This survey is not open yet. It opens on {when}; we look forward to your answers then.', next: 'Next', back: 'Back', linkToken: 'This survey link is damaged: its personal code is not valid. Please open the link from your text message or e-mail again.', linkUnit: 'This survey link names a location we do not know. Please scan the QR code again, or open the link from your message again.', linkTouchpoint: 'Part of this survey link (the touchpoint) is not valid. Please open the link from your message again.', linkLocale: 'This survey is not offered in the chosen language. Please open the survey again.', crossOrigin: 'For your security, answers can only be sent from the survey page itself. Please open the survey link and send your answers there.', tooMany: 'Too many answers were sent from your network just now. Please send again in about {n} min; go back to keep what you entered.', contactAsk: 'We are sorry your stay fell short. May we contact you about it?', contactYes: 'Yes, please contact me', channel: 'Preferred channel', phone: 'Phone call', sms: 'SMS', email: 'E-mail', send: 'Send', contactThanks: 'Thank you! The responsible manager will contact you soon.', review: 'Would you share your experience? Write a review', submit: 'Submit', required: 'required', fix: 'Please check the questions marked below.', thanks: 'Thank you for your feedback!', already: 'This link has already been used to answer. Thank you!', notFound: 'This survey does not exist.', pick: 'Choose', lang: 'English' },
  ru: { notSetUp: 'Опрос пока недоступен: его ещё настраивают. Откройте ссылку чуть позже.', closed: 'Опрос завершён и больше не принимает ответы. Спасибо за интерес!', notYetOpen: 'Опрос ещё не начался. Он откроется {when} — будем рады вашим ответам.', next: 'Далее', back: 'Назад', linkToken: 'Ссылка на опрос повреждена: персональный код недействителен. Откройте ссылку из SMS или письма ещё раз.', linkUnit: 'В ссылке на опрос указано неизвестное нам место. Отсканируйте QR-код ещё раз или снова откройте ссылку из сообщения.', linkTouchpoint: 'Часть ссылки на опрос (точка контакта) недействительна. Откройте ссылку из сообщения ещё раз.', linkLocale: 'Этот опрос не проводится на выбранном языке. Откройте опрос ещё раз.', crossOrigin: 'В целях безопасности ответы принимаются только со страницы самого опроса. Откройте ссылку на опрос и отправьте ответы там.', tooMany: 'С вашей сети только что отправлено слишком много ответов. Отправьте снова примерно через {n} мин.; вернитесь назад, чтобы сохранить введённое.', contactAsk: 'Нам жаль, что мы вас разочаровали. Можно с вами связаться?', contactYes: 'Да, свяжитесь со мной', channel: 'Как связаться', phone: 'Звонок', sms: 'SMS', email: 'E-mail', send: 'Отправить', contactThanks: 'Спасибо! Ответственный менеджер скоро свяжется с вами.', review: 'Поделитесь впечатлениями — оставьте отзыв', submit: 'Отправить', required: 'обязательно', fix: 'Проверьте отмеченные вопросы.', thanks: 'Спасибо за ваш отзыв!', already: 'По этой ссылке уже ответили. Спасибо!', notFound: 'Такого опроса нет.', pick: 'Выберите', lang: 'Русский' },
} as const satisfies Record<Locale, Record<string, string>>;

export type ChromeText = keyof (typeof CHROME)['en'];

/** The blue of buttons and selected answers when the organisation has no brand colour. */
export const DEFAULT_PRIMARY = '#2563eb';

// Inline so the page is one request; kept small because the whole page must stay under 15 KB.
/**
 * The pages' one inline stylesheet, in the organisation's colour (a #rrggbb the Organisation schema has checked). Its
 * hash is the only style the pages' Content-Security-Policy allows, so the policy is built from the same colour.
 */
export function surveyStyle(primary: string = DEFAULT_PRIMARY): string {
  return `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","WenQuanYi Micro Hei",sans-serif;color:#1f2937;background:#f3f4f6}
main{max-width:640px;margin:0 auto;padding:16px}h1{font-size:1.35rem;margin:.5rem 0}.intro{color:#4b5563}.logo{display:block;max-width:60%;max-height:56px}
nav{text-align:right;font-size:.9rem}nav a{margin-left:.75rem;color:${primary}}.progress{color:#6b7280;font-size:.85rem;margin:0 0 8px}
fieldset{border:0;background:#fff;border-radius:12px;padding:14px;margin:0 0 12px;box-shadow:0 1px 2px #0001}
legend{font-weight:600;padding:0;float:left;width:100%;margin-bottom:8px}.req{color:#b91c1c;font-weight:400;font-size:.8rem;margin-left:.3rem}
.scale{display:flex;flex-wrap:wrap;gap:4px;clear:both}.scale label{flex:1 1 0;min-width:0;text-align:center}
.scale input,.choice input{position:absolute;opacity:0}.scale span{display:block;padding:10px 0;border:1px solid #d1d5db;border-radius:8px;background:#f9fafb}
.scale input:checked+span{background:${primary};color:#fff;border-color:${primary}}.scale input:focus-visible+span{outline:2px solid #1d4ed8}
.ends{display:flex;justify-content:space-between;font-size:.8rem;color:#6b7280;margin-top:4px;clear:both}
.choice{display:block;clear:both;padding:8px 10px;border:1px solid #e5e7eb;border-radius:8px;margin-top:6px;position:relative}
.choice span:before{content:"";display:inline-block;width:1rem;height:1rem;border:2px solid #9ca3af;border-radius:50%;margin-right:.5rem;vertical-align:-2px}
.choice input[type=checkbox]+span:before{border-radius:3px}.choice input:checked+span:before{background:${primary};border-color:${primary}}
textarea{width:100%;min-height:6rem;font:inherit;padding:8px;border:1px solid #d1d5db;border-radius:8px;clear:both;display:block}
.err{color:#b91c1c;font-size:.9rem;clear:both;margin:6px 0 0}.bad{outline:2px solid #fca5a5}.alert{background:#fee2e2;color:#991b1b;padding:10px;border-radius:8px}
button{width:100%;padding:14px;font:inherit;font-weight:600;color:#fff;background:${primary};border:0;border-radius:10px}
.buttons{display:flex;flex-direction:row-reverse;gap:8px}.buttons .back{flex:0 0 35%;color:#1f2937;background:#e5e7eb}footer{color:#6b7280;font-size:.8rem;text-align:center;margin:24px 0 8px}`;
}

/** The stylesheet of a page without a brand colour. */
export const SURVEY_STYLE = surveyStyle();

/** How the organisation's brand dresses a page: the colour, a logo (an https URL) with its alt text, and a footer. */
export interface PageBrand {
  primaryColor?: string | undefined;
  logoUrl?: string | undefined;
  /** The logo's alt text: the organisation's name. */
  logoAlt?: string | undefined;
  footer?: string | undefined;
}

function Layout(props: { locale: Locale; title: string; brand?: PageBrand | undefined; children: Child }) {
  const brand = props.brand ?? {};
  return (
    <>
      {raw('<!doctype html>')}
    <html lang={props.locale === 'zh' ? 'zh-CN' : props.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: surveyStyle(brand.primaryColor) }} />
      </head>
      <body>
        <main>
          {brand.logoUrl ? <img class="logo" src={brand.logoUrl} alt={brand.logoAlt ?? ''} /> : null}
          {props.children}
          {brand.footer ? <footer>{brand.footer}</footer> : null}
        </main>
      </body>
    </html>
    </>
  );
}

/** Where a page stands in a survey of several pages. */
export interface PagePlace {
  /** The page's index in the survey's pages: posted back as `page`. */
  index: number;
  /** 1-based position among the pages this respondent gets, and how many that is (both shown as "2 / 3"). */
  position: number;
  total: number;
  /** Whether a later page follows (the button says "Next") or this one sends the response ("Submit"). */
  more: boolean;
  /** Whether an earlier page can be gone back to. */
  back: boolean;
}

export interface SurveyPageProps {
  survey: Survey;
  locale: Locale;
  /** Query parameters to keep on the form's POST (unit, touchpoint, token). */
  hidden: Record<string, string>;
  /** Every answer so far: the page's own questions show theirs, the others ride along as hidden fields. */
  values?: Answers | Record<string, unknown>;
  issues?: FieldIssue[];
  /** The questions this page shows; absent: every question of the survey. */
  questions?: readonly Question[];
  /** The survey version this page shows, posted back as `v`. */
  version?: number | undefined;
  place?: PagePlace | undefined;
  /** The names piped into {unit.name} and {organisation.name}. */
  names?: { unit?: string | undefined; organisation?: string | undefined };
  brand?: PageBrand | undefined;
}

/** A survey's text in the page's language, with its placeholders filled in for this respondent. */
export function surveyText(survey: Survey, locale: Locale, piping: Omit<PipingContext, 'locale' | 'fallback' | 'questions'>) {
  const context: PipingContext = { ...piping, locale, fallback: survey.defaultLocale, questions: survey.questions };
  return (x: LocalizedText | undefined) => pipeText(localize(x, locale, survey.defaultLocale), context);
}

export function SurveyPage({ survey, locale, hidden, values = {}, issues = [], questions = survey.questions, version, place, names = {}, brand }: SurveyPageProps) {
  const t = CHROME[locale];
  const text = surveyText(survey, locale, { answers: values as Answers, unitName: names.unit, organisationName: names.organisation });
  // The tab title names the place, never an answer: it lands in browser history and on shared screens.
  const titleText = surveyText(survey, locale, { answers: {}, unitName: names.unit, organisationName: names.organisation });
  const errorFor = new Map(issues.map((i) => [i.path.replace(/^answers\./, ''), i.message]));
  const general = issues.filter((i) => !questions.some((q) => `answers.${q.id}` === i.path));
  const onPage = new Set(questions.map((q) => q.id));
  const query = new URLSearchParams(hidden);
  return (
    <Layout locale={locale} title={titleText(survey.title)} brand={brand}>
      <nav aria-label="language">
        {/* A language link starts the survey again, so only the first page offers it: later ones would lose answers. */}
        {(place && place.position > 1 ? [] : survey.locales)
          .filter((l) => l !== locale && LOCALES.includes(l))
          .map((l) => {
            query.set('lang', l);
            return <a href={`?${query.toString()}`} hreflang={l}>{CHROME[l].lang}</a>;
          })}
      </nav>
      <h1>{text(survey.title)}</h1>
      {place && place.total > 1 ? <p class="progress">{`${place.position} / ${place.total}`}</p> : null}
      {survey.intro && (!place || place.position === 1) ? <p class="intro">{text(survey.intro)}</p> : null}
      {issues.length ? (
        <p class="alert" role="alert">
          {t.fix}
          {general.map((i) => ` ${i.path}: ${i.message}`)}
        </p>
      ) : null}
      <form method="post" accept-charset="utf-8">
        <input type="hidden" name="lang" value={locale} />
        {Object.entries(hidden).map(([name, value]) => (name === 'lang' ? null : <input type="hidden" name={name} value={value} />))}
        {version !== undefined ? <input type="hidden" name="v" value={String(version)} /> : null}
        {place ? <input type="hidden" name="page" value={String(place.index)} /> : null}
        {carriedFields(survey, values, onPage)}
        {questions.map((q) => (
          <QuestionField question={q} text={text} value={values[q.id]} error={errorFor.get(q.id)} requiredLabel={t.required} />
        ))}
        {place?.back ? (
          <div class="buttons">
            <button type="submit">{place.more ? t.next : t.submit}</button>
            {/* After the main button, so Enter in a field goes forward; formnovalidate: going back needs no answers. */}
            <button type="submit" name="nav" value="back" class="back" formnovalidate>
              {t.back}
            </button>
          </div>
        ) : (
          <button type="submit">{place?.more ? t.next : t.submit}</button>
        )}
      </form>
    </Layout>
  );
}

/**
 * The answers of the other pages, carried as hidden fields under their own form names, so the survey needs neither
 * JavaScript nor a draft stored on the server. The respondent can change them (they are the respondent's own answers),
 * and that is harmless: the finished response is checked in full, logic included, before it is stored — editing a
 * hidden field is no different from going back and answering differently.
 */
function carriedFields(survey: Survey, values: Record<string, unknown>, onPage: ReadonlySet<string>) {
  return survey.questions
    .filter((q) => !onPage.has(q.id) && values[q.id] !== undefined)
    .flatMap((q) => {
      const value = values[q.id];
      return (Array.isArray(value) ? value : [value]).map((v) => <input type="hidden" name={`q_${q.id}`} value={String(v)} />);
    });
}

function QuestionField(props: { question: Question; text: (x: Question['label'] | undefined) => string; value: unknown; error: string | undefined; requiredLabel: string }) {
  const { question: q, text, value, error } = props;
  const name = `q_${q.id}`;
  const errorId = `${name}_err`;
  const range = scoreRange(q);
  let body: Child;
  if (range) {
    const options: number[] = [];
    for (let n = range.min; n <= range.max; n++) options.push(n);
    body = (
      <>
        <div class="scale">
          {options.map((n) => (
            <label>
              <input type="radio" name={name} value={String(n)} checked={String(value) === String(n)} required={q.required} aria-describedby={error ? errorId : undefined} />
              <span>{n}</span>
            </label>
          ))}
        </div>
        {q.lowLabel || q.highLabel ? (
          <div class="ends">
            <span>{text(q.lowLabel)}</span>
            <span>{text(q.highLabel)}</span>
          </div>
        ) : null}
      </>
    );
  } else if (q.type === 'single' || q.type === 'multi') {
    const chosen = new Set(Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);
    body = q.options.map((o) => (
      <label class="choice">
        <input type={q.type === 'single' ? 'radio' : 'checkbox'} name={name} value={o.id} checked={chosen.has(o.id)} required={q.type === 'single' && q.required} />
        <span>{text(o.label)}</span>
      </label>
    ));
  } else if (q.type === 'text') {
    body = <textarea name={name} maxlength={q.maxLength} required={q.required} aria-describedby={error ? errorId : undefined}>{typeof value === 'string' ? value : ''}</textarea>;
  } else {
    body = null;
  }
  return (
    <fieldset class={error ? 'bad' : undefined} id={`question-${q.id}`}>
      <legend>
        {text(q.label)}
        {q.required ? <span class="req">{props.requiredLabel}</span> : null}
      </legend>
      {body}
      {error ? <p class="err" id={errorId}>{error}</p> : null}
    </fieldset>
  );
}

/** What a message page can say: outcomes, and refusals the respondent cannot fix by editing answers. */
export type PageMessage = 'thanks' | 'already' | 'notFound' | 'contactThanks' | LinkProblem | 'crossOrigin' | 'tooMany' | 'notSetUp' | 'closed' | 'notYetOpen';
/** A damaged survey link, named by the part that is wrong. */
export type LinkProblem = 'linkToken' | 'linkUnit' | 'linkTouchpoint' | 'linkLocale';

export function MessagePage(props: {
  locale: Locale;
  title: string;
  message: PageMessage;
  extra?: string | undefined;
  /** For 'tooMany': how long to wait, in whole minutes. */
  minutes?: number | undefined;
  /** For 'notYetOpen': when the survey opens, already written out in the organisation's time zone. */
  when?: string | undefined;
  /** After a detractor's answer: ask whether we may contact them (posted back with the response id). */
  recoveryFor?: string | undefined;
  /** The organisation's public review page, offered to everyone. */
  reviewUrl?: string | undefined;
  brand?: PageBrand | undefined;
}) {
  const t = CHROME[props.locale];
  return (
    <Layout locale={props.locale} title={props.title} brand={props.brand}>
      <h1>{props.title}</h1>
      <p role="status" data-outcome={props.message}>
        {t[props.message].replace('{n}', String(props.minutes ?? 1)).replace('{when}', props.when ?? '')}
      </p>
      {props.extra ? <p>{props.extra}</p> : null}
      {props.recoveryFor ? (
        <form method="post" accept-charset="utf-8" id="contact-request">
          <input type="hidden" name="r" value={props.recoveryFor} />
          <input type="hidden" name="lang" value={props.locale} />
          <fieldset>
            <legend>{t.contactAsk}</legend>
            <label class="choice">
              <input type="checkbox" name="consent" value="yes" required />
              <span>{t.contactYes}</span>
            </label>
            <p>{t.channel}</p>
            {(['phone', 'sms', 'email'] as const).map((channel, i) => (
              <label class="choice">
                <input type="radio" name="channel" value={channel} checked={i === 0} />
                <span>{t[channel]}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit">{t.send}</button>
        </form>
      ) : null}
      {props.reviewUrl ? (
        <p>
          <a href={props.reviewUrl} rel="noopener" data-review-link>
            {t.review}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

/** Form fields (q_<id>) as API answers: scale answers become numbers, checkbox groups lists. */
export function answersFromForm(survey: Survey, form: Record<string, string | File | (string | File)[]>): Answers {
  const answers: Answers = {};
  for (const q of survey.questions) {
    const raw = form[`q_${q.id}`];
    if (raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    if (q.type === 'multi') answers[q.id] = values;
    else if (values[0] === undefined) continue;
    else if (scoreRange(q)) answers[q.id] = /^-?\d+$/.test(values[0]) ? Number(values[0]) : values[0];
    else answers[q.id] = values[0];
  }
  return answers;
}

export function pickLocale(requested: string | undefined, survey: Pick<Survey, 'locales' | 'defaultLocale'>, acceptLanguage: string | undefined): Locale {
  const candidates = [requested, ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]?.trim().slice(0, 2))];
  for (const candidate of candidates) {
    const locale = survey.locales.find((l) => l === candidate);
    if (locale) return locale;
  }
  return survey.defaultLocale;
}
