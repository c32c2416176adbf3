// Messages on the tickets queue: open a ticket for an alert, check an SLA when it falls due, attach a contact request,
// send a paging window's digest when the window closes.
import { z } from 'zod';
import { SEVERITIES } from './alert-rules.ts';

export const TicketMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('open'),
    responseId: z.string(),
    ruleId: z.string(),
    ruleName: z.string(),
    severity: z.enum(SEVERITIES),
    surveyId: z.string(),
    unitId: z.string(),
    sla: z.object({ acknowledgeWithin: z.string(), resolveWithin: z.string() }),
    summary: z.object({ nps: z.number().optional(), scores: z.record(z.string(), z.number()), text: z.string().optional(), matched: z.array(z.string()) }),
    contact: z.object({ name: z.string().optional(), phone: z.string().optional(), email: z.string().optional() }).optional(),
    contactRequest: z.object({ consent: z.boolean(), channel: z.enum(['phone', 'sms', 'email']) }).optional(),
  }),
  z.object({ type: z.literal('sla-check'), ticketId: z.string(), stage: z.enum(['acknowledge', 'resolve']), dueAt: z.string() }),
  z.object({
    type: z.literal('contact-request'),
    responseId: z.string(),
    /** The tickets the response's alerts opened (or are opening: the queue does not keep order). */
    ticketIds: z.array(z.string()),
    contactRequest: z.object({ consent: z.boolean(), channel: z.enum(['phone', 'sms', 'email']) }),
  }),
  z.object({
    type: z.literal('digest'),
    ruleId: z.string(),
    ruleName: z.string(),
    severity: z.enum(SEVERITIES),
    unitId: z.string(),
    /** The paging window (ISO instants); the digest goes out once it has closed. */
    start: z.string(),
    end: z.string(),
  }),
]);
export type TicketMessage = z.infer<typeof TicketMessage>;

/** A queue delays a message by at most 15 minutes (SQS's limit); longer waits hop through several messages. */
export const MAX_DELAY_SECONDS = 900;
