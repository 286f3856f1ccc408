/**
 * The address to print for a server: a wildcard bind (`0.0.0.0`, `::`) is not a URL anyone can open,
 * so the loopback address of the same family stands in for it; IPv6 hosts get their brackets.
 */
export function browsable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
