/**
 * The published JSON Schema (draft 2020-12) of an access/export package, served at
 * `GET /api/p/privacy/export-schema` and used by the tests to validate every package.
 * `schemaVersion` follows semver: a new optional field is a minor version, anything a reader of
 * an older version would misread is a major one.
 */
export const EXPORT_SCHEMA_VERSION = '1.0.0';

export const exportJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://novumdesk.org/schemas/privacy-export/1.0.0',
  title: 'NovumDesk personal data export',
  type: 'object',
  required: ['schemaVersion', 'generatedAt', 'request', 'subject', 'sources', 'files'],
  additionalProperties: false,
  properties: {
    schemaVersion: { type: 'string', pattern: '^1\\.[0-9]+\\.[0-9]+$' },
    generatedAt: { type: 'string', format: 'date-time' },
    request: {
      type: 'object',
      required: ['id', 'type', 'workspaceId'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', format: 'uuid' },
        type: { enum: ['access', 'export'] },
        workspaceId: { type: 'string', format: 'uuid' },
      },
    },
    subject: {
      type: 'object',
      required: ['kind', 'id'],
      additionalProperties: false,
      properties: {
        kind: { enum: ['contact', 'user'] },
        id: { type: 'string', format: 'uuid' },
      },
    },
    notes: {
      type: 'array',
      description: 'Remarks for the reader, e.g. which parts were reviewed under Art. 15(4).',
      items: { type: 'string' },
    },
    sources: {
      description:
        "Each loaded module's or plugin's part, by its id: objects and arrays of records with stable ids and ISO-8601 timestamps.",
      type: 'object',
      additionalProperties: { type: 'object' },
    },
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'path', 'contentType', 'size', 'sha256', 'contentBase64'],
        additionalProperties: false,
        properties: {
          source: { type: 'string' },
          path: { type: 'string', minLength: 1 },
          contentType: { type: 'string' },
          size: { type: 'integer', minimum: 0 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          contentBase64: { type: 'string', contentEncoding: 'base64' },
        },
      },
    },
  },
} as const;
