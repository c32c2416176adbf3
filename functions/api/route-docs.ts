// What every admin route's OpenAPI description shares: the bearer security, JSON bodies, and the two refusals any
// route can give (a bad request naming its fields, a missing token).
import type { z } from '@hono/zod-openapi';
import { ErrorBody } from './errors.ts';

export const security = [{ bearer: [] }];

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const commonProblems = {
  400: json(ErrorBody, 'Invalid request: each bad field is named in error.issues'),
  401: json(ErrorBody, 'Missing or invalid bearer token'),
};
