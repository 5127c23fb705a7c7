/** What the CLI prints: one clear line per failure, a stack only when asked for. */
import { isNovumError } from '../kernel/errors.js';

export function printFailure(error: unknown, verbose: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  const code = isNovumError(error) ? ` [${error.code}]` : '';
  process.stderr.write(`novumdesk: ${message}${code}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
  else if (!isNovumError(error)) process.stderr.write('(run with --verbose for the stack trace)\n');
}

export const ok = (text: string) => process.stdout.write(`  \u2713 ${text}\n`);
export const bad = (text: string) => process.stdout.write(`  \u2717 ${text}\n`);
