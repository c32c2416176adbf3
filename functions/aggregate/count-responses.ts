// Use case: fold a batch of new responses from the responses stream into the pre-computed counters, once each per
// generation: the live one, and while a rebuild runs, the one it is building.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { OrgTree } from '../domain/org.ts';
import { countingGenerations } from '../domain/rebuild.ts';
import type { SurveyVersion } from '../domain/survey.ts';
import type { AggregateStore, CatalogStore } from '../ports.ts';
import { CountedResponse, deltasIn, surveyVersions } from './counting.ts';

export interface CountResponsesDeps {
  catalog: CatalogStore;
  aggregates: AggregateStore;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

export async function countResponses(records: DynamoDBRecord[], deps: CountResponsesDeps): Promise<DynamoDBBatchResponse> {
  // The pointer is read (consistently) after every record of this batch was written. So a rebuild that started before
  // one of these responses was written is seen here, and the response is counted into its generation too; a response
  // written before the rebuild started is in the rebuild's scan instead (or in both: the markers count it once).
  const [catalog, generations] = await Promise.all([deps.catalog.load(), deps.aggregates.generations()]);
  const org = new OrgTree(catalog.units);
  const surveyOf = surveyVersions(catalog, deps.catalog);
  const failures: string[] = [];
  const work = new Map<string, { eventIds: string[]; response: CountedResponse; survey: SurveyVersion }>();

  for (const record of records) {
    // Lambda identifies a failed stream record by its sequence number.
    const eventId = record.dynamodb?.SequenceNumber ?? '';
    const image = record.dynamodb?.NewImage;
    const parsed = image ? CountedResponse.safeParse(unmarshall(image as Record<string, AttributeValue>)) : undefined;
    if (!parsed?.success) {
      deps.log?.('stream record is not a response; sending it to the failure destination', { eventId });
      failures.push(eventId);
      continue;
    }
    const response = parsed.data;
    // An INSERT and a later MODIFY of one response may share a batch: count the response once.
    const existing = work.get(response.id);
    if (existing) {
      existing.eventIds.push(eventId);
      continue;
    }
    let survey: SurveyVersion | undefined;
    try {
      survey = await surveyOf(response.surveyId, response.surveyVersion);
    } catch (error) {
      deps.log?.('could not read the survey version; the record will be retried', { eventId, error: String(error) });
      failures.push(eventId);
      continue;
    }
    if (!survey) {
      deps.log?.('response names an unknown survey or version', { eventId, surveyId: response.surveyId, surveyVersion: response.surveyVersion });
      failures.push(eventId);
      continue;
    }
    work.set(response.id, { eventIds: [eventId], response, survey });
  }

  if (work.size > 0) {
    const timeZone = catalog.organisation.timeZone;
    try {
      // Generation by generation: each has its own markers, so a retry after a failure in the second skips the first.
      for (const generation of countingGenerations(generations)) {
        await deps.aggregates.applyOnce(
          [...work.values()].map((w) => deltasIn(w.response, w.survey, org, timeZone, generation)),
          generation,
        );
      }
    } catch (error) {
      // Nothing half-counted stays behind (each chunk is one transaction), so the whole batch can safely be retried.
      deps.log?.('counting failed; the batch will be retried', { error: String(error) });
      for (const w of work.values()) failures.push(...w.eventIds);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}
