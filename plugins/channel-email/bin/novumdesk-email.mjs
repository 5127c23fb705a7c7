#!/usr/bin/env node
// `novumdesk-email inspect <file.eml>`: prints, as JSON, what the email plugin makes of a raw
// message — headers, bodies (lengths), attachments, the auto-reply and bounce verdicts and the
// threading rule that would apply. With NOVUMDESK_SECRET set, our signed tokens are verified.
import { readFileSync } from 'node:fs';
import { inspectMessage } from '../dist/inspect.js';

const [command, file] = process.argv.slice(2);
if (command !== 'inspect' || !file) {
  process.stderr.write('usage: novumdesk-email inspect <file.eml>\n');
  process.exit(2);
}
try {
  const result = await inspectMessage(readFileSync(file), process.env.NOVUMDESK_SECRET);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`novumdesk-email: ${error.message}\n`);
  process.exit(1);
}
