import { commandTable, commandWord } from './plugin-commands.js';

const command = (name: string) => ({ name, description: name, run: async () => 0 });

describe('plugin commands', () => {
  it('finds the command word after global options', () => {
    expect(commandWord(['-c', 'x.ts', '--verbose', 'email', 'inspect', 'm.eml'])).toEqual({
      word: 'email',
      rest: ['inspect', 'm.eml'],
      configFile: 'x.ts',
    });
    expect(commandWord(['--config=y.ts'])).toEqual({ rest: [], configFile: 'y.ts' });
  });

  it('refuses a core command name and a name two plugins claim, naming them', () => {
    expect(() => commandTable([{ plugin: { id: 'a', commands: [command('migrate')] } }])).toThrow(
      'plugin "a" declares command "migrate", a core command',
    );
    expect(() =>
      commandTable([
        { plugin: { id: 'a', commands: [command('tools')] } },
        { plugin: { id: 'b', commands: [command('tools')] } },
      ]),
    ).toThrow('command "tools" is declared by plugins "a" and "b"');
    expect([...commandTable([{ plugin: { id: 'a', commands: [command('x')] } }]).keys()]).toEqual([
      'x',
    ]);
  });
});
