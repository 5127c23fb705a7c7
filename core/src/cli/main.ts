/** `novumdesk` — the command line of @novumdesk/core. */
import { Command } from 'commander';
import { CORE_VERSION } from '../version.js';
import * as commands from './commands.js';
import { printFailure } from './output.js';
import { runPluginCommand } from './plugin-commands.js';

// `novumdesk <plugin command> …` (e.g. `novumdesk email inspect m.eml`) before commander.
try {
  const code = await runPluginCommand(process.argv.slice(2));
  if (code !== null) process.exit(code);
} catch (error) {
  printFailure(error, process.argv.includes('--verbose'));
  process.exit(1);
}

const program = new Command()
  .name('novumdesk')
  .description('NovumDesk helpdesk server')
  .version(CORE_VERSION)
  .option(
    '-c, --config <file>',
    'configuration file (default: novumdesk.config.{ts,js,json} in this directory)',
  )
  .option('--verbose', 'print stack traces on failure')
  .showHelpAfterError();

const run =
  <T>(action: (options: commands.GlobalOptions) => Promise<T>, exitAfter = false) =>
  async (commandOptions?: object) => {
    // The program's options, plus the subcommand's own (`start --demo`).
    const options = { ...program.opts<commands.GlobalOptions>(), ...commandOptions };
    try {
      const result = await action(options);
      if (result === false) process.exit(1);
      if (exitAfter) process.exit(0);
    } catch (error) {
      printFailure(error, options.verbose ?? false);
      process.exit(1);
    }
  };

program
  .command('start')
  .description(
    'Run the helpdesk: HTTP API, admin UI and (by default) job workers. Embedded mode migrates itself.',
  )
  .option('--demo', 'fill the first workspace with demo data (once; later starts keep it)')
  .action(run(commands.start));
program
  .command('migrate')
  .description(
    'Apply pending migrations of the core and every configured plugin, in dependency order',
  )
  .action(run(commands.migrate, true));
program
  .command('worker')
  .description('Process background jobs without serving HTTP (scale-out beside web nodes)')
  .action(run(commands.worker));
program
  .command('plugins')
  .description(
    'List the core modules and plugins this configuration loads, with versions and dependencies',
  )
  .action(run(commands.plugins, true));
program
  .command('doctor')
  .description('Check configuration, database, migrations and the HTTP port')
  .action(run(commands.doctor, true));

await program.parseAsync(process.argv);
