/**
 * Redaction (PRV-42): an agent with `privacy:redact` removes a string or an attachment from one
 * message, permanently. The text is replaced by ▇ characters; the file leaves storage and its
 * row goes. A security event records who redacted which message and when — never what.
 */
import { z } from 'zod';
import { defineRoute, errors, type AuditRecord, type RouteDefinition } from '@novumdesk/core';
import { sqlOf, type Sql } from '../db.js';
import { actorRef } from '../requests/store.js';
import { workspaceOf } from './common.js';

export const REDACT_PERMISSION = 'privacy:redact';

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function redactionRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/messages/:id/redactions',
      operationId: 'privacyRedactMessage',
      summary: 'Permanently redact a string or an attachment in a ticket message',
      access: { permission: REDACT_PERMISSION },
      request: {
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            text: z.string().min(1).max(1000).optional(),
            attachmentId: z.uuid().optional(),
          })
          .refine((b) => b.text !== undefined || b.attachmentId !== undefined, {
            message: 'give text or attachmentId',
            path: ['text'],
          }),
      },
      responses: {
        200: {
          description: 'Redacted',
          schema: z.object({ replaced: z.number().int(), attachmentRemoved: z.boolean() }),
        },
        404: { description: 'No such message or attachment in this workspace' },
      },
      async handler({ params, body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const sql = sqlOf(scope);
        const [message] = await sql(
          `select id, body_text, body_html from ticket_message where workspace_id = ? and id = ?`,
          [workspaceId, params.id],
        );
        if (!message) throw errors.notFound('Message', { id: params.id });
        let replaced = 0;
        if (body.text) {
          const pattern = new RegExp(escapeRegex(body.text), 'gi');
          const mask = '▇'.repeat(Math.min(body.text.length, 12));
          const count = (v: string | null) => (v ? (v.match(pattern) ?? []).length : 0);
          replaced = count(message.body_text as string) + count(message.body_html as string | null);
          await sql(`update ticket_message set body_text = ?, body_html = ? where id = ?`, [
            String(message.body_text).replace(pattern, mask),
            message.body_html ? String(message.body_html).replace(pattern, mask) : null,
            message.id,
          ]);
        }
        let attachmentRemoved = false;
        if (body.attachmentId) {
          const [file] = await sql(
            `delete from attachment where workspace_id = ? and id = ? and message_id = ? returning storage_key`,
            [workspaceId, body.attachmentId, params.id],
          );
          if (!file) throw errors.notFound('Attachment', { id: body.attachmentId });
          await scope.cradle.storage.delete(file.storage_key as string);
          attachmentRemoved = true;
        }
        await audit(scope, sql, {
          action: 'message_redacted',
          workspaceId,
          actor: actorRef(actor),
          target: { type: 'ticket_message', id: params.id },
          metadata: { text: !!body.text, attachment: attachmentRemoved },
        });
        return { replaced, attachmentRemoved };
      },
    }),
  ];
}

async function audit(scope: { cradle: object }, sql: Sql, record: AuditRecord): Promise<void> {
  const identity = (
    scope.cradle as { identity?: { audit: { record(e: AuditRecord, s: Sql): Promise<void> } } }
  ).identity;
  await identity?.audit.record(record, sql);
}
