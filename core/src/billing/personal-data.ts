/**
 * The billing contact is personal data (a person's name and address, their email, a VAT id that
 * may be a sole trader's). A data subject whose address is the contact's gets it in an export;
 * erasure deletes the row (the workspace can enter another contact). Subscriptions hold no
 * personal data: processor ids, plan, seats and dates.
 */
import type { PersonalDataHandlers } from '../kernel/contract.js';
import { withWorkspace } from '../tenancy/index.js';
import { sqlFor } from '../identity/db.js';
import { contactView } from './store.js';

const lower = (emails: readonly string[]) => emails.map((e) => e.toLowerCase());

export const billingPersonalData: PersonalDataHandlers = {
  entities: {
    BillingContact: [
      'name',
      'email',
      'addressLine1',
      'addressLine2',
      'postalCode',
      'city',
      'region',
      'country',
      'vatId',
    ],
  },
  async export(subject, scope) {
    const rows = await withWorkspace(scope.cradle.em, subject.workspaceId, (tx) =>
      sqlFor(tx)(
        'select * from billing_contact where workspace_id = ? and lower(email) = any (?::text[])',
        [
          subject.workspaceId,
          `{${lower(subject.emails)
            .map((e) => `"${e.replace(/["\\]/g, '')}"`)
            .join(',')}}`,
        ],
      ),
    );
    return { BillingContact: rows.map(contactView) };
  },
  async erase(subject, scope) {
    const rows = await withWorkspace(scope.cradle.em, subject.workspaceId, (tx) =>
      sqlFor(tx)(
        'delete from billing_contact where workspace_id = ? and lower(email) = any (?::text[]) returning id',
        [
          subject.workspaceId,
          `{${lower(subject.emails)
            .map((e) => `"${e.replace(/["\\]/g, '')}"`)
            .join(',')}}`,
        ],
      ),
    );
    return { erased: rows.length };
  },
};
