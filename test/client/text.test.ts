/** The pure parts of the client: terminal-safe text, document depth, and reading error bodies. */
import { describe, expect, it } from 'vitest';
import { errorText, nestingExceeds, readDocument } from '../../src/client/read-document.js';
import { terminalSafe } from '../../src/client/terminal-text.js';

describe('terminalSafe', () => {
  it('escapes C0, DEL, C1 and bidi controls as JSON escapes', () => {
    expect(terminalSafe('a\x1b[2Jb\x07c\x7fd\x9be\u202ef\u2066g\u200fh')).toBe(
      'a\\u001b[2Jb\\u0007c\\u007fd\\u009be\\u202ef\\u2066g\\u200fh',
    );
    // Inside a JSON string the escape means the same character.
    const text = JSON.stringify({ note: 'x\u009by\u202ez' });
    expect(JSON.parse(terminalSafe(text))).toEqual(JSON.parse(text));
  });

  it('folds a line; keeps the newlines of a block, tabs and CRLF, but not a lone carriage return', () => {
    expect(terminalSafe('one\r\ntwo\n\tthree')).toBe('one two three');
    expect(terminalSafe('one\r\ntwo\n\tthree\rover', 'block')).toBe('one\r\ntwo\n\tthree\\u000dover');
  });

  it('leaves ordinary text alone, emoji and accents included', () => {
    const text = 'Ça marche — 🔴 api: ok → critical (100 %)';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('reading a document', () => {
  it('measures nesting outside strings only, in one pass', () => {
    expect(nestingExceeds('[[["[[[[[[["]]]', 3)).toBe(false);
    expect(nestingExceeds('{"a\\"[[[[":[[[[1]]]]}', 4)).toBe(true);
    expect(nestingExceeds('{"a\\"[[[[":[[[1]]]}', 4)).toBe(false);
  });

  it('tells JSON, not JSON and too deep apart', () => {
    expect(readDocument('{"status":"ok"}')).toEqual({ kind: 'json', value: { status: 'ok' } });
    expect(readDocument('<html>')).toEqual({ kind: 'not-json' });
    expect(readDocument(`${'['.repeat(600)}${']'.repeat(600)}`)).toEqual({ kind: 'too-deep', limit: 512 });
  });

  it('finds the error text of common error bodies', () => {
    expect(errorText('{"error":"Unauthorized","message":"Authentication required"}')).toBe(
      'Authentication required',
    );
    expect(errorText('{"error":"not found"}')).toBe('not found');
    expect(errorText('nope')).toBeUndefined();
  });
});
