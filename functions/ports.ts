// The interfaces the use cases need from the world; adapters in aws/ implement them on DynamoDB.
import type { Answers } from './domain/answers.ts';
import type { CounterDelta, Counters } from './domain/aggregation.ts';
import type { Organisation, OrgUnit } from './domain/org.ts';
import type { Locale, Survey } from './domain/survey.ts';

export interface StoredResponse {
  id: string;
  surveyId: string;
  unitId: string;
  touchpoint?: string;
  locale: Locale;
  channel: 'web' | 'api';
  /** Whether the id was derived from a personal link token (one response per link). */
  personal: boolean;
  answers: Answers;
  submittedAt: string;
}

export type PutResponseResult = { created: true } | { created: false; existingId: string };

export interface ResponseStore {
  /** Stores a response unless one with the same id exists; never overwrites. */
  putIfAbsent(response: StoredResponse): Promise<PutResponseResult>;
  get(id: string): Promise<StoredResponse | undefined>;
}

export interface Catalog {
  organisation: Organisation;
  units: OrgUnit[];
  surveys: Survey[];
}

export interface CatalogStore {
  load(): Promise<Catalog>;
  putOrganisation(organisation: Organisation): Promise<void>;
  putUnits(units: OrgUnit[]): Promise<void>;
  putSurvey(survey: Survey): Promise<void>;
}

export interface ResponseDeltas {
  responseId: string;
  deltas: CounterDelta[];
}

export interface AggregateStore {
  /**
   * Adds each response's deltas exactly once, however often it is offered: a response already counted is skipped.
   * Returns the ids that were newly counted.
   */
  applyOnce(batch: ResponseDeltas[]): Promise<{ applied: string[]; alreadyCounted: string[] }>;
  /** Day counter items of one partition whose sort keys lie between the two (inclusive). */
  readCounters(pk: string, fromSk: string, toSk: string): Promise<{ sk: string; counters: Counters }[]>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
