/**
 * What one receiver (a webhook, an `onChange` command) is sent at once: the transitions and value
 * changes gathered by the grouping, each with the dependents folded into it. Rendered per format:
 *
 * - one plain transition is sent exactly as before (`{"event": "transition", …}`, one chat line);
 * - a transition with dependents gains `dependents` (`db: ok → critical; 12 dependents affected: …`);
 * - a value change is `{"event": "change", …}`;
 * - several are `{"event": "group", "count": N, "message": …, "events": [...]}`, one line each in chat.
 */
import {
  DISCORD_ESCAPES,
  discordContent,
  type Escapes,
  eventLine,
  SLACK_ESCAPES,
  safeText,
  slackText,
} from './chat-message.js';
import type { HookCommand, WatchTarget, WebhookFormat, WebhookSpec } from './target.js';
import { eventBody, eventEnv, type TransitionEvent } from './transition-event.js';

/** A value change an event rule saw (`changed(body.version)`). */
export interface ChangeEvent {
  target: string;
  url: string;
  rule: string;
  /** `body.version changed from "1.1" to "1.2"`. */
  explanation: string;
  at: number;
}

export type Notice =
  | { kind: 'transition'; target: WatchTarget; event: TransitionEvent }
  | { kind: 'change'; target: WatchTarget; event: ChangeEvent };

export interface NotificationItem {
  notice: Notice;
  /** Transitions of targets that depend on this one, folded into it. */
  dependents: TransitionEvent[];
  /** For a recovery: dependents still not ok. */
  stillDown: string[];
}

export interface Notification {
  items: NotificationItem[];
}

export type Receiver =
  | { key: string; kind: 'webhook'; webhook: WebhookSpec }
  | { key: string; kind: 'command'; command: HookCommand };

/** A target's receivers: each webhook and its command, keyed so targets sharing one share a message. */
export function receiversOf(target: WatchTarget): Receiver[] {
  const receivers: Receiver[] = target.webhooks.map((webhook) => ({
    key: `webhook ${JSON.stringify([webhook.url, webhook.headers, webhook.format ?? 'json'])}`,
    kind: 'webhook',
    webhook,
  }));
  if (target.onChange !== undefined) {
    receivers.push({
      key: `command ${JSON.stringify(target.onChange)}`,
      kind: 'command',
      command: target.onChange,
    });
  }
  return receivers;
}

/** Dependents named in a line at most. */
const MAX_NAMED = 10;

export function changeBody(event: ChangeEvent): Record<string, unknown> {
  return {
    event: 'change',
    target: event.target,
    url: event.url,
    rule: event.rule,
    message: event.explanation,
    at: new Date(event.at).toISOString(),
  };
}

function itemBody(item: NotificationItem): Record<string, unknown> {
  if (item.notice.kind === 'change') return changeBody(item.notice.event);
  const body = eventBody(item.notice.event);
  if (item.dependents.length > 0) body.dependents = item.dependents.map(eventBody);
  if (item.stillDown.length > 0) body.stillDown = item.stillDown;
  return body;
}

/** The JSON a `json` webhook receives. */
export function notificationBody(notification: Notification): Record<string, unknown> {
  const { items } = notification;
  if (items.length === 1) return itemBody(items[0]);
  return {
    event: 'group',
    count: items.length,
    message: notificationText(notification),
    events: items.map(itemBody),
  };
}

/** One line per item, escaped for a chat format (plain for logs and commands). */
export function notificationText(notification: Notification, escapes?: Escapes): string {
  return notification.items.map((item) => itemLine(item, escapes)).join('\n');
}

function itemLine(item: NotificationItem, escapes?: Escapes): string {
  const { notice } = item;
  if (notice.kind === 'change') {
    const { event } = notice;
    const text = (piece: string) => safeText(piece, escapes);
    const url = escapes ? escapes.url(safeText(event.url)) : safeText(event.url);
    return `🔁 ${text(event.target)}: ${text(event.rule)} — ${text(event.explanation)} (${url})`;
  }
  const parts = [eventLine(notice.event, escapes)];
  if (item.dependents.length > 0)
    parts.push(
      dependentsText(
        item.dependents.map((d) => d.target),
        'affected',
        escapes,
      ),
    );
  if (item.stillDown.length > 0) parts.push(dependentsText(item.stillDown, 'still down', escapes));
  return parts.join('; ');
}

/** `12 dependents affected: a, b, … (+2 more)`. */
function dependentsText(names: readonly string[], what: string, escapes?: Escapes): string {
  const shown = names.slice(0, MAX_NAMED).map((name) => safeText(name, escapes));
  const more = names.length > MAX_NAMED ? ` (+${names.length - MAX_NAMED} more)` : '';
  const noun = names.length === 1 ? 'dependent' : 'dependents';
  return `${names.length} ${noun} ${what}: ${shown.join(', ')}${more}`;
}

/** The body a webhook of this format receives. */
export function formatNotification(
  notification: Notification,
  format: WebhookFormat = 'json',
): Record<string, unknown> {
  if (format === 'slack') return slackText(notificationText(notification, SLACK_ESCAPES));
  if (format === 'discord') return discordContent(notificationText(notification, DISCORD_ESCAPES));
  return notificationBody(notification);
}

/**
 * A command's environment: the first transition's variables as before (`STATUSKIT_TARGET`, …),
 * plus `STATUSKIT_EVENTS` (the JSON of every item) and `STATUSKIT_COUNT`.
 */
export function notificationEnv(notification: Notification): Record<string, string> {
  const first = notification.items.find((item) => item.notice.kind === 'transition')?.notice;
  const env: Record<string, string> =
    first?.kind === 'transition'
      ? eventEnv(first.event)
      : changeEnv(notification.items[0].notice.event as ChangeEvent);
  const body = notificationBody(notification);
  env.STATUSKIT_EVENTS = JSON.stringify(notification.items.length === 1 ? [body] : body.events).replace(
    /\0/g,
    '',
  );
  env.STATUSKIT_COUNT = String(notification.items.length);
  env.STATUSKIT_TEXT = notificationText(notification).replace(/\0/g, '');
  return env;
}

function changeEnv(event: ChangeEvent): Record<string, string> {
  return {
    STATUSKIT_TARGET: event.target,
    STATUSKIT_URL: event.url,
    STATUSKIT_RULE: event.rule,
    STATUSKIT_MESSAGE: event.explanation.replace(/\0/g, ''),
    STATUSKIT_AT: new Date(event.at).toISOString(),
  };
}
