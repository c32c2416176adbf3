// Use case: new and changed responses from the stream → alert rules → manager notifications and ticket requests.
// Every effect is idempotent: tickets are keyed by (response, rule), notifications carry a mark once sent.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { evaluateRule, newlyMatchingRules, type ResponseFacts } from '../domain/alert-rules.ts';
import { alertNotification } from '../domain/notifications.ts';
import { OrgTree } from '../domain/org.ts';
import { DEFAULT_NOTIFY_LIMIT, pagingWindow, secondsUntilClose } from '../domain/paging.ts';
import { MAX_DELAY_SECONDS } from '../domain/ticket-messages.ts';
import { responsibleManagers, ticketIdFor } from '../domain/tickets.ts';
import type { ClosedLoopDeps, StoredResponse } from '../ports.ts';

/** Responses older than this when they reach the rules (imports, backfills, demo history) raise no alerts. */
export const MAX_ALERT_AGE_HOURS = 24;
import { notifyOnce } from '../tickets/notify-once.ts';
import { surveyVersions } from '../aggregate/counting.ts';

export type RaiseAlertsDeps = ClosedLoopDeps;

function image(record: DynamoDBRecord, which: 'NewImage' | 'OldImage'): StoredResponse | undefined {
  const raw = record.dynamodb?.[which];
  return raw ? (unmarshall(raw as Record<string, AttributeValue>) as StoredResponse) : undefined;
}

function facts(response: StoredResponse): ResponseFacts {
  return { surveyId: response.surveyId, unitId: response.unitId, touchpoint: response.touchpoint, answers: response.answers, analysis: response.analysis };
}

export async function raiseAlerts(records: DynamoDBRecord[], deps: RaiseAlertsDeps): Promise<DynamoDBBatchResponse> {
  const catalog = await deps.catalog.load();
  const org = new OrgTree(catalog.units);
  // Rules read a response with the questions of the version it answered (an older one may ask what the live one drops).
  const versionOf = surveyVersions(catalog, deps.catalog);
  const failures: { itemIdentifier: string }[] = [];

  // Records are independent (effects are keyed per response and rule), so a batch is worked on concurrently.
  const outcomes = await Promise.all(records.map((record) => alertOn(record)));
  // Lambda retries a stream batch from its first failed record, so report the earliest failure.
  const firstFailed = outcomes.findIndex((ok) => !ok);
  if (firstFailed >= 0) failures.push({ itemIdentifier: records[firstFailed]?.dynamodb?.SequenceNumber ?? '' });

  async function alertOn(record: DynamoDBRecord): Promise<boolean> {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    try {
      const response = image(record, 'NewImage');
      if (!response?.id || !response.answers) return true; // not a response (or a removal): nothing to alert on
      const ageHours = (deps.clock.now().getTime() - new Date(response.submittedAt).getTime()) / 3_600_000;
      if (ageHours > MAX_ALERT_AGE_HOURS) return true; // nobody can recover a stay from months ago: no pager for history
      const previous = record.eventName === 'MODIFY' ? image(record, 'OldImage') : undefined;
      const survey = await versionOf(response.surveyId, response.surveyVersion);
      if (!survey) throw new Error(`response ${response.id} names unknown survey ${response.surveyId}`);

      const matches = newlyMatchingRules(catalog.rules, facts(response), previous && facts(previous), survey, org);
      const contact = survey.anonymous ? undefined : response.respondent;
      for (const { rule, reasons } of matches) {
        // The ticket request goes first: if notifying fails, the ticket still opens, and the retry only re-notifies.
        const ticketId = rule.actions.ticket ? ticketIdFor(response.id, rule.id) : undefined;
        if (rule.actions.ticket) {
          const scores = Object.fromEntries(Object.entries(response.answers).filter((e): e is [string, number] => typeof e[1] === 'number'));
          const npsQuestion = survey.questions.find((q) => q.type === 'nps');
          const nps = npsQuestion ? scores[npsQuestion.id] : undefined;
          const text = survey.questions.map((q) => (q.type === 'text' ? response.answers[q.id] : undefined)).find((v): v is string => typeof v === 'string');
          await deps.queue.send({
            type: 'open',
            responseId: response.id,
            ruleId: rule.id,
            ruleName: rule.name,
            severity: rule.severity,
            surveyId: survey.id,
            unitId: response.unitId,
            sla: rule.actions.ticket,
            summary: { ...(nps !== undefined ? { nps } : {}), scores, ...(text ? { text: text.slice(0, 500) } : {}), matched: reasons },
            ...(contact ? { contact } : {}),
            ...(response.contactRequest ? { contactRequest: { consent: response.contactRequest.consent, channel: response.contactRequest.channel } } : {}),
          });
        }
        if (rule.actions.notify) {
          // Paging is capped per rule and unit in a window (the ticket above still opens): past the cap, the alert
          // only counts into one digest, which the first alert past the cap schedules for when the window closes.
          const limit = deps.notifyLimit ?? DEFAULT_NOTIFY_LIMIT;
          const window = pagingWindow(rule.id, response.unitId, deps.clock.now(), limit.windowMinutes);
          const outcome = await deps.tickets.countAlert(window, response.id, limit.max);
          if (outcome === 'first-digest') {
            const delay = Math.min(MAX_DELAY_SECONDS, secondsUntilClose(window, deps.clock.now()));
            await deps.queue.send({ type: 'digest', ruleId: rule.id, ruleName: rule.name, severity: rule.severity, unitId: response.unitId, start: window.start, end: window.end }, delay);
          }
          if (outcome !== 'page') continue;
          const recipients = responsibleManagers(response.unitId, org, catalog.managers).managers;
          const notification = alertNotification(
            { org, organisation: catalog.organisation, survey, unitId: response.unitId, answers: response.answers, contact, dashboardUrl: deps.dashboardUrl },
            rule,
            reasons,
            response.id,
            recipients,
            ticketId,
          );
          await notifyOnce(notification, deps);
        }
      }
      // A contact request added on the thank-you page travels to the tickets this response's alerts opened.
      if (response.contactRequest && previous && !previous.contactRequest) {
        const ticketIds = catalog.rules
          .filter((rule) => rule.actions.ticket && evaluateRule(rule, facts(response), survey, org).matched)
          .map((rule) => ticketIdFor(response.id, rule.id));
        const { consent, channel } = response.contactRequest;
        if (ticketIds.length) await deps.queue.send({ type: 'contact-request', responseId: response.id, ticketIds, contactRequest: { consent, channel } });
      }
      return true;
    } catch (error) {
      deps.log?.('alert evaluation failed; the record will be retried', { sequenceNumber, error: String(error) });
      return false;
    }
  }
  return { batchItemFailures: failures };
}
