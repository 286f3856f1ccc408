import { type Disclosure, FULL_DISCLOSURE, SUMMARY_DISCLOSURE } from './types.js';

/** What one tier of callers may see. */
export interface TierSpec {
  details: boolean;
  messages: boolean;
}

/** Built in: anonymous callers see the overall status, readers the details, admins also error messages. */
export const BUILT_IN_TIERS: Readonly<Record<string, TierSpec>> = Object.freeze({
  anonymous: { details: false, messages: false },
  reader: { details: true, messages: false },
  admin: { details: true, messages: true },
});

const DETAILS_DISCLOSURE: Disclosure = Object.freeze({ key: 'details', details: true, messages: false });
const MESSAGES_DISCLOSURE: Disclosure = Object.freeze({ key: 'messages', details: false, messages: true });

/**
 * The disclosure of a tier. The key is derived from the visibility, not the tier's name: tiers
 * that see the same share one cached document, and no two visibilities ever share a key.
 */
export function disclosureOf(spec: TierSpec): Disclosure {
  if (spec.details) return spec.messages ? FULL_DISCLOSURE : DETAILS_DISCLOSURE;
  return spec.messages ? MESSAGES_DISCLOSURE : SUMMARY_DISCLOSURE;
}

/** Built-in tiers merged with the configured ones, each resolved to its (shared, frozen) disclosure. */
export function resolveTiers(configured: Readonly<Record<string, TierSpec>> = {}): Map<string, Disclosure> {
  const tiers = new Map<string, Disclosure>();
  for (const [name, spec] of Object.entries({ ...BUILT_IN_TIERS, ...configured })) {
    if (typeof spec?.details !== 'boolean' || typeof spec?.messages !== 'boolean') {
      throw new Error(`access: tier "${name}" needs boolean \`details\` and \`messages\``);
    }
    tiers.set(name, disclosureOf(spec));
  }
  return tiers;
}
