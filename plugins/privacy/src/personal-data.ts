/**
 * The privacy plugin's own records about a subject. Export: their requests, restriction,
 * objections and consent ledger. Erasure keeps them: the register and the ledger hold ids and
 * keyed hashes only, and are the proof that consent was given and requests were handled
 * (GDPR Art. 5(2), 7(1)); closed requests go after 12 months by retention.
 */
import type { PersonalDataHandlers } from '@novumdesk/core';
import { iso, sqlOf } from './db.js';

export const privacyPersonalData: PersonalDataHandlers = {
  entities: {},
  async export(subject, scope) {
    const sql = sqlOf(scope);
    const args = [subject.workspaceId, subject.kind, subject.id];
    const match = `workspace_id = ? and subject_kind = ? and subject_id = ?`;
    const requests = await sql(
      `select id, type, state, received_at, due_at, completed_at from privacy_request where ${match} order by received_at, id`,
      args,
    );
    const consents = await sql(
      `select id, kind, purpose, version, categories, granted, source, occurred_at from privacy_consent where ${match} order by occurred_at, id`,
      args,
    );
    const objections = await sql(
      `select purpose, created_at from privacy_objection where ${match}`,
      args,
    );
    const restricted = await sql(`select created_at from privacy_restriction where ${match}`, args);
    return {
      requests: requests.map((r) => ({
        id: r.id,
        type: r.type,
        state: r.state,
        receivedAt: iso(r.received_at),
        dueAt: iso(r.due_at),
        completedAt: iso(r.completed_at),
      })),
      consents: consents.map((c) => ({
        id: c.id,
        kind: c.kind,
        purpose: c.purpose,
        version: c.version,
        categories: c.categories,
        granted: c.granted,
        source: c.source,
        occurredAt: iso(c.occurred_at),
      })),
      objections: objections.map((o) => ({ purpose: o.purpose, since: iso(o.created_at) })),
      restrictedSince: restricted[0] ? iso(restricted[0].created_at) : null,
    };
  },
  erase() {
    return Promise.resolve({
      erased: 0,
      kept: ['request register and consent ledger (ids only; proof of compliance)'],
    });
  },
};
