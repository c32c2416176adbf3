// The response envelope — which survey, unit, touchpoint, language and link a response belongs to — validated by one
// schema for both doors: the JSON API (ResponseInput extends it) and the survey form (its link fields map onto it).
import { z } from '@hono/zod-openapi';
import type { FieldIssue } from '../domain/answers.ts';
import { LOCALES } from '../domain/survey.ts';
import { zodIssues } from './errors.ts';

/** Ids (survey, unit, touchpoint) are short keys; anything longer is a damaged or forged link. */
const MAX_ID_LENGTH = 64;
/** Personal link tokens: long enough not to be guessed, short enough to be a DynamoDB key part. */
export const MIN_TOKEN_LENGTH = 8;
export const MAX_TOKEN_LENGTH = 512;

export const ResponseEnvelope = z
  .object({
    surveyId: z.string().min(1).max(MAX_ID_LENGTH).openapi({ example: 'hotel-stay' }),
    unitId: z
      .string()
      .min(1)
      .max(MAX_ID_LENGTH)
      .optional()
      .openapi({ description: 'Org unit (store/hotel) answered about; defaults to the root unit', example: 'sh-bund' }),
    touchpoint: z.string().min(1).max(MAX_ID_LENGTH).optional().openapi({ example: 'checkout' }),
    locale: z.enum(LOCALES).optional(),
    token: z
      .string()
      .min(MIN_TOKEN_LENGTH)
      .max(MAX_TOKEN_LENGTH)
      .optional()
      .openapi({ description: 'Personal link token: a second submission with it answers 409' }),
    respondent: z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +8613800138000').optional(),
        email: z.email().optional(),
      })
      .strict()
      .optional()
      .openapi({ description: 'Who answered, when the integration knows; managers see it on alerts only for surveys that are not anonymous' }),
  })
  .strict();
export type ResponseEnvelope = z.infer<typeof ResponseEnvelope>;

/** A survey version number, as the API takes it (ResponseInput.surveyVersion). */
export const SurveyVersionNumber = z.number().int().min(1).max(999_999);
/** The survey form's hidden field naming the version the page showed. */
export const FORM_SURVEY_VERSION = 'v';

/**
 * The version a survey form says it showed: a whole number in the `v` field, or undefined (validate against the live
 * version) when it is absent or not one — the answers must then meet the live version, so nothing unchecked gets in.
 */
export function surveyVersionFromForm(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 6) return undefined;
  for (const ch of value) if (ch < '0' || ch > '9') return undefined;
  const parsed = SurveyVersionNumber.safeParse(Number(value));
  return parsed.success ? parsed.data : undefined;
}

/**
 * The survey form's names for the envelope's link fields: short, because they ride in printed QR codes and SMS links
 * (`/s/hotel-stay?unit=sh-bund&tp=checkout&t=…&lang=zh`). The form never carries `respondent`.
 */
export const FORM_FIELD = { unitId: 'unit', touchpoint: 'tp', token: 't', locale: 'lang' } as const;
export type LinkField = keyof typeof FORM_FIELD;
const LINK_FIELDS = Object.keys(FORM_FIELD) as LinkField[];

export type EnvelopeResult = { ok: true; envelope: ResponseEnvelope } | { ok: false; issues: FieldIssue[] };

/**
 * The envelope of a survey-form submission or link, checked by the API's own schema. `read(name)` gives the raw value
 * of a form or query field: a string, or anything else (a repeated field, an uploaded file), which the schema refuses.
 * An empty value counts as absent, as a blank hidden input or `?tp=` means "not given".
 */
export function envelopeFromForm(surveyId: string, read: (name: string) => unknown): EnvelopeResult {
  const candidate: Record<string, unknown> = { surveyId };
  for (const field of LINK_FIELDS) {
    const value = read(FORM_FIELD[field]);
    if (value !== undefined && value !== '') candidate[field] = value;
  }
  const parsed = ResponseEnvelope.safeParse(candidate);
  return parsed.success ? { ok: true, envelope: parsed.data } : { ok: false, issues: zodIssues(parsed.error) };
}

/** Which link field an issue (path `unitId`, `token`, …) is about, if any. */
export function linkFieldOf(issue: FieldIssue): LinkField | undefined {
  return LINK_FIELDS.find((field) => issue.path === field || issue.path.startsWith(`${field}.`));
}
