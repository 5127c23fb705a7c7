/**
 * Threading: which ticket an inbound message continues. An ordered, explainable chain on the
 * bail hook `channel-email:resolveThread` — the first rule that answers wins, and the message
 * records its name. The plugin's own rules, by stage:
 *
 *  10 `in-reply-to`   our signed Message-ID, or a message we received, in In-Reply-To
 *  20 `references`    the same, in References (newest first)
 *  30 `reply-token`   a signed per-ticket reply address (`support+r…@domain`) among the recipients
 *  40 `body-marker`   our signed marker (`[ref:k…]`) in the quoted body (clients that drop headers)
 *  50 `subject-tag`   `[#1234]` in the subject, only when the sender takes part in that ticket
 *
 * Other plugins tap with a lower stage to go first, or a higher one to add fallbacks.
 */
import type { AsyncSeriesBailHook } from 'tapable';
import type { HookContext } from '@novumdesk/core';
import { sqlOf, type Sql } from './db.js';
import type { Signer } from './signing.js';
import { splitAddress } from './signing.js';

export interface ThreadQuery {
  workspaceId: string;
  inboxId: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  text: string;
  html: string | null;
  /** The sender as identified (Reply-To or From). */
  sender: string | null;
  /** Every recipient address (To, Cc, and the envelope's RCPT TO). */
  recipients: string[];
}

export interface ThreadMatch {
  ticketId: string;
  /** The rule that matched: `in-reply-to`, `references`, `reply-token`, … */
  rule: string;
}

declare module '@novumdesk/core' {
  interface HookRegistry {
    'channel-email:resolveThread': AsyncSeriesBailHook<
      [ThreadQuery, HookContext],
      ThreadMatch | undefined
    >;
  }
}

/** The plugin's rules and their stages on `channel-email:resolveThread`. */
export const THREAD_RULES = [
  { name: 'in-reply-to', stage: 10 },
  { name: 'references', stage: 20 },
  { name: 'reply-token', stage: 30 },
  { name: 'body-marker', stage: 40 },
  { name: 'subject-tag', stage: 50 },
] as const;

export interface ThreadRule {
  name: string;
  stage: number;
  resolve(query: ThreadQuery, sql: Sql): Promise<string | null>;
}

/** Tampered tokens seen while resolving (reported as a security event by the caller). */
export type TamperLog = (what: string, token: string) => void;

async function ticketOfMessageId(
  signer: Signer,
  sql: Sql,
  workspaceId: string,
  id: string,
): Promise<string | null> {
  const ours = signer.parseMessageId(id);
  if (ours) {
    const [row] = await sql(
      `select ticket_id from ticket_message where workspace_id = ? and id = ?`,
      [workspaceId, ours],
    );
    if (row) return row.ticket_id as string;
  }
  const [seen] = await sql(
    `select ticket_id from channel_email_inbound
      where workspace_id = ? and rfc_message_id = ? and ticket_id is not null
      order by received_at desc limit 1`,
    [workspaceId, id.toLowerCase()],
  );
  return (seen?.ticket_id as string | undefined) ?? null;
}

async function ticketExists(sql: Sql, workspaceId: string, id: string): Promise<string | null> {
  const [row] = await sql(`select id from ticket where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  return (row?.id as string | undefined) ?? null;
}

export function threadRules(signer: Signer, tampered: TamperLog): ThreadRule[] {
  return [
    {
      name: 'in-reply-to',
      stage: 10,
      resolve: (q, sql) =>
        q.inReplyTo
          ? ticketOfMessageId(signer, sql, q.workspaceId, q.inReplyTo)
          : Promise.resolve(null),
    },
    {
      name: 'references',
      stage: 20,
      async resolve(q, sql) {
        for (const id of [...q.references].reverse().slice(0, 50)) {
          const ticket = await ticketOfMessageId(signer, sql, q.workspaceId, id);
          if (ticket) return ticket;
        }
        return null;
      },
    },
    {
      name: 'reply-token',
      stage: 30,
      async resolve(q, sql) {
        for (const address of q.recipients) {
          const tag = splitAddress(address)?.tag;
          if (!tag) continue;
          const verified = signer.verify('r', tag);
          if (verified === 'invalid') tampered('reply-token', address);
          else if (verified) {
            const ticket = await ticketExists(sql, q.workspaceId, verified.uuid);
            if (ticket) return ticket;
          }
        }
        return null;
      },
    },
    {
      name: 'body-marker',
      stage: 40,
      async resolve(q, sql) {
        const haystack = `${q.text}\n${q.html ?? ''}`;
        for (const match of haystack.matchAll(/\[ref:(k[0-9a-z]{32,60})\]/gi)) {
          const verified = signer.verify('k', match[1]!);
          if (verified === 'invalid') tampered('body-marker', match[1]!);
          else if (verified) {
            const ticket = await ticketExists(sql, q.workspaceId, verified.uuid);
            if (ticket) return ticket;
          }
        }
        return null;
      },
    },
    {
      name: 'subject-tag',
      stage: 50,
      async resolve(q, sql) {
        const match = /\[#(\d{1,9})\]/.exec(q.subject);
        if (!match || !q.sender) return null;
        // Only a participant: the requester, or someone who wrote to the ticket before.
        const [row] = await sql(
          `select t.id from ticket t
            where t.workspace_id = ? and t.number = ?
              and exists (
                select 1 from contact_email ce
                 where ce.workspace_id = t.workspace_id and ce.email = ?
                   and (ce.contact_id = t.requester_id or exists (
                     select 1 from ticket_message m
                      where m.workspace_id = t.workspace_id and m.ticket_id = t.id
                        and m.author_contact_id = ce.contact_id)))`,
          [q.workspaceId, Number(match[1]), q.sender.toLowerCase()],
        );
        return (row?.id as string | undefined) ?? null;
      },
    },
  ];
}

/** Runs the rules directly (the hook's taps do the same; `inspect` uses this). */
export async function resolveWith(
  rules: ThreadRule[],
  query: ThreadQuery,
  ctx: Pick<HookContext, 'em'>,
): Promise<ThreadMatch | undefined> {
  const sql = sqlOf(ctx.em);
  for (const rule of [...rules].sort((a, b) => a.stage - b.stage)) {
    const ticketId = await rule.resolve(query, sql);
    if (ticketId) return { ticketId, rule: rule.name };
  }
  return undefined;
}
