// CDK entry: one OpenCEM stack, checked against cdk-nag's AwsSolutions rules on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OpenCemStack } from './stack.ts';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

new OpenCemStack(app, context('stackName') ?? 'OpenCem', {
  description: 'OpenCEM: surveys, real-time NPS/CSAT/CES and alerts on your own AWS account',
  alarmEmail: context('alarmEmail'),
  surveyFrameAncestors: context('surveyFrameAncestors'),
});

// A finding that is neither fixed nor acknowledged (with a reason, next to the construct) fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
