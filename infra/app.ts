// CDK entry: one OpenCEM stack, checked against cdk-nag's AwsSolutions rules on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FormLimitSettings } from '../functions/api/rate-limit.ts';
import { OpenCemStack } from './stack.ts';

const formLimitNames = Object.keys(FormLimitSettings.shape);

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** A numeric context value (`-c key=20` gives a string, cdk.json a number); absent means the default. */
const count = (key: string): number | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`CDK context ${key} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
};
const defined = <T extends object>(entries: T): Partial<T> =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<T>;

new OpenCemStack(app, context('stackName') ?? 'OpenCem', {
  description: 'OpenCEM: surveys, real-time NPS/CSAT/CES and alerts on your own AWS account',
  alarmEmail: context('alarmEmail'),
  surveyFrameAncestors: context('surveyFrameAncestors'),
  // e.g. `-c ALERT_NOTIFY_CAP=20 -c ALERT_NOTIFY_WINDOW_MINUTES=30`
  alertPaging: defined({ maxPerWindow: count('ALERT_NOTIFY_CAP'), windowMinutes: count('ALERT_NOTIFY_WINDOW_MINUTES') }),
  // Public-route limits: e.g. `-c formPostsPerSecond=20 -c RATE_ANON_PER_CLIENT=60`.
  publicTraffic: defined({
    stageRatePerSecond: count('stageRatePerSecond'),
    stageBurst: count('stageBurst'),
    formPostsPerSecond: count('formPostsPerSecond'),
    formPostBurst: count('formPostBurst'),
    formLimits: defined(Object.fromEntries(formLimitNames.map((name) => [name, count(name)]))),
  }),
});

// A finding that is neither fixed nor acknowledged (with a reason, next to the construct) fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
