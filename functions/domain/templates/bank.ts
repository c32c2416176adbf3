// Template: a retail bank across its channels: account opening, branch, mobile app, cards and payments, support.
// Few customers touch every channel in one quarter, so the first page asks which they used and later pages show only
// those stages and their details.
import type { ConditionGroup } from '../logic-schema.ts';
import type { SurveyTemplate } from './index.ts';
import { CES_ENDS, COMMENT_LABEL, CSAT_ENDS, detailRating, improveQuestion, NPS_ENDS, OTHER_OPTION, whenAtMost } from './wording.ts';

const whenUsed = (channel: string): ConditionGroup => ({
  match: 'all',
  conditions: [{ kind: 'choice', questionId: 'channels', optionIds: [channel] }],
});

const whenAnswered = (questionId: string): ConditionGroup => ({ match: 'all', conditions: [{ kind: 'answered', questionId }] });

export const bankTemplate: SurveyTemplate = {
  id: 'bank-branch-and-app',
  industry: 'bank',
  name: { zh: '银行网点与手机银行', en: 'Bank branch and app', ru: 'Отделение и приложение банка' },
  description: {
    zh: '开户、网点、手机银行、银行卡与支付、客服五个环节：总体推荐度、各环节满意度与费力度及关键细节。客户只评价用过的环节。',
    en: 'Five stages (account opening, branch, app, cards and payments, support) with likelihood to recommend and the details behind each. Customers rate only what they used.',
    ru: 'Пять этапов — открытие счёта, отделение, приложение, карты и платежи, поддержка: готовность рекомендовать и детали по каждому этапу. Клиент оценивает только то, чем пользовался.',
  },
  survey: {
    id: 'bank-branch-and-app',
    title: { zh: '银行服务体验调查', en: 'How is banking with us?', ru: 'Как вам обслуживание в нашем банке?' },
    intro: {
      zh: '感谢您选择我们！问卷约需两分钟。',
      en: 'Thank you for banking with us. This takes about two minutes.',
      ru: 'Спасибо, что вы с нами! Опрос займёт около двух минут.',
    },
    thanks: {
      zh: '感谢您的反馈，我们会持续改进服务。',
      en: 'Thank you. Your feedback helps us serve you better.',
      ru: 'Спасибо! Ваш отзыв помогает нам работать лучше.',
    },
    locales: ['zh', 'en', 'ru'],
    defaultLocale: 'zh',
    anonymous: true,
    indicatorTree: [
      { id: 'overall', parentId: null, label: { zh: '总体推荐度', en: 'Likelihood to recommend', ru: 'Готовность рекомендовать' } },
      { id: 'account-opening', parentId: 'overall', label: { zh: '开户', en: 'Opening an account', ru: 'Открытие счёта' } },
      { id: 'branch', parentId: 'overall', label: { zh: '网点服务', en: 'Branch visit', ru: 'Визит в отделение' } },
      { id: 'mobile-app', parentId: 'overall', label: { zh: '手机银行', en: 'Mobile app', ru: 'Мобильное приложение' } },
      { id: 'cards', parentId: 'overall', label: { zh: '银行卡与支付', en: 'Cards and payments', ru: 'Карты и платежи' } },
      { id: 'support', parentId: 'overall', label: { zh: '客服支持', en: 'Customer support', ru: 'Служба поддержки' } },
      { id: 'documents', parentId: 'account-opening', label: { zh: '材料与流程', en: 'Paperwork', ru: 'Документы и порядок' } },
      { id: 'branch-convenience', parentId: 'branch', label: { zh: '网点便利', en: 'Branch convenience', ru: 'Удобство отделения' } },
      { id: 'branch-staff', parentId: 'branch', label: { zh: '员工服务', en: 'Branch staff', ru: 'Сотрудники отделения' } },
      { id: 'app-quality', parentId: 'mobile-app', label: { zh: 'App使用体验', en: 'App quality', ru: 'Качество приложения' } },
      { id: 'transfers', parentId: 'cards', label: { zh: '转账汇款', en: 'Transfers', ru: 'Переводы' } },
      { id: 'card-use', parentId: 'cards', label: { zh: '用卡体验', en: 'Using your card', ru: 'Оплата картой' } },
      { id: 'resolution', parentId: 'support', label: { zh: '问题解决', en: 'Resolution', ru: 'Решение вопроса' } },
    ],
    questions: [
      {
        id: 'nps',
        type: 'nps',
        nodeId: 'overall',
        required: true,
        label: {
          zh: '您有多大可能向亲友或同事推荐我们银行？',
          en: 'How likely are you to recommend our bank to a friend or colleague?',
          ru: 'Насколько вероятно, что вы порекомендуете наш банк друзьям или коллегам?',
        },
        ...NPS_ENDS,
      },
      {
        id: 'channels',
        type: 'multi',
        nodeId: 'overall',
        label: {
          zh: '最近三个月，您办理过以下哪些业务？',
          en: 'Which of these have you done in the last three months?',
          ru: 'Что из этого вы делали за последние три месяца?',
        },
        options: [
          { id: 'account-opening', label: { zh: '开户', en: 'Opened an account', ru: 'Открывали счёт' } },
          { id: 'branch', label: { zh: '去网点办理业务', en: 'Visited a branch', ru: 'Были в отделении' } },
          { id: 'mobile-app', label: { zh: '使用手机银行', en: 'Used the mobile app', ru: 'Пользовались приложением' } },
          { id: 'cards', label: { zh: '刷卡支付或转账', en: 'Paid by card or sent money', ru: 'Платили картой или делали переводы' } },
          { id: 'support', label: { zh: '联系客服', en: 'Contacted support', ru: 'Обращались в поддержку' } },
        ],
      },
      {
        id: 'opening-ease',
        type: 'ces',
        nodeId: 'account-opening',
        showIf: whenUsed('account-opening'),
        label: { zh: '开户过程方便吗？', en: 'How easy was it to open your account?', ru: 'Насколько легко было открыть счёт?' },
        ...CES_ENDS,
      },
      {
        id: 'branch-csat',
        type: 'csat',
        nodeId: 'branch',
        showIf: whenUsed('branch'),
        label: {
          zh: '您对网点服务满意吗？',
          en: 'How satisfied were you with your branch visit?',
          ru: 'Насколько вы довольны обслуживанием в отделении?',
        },
        ...CSAT_ENDS,
      },
      {
        id: 'app-ease',
        type: 'ces',
        nodeId: 'mobile-app',
        showIf: whenUsed('mobile-app'),
        label: {
          zh: '用手机银行办理业务方便吗？',
          en: 'How easy is it to get things done in our app?',
          ru: 'Насколько легко пользоваться нашим приложением?',
        },
        ...CES_ENDS,
      },
      {
        id: 'cards-csat',
        type: 'csat',
        nodeId: 'cards',
        showIf: whenUsed('cards'),
        label: {
          zh: '您对我行银行卡和支付服务满意吗？',
          en: 'How satisfied are you with our cards and payments?',
          ru: 'Насколько вы довольны нашими картами и платежами?',
        },
        ...CSAT_ENDS,
      },
      {
        id: 'support-ease',
        type: 'ces',
        nodeId: 'support',
        showIf: whenUsed('support'),
        label: {
          zh: '通过客服解决问题容易吗？',
          en: 'How easy was it to get your issue resolved?',
          ru: 'Насколько легко было решить вопрос через поддержку?',
        },
        ...CES_ENDS,
      },
      {
        ...detailRating('documents-clarity', 'documents', {
          zh: '所需材料和办理流程说明清楚吗？',
          en: 'How clearly were the documents and steps explained?',
          ru: 'Насколько понятно объяснили, какие нужны документы?',
        }),
        showIf: whenAnswered('opening-ease'),
      },
      {
        ...detailRating('branch-wait', 'branch-convenience', {
          zh: '您如何评价网点的等候时间？',
          en: 'How was the waiting time at the branch?',
          ru: 'Как вы оцениваете время ожидания в отделении?',
        }),
        showIf: whenAnswered('branch-csat'),
      },
      {
        ...detailRating('staff-competence', 'branch-staff', {
          zh: '工作人员专业、耐心吗？',
          en: 'How knowledgeable and patient were our staff?',
          ru: 'Насколько компетентными и внимательными были сотрудники?',
        }),
        showIf: whenAnswered('branch-csat'),
      },
      {
        id: 'app-problems',
        type: 'multi',
        nodeId: 'mobile-app',
        showIf: whenAtMost('app-ease', 3),
        label: { zh: '使用App时遇到了什么问题？', en: 'What went wrong in the app?', ru: 'С чем возникли трудности в приложении?' },
        options: [
          { id: 'login', label: { zh: '登录困难', en: 'Trouble logging in', ru: 'Не получается войти' } },
          { id: 'crashes', label: { zh: '闪退或卡顿', en: 'Crashes or freezes', ru: 'Вылетает или зависает' } },
          { id: 'cant-find', label: { zh: '找不到需要的功能', en: 'Could not find a feature', ru: 'Не нашли нужную функцию' } },
          { id: 'too-many-checks', label: { zh: '验证步骤太繁琐', en: 'Too many security checks', ru: 'Слишком много подтверждений' } },
          { id: 'payment-failed', label: { zh: '转账或支付失败', en: 'A payment or transfer failed', ru: 'Не прошёл платёж или перевод' } },
          OTHER_OPTION,
        ],
      },
      {
        ...detailRating('app-reliability', 'app-quality', {
          zh: 'App运行稳定流畅吗？',
          en: 'How reliable and fast is the app?',
          ru: 'Насколько стабильно и быстро работает приложение?',
        }),
        showIf: whenAnswered('app-ease'),
      },
      {
        ...detailRating('transfer-speed', 'transfers', {
          zh: '转账汇款快捷顺畅吗？',
          en: 'How quick and smooth are transfers?',
          ru: 'Насколько быстро и удобно проходят переводы?',
        }),
        showIf: whenAnswered('cards-csat'),
      },
      {
        ...detailRating('card-payments', 'card-use', {
          zh: '刷卡和线上支付顺畅吗？',
          en: 'How smoothly do card payments go, in shops and online?',
          ru: 'Как проходит оплата картой в магазинах и онлайн?',
        }),
        showIf: whenAnswered('cards-csat'),
      },
      {
        id: 'support-problems',
        type: 'multi',
        nodeId: 'support',
        showIf: whenAtMost('support-ease', 3),
        label: { zh: '联系客服时遇到了什么问题？', en: 'What made it hard to get help?', ru: 'Что помешало быстро решить вопрос?' },
        options: [
          { id: 'long-wait', label: { zh: '等待接通太久', en: 'Long wait to get through', ru: 'Долго ждали ответа' } },
          { id: 'transferred', label: { zh: '被多次转接', en: 'Passed from person to person', ru: 'Много раз переключали' } },
          { id: 'not-solved', label: { zh: '问题没有解决', en: 'Issue not solved', ru: 'Вопрос так и не решили' } },
          { id: 'repeat', label: { zh: '需要反复说明情况', en: 'Had to repeat myself', ru: 'Пришлось объяснять всё заново' } },
          { id: 'no-human', label: { zh: '联系不上人工客服', en: 'Could not reach a person', ru: 'Не удалось связаться с оператором' } },
          OTHER_OPTION,
        ],
      },
      {
        ...detailRating('issue-resolved', 'resolution', {
          zh: '您的问题解决得怎么样？',
          en: 'How well was your issue resolved?',
          ru: 'Насколько хорошо решили ваш вопрос?',
        }),
        showIf: whenAnswered('support-ease'),
      },
      improveQuestion([
        { id: 'account-opening', label: { zh: '开户流程', en: 'Opening an account', ru: 'Открытие счёта' } },
        { id: 'branch', label: { zh: '网点服务', en: 'Branch service', ru: 'Обслуживание в отделении' } },
        { id: 'mobile-app', label: { zh: '手机银行', en: 'Mobile app', ru: 'Мобильное приложение' } },
        { id: 'cards', label: { zh: '银行卡与支付', en: 'Cards and payments', ru: 'Карты и платежи' } },
        { id: 'support', label: { zh: '客服', en: 'Customer support', ru: 'Служба поддержки' } },
        { id: 'fees', label: { zh: '费用与利率', en: 'Fees and rates', ru: 'Комиссии и ставки' } },
      ]),
      { id: 'comment', type: 'text', nodeId: 'overall', maxLength: 2000, label: COMMENT_LABEL },
    ],
    pages: [
      { id: 'recommend', questionIds: ['nps', 'channels'] },
      { id: 'stages', questionIds: ['opening-ease', 'branch-csat', 'app-ease', 'cards-csat', 'support-ease'] },
      {
        id: 'details',
        questionIds: [
          'documents-clarity',
          'branch-wait',
          'staff-competence',
          'app-problems',
          'app-reliability',
          'transfer-speed',
          'card-payments',
          'support-problems',
          'issue-resolved',
        ],
      },
      { id: 'closing', questionIds: ['improve', 'comment'] },
    ],
  },
  questionBank: [
    detailRating('bank-online-application', 'documents', {
      zh: '线上申请流程顺畅吗？',
      en: 'How smooth was applying online?',
      ru: 'Насколько удобно было подать заявку онлайн?',
    }),
    detailRating('bank-branch-hours', 'branch-convenience', {
      zh: '网点营业时间方便吗？',
      en: 'How convenient are our branch opening hours?',
      ru: 'Насколько удобен график работы отделения?',
    }),
    detailRating('bank-atm', 'branch-convenience', {
      zh: 'ATM和自助设备好用吗？',
      en: 'How well do our ATMs and self-service machines work?',
      ru: 'Насколько исправно работают банкоматы и терминалы?',
    }),
    detailRating('bank-advice', 'branch-staff', {
      zh: '理财或贷款建议对您有帮助吗？',
      en: 'How useful was the advice on savings or loans?',
      ru: 'Насколько полезной была консультация по вкладам или кредитам?',
    }),
    detailRating('bank-privacy', 'branch-staff', {
      zh: '办理业务时，您的隐私保护得好吗？',
      en: 'How well was your privacy respected?',
      ru: 'Насколько соблюдалась конфиденциальность при обслуживании?',
    }),
    detailRating('bank-app-login', 'app-quality', {
      zh: '登录和安全验证方便吗？',
      en: 'How easy are logging in and confirming payments?',
      ru: 'Насколько удобно входить и подтверждать операции?',
    }),
    detailRating('bank-app-features', 'app-quality', {
      zh: 'App的功能能满足您的需要吗？',
      en: "How well do the app's features meet your needs?",
      ru: 'Насколько функции приложения отвечают вашим задачам?',
    }),
    detailRating('bank-card-fees', 'card-use', {
      zh: '银行卡收费清楚合理吗？',
      en: 'How clear and fair are our card fees?',
      ru: 'Насколько понятны и справедливы комиссии по картам?',
    }),
    detailRating('bank-fraud-protection', 'card-use', {
      zh: '您如何评价我们对银行卡盗刷的防范？',
      en: 'How well do we protect your card from fraud?',
      ru: 'Насколько надёжно мы защищаем вашу карту от мошенников?',
    }),
    detailRating('bank-reply-speed', 'resolution', {
      zh: '客服响应及时吗？',
      en: 'How quickly did you get a reply?',
      ru: 'Как быстро вам ответили?',
    }),
    detailRating('bank-agent-courtesy', 'resolution', {
      zh: '客服人员态度好吗？',
      en: 'How polite and helpful was the person you spoke to?',
      ru: 'Насколько вежливым и отзывчивым был специалист?',
    }),
  ],
};
