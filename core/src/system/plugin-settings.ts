/**
 * `GET /system/plugins/{id}/settings`: a plugin's options schema (JSON Schema, from its zod
 * `options`) and the values this server runs with, for the admin UI's generated settings page.
 *
 * Options are the operator's (novumdesk.config.ts / NOVUMDESK_* variables), instance-wide, so
 * the route needs the operator permission `system:read`. Secret fields never leave the server:
 * a field is secret when its schema says `writeOnly: true` (zod: `.meta({ writeOnly: true })`)
 * or its name looks like a credential (`password`, `secret`, `token`, `apiKey`, `privateKey`…);
 * the answer only says whether each one is set.
 */
import { z, type ZodType } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { errors } from '../kernel/errors.js';
import type { NovumPlugin } from '../kernel/contract.js';
import { parsePluginOptions } from '../kernel/plugins/options.js';
import { toPluginInstance } from '../kernel/plugins/define-plugin.js';
import { SYSTEM_READ } from './system.routes.js';

const SECRET_NAME = /(password|passphrase|secret|token|api_?key|private_?key|credential)/i;

type Json = Record<string, unknown>;

export const PluginSettingsSchema = z
  .object({
    pluginId: z.string(),
    /** JSON Schema (draft 2020-12) of the options, as the operator writes them. */
    schema: z.record(z.string(), z.unknown()).nullable(),
    /** The effective options (defaults applied), secrets removed. */
    values: z.record(z.string(), z.unknown()),
    /** Dotted paths of secret fields, and whether each has a value. */
    secrets: z.array(z.object({ path: z.string(), set: z.boolean() })),
    /** Where the values come from; they change by editing it and restarting. */
    source: z.literal('config'),
  })
  .meta({ id: 'PluginSettings' });

/** The options' JSON Schema with `writeOnly` added to every secret field. */
export function settingsJsonSchema(options: ZodType): Json {
  const schema = z.toJSONSchema(options, { io: 'input', unrepresentable: 'any' }) as Json;
  markSecrets(schema);
  return schema;
}

function markSecrets(schema: Json): void {
  const props = schema.properties as Record<string, Json> | undefined;
  for (const [key, prop] of Object.entries(props ?? {})) {
    if (SECRET_NAME.test(key) && isScalar(prop)) prop.writeOnly = true;
    if (prop.type === 'object') markSecrets(prop);
  }
}

const isScalar = (prop: Json) =>
  prop.type === 'string' ||
  (Array.isArray(prop.anyOf) && (prop.anyOf as Json[]).some((s) => s.type === 'string'));

/** Values with secret fields removed, and the list of secrets with whether each is set. */
export function redactSecrets(
  schema: Json,
  values: unknown,
  prefix = '',
): { values: Json; secrets: { path: string; set: boolean }[] } {
  const out: Json = {};
  const secrets: { path: string; set: boolean }[] = [];
  const source = (values && typeof values === 'object' ? values : {}) as Json;
  const props = (schema.properties ?? {}) as Record<string, Json>;
  for (const [key, value] of Object.entries(source)) {
    const prop = props[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (prop?.writeOnly || (!prop && SECRET_NAME.test(key))) {
      secrets.push({ path, set: value !== undefined && value !== null && value !== '' });
    } else if (prop?.type === 'object' && value && typeof value === 'object') {
      const inner = redactSecrets(prop, value, path);
      out[key] = inner.values;
      secrets.push(...inner.secrets);
    } else {
      out[key] = value;
    }
  }
  // Secrets the operator left out are "not set".
  for (const [key, prop] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (prop.writeOnly && !(key in source)) secrets.push({ path, set: false });
  }
  return { values: out, secrets };
}

export function pluginSettingsRoutes(plugins: readonly NovumPlugin[]): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/system/plugins/:id/settings',
      operationId: 'getPluginSettings',
      summary: "A plugin's options schema and effective values (secrets redacted)",
      tags: ['system'],
      access: { permission: SYSTEM_READ },
      tenancy: 'none',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: {
        200: { description: 'Schema and values', schema: PluginSettingsSchema },
        404: { description: 'No such plugin on this server' },
      },
      handler({ params, scope }) {
        const plugin = plugins.find((p) => p.id === params.id);
        if (!plugin) throw errors.notFound('Plugin', { id: params.id });
        if (!plugin.options) {
          return { pluginId: plugin.id, schema: null, values: {}, secrets: [], source: 'config' };
        }
        const schema = settingsJsonSchema(plugin.options);
        // The operator's raw options for this plugin, parsed as the loader parsed them.
        const instance = scope.cradle.config.plugins
          .map((entry) => toPluginInstance(entry))
          .find((entry) => entry?.plugin.id === plugin.id);
        const parsed = parsePluginOptions(plugin.options, instance?.rawOptions, plugin.id);
        const effective = parsed.ok ? parsed.options : {};
        return {
          pluginId: plugin.id,
          schema,
          ...redactSecrets(schema, effective),
          source: 'config',
        };
      },
    }),
  ];
}
