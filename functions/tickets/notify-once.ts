// Sends a notification unless it was sent before. Where the notifier can publish and mark in one transaction (the
// local outbox), it does, and a notification is sent exactly once. Otherwise (SNS) a mark is written after a
// successful publish: retries after a failed publish try again, retries after a successful one do nothing, and only a
// crash between publish and mark sends it twice (at least once).
import type { Notification } from '../domain/notifications.ts';
import type { Notifier, TicketStore } from '../ports.ts';

export async function notifyOnce(notification: Notification, deps: { tickets: TicketStore; notifier: Notifier }): Promise<boolean> {
  if (deps.notifier.publishOnce) return deps.notifier.publishOnce(notification);
  if (await deps.tickets.hasMark(notification.key)) return false;
  await deps.notifier.publish(notification);
  await deps.tickets.putMark(notification.key);
  return true;
}
