/**
 * Renders `docs/hooks.md` from the registry's descriptors, so the reference cannot drift from
 * the hooks that exist. Output is deterministic (sorted, no dates) so `--check` can compare it.
 */
import type { HookDescriptor, HookKind } from './descriptor.js';

export interface HookDocsSource {
  descriptors(): HookDescriptor[];
}

const KIND_MEANING: Record<HookKind, string> = {
  transform:
    'changes a value inside the operation; each tap returns the (changed) value, or undefined to pass it on; an error aborts the operation',
  resolve:
    'picks one answer; the first tap returning a value wins, the rest are skipped; an error aborts the operation',
  veto: 'may refuse the operation by returning a veto or throwing a typed `NovumError`; errors propagate',
  notify:
    'announces something already committed; taps run in parallel, and a failing tap is logged with its plugin id and counted without failing the others',
  lifecycle: 'start-up and shutdown of the helpdesk',
};

export function renderHookDocs(source: HookDocsSource): string {
  const descriptors = source.descriptors();
  const lines: string[] = [
    '# Hook reference',
    '',
    '<!-- Generated from the hook registry by core/src/scripts/generate-hook-docs.ts. Do not edit: run `npm run docs:hooks`. -->',
    '',
    'Hooks are the typed, in-process extension points of NovumDesk (built on [tapable](https://github.com/webpack/tapable)).',
    'Tap them in `register(ctx)` with `ctx.hooks.tap(name, fn)` (or `ctx.hooks.tapFor(name, key, fn)` for keyed hooks);',
    'every tap is named after the plugin, timed, and listed by the hook diagnostics. Hooks are frozen once the helpdesk is assembled.',
    'Every hook called inside a request receives `(payload, ctx: HookContext)`.',
    '',
    'A plugin adds its own hooks with `ctx.hooks.define("<pluginId>:<name>", () => new AsyncSeriesBailHook([...]), info)`',
    'and declares their types by augmenting `HookRegistry` from `@novumdesk/core`. Another plugin may tap them only if it lists',
    'the owner in `dependsOn` or `optionalDependsOn`. Side effects that must happen exactly once after commit belong in domain events, not hooks.',
    '',
    '## Kinds',
    '',
    ...table(
      ['kind', 'meaning'],
      (Object.keys(KIND_MEANING) as HookKind[]).map((kind) => [kind, KIND_MEANING[kind]]),
    ),
    '',
    '## Index',
    '',
    ...table(
      ['hook', 'kind', 'tapable class', 'defined by', 'since'],
      descriptors.map((d) => [
        `[\`${d.name}\`](#${anchor(d.name)})`,
        d.kind,
        `\`${d.tapable}\``,
        d.definedBy,
        d.since,
      ]),
    ),
    '',
  ];
  for (const d of descriptors) lines.push(...renderHook(d));
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderHook(d: HookDescriptor): string[] {
  return [
    `## \`${d.name}\``,
    '',
    `- **Kind:** ${d.kind} (\`${d.tapable}\`)`,
    `- **Defined by:** ${d.definedBy}, since ${d.since}`,
    ...(d.key ? [`- **Key:** ${d.key}`] : []),
    `- **Payload:** \`${d.payload}\``,
    ...(d.returns ? [`- **Returns:** ${d.returns}`] : []),
    '',
    d.description,
    '',
  ];
}

/** Columns padded the way Prettier formats Markdown tables, so `prettier --check` accepts the file. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** GitHub's heading anchor for a heading that is only an inline-code hook name. */
function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9\- ]/g, '');
}
