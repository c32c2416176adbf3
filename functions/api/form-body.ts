// Reading a respondent's form post: a body no browser form would send (a malformed multipart body, another media type)
// is reported as a value, so the page answers 400 instead of the parser's exception becoming a 500.
import type { Context } from 'hono';

export type FormBody = Record<string, string | File | (string | File)[]>;

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/** The posted form fields (repeated fields as arrays), or undefined when the body is not a readable form. */
export async function readForm(c: Context): Promise<FormBody | undefined> {
  const mediaType = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (!mediaType || !FORM_TYPES.has(mediaType)) return undefined;
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    return undefined;
  }
}

/** A single-valued text field: a repeated or file field counts as absent, as no honest form sends one. */
export function textField(form: FormBody, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : undefined;
}
