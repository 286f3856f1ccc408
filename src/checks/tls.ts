import { connect, type PeerCertificate } from 'node:tls';
import type { CheckFunction, CheckOutcome, Level } from '../model/index.js';
import { deadline } from './abort.js';
import { whenReady } from './socket.js';
import { checkOptionPair, levelBelow } from './thresholds.js';

export interface TlsCheckOptions {
  host: string;
  port?: number;
  /** SNI name; default `host` unless it is an IP address. */
  servername?: string;
  /** Warning when the certificate expires within this many days; default 14. */
  warnDays?: number;
  /** Critical when it expires within this many days; default 0 (critical once expired). */
  critDays?: number;
  /** Report an untrusted chain (self-signed, wrong name) as `ok` instead of `critical`; default false. */
  allowUntrusted?: boolean;
  /** Extra CA certificates (PEM) to trust, e.g. an internal CA. */
  ca?: string | string[];
  timeoutMs?: number;
}

const DAY_MS = 86_400_000;
const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const EXPIRY_DEFAULTS = { warn: 14, crit: 0 };

/** Days left: lower is worse, so `critDays` may not exceed `warnDays` (default 14 / 0). */
export function checkExpiryThresholds(options: Pick<TlsCheckOptions, 'warnDays' | 'critDays'>): void {
  checkOptionPair(options, 'lower', { warn: 'warnDays', crit: 'critDays' }, EXPIRY_DEFAULTS);
}

/** Connects, reads the peer certificate and turns its remaining validity into a level. Reading: days left. */
export function tlsCheck(options: TlsCheckOptions): CheckFunction {
  const port = options.port ?? 443;
  checkExpiryThresholds(options);
  const thresholds = {
    warn: options.warnDays ?? EXPIRY_DEFAULTS.warn,
    crit: options.critDays ?? EXPIRY_DEFAULTS.crit,
  };
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    try {
      const socket = connect({
        host: options.host,
        port,
        servername: options.servername ?? (isIp(options.host) ? undefined : options.host),
        ca: options.ca,
        // Expiry must be readable even on an untrusted chain; trust is judged below instead.
        rejectUnauthorized: false,
      });
      await whenReady(socket, 'secureConnect', run.signal);
      const cert = socket.getPeerCertificate();
      const trustError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      // Expiry is judged from the dates below, with its own thresholds and message; it is not a trust problem.
      const trusted = socket.authorized || (trustError !== undefined && DATE_ERRORS.has(trustError));
      socket.destroy();
      return certificateOutcome(
        cert,
        trusted || options.allowUntrusted === true,
        trustError,
        thresholds,
        Date.now(),
      );
    } finally {
      run.dispose();
    }
  };
}

/** Pure: certificate + trust verdict + clock -> outcome. */
export function certificateOutcome(
  cert: Pick<PeerCertificate, 'valid_from' | 'valid_to' | 'subject' | 'issuer'> | undefined,
  trusted: boolean,
  trustError: string | undefined,
  thresholds: { warn: number; crit: number },
  now: number,
): CheckOutcome {
  if (!cert?.valid_to) return { level: 'critical', message: 'the server sent no certificate' };
  const validTo = Date.parse(cert.valid_to);
  const validFrom = Date.parse(cert.valid_from);
  const daysLeft = Math.floor(((validTo - now) / DAY_MS) * 10) / 10;
  const fields = {
    subject: cert.subject?.CN,
    issuer: cert.issuer?.CN,
    validFrom: new Date(validFrom).toISOString(),
    validTo: new Date(validTo).toISOString(),
    daysLeft,
    trusted,
    ...(trustError ? { trustError } : {}),
  };
  let level: Level = levelBelow(daysLeft, thresholds);
  let message =
    daysLeft <= 0 ? `certificate expired on ${fields.validTo}` : `certificate expires in ${daysLeft} days`;
  if (validFrom > now) {
    level = 'critical';
    message = `certificate not valid before ${fields.validFrom}`;
  } else if (!trusted) {
    level = 'critical';
    message = `untrusted certificate: ${trustError ?? 'unknown reason'}`;
  }
  return { level, message, fields, observedValue: daysLeft, observedUnit: 'd' };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
