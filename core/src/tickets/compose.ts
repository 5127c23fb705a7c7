/**
 * Shared steps of the routes that write messages: turning `{ body, bodyHtml }` into stored text
 * and sanitized HTML, and attaching uploads to a new message.
 */
import type { AwilixContainer } from 'awilix';
import { validationFailed } from '../http/problem.js';
import type { Actor, HookContext, RequestCradle } from '../kernel/contract.js';
import type { Sql } from '../identity/db.js';
import { attachmentsOf } from '../attachments/attachments.js';
import { htmlToText, sanitizeHtml } from './html.js';
import type { MessageView } from './views.js';

export interface MessageBody {
  text: string;
  html: string | null;
}

/**
 * The stored form of a message body: the HTML sanitized, the text given or derived from it.
 * 400 at `<path>` when nothing readable is left (HTML that was all script, say).
 */
export function messageBody(
  input: { body?: string | undefined; bodyHtml?: string | null | undefined },
  path = 'body.body',
): MessageBody {
  const html = input.bodyHtml ? sanitizeHtml(input.bodyHtml) || null : null;
  const text = (input.body ?? (html ? htmlToText(html) : '')).trim();
  if (!text && !html) throw validationFailed([{ path, message: 'the message is empty' }]);
  return { text: text || '(no text)', html };
}

export function hookContext(
  scope: AwilixContainer<RequestCradle>,
  actor: Actor | null,
): HookContext {
  const { em, requestId, workspaceId } = scope.cradle;
  return { em, scope, actor, workspaceId: actor?.workspaceId ?? workspaceId, requestId };
}

/** Attaches the uploads to the new message and returns it with them. */
export async function withAttachments(
  scope: AwilixContainer<RequestCradle>,
  sql: Sql,
  workspaceId: string,
  message: MessageView,
  ids: readonly string[] | undefined,
  path = 'body.attachmentIds',
): Promise<MessageView> {
  if (!ids || ids.length === 0) return message;
  const { attachments, clock } = scope.cradle;
  await attachments.attach(sql, workspaceId, message.id, ids, clock.now(), path);
  const found = await attachmentsOf(sql, workspaceId, [message.id]);
  return { ...message, attachments: found.get(message.id) ?? [] };
}
