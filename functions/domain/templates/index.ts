// The template bank: ready surveys per industry that an organisation copies into a draft and adapts.
import type { Question, SurveyInput, LocalizedText } from '../survey.ts';
import { bankTemplate } from './bank.ts';
import { hotelTemplate } from './hotel.ts';
import { restaurantTemplate } from './restaurant.ts';
import { retailTemplate } from './retail.ts';
import { telecomTemplate } from './telecom.ts';

export const INDUSTRIES = ['hotel', 'retail', 'restaurant', 'bank', 'telecom'] as const;
export type Industry = (typeof INDUSTRIES)[number];

export interface SurveyTemplate {
  /** Stable id, used by POST /api/v1/surveys { templateId }. */
  id: string;
  industry: Industry;
  name: LocalizedText;
  description: LocalizedText;
  /** The survey as a draft starts: its `id` is replaced by the one the organisation picks. */
  survey: SurveyInput;
  /** Further detail items an author may add: each names the detail node it measures, on that node's 1–5 scale. */
  questionBank: Question[];
}

/** One template per industry, in the order a picker lists them. */
export const surveyTemplates: readonly SurveyTemplate[] = [hotelTemplate, retailTemplate, restaurantTemplate, bankTemplate, telecomTemplate];
