// Levels and words. The feed sends documents in the service's vocabulary; colours need the
// canonical level behind each word. The server puts its vocabulary into the page's config; the
// built-in table below covers statuskit's own vocabularies when it does not.

export const LEVELS = ['ok', 'unknown', 'warning', 'maintenance', 'critical'];
const SEVERITY = { ok: 0, unknown: 1, warning: 2, maintenance: 3, critical: 4 };

/** When one word stands for several levels, the first of these wins (okKo's "Warning" is a warning). */
const PREFERENCE = ['ok', 'warning', 'critical', 'unknown', 'maintenance'];

const BUILT_IN = {
  ok: ['ok', 'operational', 'pass', 'up', 'healthy'],
  warning: ['warning', 'degraded', 'warn'],
  critical: ['critical', 'ko', 'error', 'unavailable', 'fail', 'down', 'unhealthy'],
  unknown: ['unknown'],
  maintenance: ['maintenance', 'out_of_service'],
};

export function isLevel(value) {
  return typeof value === 'string' && Object.hasOwn(SEVERITY, value);
}

export function worse(a, b) {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/**
 * word -> level lookups for overall and component words. Where a vocabulary gives two levels the
 * same word (okKo says "Warning" for maintenance too), the most common reading wins (see
 * PREFERENCE); a maintenance notice in the document still raises the banner.
 */
export function createWordBook(vocabulary) {
  const table = (words) => {
    const map = new Map();
    for (const level of PREFERENCE) {
      const word = words?.[level];
      if (typeof word === 'string' && !map.has(word.toLowerCase())) map.set(word.toLowerCase(), level);
    }
    return map;
  };
  const builtIn = new Map();
  for (const level of LEVELS) for (const word of BUILT_IN[level]) builtIn.set(word, level);
  const overall = table(vocabulary?.overall);
  const component = table(vocabulary?.component ?? vocabulary?.overall);
  const lookup = (map, word) => {
    if (typeof word !== 'string') return undefined;
    const key = word.trim().toLowerCase();
    return map.get(key) ?? builtIn.get(key);
  };
  return {
    overall: (word) => lookup(overall, word),
    component: (word) => lookup(component, word) ?? lookup(overall, word),
  };
}
