// What the stream consumer and the rebuild share: the shape of a countable response, the survey version that scores
// it, and its deltas for each generation being counted.
import { z } from 'zod';
import { responseDeltas } from '../domain/aggregation.ts';
import type { OrgTree } from '../domain/org.ts';
import type { SurveyVersion } from '../domain/survey.ts';
import type { Catalog, CatalogStore, ResponseDeltas } from '../ports.ts';

/** The fields of a stored response that counting reads (a stream image or a scanned item). */
export const CountedResponse = z.object({
  id: z.string(),
  surveyId: z.string(),
  surveyVersion: z.number().int().positive().optional(),
  unitId: z.string(),
  submittedAt: z.string(),
  answers: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())])),
});
export type CountedResponse = z.infer<typeof CountedResponse>;

/**
 * The survey version each response is scored with: the one it answered (`surveyVersion`), or the live one for
 * responses from before versions. Versions are immutable, so each one is fetched at most once per resolver (a batch,
 * or a rebuild message), and the live ones come with the catalog.
 */
export function surveyVersions(catalog: Catalog, store: Pick<CatalogStore, 'surveyVersion'>) {
  const live = new Map(catalog.surveys.map((survey) => [survey.id, survey]));
  const fetched = new Map<string, Promise<SurveyVersion | undefined>>();
  return (surveyId: string, version: number | undefined): Promise<SurveyVersion | undefined> => {
    const current = live.get(surveyId);
    if (version === undefined || current?.version === version) return Promise.resolve(current);
    const key = `${surveyId}\u0000${version}`;
    let pending = fetched.get(key);
    if (!pending) {
      pending = store.surveyVersion(surveyId, version);
      fetched.set(key, pending);
    }
    return pending;
  };
}

/** One response's deltas in one generation, keyed for it. */
export function deltasIn(response: CountedResponse, survey: SurveyVersion, org: OrgTree, timeZone: string, generation: number): ResponseDeltas {
  return { responseId: response.id, deltas: responseDeltas(response, survey, org, timeZone, generation) };
}
