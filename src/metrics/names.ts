/**
 * Registry names are free text (`servlet.requests.chatHttp.successes`); Prometheus wants
 * snake_case `[a-zA-Z_:][a-zA-Z0-9_:]*` (promtool rejects camelCase), so names are converted once,
 * at registration.
 */
export function prometheusName(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_:]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  if (snake === '') throw new TypeError(`metric name ${JSON.stringify(name)} has no usable characters`);
  return /^[0-9]/.test(snake) ? `_${snake}` : snake;
}

export function checkMetricName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(`metric name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  return name;
}
