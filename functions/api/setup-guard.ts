// Routes that only make sense for an existing organisation (authoring surveys, recounting) say so first: 409
// setup_required naming the next step, rather than "no such survey" or a job that could only fail.
import type { MiddlewareHandler } from 'hono';
import { readOrganisation } from '../authoring/organisation.ts';
import type { CatalogStore } from '../ports.ts';

/** Middleware: throws SetupRequiredError (mapped to 409 by the app) until the organisation is saved. */
export const organisationFirst =
  (catalog: Pick<CatalogStore, 'organisation'>): MiddlewareHandler =>
  async (_c, next) => {
    await readOrganisation({ catalog });
    await next();
  };
