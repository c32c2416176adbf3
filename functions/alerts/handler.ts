// Lambda entry: responses stream → alert rules → SNS notifications and ticket requests on the tickets queue.
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { closedLoopDepsFromEnv } from '../aws/from-env.ts';
import { raiseAlerts } from './raise-alerts.ts';

const deps = closedLoopDepsFromEnv('alerts');

export const handler = (event: DynamoDBStreamEvent) => raiseAlerts(event.Records, deps);
