import { createRequire } from 'node:module';

/** The running @novumdesk/core version, read from its package.json (plugins' `core` ranges check it). */
export const CORE_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
