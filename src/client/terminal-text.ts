/**
 * Text from elsewhere (a reason phrase, a body, an error message, a status word) made safe to show
 * on a terminal. C0 and C1 control characters, DEL and the Unicode bidirectional controls are
 * written as `\uXXXX` escapes, so a status page can neither clear the screen, set the window title,
 * ring the bell nor reorder what a person reads (Trojan Source). The escape is JSON's own: inside a
 * JSON string it still means the same character, so indented JSON stays valid and keeps its value.
 *
 * Every text output meant for people goes through here; output meant for programs (JSON logs, a
 * body piped to another command) stays byte for byte what the server sent.
 */

/** C0 (but tab, newline and carriage return, handled by layout), DEL, C1, and the bidi controls. */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `line`: one line of text (a log line, a table cell, an error): tabs, newlines and carriage
 * returns become one space. `block`: a body shown as it is: newlines, tabs and CRLF stay, a
 * carriage return alone (which would overwrite the line) is escaped.
 */
export type TextLayout = 'line' | 'block';

export function terminalSafe(text: string, layout: TextLayout = 'line'): string {
  const laidOut = layout === 'line' ? text.replace(/[\t\n\r]+/g, ' ') : text.replace(/\r(?!\n)/g, '\\u000d');
  return laidOut.replace(CONTROL, escapeCharacter);
}

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
