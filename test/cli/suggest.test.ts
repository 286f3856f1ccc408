import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/util/suggest.js';

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('intervall', 'interval')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests a close name, or the one a prefix extends, and nothing for a stranger', () => {
    const options = ['port', 'pretty', 'path', 'config', 'interval'];
    expect(closest('prot', options)).toBe('port');
    expect(closest('confg', options)).toBe('config');
    expect(closest('pre', options)).toBe('pretty');
    expect(closest('p', options)).toBeUndefined();
    expect(closest('zzzz', options)).toBeUndefined();
  });
});
