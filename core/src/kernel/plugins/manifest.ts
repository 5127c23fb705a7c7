/**
 * The manifest check: the fields of `NovumPlugin` that the loader relies on, validated with
 * zod so that a typo in a plugin package is reported like any other configuration problem.
 * Unknown fields are allowed, so a plugin written for a newer contract still loads when its
 * `core` range says it may.
 */
import semver from 'semver';
import { z } from 'zod';
import { problemsFromZodIssues, type PluginProblem } from './problems.js';

export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const pluginId = z
  .string()
  .regex(
    PLUGIN_ID_PATTERN,
    'must be kebab-case (lowercase letters, digits, single dashes), e.g. "channel-email"',
  );
const version = z
  .string()
  .refine((value) => semver.valid(value) !== null, 'must be a semver version, e.g. "1.2.0"');
const range = z
  .string()
  .refine((value) => semver.validRange(value) !== null, 'must be a semver range, e.g. "^0.1.0"');
const fn = z.custom<(...args: unknown[]) => unknown>(
  (value) => typeof value === 'function',
  'must be a function',
);
// Duck-typed: a plugin may bundle its own copy of zod, so `instanceof` would be wrong.
const zodSchema = z.custom<unknown>(
  (value) => typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function',
  'must be a zod schema',
);

const manifestSchema = z.object({
  id: pluginId,
  version,
  core: range,
  description: z.string().optional(),
  dependsOn: z.record(pluginId, range).optional(),
  optionalDependsOn: z.record(pluginId, range).optional(),
  options: zodSchema.optional(),
  entities: z.array(z.unknown()).optional(),
  // The migrator checks the rest of a MigrationObject; the loader needs the name for clashes.
  migrations: z.array(z.looseObject({ name: z.string() })).optional(),
  permissions: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*:[a-z][a-zA-Z0-9-]*$/, 'must look like "area:verb"'))
    .optional(),
  personalData: z
    .object({
      entities: z.record(z.string(), z.array(z.string())),
      export: fn,
      erase: fn,
      restrict: fn.optional(),
      exportFiles: fn.optional(),
      rectify: fn.optional(),
      retention: z
        .array(
          z.object({
            type: z.string().regex(/^[a-z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+$/),
            count: fn,
            purge: fn,
          }),
        )
        .optional(),
    })
    .optional(),
  noPersonalData: z.literal(true).optional(),
  register: fn.optional(),
  boot: fn.optional(),
  prepareShutdown: fn.optional(),
  shutdown: fn.optional(),
});

type Manifest = z.infer<typeof manifestSchema>;

/** Problems with the plugin object itself and its compatibility with the running core. */
export function manifestProblems(
  plugin: unknown,
  label: string,
  coreVersion: string,
): PluginProblem[] {
  const parsed = manifestSchema.safeParse(plugin);
  if (!parsed.success) return problemsFromZodIssues(label, '', parsed.error.issues);
  return [
    ...coreRangeProblems(parsed.data, label, coreVersion),
    ...consistencyProblems(parsed.data, label),
  ];
}

function coreRangeProblems(
  manifest: Manifest,
  label: string,
  coreVersion: string,
): PluginProblem[] {
  if (semver.satisfies(coreVersion, manifest.core, { includePrerelease: true })) return [];
  return [
    {
      plugin: label,
      path: 'core',
      message: `requires @novumdesk/core ${manifest.core}, but this is ${coreVersion}; install a version of the plugin made for this core`,
    },
  ];
}

function consistencyProblems(manifest: Manifest, label: string): PluginProblem[] {
  const problems: PluginProblem[] = [];
  for (const id of Object.keys(manifest.optionalDependsOn ?? {})) {
    if (manifest.dependsOn?.[id] !== undefined) {
      problems.push({
        plugin: label,
        path: `optionalDependsOn.${id}`,
        message: 'is also listed in dependsOn; list it once',
      });
    }
  }
  (manifest.migrations ?? []).forEach((migration, index) => {
    if (!migration.name.startsWith(`${manifest.id}/`)) {
      problems.push({
        plugin: label,
        path: `migrations[${index}].name`,
        message: `must start with "${manifest.id}/" so migration histories of plugins cannot clash`,
      });
    }
  });
  return problems;
}
