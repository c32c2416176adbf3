import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OpenCemStack } from './infra/stack.ts';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new OpenCemStack(app, 'Probe', { webAssetPath: '/tmp/webdist' });
const res = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
const want = new Set(process.argv.slice(2));
for (const [k, r] of Object.entries(res)) if (want.has(r.Type)) console.log(k, r.Type, JSON.stringify(r.Properties), r.DeletionPolicy ?? '');
