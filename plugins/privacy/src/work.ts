/**
 * The work behind a request once its requester is verified: a background job per request
 * (`privacy.process`), and for exports one step per source (`privacy.export-step`). Each job runs
 * in the request's workspace transaction; completion notifies the subject (or, for an erasure,
 * the requester) by a service message of kind `privacy_request_completed`.
 */
import type { Actor, ErasureMethod, NovumError } from '@novumdesk/core';
import { sqlOf, type Row, type Scope } from './db.js';
import { eraseSubject } from './erase.js';
import { assemblePackage, exportPart, exportSources, newDownloadToken } from './export.js';
import { activeHold } from './holds.js';
import { managerAddresses, publicUrl, sendNotice } from './notify.js';
import { findRequest, transition, updateRequest } from './requests/store.js';
import { loadSubject } from './subjects.js';
import { isLastOwner } from './owners.js';
import { saveToken } from './tokens.js';

export const PROCESS_JOB = 'privacy.process';
export const EXPORT_STEP_JOB = 'privacy.export-step';
const EXPORT_TTL_MS = 7 * 86_400_000;

export interface WorkJob {
  workspaceId: string;
  requestId: string;
}

/** Queues the request's work in the caller's transaction (it runs after commit). */
export async function queueWork(scope: Scope, row: Row): Promise<void> {
  await scope.cradle.jobs.send(
    PROCESS_JOB,
    { workspaceId: row.workspace_id, requestId: row.id },
    { em: scope.cradle.em },
  );
}

/** Moves a verified request to `in_progress` and queues its work. */
export async function startWork(
  scope: Scope,
  row: Row,
  actor: Actor | null,
  reason: string | null = null,
): Promise<Row> {
  const started =
    row.state === 'in_progress'
      ? row
      : await transition(scope, row, 'in_progress', actor, { reason });
  await queueWork(scope, started);
  return started;
}

export async function processRequest(scope: Scope, job: WorkJob, secret: string): Promise<void> {
  const row = await findRequest(scope, job.workspaceId, job.requestId).catch(
    (error: NovumError) => {
      if (error.status === 404) return null;
      throw error;
    },
  );
  if (!row || !['in_progress', 'extended'].includes(row.state as string)) return;
  const subject = { kind: row.subject_kind, id: row.subject_id } as const;
  const sql = sqlOf(scope);
  const now = scope.cradle.clock.now();
  switch (row.type as string) {
    case 'erase': {
      const hold = await activeHold(scope, job.workspaceId, subject);
      if (hold) {
        await transition(scope, row, 'held', null, { reason: `legal hold: ${hold.reason}` });
        return;
      }
      if (subject.kind === 'user' && (await isLastOwner(scope, job.workspaceId, subject.id))) {
        await transition(scope, row, 'refused', null, {
          reason: 'the last owner of the workspace cannot be erased',
          set: { refusal_reason: 'last_owner' },
        });
        return;
      }
      const result = await eraseSubject(scope, job.workspaceId, subject, {
        method: (row.erase_method as ErasureMethod | null) ?? 'anonymize',
        pseudonym: row.subject_ref,
        requestId: row.id,
        secret,
      });
      const done = await transition(scope, row, 'completed', null, {
        set: { progress: 100, result, details: {} },
      });
      await notifyRequester(scope, done, 'Your erasure request is complete');
      return;
    }
    case 'restrict': {
      await sql(
        `insert into privacy_restriction (workspace_id, subject_kind, subject_id, reason, created_at)
         values (?, ?, ?, 'request', ?) on conflict do nothing`,
        [job.workspaceId, subject.kind, subject.id, now],
      );
      const full = await loadSubject(scope, job.workspaceId, subject);
      for (const d of scope.cradle.personalDataRegistry)
        await d.handlers?.restrict?.(full, true, scope);
      const done = await transition(scope, row, 'completed', null, {
        set: { progress: 100, result: { restricted: true } },
      });
      await notifySubject(scope, done, 'Processing of your data is now restricted');
      return;
    }
    case 'object': {
      const purposes = ((row.details as { purposes?: string[] }).purposes ?? []).slice(0, 20);
      for (const purpose of purposes) {
        await sql(
          `insert into privacy_objection (workspace_id, subject_kind, subject_id, purpose, created_at)
           values (?, ?, ?, ?, ?) on conflict do nothing`,
          [job.workspaceId, subject.kind, subject.id, purpose, now],
        );
      }
      const done = await transition(scope, row, 'completed', null, {
        set: { progress: 100, result: { objections: purposes } },
      });
      await notifySubject(scope, done, 'Your objection is recorded');
      return;
    }
    case 'rectify': {
      const changes =
        (row.details as { changes?: { name?: string; email?: { from: string; to: string } } })
          .changes ?? {};
      const full = await loadSubject(scope, job.workspaceId, subject);
      let changed = 0;
      for (const d of scope.cradle.personalDataRegistry) {
        changed += (await d.handlers?.rectify?.(full, changes, scope))?.changed ?? 0;
      }
      const done = await transition(scope, row, 'completed', null, {
        // The corrected values were personal data: the register keeps only what was changed.
        set: { progress: 100, result: { changed, fields: Object.keys(changes) }, details: {} },
      });
      await notifySubject(scope, done, 'Your data has been corrected');
      if (changes.email && full.emails.includes(changes.email.from.toLowerCase())) {
        // The old address hears of the change too (a hijacked request would otherwise be silent).
        await sendNotice(scope, {
          to: changes.email.from,
          subject: 'Your email address was changed',
          text: `At your request (${row.id}), the address we hold for you was changed. If this was not you, reply to this message.`,
          kind: 'privacy_request_completed',
          workspaceId: row.workspace_id,
        });
      }
      return;
    }
    default: {
      const sources = exportSources(scope);
      await updateRequest(scope, row, { work: { sources, parts: [] }, progress: 1 });
      await scope.cradle.jobs.send(EXPORT_STEP_JOB, { ...job, step: 0 }, { em: scope.cradle.em });
    }
  }
}

export async function exportStep(
  scope: Scope,
  job: WorkJob & { step: number },
  secret: string,
): Promise<void> {
  const row = await findRequest(scope, job.workspaceId, job.requestId);
  if (!['in_progress', 'extended'].includes(row.state as string)) return;
  const work = row.work as { sources: string[]; parts: string[] };
  if (work.parts.length !== job.step) return; // a redelivered step
  const key = await exportPart(scope, row, work.sources[job.step]!);
  const parts = [...work.parts, key];
  const total = work.sources.length;
  if (parts.length < total) {
    await updateRequest(scope, row, {
      work: { ...work, parts },
      progress: Math.max(1, Math.floor((90 * parts.length) / total)),
    });
    await scope.cradle.jobs.send(
      EXPORT_STEP_JOB,
      { workspaceId: job.workspaceId, requestId: job.requestId, step: job.step + 1 },
      { em: scope.cradle.em },
    );
    return;
  }
  const stored = await assemblePackage(scope, row, parts);
  const { token, hash } = newDownloadToken(secret);
  await saveToken(scope, hash, job.workspaceId, job.requestId, 'download');
  const now = scope.cradle.clock.now();
  const done = await transition(scope, row, 'completed', null, {
    set: {
      progress: 100,
      work: { sources: work.sources, parts: [] },
      export_key: stored.key,
      export_token_hash: hash,
      export_expires_at: new Date(now.getTime() + EXPORT_TTL_MS),
      result: { size: stored.size, sources: work.sources.length },
    },
  });
  await notifySubject(
    scope,
    done,
    'Your data export is ready',
    `Download it once, within 7 days: ${publicUrl(scope)}/api/p/privacy/downloads/${token}`,
  );
}

/** A service message to the subject's address on file. */
async function notifySubject(scope: Scope, row: Row, subject: string, extra = ''): Promise<void> {
  const full = await loadSubject(scope, row.workspace_id, {
    kind: row.subject_kind,
    id: row.subject_id,
  });
  const to = full.emails[0];
  if (!to) return;
  await sendNotice(scope, {
    to,
    subject,
    text: `${subject}.\n\nRequest ${row.id} (${row.type}).${extra ? `\n\n${extra}` : ''}`,
    kind: 'privacy_request_completed',
    workspaceId: row.workspace_id,
  });
}

/** For an erasure the subject's address is gone: the requester (or the managers) are told. */
async function notifyRequester(scope: Scope, row: Row, subject: string): Promise<void> {
  const requestedBy = row.requested_by as { kind: string; id: string } | null;
  let addresses: string[] = [];
  if (requestedBy?.kind === 'user' && requestedBy.id !== row.subject_id) {
    const [user] = await sqlOf(scope)(`select email from user_account where id = ?`, [
      requestedBy.id,
    ]);
    if (user) addresses = [String(user.email)];
  }
  if (addresses.length === 0) addresses = await managerAddresses(scope, row.workspace_id);
  for (const to of addresses) {
    await sendNotice(scope, {
      to,
      subject,
      text: `${subject}.\n\nRequest ${row.id} (erase), subject ${row.subject_ref}.`,
      kind: 'privacy_request_completed',
      workspaceId: row.workspace_id,
    });
  }
}
