/**
 * `novumdesk email inspect <file.eml>`: prints, as JSON, what the plugin makes of a raw message
 * (headers, bodies, attachments, auto-reply and bounce verdicts, the threading rule that would
 * apply). With NOVUMDESK_SECRET set, our signed tokens are verified too.
 */
import { readFile } from 'node:fs/promises';
import type { PluginCommand } from '@novumdesk/core';
import { inspectMessage } from './inspect.js';

export const emailCommand: PluginCommand = {
  name: 'email',
  description: 'email inspect <file.eml>: what the email channel makes of a raw message, as JSON',
  async run(args) {
    const [sub, file] = args;
    if (sub !== 'inspect' || !file) {
      process.stderr.write('usage: novumdesk email inspect <file.eml>\n');
      return 2;
    }
    const result = await inspectMessage(await readFile(file), process.env.NOVUMDESK_SECRET);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  },
};
