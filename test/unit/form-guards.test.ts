// The survey form's guards in isolation: token buckets (bounded memory, refill), client keys, settings, origins.
import { describe, expect, it } from 'vitest';
import { formOriginPolicyFromEnv, judgeFormOrigin } from '../../functions/api/form-origin.ts';
import { clientAddress, clientKey, defaultFormLimits, formAdmission, formLimitsFromEnv, TokenBuckets } from '../../functions/api/rate-limit.ts';

describe('TokenBuckets', () => {
  it('allows the burst, then the refill rate, and never more than the capacity after idling', () => {
    const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 0.5 }, 100);
    const tries = (now: number, n: number) => Array.from({ length: n }, () => {
      const verdict = buckets.check('k', now);
      if (verdict.ok) buckets.take('k', now);
      return verdict.ok;
    });
    expect(tries(0, 4)).toEqual([true, true, true, false]);
    expect(buckets.check('k', 0)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(tries(2_000, 2)).toEqual([true, false]);
    expect(tries(1_000_000, 4)).toEqual([true, true, true, false]);
  });

  it('does not drain when the clock steps back', () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 1 }, 10);
    buckets.take('k', 10_000);
    expect(buckets.check('k', 5_000).ok).toBe(false);
    expect(buckets.check('k', 11_000).ok).toBe(true);
  });

  it('keeps at most maxKeys buckets, evicting the least recently used', () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 0.001 }, 100);
    buckets.take('busy', 0);
    for (let i = 0; i < 10_000; i++) {
      buckets.take(`client-${i}`, i);
      if (i % 50 === 0) buckets.take('busy', i); // recently used: stays
    }
    expect(buckets.size).toBe(100);
    expect(buckets.check('busy', 10_000).ok).toBe(false);
    expect(buckets.check('client-0', 10_000).ok).toBe(true); // forgotten
  });

  it('bounds the memory of the whole admission under a spray of addresses', () => {
    const admission = formAdmission({ ...defaultFormLimits, RATE_MAX_TRACKED_KEYS: 500 }, { now: () => new Date(0) });
    for (let i = 0; i < 5_000; i++) admission.admit({ surveyId: `s${i % 3}`, client: `10.${i >> 8}.${i & 255}.1`, personal: i % 2 === 0 });
    expect(admission.tracked()).toBeLessThanOrEqual(3 * 500);
  });
});

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
    ['x'.repeat(100), 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('reads the address from the Lambda event or the Node socket, never from headers', () => {
    expect(clientAddress({ requestContext: { http: { sourceIp: '198.51.100.4' } } })).toBe('198.51.100.4');
    expect(clientAddress({ incoming: { socket: { remoteAddress: '127.0.0.1' } } })).toBe('127.0.0.1');
    expect(clientAddress(undefined)).toBeUndefined();
  });
});

describe('form limit settings', () => {
  it('has defaults for honest traffic', () => {
    expect(formLimitsFromEnv({})).toEqual({
      RATE_ANON_PER_CLIENT: 30,
      RATE_ANON_BURST: 10,
      RATE_PERSONAL_PER_CLIENT: 60,
      RATE_PERSONAL_BURST: 20,
      RATE_ANON_WINDOW_SECONDS: 600,
      RATE_FORM_PER_SURVEY: 600,
      RATE_FORM_SURVEY_WINDOW_SECONDS: 60,
      RATE_MAX_TRACKED_KEYS: 20_000,
    });
    expect(formLimitsFromEnv({ RATE_ANON_PER_CLIENT: '120' }).RATE_ANON_PER_CLIENT).toBe(120);
  });

  it('fails fast naming a bad variable', () => {
    expect(() => formLimitsFromEnv({ RATE_ANON_BURST: '0' })).toThrow(/RATE_ANON_BURST/);
    expect(() => formLimitsFromEnv({ RATE_ANON_WINDOW_SECONDS: 'ten' })).toThrow(/RATE_ANON_WINDOW_SECONDS/);
  });
});

describe('form origins', () => {
  it('takes exact origins from SURVEY_PUBLIC_ORIGIN and SURVEY_FRAME_ANCESTORS, ignoring CSP keywords and wildcards', () => {
    expect(
      formOriginPolicyFromEnv({
        SURVEY_PUBLIC_ORIGIN: 'https://survey.hotel.example/',
        SURVEY_FRAME_ANCESTORS: "'self' https://shop.example, https://*.example.com https://kiosk.example:8443 not-a-url https://x.example/path",
      }),
    ).toEqual({ publicOrigins: ['https://survey.hotel.example'], allowedOrigins: ['https://shop.example', 'https://kiosk.example:8443'] });
    expect(formOriginPolicyFromEnv({})).toEqual({ publicOrigins: [], allowedOrigins: [] });
  });

  it('judges by the request URL’s origin, not by a header the client picks', () => {
    const policy = { publicOrigins: [], allowedOrigins: [] };
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/s/hotel-stay';
    expect(judgeFormOrigin({ origin: 'https://abc123.execute-api.eu-west-1.amazonaws.com' }, url, policy).ok).toBe(true);
    expect(judgeFormOrigin({ origin: 'https://d111.cloudfront.net' }, url, policy)).toEqual({ ok: false, reason: 'foreign-origin' });
    expect(judgeFormOrigin({ origin: 'https://d111.cloudfront.net' }, url, { ...policy, publicOrigins: ['https://d111.cloudfront.net'] }).ok).toBe(true);
    expect(judgeFormOrigin({ secFetchSite: 'cross-site' }, url, policy)).toEqual({ ok: false, reason: 'cross-site' });
    expect(judgeFormOrigin({ secFetchSite: 'same-site' }, url, policy).ok).toBe(true);
    expect(judgeFormOrigin({ origin: 'null', secFetchSite: 'same-origin' }, url, policy).ok).toBe(true);
    expect(judgeFormOrigin({ origin: 'null', secFetchSite: 'cross-site' }, url, policy)).toEqual({ ok: false, reason: 'cross-site' });
  });
});
