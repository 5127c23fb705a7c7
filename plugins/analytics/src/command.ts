/**
 * `novumdesk analytics rebuild [--workspace <id>]… [--chunk <n>]` (also `novumdesk-analytics
 * rebuild … [--config <file>]`): rebuilds the report tables from the tickets with a progress bar.
 * It reads `novumdesk.config.*` in the working directory and the environment, like `novumdesk`.
 */
import { parseArgs } from 'node:util';
import { createHelpdesk, defaultModules, type PluginCommand } from '@novumdesk/core';
import { progressBar, rebuildReports } from './cli.js';

export async function runAnalyticsCommand(
  args: string[],
  context: { configFile?: string } = {},
): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', multiple: true },
      config: { type: 'string' },
      chunk: { type: 'string' },
    },
  });
  const configFile = values.config ?? context.configFile;
  if (positionals[0] !== 'rebuild') {
    process.stderr.write(
      'usage: novumdesk analytics rebuild [--workspace <id>]… [--config <file>] [--chunk <n>]\n',
    );
    return 2;
  }
  const hd = await createHelpdesk({
    env: process.env,
    ...(configFile ? { configFile } : {}),
    modules: defaultModules,
  });
  try {
    const pending = await hd.pendingMigrations();
    if (pending.length > 0) {
      process.stderr.write(
        `novumdesk-analytics: run \`novumdesk migrate\` first (${pending.length} pending)\n`,
      );
      return 1;
    }
    const tty = process.stdout.isTTY;
    const states = await rebuildReports(hd, {
      ...(values.workspace ? { workspaceIds: values.workspace } : {}),
      ...(values.chunk ? { chunk: Number(values.chunk) } : {}),
      onProgress(workspaceId, state) {
        const line = `${workspaceId}  ${progressBar(state.done, state.total)}`;
        if (tty) process.stdout.write(`\r${line}${state.status === 'running' ? '' : '\n'}`);
        else if (state.status !== 'running') process.stdout.write(`${line}\n`);
      },
    });
    process.stdout.write(`rebuilt ${states.length} workspace(s)\n`);
    return 0;
  } finally {
    await hd.stop().catch(() => undefined);
  }
}

export const analyticsCommand: PluginCommand = {
  name: 'analytics',
  description: 'analytics rebuild: rebuild the report tables from the tickets, with progress',
  run: runAnalyticsCommand,
};
