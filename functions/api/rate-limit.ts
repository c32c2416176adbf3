// How often the public survey form may be submitted: in-process token buckets per client and per survey, with a
// bounded number of tracked keys, configured from the environment at cold start.
import { z } from 'zod';
import type { Clock } from '../ports.ts';

/** A bucket holds up to `capacity` submissions and regains `refillPerSecond`; one submission takes one. */
export interface BucketRule {
  capacity: number;
  refillPerSecond: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * Token buckets keyed by string. A token bucket rather than a fixed window: it allows a short burst (a family
 * answering one after another at a lobby tablet) and a steady rate, without the doubled burst at a window's edge.
 * At most `maxKeys` buckets are kept; the least recently used goes first. Evicting a bucket forgets its debt, so
 * the cap is sized far above the number of clients one process sees between refills.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: BucketRule,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Whether `key` may take one now, without taking it. */
  check(key: string, nowMs: number): Admission {
    const tokens = this.level(key, nowMs);
    if (tokens >= 1) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.rule.refillPerSecond)) };
  }

  /** Takes one for `key` (callers check first; the level may go below zero only by rounding). */
  take(key: string, nowMs: number): void {
    const tokens = this.level(key, nowMs) - 1;
    // Re-inserting moves the key to the end of the Map's order, so the first key is always the least recently used.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, atMs: nowMs });
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
  }

  private level(key: string, nowMs: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.rule.capacity;
    // A clock that steps back (NTP) must not drain a bucket.
    const elapsedSeconds = Math.max(0, nowMs - bucket.atMs) / 1000;
    return Math.min(this.rule.capacity, bucket.tokens + elapsedSeconds * this.rule.refillPerSecond);
  }
}

const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);
const seconds = (fallback: number) => z.coerce.number().int().min(1).max(86_400).default(fallback);

/** The settings, by environment variable; every one has a default sized for honest traffic (see below). */
export const FormLimitSettings = z.object({
  /** Anonymous submissions one client may sustain per survey per window: 30 per 10 min is one every 20 s. */
  RATE_ANON_PER_CLIENT: count(30),
  /** …of which this many may come at once. */
  RATE_ANON_BURST: count(10),
  /**
   * Submissions carrying a personal token, per client per survey per window. Higher, because many phones share one
   * carrier NAT address; but limited too, because tokens are not signed yet and a random one passes as personal.
   */
  RATE_PERSONAL_PER_CLIENT: count(60),
  RATE_PERSONAL_BURST: count(20),
  /** The window the per-client allowances refill over. */
  RATE_ANON_WINDOW_SECONDS: seconds(600),
  /** All form submissions to one survey, from every client together, per survey window. */
  RATE_FORM_PER_SURVEY: count(600),
  RATE_FORM_SURVEY_WINDOW_SECONDS: seconds(60),
  /** How many clients and surveys are tracked at once (about 150 bytes each). */
  RATE_MAX_TRACKED_KEYS: count(20_000),
});
export type FormLimitSettings = z.infer<typeof FormLimitSettings>;

/** Reads the form limits at cold start; a bad value fails fast, naming its variable. */
export function formLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): FormLimitSettings {
  const parsed = FormLimitSettings.safeParse(env);
  if (!parsed.success) {
    const named = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid form rate-limit settings: ${named}`);
  }
  return parsed.data;
}

export const defaultFormLimits: FormLimitSettings = FormLimitSettings.parse({});

export interface FormSubmission {
  surveyId: string;
  /** The client's key, from `clientKey()`. */
  client: string;
  /** The submission carries a (well-formed) personal token. */
  personal: boolean;
}

/** Admission control for public form submissions: per client and survey (anonymous or personal), then per survey. */
export function formAdmission(settings: FormLimitSettings, clock: Clock) {
  const window = settings.RATE_ANON_WINDOW_SECONDS;
  const anonymous = new TokenBuckets({ capacity: settings.RATE_ANON_BURST, refillPerSecond: settings.RATE_ANON_PER_CLIENT / window }, settings.RATE_MAX_TRACKED_KEYS);
  const personal = new TokenBuckets(
    { capacity: settings.RATE_PERSONAL_BURST, refillPerSecond: settings.RATE_PERSONAL_PER_CLIENT / window },
    settings.RATE_MAX_TRACKED_KEYS,
  );
  const surveys = new TokenBuckets(
    { capacity: settings.RATE_FORM_PER_SURVEY, refillPerSecond: settings.RATE_FORM_PER_SURVEY / settings.RATE_FORM_SURVEY_WINDOW_SECONDS },
    settings.RATE_MAX_TRACKED_KEYS,
  );
  return {
    /** Admits and counts one submission, or says how long to wait; a refused one counts against nothing. */
    admit(submission: FormSubmission): Admission {
      const nowMs = clock.now().getTime();
      const perClient = submission.personal ? personal : anonymous;
      const clientKey = `${submission.surveyId}\u0000${submission.client}`;
      const byClient = perClient.check(clientKey, nowMs);
      if (!byClient.ok) return byClient;
      const bySurvey = surveys.check(submission.surveyId, nowMs);
      if (!bySurvey.ok) return bySurvey;
      perClient.take(clientKey, nowMs);
      surveys.take(submission.surveyId, nowMs);
      return { ok: true };
    },
    /** Tracked keys, for tests and logs. */
    tracked: () => anonymous.size + personal.size + surveys.size,
  };
}
export type FormAdmission = ReturnType<typeof formAdmission>;

/**
 * The key one client is limited by: its IPv4 address, or the /64 network of an IPv6 address (one subscriber gets a
 * whole /64, so single addresses would be free to rotate). Addresses come from the socket or API Gateway, never from
 * a client-sent header such as X-Forwarded-For.
 */
export function clientKey(address: string | undefined): string {
  if (!address || address.length > 64) return 'unknown';
  const mapped = address.match(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::', 2);
  const headParts = head ? head.split(':') : [];
  const tailParts = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : Math.max(0, 8 - headParts.length - tailParts.length);
  const groups = [...headParts, ...Array.from({ length: missing }, () => '0'), ...tailParts];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The client's address as the platform saw it: in Lambda, the HTTP API's `requestContext.http.sourceIp` (the
 * event hono/aws-lambda passes as `c.env`); locally, @hono/node-server's socket (`c.env.incoming`).
 */
export function clientAddress(env: unknown): string | undefined {
  const bindings = env as
    | { requestContext?: { http?: { sourceIp?: unknown } }; incoming?: { socket?: { remoteAddress?: unknown } } }
    | undefined;
  const lambda = bindings?.requestContext?.http?.sourceIp;
  if (typeof lambda === 'string') return lambda;
  const socket = bindings?.incoming?.socket?.remoteAddress;
  return typeof socket === 'string' ? socket : undefined;
}
