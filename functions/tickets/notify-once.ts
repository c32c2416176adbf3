// Sends a notification unless it was sent before: a mark is written after a successful publish, so retries after a
// failed publish try again, and retries after a successful one do nothing.
import type { Notification } from '../domain/notifications.ts';
import type { Notifier, TicketStore } from '../ports.ts';

export async function notifyOnce(notification: Notification, deps: { tickets: TicketStore; notifier: Notifier }): Promise<boolean> {
  if (await deps.tickets.hasMark(notification.key)) return false;
  await deps.notifier.publish(notification);
  await deps.tickets.putMark(notification.key);
  return true;
}
