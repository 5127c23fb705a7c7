#!/usr/bin/env node
/**
 * `novumdesk-analytics rebuild [--workspace <id>]… [--config <file>] [--chunk <n>]`: rebuilds the
 * analytics report tables from the tickets with a progress bar. It reads `novumdesk.config.*` in
 * the working directory and the environment, like `novumdesk`.
 */
import { runAnalyticsCommand } from './command.js';

runAnalyticsCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`novumdesk-analytics: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
