/**
 * The subset of JSON Schema (as `z.toJSONSchema()` writes it) that generated settings forms
 * understand: objects of strings, numbers, integers, booleans, enums, string arrays and nested
 * objects. `writeOnly: true` marks a secret: never shown, only replaced.
 */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  default?: unknown;
  writeOnly?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  anyOf?: JsonSchema[];
}

export type FieldKind =
  'text' | 'secret' | 'number' | 'boolean' | 'enum' | 'list' | 'object' | 'json';

/** The schema without a `null` alternative (`string | null` → string). */
export function unwrap(schema: JsonSchema): JsonSchema {
  if (schema.anyOf) {
    const nonNull = schema.anyOf.filter((s) => s.type !== 'null');
    if (nonNull.length === 1) return { ...nonNull[0], ...pickMeta(schema) };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((x) => x !== 'null');
    if (types.length === 1) return { ...schema, type: types[0] };
  }
  return schema;
}

function pickMeta(schema: JsonSchema): JsonSchema {
  const { title, description, default: d, writeOnly } = schema;
  return Object.fromEntries(
    Object.entries({ title, description, default: d, writeOnly }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

export function fieldKind(raw: JsonSchema): FieldKind {
  const schema = unwrap(raw);
  if (schema.writeOnly) return 'secret';
  if (schema.enum) return 'enum';
  switch (schema.type) {
    case 'string':
      return 'text';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return unwrap(schema.items ?? {}).type === 'string' ? 'list' : 'json';
    case 'object':
      return schema.properties ? 'object' : 'json';
    default:
      return 'json';
  }
}

/** `camelCase` / `snake_case` → "Camel case", for fields without a title. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What to send: the edited values, with secrets left out unless a new value was typed (the
 * server keeps the stored secret when it is absent).
 */
export function toSubmission(
  schema: JsonSchema,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const value = values[key];
    const kind = fieldKind(prop);
    if (kind === 'secret') {
      if (typeof value === 'string' && value !== '') out[key] = value;
      continue;
    }
    if (kind === 'object' && value && typeof value === 'object') {
      out[key] = toSubmission(unwrap(prop), value as Record<string, unknown>);
      continue;
    }
    if (value === '' && kind === 'number') continue;
    if (value !== undefined) out[key] = value;
  }
  return out;
}
