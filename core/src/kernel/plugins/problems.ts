/**
 * Operator-facing problem reports. Start-up validation collects every problem of every plugin
 * and throws once, so an operator fixes the configuration in one pass rather than one error
 * per restart.
 */
import { NovumError } from '../errors.js';

export interface PluginProblem {
  /** The plugin id, or `#<position>` when the entry has no usable id. */
  plugin: string;
  /** Where in the manifest or options: `options.smtp.port`, `core`, `dependsOn.billing`. */
  path: string;
  message: string;
}

export const formatProblem = (problem: PluginProblem): string =>
  `plugin ${problem.plugin}: ${problem.path}: ${problem.message}`;

/** One error listing every line; `details.problems` repeats them for tools and the admin UI. */
export function reportError(
  code: string,
  headline: string,
  lines: readonly string[],
  details: Record<string, unknown> = {},
): NovumError {
  const message =
    lines.length === 1
      ? `${headline}: ${lines[0]}`
      : [headline, ...lines.map((l) => `  ${l}`)].join('\n');
  return new NovumError(code, message, { details: { problems: [...lines], ...details } });
}

/** The structural part of a zod 4 issue that a report needs. */
interface ZodIssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  issues?: readonly ZodIssueLike[];
}

export function problemsFromZodIssues(
  plugin: string,
  basePath: string,
  issues: readonly ZodIssueLike[],
): PluginProblem[] {
  return issues.map((issue) => ({
    plugin,
    path: formatPath(basePath, issue.path),
    // "Invalid key in record" hides why; the nested issue says it.
    message:
      issue.code === 'invalid_key' && issue.issues?.[0]
        ? `key ${issue.issues[0].message}`
        : issue.message,
  }));
}

export function formatPath(basePath: string, segments: readonly PropertyKey[]): string {
  let path = basePath;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path === '' ? '(root)' : path;
}

/** Error messages must fit one log line; a cause's extra lines stay on `cause`. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
