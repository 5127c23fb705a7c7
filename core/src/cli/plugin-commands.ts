/**
 * Plugin subcommands (`commands` in the plugin manifest): `novumdesk email inspect m.eml`,
 * `novumdesk analytics rebuild`. The core's own commands are parsed by commander; a first word
 * that is none of them is looked up in the plugins the configuration enables.
 */
import type { PluginCommand } from '../kernel/contract.js';
import { loadConfig } from '../kernel/config/load.js';

export const CORE_COMMANDS: ReadonlySet<string> = new Set([
  'start',
  'migrate',
  'worker',
  'plugins',
  'doctor',
  'help',
]);

/** The first word of `argv` that is not a global option (and `--config`'s value). */
export function commandWord(argv: readonly string[]): {
  word?: string;
  rest: string[];
  configFile?: string;
} {
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-c' || arg === '--config') {
      configFile = argv[++i];
      continue;
    }
    if (arg.startsWith('--config=')) {
      configFile = arg.slice('--config='.length);
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { word: arg, rest: argv.slice(i + 1), ...(configFile ? { configFile } : {}) };
  }
  return { rest: [], ...(configFile ? { configFile } : {}) };
}

/** Every command the configured plugins declare, by name; a clash is an error naming both. */
export function commandTable(
  plugins: readonly { plugin: { id: string; commands?: readonly PluginCommand[] } }[],
): Map<string, { pluginId: string; command: PluginCommand }> {
  const table = new Map<string, { pluginId: string; command: PluginCommand }>();
  for (const { plugin } of plugins) {
    for (const command of plugin.commands ?? []) {
      if (CORE_COMMANDS.has(command.name)) {
        throw new Error(`plugin "${plugin.id}" declares command "${command.name}", a core command`);
      }
      const taken = table.get(command.name);
      if (taken) {
        throw new Error(
          `command "${command.name}" is declared by plugins "${taken.pluginId}" and "${plugin.id}"`,
        );
      }
      table.set(command.name, { pluginId: plugin.id, command });
    }
  }
  return table;
}

/**
 * Runs a plugin command when `argv` names one; returns its exit code, or null when the first
 * word is a core command (or absent) and commander should parse `argv` instead.
 */
export async function runPluginCommand(argv: readonly string[]): Promise<number | null> {
  const { word, rest, configFile } = commandWord(argv);
  if (!word || CORE_COMMANDS.has(word)) return null;
  const config = await loadConfig({
    env: process.env,
    ...(configFile ? { file: configFile } : {}),
  });
  const found = commandTable(config.plugins).get(word);
  if (!found) return null; // commander reports the unknown command
  return found.command.run(rest, configFile ? { configFile } : {});
}
