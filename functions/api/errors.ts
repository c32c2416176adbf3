// The one error shape every API failure has: { error: { code, message, issues: [{ path, message }] } }.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldIssue } from '../domain/answers.ts';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: 'answers.nps: must be from 0 to 10, got 11' }),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
    id: z.string().optional().openapi({ description: 'For 409: the id of what is already there — the response stored for this token, or the rebuild already running' }),
  })
  .openapi('Error');
export type ErrorBody = z.infer<typeof ErrorBody>;

export function errorBody(code: string, message: string, issues: FieldIssue[] = []): ErrorBody {
  return { error: { code, message, issues } };
}

export function validationError(issues: FieldIssue[]): ErrorBody {
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path || '(body)'}: ${i.message}`)
    .join('; ');
  return errorBody('validation_failed', issues.length > 3 ? `${summary}; and ${issues.length - 3} more` : summary, issues);
}

/** Zod issues as field issues, with dotted paths under an optional prefix ("query", "answers"). */
export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path: [path, ...issue.keys].filter(Boolean).join('.'), message: `unknown field(s): ${issue.keys.join(', ')}` };
    }
    return { path, message: issue.message };
  });
}

export function sendError(c: Context, status: ContentfulStatusCode, body: ErrorBody) {
  return c.json(body, status);
}
