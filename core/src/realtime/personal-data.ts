/**
 * Presence rows name a user and the ticket they look at, for at most the presence TTL. Export
 * lists the live rows; erasure deletes them (leaving a workspace deletes them too, by cascade).
 * Runs in the subject's workspace scope, like every personal-data handler.
 */
import type { PersonalDataHandlers } from '../kernel/contract.js';
import { sqlFor } from '../identity/db.js';

export const realtimePersonalData: PersonalDataHandlers = {
  entities: { TicketPresence: ['userId', 'ticketId', 'state', 'updatedAt'] },
  async export(subject, scope) {
    if (subject.kind !== 'user') return {};
    const rows = await sqlFor(scope.cradle.em)(
      `select ticket_id, state, updated_at, expires_at from ticket_presence
        where workspace_id = ? and user_id = ?`,
      [subject.workspaceId, subject.id],
    );
    return { ticketPresence: rows };
  },
  async erase(subject, scope) {
    if (subject.kind !== 'user') return { erased: 0 };
    const rows = await sqlFor(scope.cradle.em)(
      `delete from ticket_presence where workspace_id = ? and user_id = ? returning 1`,
      [subject.workspaceId, subject.id],
    );
    return { erased: rows.length };
  },
};
