// Use case: fold a batch of new responses from the responses stream into the pre-computed counters, once each.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import { responseDeltas } from '../domain/aggregation.ts';
import { OrgTree } from '../domain/org.ts';
import type { AggregateStore, CatalogStore, ResponseDeltas } from '../ports.ts';

export interface CountResponsesDeps {
  catalog: CatalogStore;
  aggregates: AggregateStore;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

const ResponseImage = z.object({
  id: z.string(),
  surveyId: z.string(),
  unitId: z.string(),
  submittedAt: z.string(),
  answers: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())])),
});

export async function countResponses(records: DynamoDBRecord[], deps: CountResponsesDeps): Promise<DynamoDBBatchResponse> {
  const catalog = await deps.catalog.load();
  const org = new OrgTree(catalog.units);
  const surveys = new Map(catalog.surveys.map((s) => [s.id, s]));
  const failures: string[] = [];
  const work = new Map<string, { eventIds: string[]; deltas: ResponseDeltas }>();

  for (const record of records) {
    // Lambda identifies a failed stream record by its sequence number.
    const eventId = record.dynamodb?.SequenceNumber ?? '';
    const image = record.dynamodb?.NewImage;
    const parsed = image ? ResponseImage.safeParse(unmarshall(image as Record<string, AttributeValue>)) : undefined;
    if (!parsed?.success) {
      deps.log?.('stream record is not a response; sending it to the failure destination', { eventId });
      failures.push(eventId);
      continue;
    }
    const response = parsed.data;
    const survey = surveys.get(response.surveyId);
    if (!survey) {
      deps.log?.('response names an unknown survey', { eventId, surveyId: response.surveyId });
      failures.push(eventId);
      continue;
    }
    // An INSERT and a later MODIFY of one response may share a batch: count the response once.
    const existing = work.get(response.id);
    if (existing) existing.eventIds.push(eventId);
    else work.set(response.id, { eventIds: [eventId], deltas: { responseId: response.id, deltas: responseDeltas(response, survey, org, catalog.organisation.timeZone) } });
  }

  if (work.size > 0) {
    try {
      await deps.aggregates.applyOnce([...work.values()].map((w) => w.deltas));
    } catch (error) {
      // Nothing half-counted stays behind (each chunk is one transaction), so the whole batch can safely be retried.
      deps.log?.('counting failed; the batch will be retried', { error: String(error) });
      for (const w of work.values()) failures.push(...w.eventIds);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}
