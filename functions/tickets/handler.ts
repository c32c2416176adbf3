// Lambda entry: tickets queue → open/assign tickets, SLA checks, escalation up the org tree.
import type { SQSEvent } from 'aws-lambda';
import { closedLoopDepsFromEnv } from '../aws/from-env.ts';
import { handleTicketMessages } from './handle-messages.ts';

const deps = closedLoopDepsFromEnv('tickets');

export const handler = (event: SQSEvent) => handleTicketMessages(event.Records, deps);
