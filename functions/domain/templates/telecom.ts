// Template: a mobile and broadband operator, from buying and activation to network, billing, support and stores.
// Most subscribers never set foot in a store in a quarter, so the store stage is asked only of those who did.
import type { SurveyTemplate } from './index.ts';
import { CES_ENDS, COMMENT_LABEL, CSAT_ENDS, detailRating, improveQuestion, NPS_ENDS, OTHER_OPTION, whenAtMost } from './wording.ts';

export const telecomTemplate: SurveyTemplate = {
  id: 'telecom-service',
  industry: 'telecom',
  name: { zh: '通信运营商服务', en: 'Telecom service', ru: 'Услуги связи' },
  description: {
    zh: '从购买开通、网络质量、账单资费、客服到营业厅的完整客户旅程：总体推荐度、各环节满意度与费力度，以及关键细节。',
    en: "The customer journey from buying and activation to network, billing, support and stores: likelihood to recommend, each stage's score and the details behind it.",
    ru: 'Весь путь абонента — от покупки и подключения до качества связи, счетов, поддержки и салонов: готовность рекомендовать, оценки этапов и детали, которые на них влияют.',
  },
  survey: {
    id: 'telecom-service',
    title: { zh: '通信服务体验调查', en: 'How are we doing?', ru: 'Как вам наша связь?' },
    intro: {
      zh: '感谢您使用我们的服务！问卷约需两分钟。',
      en: 'Thank you for being with us. This takes about two minutes.',
      ru: 'Спасибо, что пользуетесь нашими услугами! Опрос займёт около двух минут.',
    },
    thanks: {
      zh: '感谢您的反馈！我们会认真阅读每一条意见。',
      en: 'Thank you! We read every comment.',
      ru: 'Спасибо за ответы! Мы обязательно их учтём.',
    },
    locales: ['zh', 'en', 'ru'],
    defaultLocale: 'zh',
    anonymous: true,
    indicatorTree: [
      { id: 'overall', parentId: null, label: { zh: '总体推荐度', en: 'Likelihood to recommend', ru: 'Готовность рекомендовать' } },
      { id: 'activation', parentId: 'overall', label: { zh: '购买与开通', en: 'Purchase and activation', ru: 'Покупка и подключение' } },
      { id: 'network', parentId: 'overall', label: { zh: '网络质量', en: 'Network quality', ru: 'Качество связи' } },
      { id: 'billing', parentId: 'overall', label: { zh: '账单与资费', en: 'Billing and prices', ru: 'Счета и тарифы' } },
      { id: 'service', parentId: 'overall', label: { zh: '客户服务', en: 'Customer service', ru: 'Служба поддержки' } },
      { id: 'store', parentId: 'overall', label: { zh: '营业厅', en: 'Store visit', ru: 'Салон связи' } },
      { id: 'plan-choice', parentId: 'activation', label: { zh: '套餐选择', en: 'Choosing a plan', ru: 'Выбор тарифа' } },
      { id: 'getting-connected', parentId: 'activation', label: { zh: '开通速度', en: 'Getting connected', ru: 'Скорость подключения' } },
      { id: 'coverage', parentId: 'network', label: { zh: '信号覆盖', en: 'Coverage', ru: 'Покрытие' } },
      { id: 'data-speed', parentId: 'network', label: { zh: '上网速度', en: 'Data speed', ru: 'Скорость интернета' } },
      { id: 'bills', parentId: 'billing', label: { zh: '账单与缴费', en: 'Bills and paying', ru: 'Счета и оплата' } },
      { id: 'resolution', parentId: 'service', label: { zh: '问题解决', en: 'Resolution', ru: 'Решение вопроса' } },
      { id: 'store-wait', parentId: 'store', label: { zh: '等候时间', en: 'Waiting time', ru: 'Время ожидания' } },
      { id: 'store-staff', parentId: 'store', label: { zh: '营业员', en: 'Store staff', ru: 'Консультанты' } },
    ],
    questions: [
      {
        id: 'nps',
        type: 'nps',
        nodeId: 'overall',
        required: true,
        label: {
          zh: '您有多大可能向亲友或同事推荐我们？',
          en: 'How likely are you to recommend us to a friend or colleague?',
          ru: 'Насколько вероятно, что вы порекомендуете нас друзьям или коллегам?',
        },
        ...NPS_ENDS,
      },
      {
        id: 'activation-ease',
        type: 'ces',
        nodeId: 'activation',
        label: {
          zh: '选套餐、办开通方便吗？',
          en: 'How easy was it to choose a plan and get connected?',
          ru: 'Насколько легко было выбрать тариф и подключиться?',
        },
        ...CES_ENDS,
      },
      {
        id: 'network-csat',
        type: 'csat',
        nodeId: 'network',
        label: { zh: '您对网络质量满意吗？', en: 'How satisfied are you with our network?', ru: 'Насколько вы довольны качеством связи?' },
        ...CSAT_ENDS,
      },
      {
        id: 'billing-csat',
        type: 'csat',
        nodeId: 'billing',
        label: {
          zh: '您对账单和扣费满意吗？',
          en: 'How satisfied are you with your bills and charges?',
          ru: 'Насколько вы довольны счетами и списаниями?',
        },
        ...CSAT_ENDS,
      },
      {
        id: 'service-ease',
        type: 'ces',
        nodeId: 'service',
        label: {
          zh: '如果您联系过客服，解决问题容易吗？',
          en: 'If you contacted us: how easy was it to get your issue sorted?',
          ru: 'Если вы к нам обращались: насколько легко было решить вопрос?',
        },
        ...CES_ENDS,
      },
      {
        id: 'visited-store',
        type: 'single',
        nodeId: 'store',
        label: {
          zh: '最近三个月，您去过我们的营业厅吗？',
          en: 'Have you visited one of our stores in the last three months?',
          ru: 'Были ли вы в нашем салоне связи за последние три месяца?',
        },
        options: [
          { id: 'yes', label: { zh: '去过', en: 'Yes', ru: 'Да' } },
          { id: 'no', label: { zh: '没去过', en: 'No', ru: 'Нет' } },
        ],
      },
      {
        id: 'store-csat',
        type: 'csat',
        nodeId: 'store',
        showIf: { match: 'all', conditions: [{ kind: 'choice', questionId: 'visited-store', optionIds: ['yes'] }] },
        label: {
          zh: '您对营业厅的服务满意吗？',
          en: 'How satisfied were you with your store visit?',
          ru: 'Насколько вы довольны обслуживанием в салоне связи?',
        },
        ...CSAT_ENDS,
      },
      detailRating('plan-clarity', 'plan-choice', {
        zh: '套餐内容和资费说明清楚吗？',
        en: 'How clear were the plan details and prices?',
        ru: 'Насколько понятными были условия и цены тарифа?',
      }),
      detailRating('connection-speed', 'getting-connected', {
        zh: 'SIM卡或宽带开通得快吗？',
        en: 'How quickly was your SIM or broadband up and running?',
        ru: 'Как быстро заработали SIM-карта или домашний интернет?',
      }),
      {
        id: 'network-problems',
        type: 'multi',
        nodeId: 'network',
        showIf: whenAtMost('network-csat', 2),
        label: { zh: '您遇到了哪些网络问题？', en: 'What network problems have you had?', ru: 'С какими проблемами связи вы сталкивались?' },
        options: [
          { id: 'no-signal', label: { zh: '没有信号', en: 'No signal', ru: 'Нет сигнала' } },
          { id: 'dropped-calls', label: { zh: '通话掉线', en: 'Dropped calls', ru: 'Обрываются звонки' } },
          { id: 'slow-data', label: { zh: '网速慢', en: 'Slow data', ru: 'Медленный интернет' } },
          { id: 'weak-indoors', label: { zh: '室内信号差', en: 'Weak signal indoors', ru: 'Плохая связь в помещении' } },
          { id: 'roaming', label: { zh: '漫游时有问题', en: 'Problems when roaming', ru: 'Проблемы в роуминге' } },
          OTHER_OPTION,
        ],
      },
      detailRating('signal', 'coverage', {
        zh: '您常去的地方信号好吗？',
        en: 'How good is the signal where you usually are?',
        ru: 'Как ловит связь там, где вы обычно бываете?',
      }),
      detailRating('data-speed', 'data-speed', {
        zh: '上网速度如何？',
        en: 'How fast is your mobile data?',
        ru: 'Как вы оцениваете скорость мобильного интернета?',
      }),
      {
        id: 'billing-problems',
        type: 'multi',
        nodeId: 'billing',
        showIf: whenAtMost('billing-csat', 2),
        label: { zh: '账单方面有什么问题？', en: 'What was wrong with your bill?', ru: 'Что не так со счетами?' },
        options: [
          { id: 'unexplained', label: { zh: '有不明扣费', en: 'Unexplained charges', ru: 'Непонятные списания' } },
          { id: 'not-ordered', label: { zh: '开通了我没订购的业务', en: 'Services I did not order', ru: 'Подключили услуги без спроса' } },
          { id: 'price-rise', label: { zh: '涨价没有提前通知', en: 'Price rise without notice', ru: 'Цену повысили без предупреждения' } },
          { id: 'hard-to-read', label: { zh: '看不懂账单', en: 'Hard to understand', ru: 'Сложно разобраться в счёте' } },
          OTHER_OPTION,
        ],
      },
      detailRating('bill-clarity', 'bills', {
        zh: '账单明细清楚易懂吗？',
        en: 'How easy is your bill to understand?',
        ru: 'Насколько понятна детализация счёта?',
      }),
      {
        ...detailRating('issue-resolved', 'resolution', {
          zh: '您的问题解决得怎么样？',
          en: 'How well was your issue resolved?',
          ru: 'Насколько хорошо решили ваш вопрос?',
        }),
        showIf: { match: 'all', conditions: [{ kind: 'answered', questionId: 'service-ease' }] },
      },
      {
        ...detailRating('store-wait', 'store-wait', {
          zh: '您如何评价营业厅的等候时间？',
          en: 'How was the wait in store?',
          ru: 'Как вы оцениваете время ожидания в салоне?',
        }),
        showIf: { match: 'all', conditions: [{ kind: 'answered', questionId: 'store-csat' }] },
      },
      {
        ...detailRating('store-staff-skill', 'store-staff', {
          zh: '营业员业务熟练、讲解清楚吗？',
          en: 'How knowledgeable were the store staff?',
          ru: 'Насколько компетентными были консультанты?',
        }),
        showIf: { match: 'all', conditions: [{ kind: 'answered', questionId: 'store-csat' }] },
      },
      improveQuestion([
        { id: 'activation', label: { zh: '开通办理', en: 'Getting connected', ru: 'Подключение' } },
        { id: 'network', label: { zh: '网络质量', en: 'Network', ru: 'Качество связи' } },
        { id: 'prices', label: { zh: '资费', en: 'Prices', ru: 'Цены' } },
        { id: 'billing', label: { zh: '账单', en: 'Billing', ru: 'Счета' } },
        { id: 'service', label: { zh: '客服', en: 'Customer service', ru: 'Служба поддержки' } },
        { id: 'store', label: { zh: '营业厅', en: 'Stores', ru: 'Салоны связи' } },
      ]),
      { id: 'comment', type: 'text', nodeId: 'overall', maxLength: 2000, label: COMMENT_LABEL },
    ],
    pages: [
      { id: 'scores', questionIds: ['nps', 'activation-ease', 'network-csat', 'billing-csat', 'service-ease', 'visited-store'] },
      {
        id: 'details',
        questionIds: [
          'store-csat',
          'plan-clarity',
          'connection-speed',
          'network-problems',
          'signal',
          'data-speed',
          'billing-problems',
          'bill-clarity',
          'issue-resolved',
        ],
      },
      { id: 'closing', questionIds: ['store-wait', 'store-staff-skill', 'improve', 'comment'] },
    ],
  },
  questionBank: [
    detailRating('bank-plan-fit', 'plan-choice', {
      zh: '当前套餐符合您的使用需求吗？',
      en: 'How well does your plan fit the way you use your phone?',
      ru: 'Насколько ваш тариф соответствует вашим потребностям?',
    }),
    detailRating('bank-number-porting', 'getting-connected', {
      zh: '携号转网办理顺利吗？',
      en: 'How smooth was moving your number to us?',
      ru: 'Насколько гладко прошёл перенос номера?',
    }),
    detailRating('bank-call-quality', 'coverage', {
      zh: '通话声音清晰吗？',
      en: 'How clear are your calls?',
      ru: 'Насколько хорошо слышно собеседника?',
    }),
    detailRating('bank-roaming', 'coverage', {
      zh: '出境漫游时网络好用吗？',
      en: 'How well does your service work abroad?',
      ru: 'Как работает связь в роуминге?',
    }),
    detailRating('bank-home-broadband', 'data-speed', {
      zh: '家庭宽带速度快、稳定吗？',
      en: 'How fast and stable is your home broadband?',
      ru: 'Насколько быстро и стабильно работает домашний интернет?',
    }),
    detailRating('bank-payment-ease', 'bills', {
      zh: '充值缴费方便吗？',
      en: 'How easy is it to top up or pay your bill?',
      ru: 'Насколько удобно пополнять счёт и оплачивать услуги?',
    }),
    detailRating('bank-value', 'bills', {
      zh: '您觉得资费物有所值吗？',
      en: 'How would you rate value for money?',
      ru: 'Как вы оцениваете соотношение цены и качества?',
    }),
    detailRating('bank-hotline-wait', 'resolution', {
      zh: '客服热线接通快吗？',
      en: 'How quickly did you get through to an agent?',
      ru: 'Как быстро удалось связаться с оператором?',
    }),
    detailRating('bank-self-service', 'resolution', {
      zh: '在App里自助办理业务顺利吗？',
      en: 'How well could you sort things out yourself in the app?',
      ru: 'Насколько удобно решать вопросы самостоятельно в приложении?',
    }),
    detailRating('bank-device-advice', 'store-staff', {
      zh: '营业员的选机建议对您有帮助吗？',
      en: 'How helpful was the advice on choosing a phone?',
      ru: 'Насколько полезным был совет при выборе телефона?',
    }),
  ],
};
