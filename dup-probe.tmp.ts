import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { OpenCemStack } from './infra/stack.ts';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new OpenCemStack(app, 'Probe', { webAssetPath: '/tmp/webdist' });
const seen = new Map<string, string>();
for (const c of stack.node.findAll()) if (CfnElement.isCfnElement(c)) { const id = stack.resolve(c.logicalId); if (seen.has(id)) console.log('DUP', id, seen.get(id), c.node.path); seen.set(id, c.node.path); }
