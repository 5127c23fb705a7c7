/**
 * Privacy by contract (ARCHITECTURE §7): which fields of which entities hold personal data, and
 * how to export and erase a data subject's rows. The kernel refuses to load a plugin that has
 * entities but declares neither `personalData` nor `noPersonalData: true`. The privacy plugin
 * (planned) will call these handlers of every plugin for each data-subject request.
 */
import {
  withWorkspace,
  type PersonalDataHandlers,
  type PersonalDataSubject,
} from '@novumdesk/core';
import { HelloGreetingSchema } from './greeting.entity.js';

const emailsOf = (subject: PersonalDataSubject) =>
  subject.emails.map((email) => email.toLowerCase());

/**
 * Both handlers work in the subject's workspace, whatever scope they are called from:
 * `withWorkspace` opens that workspace's transaction (nested, if the caller already has one), so
 * the entity's workspace filter and row-level security select exactly the subject's rows.
 */
export const helloPersonalData: PersonalDataHandlers = {
  entities: { HelloGreeting: ['visitorName', 'visitorEmail'] },

  async export(subject, scope) {
    if (subject.emails.length === 0) return { HelloGreeting: [] };
    const greetings = await withWorkspace(scope.cradle.em, subject.workspaceId, (tx) =>
      tx.find(
        HelloGreetingSchema,
        { visitorEmail: { $in: emailsOf(subject) } },
        { orderBy: { createdAt: 'asc' } },
      ),
    );
    return {
      HelloGreeting: greetings.map((greeting) => ({
        id: greeting.id,
        visitorName: greeting.visitorName,
        visitorEmail: greeting.visitorEmail,
        createdAt: greeting.createdAt.toISOString(),
      })),
    };
  },

  async erase(subject, scope) {
    if (subject.emails.length === 0) return { erased: 0 };
    // A greeting is nothing but personal data: delete the row rather than blank its fields.
    const erased = await withWorkspace(scope.cradle.em, subject.workspaceId, (tx) =>
      tx.nativeDelete(HelloGreetingSchema, { visitorEmail: { $in: emailsOf(subject) } }),
    );
    return { erased };
  },
};
