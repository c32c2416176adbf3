// Route contracts of the admin API: zod schemas that validate requests and generate the OpenAPI document.
import { createRoute, z } from '@hono/zod-openapi';
import { FIRST_DAY, GRANULARITIES, isReportingDay, LAST_DAY } from '../domain/periods.ts';
import { LOCALES } from '../domain/survey.ts';
import { MAX_TEXT_LENGTH } from '../domain/answers.ts';
import { ResponseEnvelope, SurveyVersionNumber } from './envelope.ts';
import { ErrorBody } from './errors.ts';
import { commonProblems, json, security } from './route-docs.ts';

const errors = {
  ...commonProblems,
};

/** A reporting day at the edge: a real calendar day inside FIRST_DAY..LAST_DAY (the one schema every route uses). */
export const Day = z
  .string()
  .refine(isReportingDay, `must be a calendar day as YYYY-MM-DD, from ${FIRST_DAY} to ${LAST_DAY}`)
  .openapi({ example: '2026-03-31' });
const AnswerValue = z.union([z.number(), z.string().max(MAX_TEXT_LENGTH * 4), z.array(z.string().max(64)).max(50)]);

// The envelope (survey, unit, touchpoint, locale, token, respondent) is the survey form's schema too.
export const ResponseInput = ResponseEnvelope.extend({
  surveyVersion: SurveyVersionNumber.optional().openapi({
    description: 'The survey version the respondent saw; default the live one. An older version is accepted for 24 h after the next one was published.',
    example: 2,
  }),
  answers: z.record(z.string().max(64), AnswerValue).openapi({ example: { nps: 9, checkin: 4, comment: 'Great stay' } }),
})
  .strict()
  .openapi('ResponseInput');

export const postResponse = createRoute({
  method: 'post',
  path: '/api/v1/responses',
  summary: 'Submit one response',
  description: 'Validates every answer against the survey and stores the response once. Bodies over 64 KB are refused.',
  security,
  request: { body: { content: { 'application/json': { schema: ResponseInput } }, required: true } },
  responses: {
    201: json(z.object({ id: z.string() }).openapi('Created'), 'Stored'),
    ...errors,
    409: json(ErrorBody, 'already_submitted: this token already answered (`id` is the stored response); survey_closed: the survey takes no answers now; setup_required: no organisation yet'),
  },
});

// The survey routes (definitions, versions, lifecycle) live in survey-routes.ts.

const ScoreSummary = z.object({
  count: z.number().int(),
  nps: z.number().nullable().openapi({ description: '%promoters − %detractors, one decimal; null without answers' }),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  csat: z.number().nullable().openapi({ description: 'Mean CSAT answer, 1–5' }),
  ces: z.number().nullable().openapi({ description: 'Mean CES answer, 1–7' }),
});

const window = {
  surveyId: z.string().min(1).max(64).optional().openapi({ description: 'Omit for totals across all surveys (then no nodes)' }),
  from: Day.optional().openapi({ description: 'First local day (organisation time zone); default 90 days before `to`' }),
  to: Day.optional().openapi({ description: 'Last local day; default today' }),
};

export const getMetrics = createRoute({
  method: 'get',
  path: '/api/v1/metrics',
  summary: 'NPS, CSAT, CES and counts by period, with indicator-tree scores',
  description: 'Read from pre-computed day counters. `unitId` includes every unit below it. Coarser periods are summed from days; weeks are ISO weeks.',
  security,
  request: {
    query: z.object({
      ...window,
      unitId: z.string().min(1).max(64).optional().openapi({ description: 'Default: the root unit' }),
      granularity: z.enum(GRANULARITIES).default('day'),
      locale: z.enum(LOCALES).optional().openapi({ description: 'Language of node labels' }),
    }),
  },
  responses: {
    200: json(
      z
        .object({
          from: z.string(),
          to: z.string(),
          granularity: z.enum(GRANULARITIES),
          surveyId: z.string().nullable(),
          unitId: z.string(),
          buckets: z.array(ScoreSummary.extend({ start: z.string() })),
          total: ScoreSummary,
          nodes: z.array(
            z.object({
              nodeId: z.string(),
              parentId: z.string().nullable(),
              label: z.string(),
              level: z.number().int(),
              count: z.number().int(),
              score: z.number().nullable(),
              metric: z.enum(['nps', 'mean']),
              scaleMax: z.number().nullable(),
            }),
          ),
        })
        .openapi('Metrics'),
      'Metrics',
    ),
    ...errors,
  },
});

export const getUnitMetrics = createRoute({
  method: 'get',
  path: '/api/v1/metrics/units',
  summary: 'Totals for each child unit of a unit, for ranking and drill-down',
  security,
  request: { query: z.object({ ...window, parentId: z.string().min(1).max(64).optional().openapi({ description: 'Default: the root unit' }) }) },
  responses: {
    200: json(
      z.object({
        parentId: z.string(),
        from: z.string(),
        to: z.string(),
        units: z.array(z.object({ unitId: z.string(), count: z.number().int(), nps: z.number().nullable(), csat: z.number().nullable(), ces: z.number().nullable() })),
      }),
      'Per-unit totals',
    ),
    ...errors,
  },
});
