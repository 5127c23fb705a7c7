/**
 * Erasure of a data subject across the core and every plugin (ARCHITECTURE §7). In one
 * transaction: the subject is restricted first (nothing may process them meanwhile), every
 * loaded module's and plugin's `erase` handler runs (plugins before the core modules they build
 * on, identity last), the plugin scrubs the infrastructure it knows (service messages to the
 * subject's addresses, identifiers inside outbox payloads and security-event metadata), and the
 * addresses go into the suppression list as keyed hashes.
 */
import type { ErasureMethod, PersonalDataSubject } from '@novumdesk/core';
import { addressHash, sqlOf, textArray, type Scope } from './db.js';
import { loadSubject, type SubjectId } from './subjects.js';

export interface ErasureResult {
  erased: Record<string, number>;
  kept: string[];
  /** Data kept under a legal obligation or exemption (e.g. `billing (legal obligation)`). */
  retained: string[];
}

/** The strings a scrub looks for: addresses and names/phones long enough not to be noise. */
export function identifiersOf(subject: PersonalDataSubject): string[] {
  return [...new Set([...subject.emails, ...(subject.identifiers ?? [])])].filter(
    (value) => value.trim().length >= 3,
  );
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A PostgreSQL regular expression matching any identifier (case-insensitive with `~*`). */
export function identifierPattern(identifiers: readonly string[]): string | null {
  if (identifiers.length === 0) return null;
  return identifiers.map(escapeRegex).join('|');
}

export async function eraseSubject(
  scope: Scope,
  workspaceId: string,
  subjectId: SubjectId,
  options: { method: ErasureMethod; pseudonym: string; requestId: string; secret: string },
): Promise<ErasureResult> {
  const sql = sqlOf(scope);
  const now = scope.cradle.clock.now();
  const subject = await loadSubject(scope, workspaceId, subjectId);
  // Inactive first: nothing that asks isProcessingAllowed acts on the subject from here on.
  await sql(
    `insert into privacy_restriction (workspace_id, subject_kind, subject_id, reason, created_at)
     values (?, ?, ?, 'erasure', ?) on conflict do nothing`,
    [workspaceId, subject.kind, subject.id, now],
  );
  const result: ErasureResult = { erased: {}, kept: [], retained: [] };
  const declarations = [...scope.cradle.personalDataRegistry].reverse();
  for (const declaration of declarations) {
    if (!declaration.handlers || declaration.pluginId === 'privacy') continue;
    const outcome = await declaration.handlers.erase(subject, scope, {
      method: options.method,
      pseudonym: options.pseudonym,
    });
    result.erased[declaration.pluginId] = outcome.erased;
    for (const kept of outcome.kept ?? []) {
      const line = `${declaration.pluginId}: ${kept}`;
      if (/legal obligation|exemption/i.test(kept)) result.retained.push(line);
      else result.kept.push(line);
    }
  }
  result.erased.infrastructure = await scrubInfrastructure(
    scope,
    workspaceId,
    subject,
    options.secret,
  );
  for (const email of subject.emails) {
    await sql(
      `insert into privacy_suppression (workspace_id, address_hash, request_id, created_at)
       values (?, ?, ?, ?) on conflict do nothing`,
      [workspaceId, addressHash(options.secret, workspaceId, email), options.requestId, now],
    );
  }
  return result;
}

/**
 * What no module owns: stored service messages to the subject's addresses (deleted), the
 * recipient of outbound delivery events (a keyed hash instead), and the subject's identifiers
 * inside outbox payloads, delivery-event details and security-event metadata (replaced by
 * `[erased]`; the rows stay, pointing at pseudonymous ids).
 */
async function scrubInfrastructure(
  scope: Scope,
  workspaceId: string,
  subject: PersonalDataSubject,
  secret: string,
): Promise<number> {
  const sql = sqlOf(scope);
  let count = 0;
  if (subject.emails.length > 0) {
    count += (
      await sql(
        `delete from mail_message where workspace_id = ? and lower(to_address) = any(?::text[]) returning id`,
        [workspaceId, textArray(subject.emails.map((e) => e.toLowerCase()))],
      )
    ).length;
  }
  // The inboxes module's delivery events keep a recipient: only a keyed hash of it stays.
  for (const email of subject.emails) {
    count += (
      await sql(
        `update message_delivery_event set recipient = ?
          where workspace_id = ? and lower(recipient) = ? returning id`,
        [`hash:${addressHash(secret, workspaceId, email)}`, workspaceId, email.toLowerCase()],
      )
    ).length;
  }
  const pattern = identifierPattern(identifiersOf(subject));
  if (!pattern) return count;
  count += (
    await sql(
      `update message_delivery_event set reason = regexp_replace(reason, ?, '[erased]', 'gi'),
              detail = regexp_replace(detail, ?, '[erased]', 'gi')
        where workspace_id = ? and (reason ~* ? or detail ~* ?) returning id`,
      [pattern, pattern, workspaceId, pattern, pattern],
    )
  ).length;
  count += (
    await sql(
      `update domain_event set payload = regexp_replace(payload::text, ?, '[erased]', 'gi')::jsonb
        where workspace_id = ? and payload::text ~* ? returning id`,
      [pattern, workspaceId, pattern],
    )
  ).length;
  count += (
    await sql(
      `update audit_event set metadata = regexp_replace(metadata::text, ?, '[erased]', 'gi')::jsonb
        where workspace_id = ? and metadata::text ~* ? returning id`,
      [pattern, workspaceId, pattern],
    )
  ).length;
  return count;
}

/** What an erasure would touch, without identifying anyone: ticket numbers and counts. */
export async function erasurePreview(
  scope: Scope,
  workspaceId: string,
  subjectId: SubjectId,
): Promise<Record<string, unknown>> {
  const sql = sqlOf(scope);
  const subject = await loadSubject(scope, workspaceId, subjectId);
  const contactIds =
    subject.kind === 'contact'
      ? [subject.id]
      : (
          await sql(
            `select distinct contact_id from contact_email where workspace_id = ? and email = any(?::text[])`,
            [workspaceId, textArray(subject.emails)],
          )
        ).map((r) => r.contact_id as string);
  const tickets = await sql(
    `select number from ticket where workspace_id = ? and requester_id = any(?::uuid[]) order by number`,
    [workspaceId, textArray(contactIds)],
  );
  const [messages] = await sql(
    `select count(*)::int as n from ticket_message
      where workspace_id = ? and (author_contact_id = any(?::uuid[]) or author_user_id = ?)`,
    [
      workspaceId,
      textArray(contactIds),
      subject.kind === 'user' ? subject.id : '00000000-0000-0000-0000-000000000000',
    ],
  );
  return {
    ticketNumbers: tickets.map((t) => Number(t.number)),
    messages: Number(messages?.n ?? 0),
    addresses: subject.emails.length,
  };
}
