/** The fleet's defaults, apart so the CLI reads them without loading the coordinator. */
export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_REGION = 'default';
