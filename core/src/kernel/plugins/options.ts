/**
 * Parses a plugin's options with its own zod schema, defaults applied, before `register()`.
 */
import type { ZodType } from 'zod';
import { problemsFromZodIssues, type PluginProblem } from './problems.js';

export type OptionsResult =
  { ok: true; options: unknown } | { ok: false; problems: PluginProblem[] };

export function parsePluginOptions(
  schema: ZodType | undefined,
  rawOptions: unknown,
  label: string,
): OptionsResult {
  if (schema === undefined) {
    if (rawOptions === undefined || isEmptyObject(rawOptions))
      return { ok: true, options: undefined };
    return {
      ok: false,
      problems: [{ plugin: label, path: 'options', message: 'this plugin takes no options' }],
    };
  }
  const first = safeParse(schema, rawOptions, label);
  // `hello()` with an object schema whose fields all have defaults means "all defaults".
  if (!first.ok && rawOptions === undefined) return safeParse(schema, {}, label);
  return first;
}

function safeParse(schema: ZodType, raw: unknown, label: string): OptionsResult {
  try {
    const result = schema.safeParse(raw);
    if (result.success) return { ok: true, options: result.data };
    return { ok: false, problems: problemsFromZodIssues(label, 'options', result.error.issues) };
  } catch (error) {
    // zod throws (rather than reporting) for async refinements in a sync parse.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ plugin: label, path: 'options', message }] };
  }
}

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 0;
