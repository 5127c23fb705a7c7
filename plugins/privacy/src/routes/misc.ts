/** Sub-processors and transfers (PRV-34) and the published export schema. */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '@novumdesk/core';
import { exportJsonSchema } from '../export-schema.js';
import { PRIVACY_PERMISSIONS } from './common.js';
import type { PrivacyOptions } from '../options.js';

const SubProcessorSchema = z
  .object({
    plugin: z.string(),
    name: z.string(),
    purpose: z.string(),
    region: z.string(),
    categories: z.array(z.string()),
    origin: z.string().nullable(),
  })
  .meta({ id: 'PrivacySubProcessor' });

export function miscRoutes(options: PrivacyOptions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/sub-processors',
      operationId: 'privacyListSubProcessors',
      summary: 'Every loaded plugin that sends personal data off the host: where, and what',
      access: { permission: PRIVACY_PERMISSIONS.read },
      responses: {
        200: {
          description: 'Sub-processors',
          schema: z.object({
            data: z.array(SubProcessorSchema),
            dataRegion: z.string().nullable(),
          }),
        },
      },
      handler({ scope }) {
        return {
          data: scope.cradle.personalDataRegistry.flatMap((d) =>
            d.subProcessors.map((s) => ({
              plugin: d.pluginId,
              name: s.name,
              purpose: s.purpose,
              region: s.region,
              categories: [...s.categories],
              origin: s.origin ?? null,
            })),
          ),
          dataRegion: options.dataRegion ?? null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/export-schema',
      operationId: 'privacyExportSchema',
      summary: 'The JSON Schema of export packages',
      access: 'public',
      tenancy: 'none',
      responses: {
        200: { description: 'JSON Schema (draft 2020-12)', contentType: 'application/schema+json' },
      },
      handler({ koa }) {
        koa.type = 'application/schema+json';
        koa.body = JSON.stringify(exportJsonSchema);
        return undefined;
      },
    }),
  ];
}
