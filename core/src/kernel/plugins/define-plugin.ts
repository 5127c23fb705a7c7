/**
 * `definePlugin` is the default export of a plugin package. It returns a factory the operator
 * calls with options in `novumdesk.config.ts`: `plugins: [channelEmail({ smtp: {...} })]`.
 * Options are only stored here; they are parsed (and defaulted) by the loader, so that every
 * plugin's problems can be reported together.
 */
import type { ZodType } from 'zod';
import type { NovumPlugin, PluginInstance } from '../contract.js';

/** Omitting options is allowed when the schema accepts `undefined` or an empty object. */
type OptionsArgument<I> = undefined extends I
  ? [options?: I]
  : // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    {} extends I
    ? [options?: I]
    : [options: I];

export interface PluginFactory<O = unknown, I = unknown> {
  (...args: OptionsArgument<I>): PluginInstance<O>;
  readonly plugin: NovumPlugin<O>;
}

/** What the operator may list in `plugins`: a called factory, an uncalled one, or a bare plugin. */
export type PluginEntry =
  | PluginInstance<any> // eslint-disable-line @typescript-eslint/no-explicit-any
  | PluginFactory<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  | NovumPlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `I` (the schema's input type) is what the operator writes; `O` (its output, defaults
 * applied) is what `register(ctx)` sees as `ctx.options`.
 */
export function definePlugin<O = unknown, I = O>(
  plugin: NovumPlugin<O> & { options?: ZodType<O, I> },
): PluginFactory<O, I> {
  const factory = (...args: OptionsArgument<I>): PluginInstance<O> => ({
    plugin,
    rawOptions: args[0],
  });
  return Object.assign(factory, { plugin }) as PluginFactory<O, I>;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

export function isPluginInstance(value: unknown): value is PluginInstance {
  return isObject(value) && 'plugin' in value && isObject(value.plugin);
}

/** Normalises a `plugins` entry; undefined when the value is not a plugin at all. */
export function toPluginInstance(entry: unknown): PluginInstance | undefined {
  if (typeof entry === 'function' && 'plugin' in entry && isObject(entry.plugin)) {
    // An uncalled factory (`plugins: [hello]`): the operator gave no options.
    return { plugin: entry.plugin as NovumPlugin, rawOptions: undefined };
  }
  if (isPluginInstance(entry)) return entry;
  if (isObject(entry) && 'id' in entry)
    return { plugin: entry as NovumPlugin, rawOptions: undefined };
  return undefined;
}
