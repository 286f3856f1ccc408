import { describe, expect, it } from 'vitest';
import { formatPath, getAtPath, PathSyntaxError, parsePath } from '../../src/index.js';

describe('path syntax', () => {
  it.each([
    ['a.b.c', ['a', 'b', 'c']],
    ['cpus[0].usage', ['cpus', 0, 'usage']],
    ['a[1][2]', ['a', 1, 2]],
    ['/a/b/0', ['a', 'b', '0']],
    ['/a~1b/c~0d', ['a/b', 'c~d']],
    ['', []],
    ['app.master.general.app_state', ['app', 'master', 'general', 'app_state']],
  ])('%s', (text, segments) => {
    expect(parsePath(text)).toEqual(segments);
  });
  it.each(['a..b', '.a', 'a.', 'a[x]', 'a[1', 'a[1]b', '/a/~2'])('refuses %j', (text) => {
    expect(() => parsePath(text)).toThrow(PathSyntaxError);
  });
  it('refuses absurdly long paths', () => {
    expect(() => parsePath('a.'.repeat(5000))).toThrow(/limit/);
  });
  it('formats paths', () => {
    expect(formatPath(['cpus', 0, 'usage'])).toBe('cpus[0].usage');
  });
});

describe('path lookup', () => {
  const doc = { a: { b: [10, { c: '' }] }, n: null, f: false };
  it('finds values, including falsy ones', () => {
    expect(getAtPath(doc, ['a', 'b', 1, 'c'])).toEqual({ found: true, value: '' });
    expect(getAtPath(doc, ['n'])).toEqual({ found: true, value: null });
    expect(getAtPath(doc, ['f'])).toEqual({ found: true, value: false });
    expect(getAtPath(doc, ['a', 'b', '0'])).toEqual({ found: true, value: 10 });
  });
  it('reports missing paths', () => {
    expect(getAtPath(doc, ['a', 'x']).found).toBe(false);
    expect(getAtPath(doc, ['a', 'b', 5]).found).toBe(false);
    expect(getAtPath(doc, ['a', 'b', 'length']).found).toBe(false);
    expect(getAtPath(doc, ['__proto__']).found).toBe(false);
  });
});
