/**
 * `novumdesk email inspect <file.eml>` through the real CLI, with the repository's default
 * configuration (which enables this plugin): the plugin-command path of `novumdesk`, end to end.
 * Runs the built CLI and plugin (`npm run build` comes first, as in CI).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = process.cwd();
const cli = (args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'core/bin/novumdesk.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('novumdesk email inspect', () => {
  it('prints the verdicts of a raw message as JSON', () => {
    const file = path.resolve(root, '../shared/testdata/email/bounces/lhost-postfix-02.eml');
    const run = cli(['email', 'inspect', file]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      bounce: { bounce: true, hard: true, reason: 'userunknown' },
      autoReply: { automatic: true },
    });
  }, 60_000);

  it('answers a wrong use with its usage and exit code 2', () => {
    const run = cli(['email', 'nonsense']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: novumdesk email inspect <file.eml>');
  }, 60_000);
});
