/**
 * A transition as a chat tool's incoming-webhook message: one line for people. Its message is remote
 * text (a status page's error, a network error), so each format escapes it the way that tool reads
 * markup; otherwise a status page could post `<!channel>`, `@everyone`, or a link whose text says
 * one address and whose target is another.
 *
 * - Slack (also Mattermost, Rocket.Chat) reads `text`, with `&`, `<` and `>` as its only control
 *   characters (`<!channel>`, `<http://evil|docs>`): they are sent as `&amp;`, `&lt;`, `&gt;`.
 * - Discord reads `content` as Markdown: mentions and Markdown punctuation are escaped with a
 *   backslash (`[docs](http://evil)` shows as typed), `@everyone` / `@here` get a zero-width space,
 *   and `allowed_mentions: { parse: [] }` tells Discord to ping nobody whatever the text holds.
 *   Link previews are suppressed, so a remote URL in a message cannot unfold into an embed.
 */
import { terminalSafe } from '../client/terminal-text.js';
import type { Level } from '../model/levels.js';
import type { TransitionEvent } from './transition-event.js';

const LEVEL_MARKS: Record<Level, string> = {
  ok: '✅',
  warning: '⚠️',
  maintenance: '🛠️',
  critical: '🔴',
  unknown: '❔',
};

/** Discord refuses longer content. */
const DISCORD_MAX_CONTENT = 2000;
/** Discord's SUPPRESS_EMBEDS message flag. */
const SUPPRESS_EMBEDS = 1 << 2;

/** How a format escapes text, and the target's URL (which must stay a link). */
export interface Escapes {
  text(text: string): string;
  url(url: string): string;
}

const AS_IS: Escapes = { text: (text) => text, url: (url) => url };

/**
 * `🔴 api: ok → critical — ECONNREFUSED … (https://api.example.com/status)`, each piece escaped
 * for the format. Control characters are shown as escapes and newlines as spaces first: a chat line
 * stays one line.
 */
export function eventLine(event: TransitionEvent, escapes: Escapes = AS_IS): string {
  const change = event.from === undefined ? `is ${event.to}` : `${event.from} → ${event.to}`;
  const text = (piece: string) => escapes.text(terminalSafe(piece));
  const message = event.message ? ` — ${text(event.message)}` : '';
  const url = escapes.url(terminalSafe(event.url));
  return `${LEVEL_MARKS[event.to]} ${text(event.target)}: ${change}${message} (${url})`;
}

export const SLACK_ESCAPES: Escapes = { text: escapeSlack, url: escapeSlack };
// Discord links a URL before it reads Markdown in it: escaping its `_` would break the link.
export const DISCORD_ESCAPES: Escapes = { text: escapeDiscord, url: breakMassMentions };

export function slackMessage(event: TransitionEvent): Record<string, unknown> {
  return slackText(eventLine(event, SLACK_ESCAPES));
}

export function discordMessage(event: TransitionEvent): Record<string, unknown> {
  return discordContent(eventLine(event, DISCORD_ESCAPES));
}

/** Slack's body for text already escaped. */
export function slackText(text: string): Record<string, unknown> {
  return { text };
}

/** Discord's body for content already escaped: cut at its limit, pinging nobody, no previews. */
export function discordContent(text: string): Record<string, unknown> {
  return {
    content: text.length > DISCORD_MAX_CONTENT ? `${text.slice(0, DISCORD_MAX_CONTENT - 1)}…` : text,
    allowed_mentions: { parse: [] },
    flags: SUPPRESS_EMBEDS,
  };
}

/** A piece of remote or configured text, one line, escaped for the format. */
export function safeText(text: string, escapes: Escapes = AS_IS): string {
  return escapes.text(terminalSafe(text));
}

/** Slack's three control characters as the entities Slack decodes for display. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Discord Markdown shown as typed: the characters of emphasis, code, spoilers, quotes, masked links
 * (`[text](url)`) and mentions (`<@id>`, `<@&id>`, `<#id>`) are backslash-escaped (Discord drops
 * the backslash on display), and `@everyone` / `@here` are broken. Headings and lists need a line
 * start, which remote text never gets here.
 */
export function escapeDiscord(text: string): string {
  return breakMassMentions(text.replace(/[\\*_~\x60|<>[\]]/g, '\\$&'));
}

/** `@everyone` and `@here` with a zero-width space after the `@`: read alike, ping nobody. */
function breakMassMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1');
}
