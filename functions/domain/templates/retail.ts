// Template: a visit to a shop, from walking in to paying, plus the offers and loyalty scheme that bring shoppers back.
import type { SurveyTemplate } from './index.ts';
import { CES_ENDS, COMMENT_LABEL, CSAT_ENDS, detailRating, improveQuestion, NPS_ENDS, OTHER_OPTION, whenAtMost } from './wording.ts';

export const retailTemplate: SurveyTemplate = {
  id: 'retail-store-visit',
  industry: 'retail',
  name: { zh: '门店购物体验', en: 'Store visit', ru: 'Визит в магазин' },
  description: {
    zh: '顾客从进店、选购、咨询到结账的全过程，以及促销和会员权益：总体推荐度、各环节满意度与便捷度，以及关键细节。',
    en: "A shopper's visit from walking in to paying, plus offers and loyalty: likelihood to recommend, each stage's score and the details behind it.",
    ru: 'Визит покупателя от входа до кассы, а также акции и бонусы: готовность рекомендовать, оценки этапов и детали, которые на них влияют.',
  },
  survey: {
    id: 'retail-store-visit',
    title: { zh: '购物体验调查', en: 'How was your shopping trip?', ru: 'Оцените ваш визит в магазин' },
    intro: {
      zh: '感谢您今天的光临！问卷只需两分钟，您的意见对我们很重要。',
      en: 'Thanks for shopping with us today. It takes two minutes, and your answers really count.',
      ru: 'Спасибо, что зашли к нам! Опрос займёт пару минут, а ваше мнение для нас очень важно.',
    },
    thanks: {
      zh: '感谢您的宝贵意见，期待您再次光临！',
      en: 'Thank you! We hope to see you again soon.',
      ru: 'Спасибо! Будем рады видеть вас снова.',
    },
    locales: ['zh', 'en', 'ru'],
    defaultLocale: 'zh',
    anonymous: true,
    indicatorTree: [
      { id: 'overall', parentId: null, label: { zh: '总体推荐度', en: 'Likelihood to recommend', ru: 'Готовность рекомендовать' } },
      { id: 'store', parentId: 'overall', label: { zh: '门店环境', en: 'The store', ru: 'Обстановка в магазине' } },
      { id: 'products', parentId: 'overall', label: { zh: '选购商品', en: 'Finding products', ru: 'Поиск товаров' } },
      { id: 'staff', parentId: 'overall', label: { zh: '店员服务', en: 'Staff help', ru: 'Помощь консультантов' } },
      { id: 'checkout', parentId: 'overall', label: { zh: '收银结账', en: 'Checkout', ru: 'Оплата на кассе' } },
      { id: 'offers', parentId: 'overall', label: { zh: '促销与会员', en: 'Offers and loyalty', ru: 'Акции и бонусы' } },
      { id: 'store-comfort', parentId: 'store', label: { zh: '整洁舒适', en: 'Cleanliness and comfort', ru: 'Чистота и комфорт' } },
      { id: 'availability', parentId: 'products', label: { zh: '商品齐全', en: 'Availability', ru: 'Наличие товаров' } },
      { id: 'prices', parentId: 'products', label: { zh: '价格与价签', en: 'Prices and price tags', ru: 'Цены и ценники' } },
      { id: 'staff-service', parentId: 'staff', label: { zh: '店员表现', en: 'Staff service', ru: 'Работа консультантов' } },
      { id: 'till-speed', parentId: 'checkout', label: { zh: '收银效率', en: 'Speed at the till', ru: 'Скорость на кассе' } },
      { id: 'offer-terms', parentId: 'offers', label: { zh: '促销与积分规则', en: 'Offer and points terms', ru: 'Условия акций и бонусов' } },
    ],
    questions: [
      {
        id: 'nps',
        type: 'nps',
        nodeId: 'overall',
        required: true,
        label: {
          zh: '您有多大可能向亲友推荐我们的门店？',
          en: 'How likely are you to recommend our store to friends or family?',
          ru: 'Насколько вероятно, что вы порекомендуете наш магазин друзьям или знакомым?',
        },
        ...NPS_ENDS,
      },
      {
        id: 'store-csat',
        type: 'csat',
        nodeId: 'store',
        label: {
          zh: '您对门店环境满意吗？',
          en: 'How satisfied were you with the store itself?',
          ru: 'Насколько вы довольны обстановкой в магазине?',
        },
        ...CSAT_ENDS,
      },
      {
        id: 'products-ease',
        type: 'ces',
        nodeId: 'products',
        label: {
          zh: '找到想买的商品容易吗？',
          en: 'How easy was it to find what you wanted?',
          ru: 'Насколько легко было найти нужный товар?',
        },
        ...CES_ENDS,
      },
      {
        id: 'staff-csat',
        type: 'csat',
        nodeId: 'staff',
        label: {
          zh: '您对店员的服务满意吗？',
          en: 'How satisfied were you with the help from our staff?',
          ru: 'Насколько вы довольны помощью консультантов?',
        },
        ...CSAT_ENDS,
      },
      {
        id: 'checkout-csat',
        type: 'csat',
        nodeId: 'checkout',
        label: {
          zh: '您对结账过程满意吗？',
          en: 'How satisfied were you with checkout?',
          ru: 'Насколько вы довольны обслуживанием на кассе?',
        },
        ...CSAT_ENDS,
      },
      {
        id: 'offers-csat',
        type: 'csat',
        nodeId: 'offers',
        label: {
          zh: '您对我们的促销和会员优惠满意吗？',
          en: 'How satisfied are you with our offers and loyalty rewards?',
          ru: 'Насколько вы довольны акциями и бонусной программой?',
        },
        ...CSAT_ENDS,
      },
      detailRating('store-clean', 'store-comfort', {
        zh: '店内干净整洁吗？',
        en: 'How clean and tidy was the store?',
        ru: 'Насколько чисто и аккуратно было в магазине?',
      }),
      {
        id: 'products-problems',
        type: 'multi',
        nodeId: 'products',
        showIf: whenAtMost('products-ease', 3),
        label: { zh: '为什么找商品不方便？', en: 'What made it hard to find things?', ru: 'Почему было трудно найти товар?' },
        options: [
          { id: 'out-of-stock', label: { zh: '商品缺货', en: 'Out of stock', ru: 'Товара не было в наличии' } },
          { id: 'unclear-signs', label: { zh: '指引标识不清楚', en: 'Unclear signs', ru: 'Непонятные указатели' } },
          { id: 'messy-shelves', label: { zh: '货架摆放混乱', en: 'Messy shelves', ru: 'Беспорядок на полках' } },
          { id: 'no-one-to-ask', label: { zh: '找不到店员询问', en: 'No one to ask', ru: 'Не у кого было спросить' } },
          OTHER_OPTION,
        ],
      },
      detailRating('availability', 'availability', {
        zh: '您需要的商品齐全吗？',
        en: 'How well stocked was the store with what you came for?',
        ru: 'Как вы оцениваете наличие нужных вам товаров?',
      }),
      detailRating('price-tags', 'prices', {
        zh: '价签清楚准确吗？',
        en: 'How clear and correct were the price tags?',
        ru: 'Насколько понятными и точными были ценники?',
      }),
      detailRating('staff-advice', 'staff-service', {
        zh: '店员的建议对您有帮助吗？',
        en: 'How useful was the advice from our staff?',
        ru: 'Насколько полезной была консультация?',
      }),
      {
        id: 'checkout-problems',
        type: 'multi',
        nodeId: 'checkout',
        showIf: whenAtMost('checkout-csat', 2),
        label: { zh: '结账时遇到了什么问题？', en: 'What went wrong at checkout?', ru: 'Что пошло не так на кассе?' },
        options: [
          { id: 'long-queue', label: { zh: '排队太久', en: 'Long queue', ru: 'Долгая очередь' } },
          { id: 'few-tills', label: { zh: '开放的收银台太少', en: 'Too few tills open', ru: 'Работало мало касс' } },
          { id: 'price-mismatch', label: { zh: '价格与价签不符', en: 'Price differed from the tag', ru: 'Цена не совпала с ценником' } },
          { id: 'payment-failed', label: { zh: '支付失败', en: 'Payment did not go through', ru: 'Не прошла оплата' } },
          { id: 'unfriendly-cashier', label: { zh: '收银员态度不好', en: 'Unfriendly cashier', ru: 'Неприветливый кассир' } },
          OTHER_OPTION,
        ],
      },
      detailRating('queue', 'till-speed', {
        zh: '您如何评价结账排队时间？',
        en: 'How was the wait at the till?',
        ru: 'Как вы оцениваете время ожидания на кассе?',
      }),
      detailRating('offer-clarity', 'offer-terms', {
        zh: '促销和积分规则清楚易懂吗？',
        en: 'How clear are the terms of our offers and points?',
        ru: 'Насколько понятны условия акций и начисления бонусов?',
      }),
      improveQuestion([
        { id: 'store', label: { zh: '购物环境', en: 'The store', ru: 'Обстановка в магазине' } },
        { id: 'range', label: { zh: '商品种类与库存', en: 'Range and stock', ru: 'Ассортимент и наличие' } },
        { id: 'prices', label: { zh: '价格', en: 'Prices', ru: 'Цены' } },
        { id: 'staff', label: { zh: '店员服务', en: 'Staff help', ru: 'Помощь консультантов' } },
        { id: 'checkout', label: { zh: '结账速度', en: 'Checkout speed', ru: 'Скорость на кассе' } },
        { id: 'offers', label: { zh: '促销与会员', en: 'Offers and loyalty', ru: 'Акции и бонусы' } },
      ]),
      { id: 'comment', type: 'text', nodeId: 'overall', maxLength: 2000, label: COMMENT_LABEL },
    ],
    pages: [
      { id: 'scores', questionIds: ['nps', 'store-csat', 'products-ease', 'staff-csat', 'checkout-csat', 'offers-csat'] },
      {
        id: 'details',
        questionIds: ['store-clean', 'products-problems', 'availability', 'price-tags', 'staff-advice', 'checkout-problems', 'queue', 'offer-clarity'],
      },
      { id: 'closing', questionIds: ['improve', 'comment'] },
    ],
  },
  questionBank: [
    detailRating('bank-fitting-rooms', 'store-comfort', {
      zh: '试衣间怎么样？',
      en: 'How were the fitting rooms?',
      ru: 'Как вам примерочные?',
    }),
    detailRating('bank-atmosphere', 'store-comfort', {
      zh: '店内灯光、温度和音乐让人舒服吗？',
      en: 'How pleasant were the lighting, temperature and music?',
      ru: 'Насколько комфортными были свет, температура и музыка?',
    }),
    detailRating('bank-range', 'availability', {
      zh: '商品种类丰富吗？',
      en: 'How good is our range?',
      ru: 'Как вы оцениваете ассортимент?',
    }),
    detailRating('bank-sizes', 'availability', {
      zh: '您需要的尺码或型号齐全吗？',
      en: 'How was the choice of sizes and models in stock?',
      ru: 'Как вы оцениваете наличие нужных размеров и моделей?',
    }),
    detailRating('bank-value', 'prices', {
      zh: '您觉得商品物有所值吗？',
      en: 'How would you rate value for money?',
      ru: 'Как вы оцениваете соотношение цены и качества?',
    }),
    detailRating('bank-courtesy', 'staff-service', {
      zh: '店员礼貌热情吗？',
      en: 'How friendly and polite were our staff?',
      ru: 'Насколько вежливыми и доброжелательными были сотрудники?',
    }),
    detailRating('bank-help-speed', 'staff-service', {
      zh: '需要帮助时，店员能及时到位吗？',
      en: 'How quickly did you get help when you needed it?',
      ru: 'Как быстро вам помогали, когда это было нужно?',
    }),
    detailRating('bank-self-checkout', 'till-speed', {
      zh: '您如何评价自助收银机？',
      en: 'How would you rate the self-checkouts?',
      ru: 'Как вы оцениваете кассы самообслуживания?',
    }),
    detailRating('bank-loyalty', 'offer-terms', {
      zh: '您如何评价我们的会员积分计划？',
      en: 'How would you rate our loyalty scheme?',
      ru: 'Как вы оцениваете нашу бонусную программу?',
    }),
    detailRating('bank-offer-appeal', 'offer-terms', {
      zh: '我们的促销优惠有吸引力吗？',
      en: 'How attractive are our offers?',
      ru: 'Насколько выгодны наши акции?',
    }),
  ],
};
