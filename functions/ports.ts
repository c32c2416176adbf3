// The interfaces the use cases need from the world; adapters in aws/ implement them on DynamoDB.
import type { Answers } from './domain/answers.ts';
import type { CounterDelta, Counters } from './domain/aggregation.ts';
import type { Organisation, OrgUnit } from './domain/org.ts';
import type { Locale, Survey, SurveyState, SurveyVersion } from './domain/survey.ts';
import type { AlertRule } from './domain/alert-rules.ts';
import type { Notification } from './domain/notifications.ts';
import type { CounterGenerations, RebuildJob, ScanPosition, SegmentProgress } from './domain/rebuild.ts';
import type { NotifyLimit, PagingCounts, PagingOutcome, PagingWindow } from './domain/paging.ts';
import type { Manager, Ticket, TicketState } from './domain/tickets.ts';
import type { TicketMessage } from './domain/ticket-messages.ts';

export interface StoredResponse {
  id: string;
  surveyId: string;
  /** The survey version the respondent saw and was validated against; absent on responses from before versions. */
  surveyVersion?: number;
  unitId: string;
  touchpoint?: string;
  locale: Locale;
  channel: 'web' | 'api';
  /** Whether the id was derived from a personal link token (one response per link). */
  personal: boolean;
  answers: Answers;
  submittedAt: string;
  /** Who answered, when the link or integration knows; shown to managers only for surveys that are not anonymous. */
  respondent?: { name?: string; phone?: string; email?: string };
  /** The respondent's "you may contact me" answer from the thank-you page. */
  contactRequest?: { consent: boolean; channel: 'phone' | 'sms' | 'email'; at: string };
  /** Text analysis written back by the sentiment function. */
  analysis?: { sentiment?: string; confidence?: number };
}

export type PutResponseResult = { created: true } | { created: false; existingId: string };

export interface ResponseStore {
  /** Stores a response unless one with the same id exists; never overwrites. */
  putIfAbsent(response: StoredResponse): Promise<PutResponseResult>;
  get(id: string): Promise<StoredResponse | undefined>;
  /** Records the respondent's contact request once; false when the response is unknown or already has one. */
  setContactRequest(id: string, request: NonNullable<StoredResponse['contactRequest']>): Promise<boolean>;
}

/**
 * The catalog has no organisation yet (an empty start): nothing can be measured until it is set up. The API answers
 * 409 setup_required naming what to create first; consumers leave the records for a retry.
 */
export class SetupRequiredError extends Error {
  constructor(message = 'The organisation is not set up yet: PUT /api/v1/organisation first, then the org units (PUT /api/v1/org/units/:id or POST /api/v1/org/units/import), then a survey.') {
    super(message);
    this.name = 'SetupRequiredError';
  }
}

/** What the first missing step of the setup is, for the errors that say so. */
export const NO_UNITS_YET = 'The organisation has no org units yet: import them with POST /api/v1/org/units/import (text/csv: id,parentId,kind,name_zh,name_en,name_ru) or create them with PUT /api/v1/org/units/:id.';

/** The org tree's top unit; SetupRequiredError (naming the next step) while the organisation has no units yet. */
export function rootUnitOrSetup<U>(org: { root(): U | undefined }): U {
  const root = org.root();
  if (root === undefined) throw new SetupRequiredError(NO_UNITS_YET);
  return root;
}

export interface Catalog {
  organisation: Organisation;
  /** Every unit, archived ones included (they keep their history); pickers and new links skip `archived`. */
  units: OrgUnit[];
  /** The live version of every survey that has been published (live or closed). */
  surveys: SurveyVersion[];
  /** Lifecycle of every survey, drafts that were never published included. */
  surveyStates: Record<string, SurveyState>;
  rules: AlertRule[];
  /** Managers per org unit id. */
  managers: Record<string, Manager[]>;
  /**
   * The catalog version stamp this content was read at: it holds every write up to this version. Every catalog write
   * raises it, so caches of things derived from the catalog (compiled matchers) can be keyed by it.
   */
  version: number;
}

/** The stored unit tree with its revision, for a conditional replace (null: nothing written yet). */
export interface OrgUnitTree {
  units: OrgUnit[];
  revision: string | null;
}

/** What setting up and changing the organisation needs beyond the catalog's read side; read fresh, never cached. */
export interface OrgCatalog {
  /** The organisation's settings; undefined on an empty catalog (load() throws SetupRequiredError instead). */
  organisation(): Promise<Organisation | undefined>;
  /** Every unit, archived ones included, read consistently together with the revision they make up. */
  unitTree(): Promise<OrgUnitTree>;
  /** Replaces the whole tree, atomically, if it is still at `expectedRevision`; false (nothing changed) on a lost race. */
  replaceUnitTree(units: OrgUnit[], expectedRevision: string | null): Promise<boolean>;
}

export interface CatalogStore extends OrgCatalog {
  /**
   * The catalog, consistent as of `version`; throws SetupRequiredError when there is no organisation yet. Given a
   * catalog this store loaded before, it reads again only what changed since (sections, surveys by revision).
   */
  load(previous?: Catalog): Promise<Catalog>;
  /** One published version of a survey (immutable, so it may be cached for good); undefined when there is none. */
  surveyVersion(surveyId: string, version: number): Promise<SurveyVersion | undefined>;
  /** The current catalog version stamp, read consistently (0 before the first write); cheap, one item. */
  version(): Promise<number>;
  putOrganisation(organisation: Organisation): Promise<void>;
  /** Replaces the whole unit tree, whatever it is now (seeding; authoring uses replaceUnitTree). */
  putUnits(units: OrgUnit[]): Promise<void>;
  /**
   * Seeding (demo, tests): saves `survey` as its draft and publishes it as the next version at once, marked as possibly
   * having responses (seeders write responses directly). Authoring goes through `surveyAuthoring` instead.
   */
  putSurvey(survey: Survey): Promise<void>;
  /** The survey partitions by key, for the authoring use cases (functions/authoring/surveys.ts). */
  surveyAuthoring: SurveyStore;
  putRule(rule: AlertRule): Promise<void>;
  deleteRule(id: string): Promise<boolean>;
  putManagers(unitId: string, managers: Manager[]): Promise<void>;
}

/** A survey's lifecycle as stored, with the revision its next change must name (optimistic concurrency). */
export interface StoredSurveyState {
  state: SurveyState;
  /** Raised by every change of the state item; a write naming an older one is refused. */
  revision: number;
  /** The first version number of this survey: a survey created again under a deleted one's id numbers on after it. */
  firstVersion: number;
}

export interface PublishedVersion {
  version: number;
  publishedAt: string;
}

/** Most versions one survey may have: each publish is checked against all of them, read in one bounded query. */
export const MAX_SURVEY_VERSIONS = 100;

/**
 * The survey partitions of the catalog, by key. Every write raises the catalog version stamp in the same transaction,
 * so the next request anywhere sees it. `false` means the write's condition failed (id taken, survey gone, or its
 * state changed since `revision`): nothing was written.
 */
export interface SurveyStore {
  state(surveyId: string): Promise<StoredSurveyState | undefined>;
  draft(surveyId: string): Promise<Survey | undefined>;
  /** Creates the state (status draft) and the draft, unless a survey with the id exists. */
  create(draft: Survey, at: string): Promise<boolean>;
  saveDraft(draft: Survey, at: string, revision: number): Promise<boolean>;
  /** Published versions from `fromVersion` on, newest first, at most MAX_SURVEY_VERSIONS (definitions included). */
  versions(surveyId: string, fromVersion: number): Promise<(SurveyVersion & PublishedVersion)[]>;
  /** The same list without the definitions (cheap to read). */
  versionList(surveyId: string, fromVersion: number): Promise<PublishedVersion[]>;
  /** Writes version `state.liveVersion` (only if absent) with `definition`, and the new state carrying it as live. */
  publish(definition: Survey, state: SurveyState, revision: number): Promise<boolean>;
  /** Replaces the state (close, reopen, schedule); the live definition stays. */
  putState(state: SurveyState, revision: number): Promise<boolean>;
  /** Removes the survey from the catalog (state and draft) unless it may have responses; versions stay as history. */
  delete(surveyId: string, revision: number): Promise<boolean>;
  /** Records, before a first response is stored, that the survey may have responses; false when there is no survey. */
  markResponded(surveyId: string): Promise<boolean>;
}

export interface TicketQuery {
  state?: TicketState | undefined;
  /** Tickets of responses from this unit or below it. */
  unitId?: string | undefined;
  overdue?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** A list cursor that no page of this store produced (tampered, truncated, or from elsewhere): bad input, a 400. */
export class InvalidCursorError extends Error {
  constructor(message = 'not a cursor from a previous page') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

export interface TicketStore {
  /** Stores a new ticket unless one with its id exists; returns the stored one either way. */
  createIfAbsent(ticket: Ticket): Promise<{ created: boolean; ticket: Ticket }>;
  get(id: string): Promise<Ticket | undefined>;
  /** Saves a changed ticket if nobody changed it since `expectedVersion`; false on a lost race. */
  save(ticket: Ticket, expectedVersion: number): Promise<boolean>;
  /** A page of tickets; throws InvalidCursorError when `cursor` is not one this store handed out. */
  list(query: TicketQuery): Promise<{ tickets: Ticket[]; nextCursor: string | null }>;
  /** Tickets created in [from, to) (ISO instants), for loop metrics. */
  createdBetween(from: string, to: string): Promise<Ticket[]>;
  /** Idempotency marks for effects outside the database (notifications). */
  hasMark(key: string): Promise<boolean>;
  putMark(key: string): Promise<void>;
  /**
   * Counts one response's alert into its rule's paging window at most once, however often it is offered, and says
   * whether it pages on its own or goes into the digest (see domain/paging.ts); a repeat gets the first answer again.
   */
  countAlert(window: PagingWindow, responseId: string, max: number): Promise<PagingOutcome>;
  pagingCounts(window: PagingWindow): Promise<PagingCounts>;
}

export interface Notifier {
  publish(notification: Notification): Promise<void>;
  /**
   * Publishes and marks the notification's key as sent in one atomic step; false (and nothing sent) when the key was
   * marked before. Offered by notifiers whose channel can share a transaction with the marks (the local outbox).
   */
  publishOnce?(notification: Notification): Promise<boolean>;
}

export interface OutboxEntry extends Notification {
  id: string;
  channel: 'sns';
  at: string;
}

/** Most outbox entries one read returns; a reader pages on with the `next` position. */
export const MAX_OUTBOX_PAGE = 1000;

export interface OutboxReader {
  /** Entries after a position (an ISO time, or a page's `next`), oldest first, at most `limit` (≤ MAX_OUTBOX_PAGE). */
  since(after: string | undefined, limit?: number): Promise<OutboxEntry[]>;
}

/** Where the page after the last entry of a full page starts (entries are ordered by time, then id). */
export const outboxPosition = (entry: Pick<OutboxEntry, 'at' | 'id'>): string => `${entry.at}#${entry.id}`;

export interface MessageQueue<M> {
  send(message: M, delaySeconds?: number): Promise<void>;
}

export interface ResponseDeltas {
  responseId: string;
  deltas: CounterDelta[];
}

export interface AggregateStore {
  /**
   * Adds each response's deltas exactly once per generation, however often it is offered: a response already counted
   * into `generation` (default 1) is skipped. The deltas must be keyed for that generation. Returns the ids that were
   * newly counted.
   */
  applyOnce(batch: ResponseDeltas[], generation?: number): Promise<{ applied: string[]; alreadyCounted: string[] }>;
  /** Day counter items of one partition whose sort keys lie between the two (inclusive). */
  readCounters(pk: string, fromSk: string, toSk: string): Promise<{ sk: string; counters: Counters }[]>;
  /** Whether a partition holds any counter item (one key-only read of at most one item). */
  hasCounters(pk: string): Promise<boolean>;
  /** The live generation and the one being built, read consistently (one small item; generation 1 when never set). */
  generations(): Promise<CounterGenerations>;
}

/** Rebuild jobs and the generation pointer they move (kept beside the counters). */
export interface RebuildStore {
  /**
   * Stores the job with its segments and marks its generation as building, all at once, if the pointer still is
   * `expected` and no rebuild is building; false otherwise (nothing stored).
   */
  start(job: RebuildJob, segments: SegmentProgress[], expected: CounterGenerations): Promise<boolean>;
  get(id: string): Promise<{ job: RebuildJob; segments: SegmentProgress[] } | undefined>;
  /** Saves a segment's progress if its step is still `progress.step - 1`; false when another worker moved it first. */
  saveSegment(id: string, progress: SegmentProgress): Promise<boolean>;
  /** Makes the job's generation live and the job complete, in one step, once; false if it was not running. */
  complete(job: RebuildJob, at: string): Promise<boolean>;
  /** Ends a running job as failed and stops building its generation (the live one stays); false if it was not running. */
  fail(job: RebuildJob, reason: string, at: string): Promise<boolean>;
}

/** The responses as a rebuild reads them: a parallel, consistent scan in pages. */
export interface ResponseScan {
  /** One page of one segment, after `position` (null: from the start); `next` null when the segment is finished. */
  page(input: { segment: number; totalSegments: number; position: ScanPosition | null; limit: number }): Promise<{ items: unknown[]; next: ScanPosition | null }>;
  /** The table's approximate item count (refreshed by DynamoDB every few hours), for progress estimates only. */
  estimatedCount(): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What the closed-loop use cases (alerts, tickets) work with. */
export interface ClosedLoopDeps {
  catalog: CatalogStore;
  tickets: TicketStore;
  notifier: Notifier;
  queue: MessageQueue<TicketMessage>;
  clock: Clock;
  /** Base of the links to tickets that notifications carry. */
  dashboardUrl: string;
  /** Alert notifications one rule may send about one unit per window; DEFAULT_NOTIFY_LIMIT when absent. */
  notifyLimit?: NotifyLimit;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}
