/**
 * Personal data this plugin stores: received mail (raw source, by identified sender), sent mail
 * (by recipient) and per-address bounce records. Export lists them; erasure deletes them (the
 * ticket messages themselves are the core's and are erased by it).
 */
import {
  withWorkspace,
  type PersonalDataHandlers,
  type PersonalDataSubject,
} from '@novumdesk/core';
import { sqlOf, textArray } from './db.js';

const emails = (s: PersonalDataSubject) => textArray(s.emails.map((e) => e.toLowerCase()));

export const emailPersonalData: PersonalDataHandlers = {
  entities: {
    ChannelEmailInbound: ['raw'],
    ChannelEmailOutbound: ['raw', 'recipients', 'subject'],
    ChannelEmailAddress: ['address'],
  },
  async export(subject, scope) {
    if (subject.emails.length === 0) return {};
    return withWorkspace(scope.cradle.em, subject.workspaceId, async (tx) => {
      const sql = sqlOf(tx);
      const list = emails(subject);
      const inbound = await sql(
        `select id, rfc_message_id, received_at, encode(raw, 'escape') as source from channel_email_inbound
          where workspace_id = ? and outcome->>'sender' = any(?::text[]) order by id`,
        [subject.workspaceId, list],
      );
      const outbound = await sql(
        `select id, rfc_message_id, subject, status, created_at from channel_email_outbound
          where workspace_id = ? and recipients && ?::text[] order by id`,
        [subject.workspaceId, list],
      );
      const addresses = await sql(
        `select address, hard_bounces, soft_bounces, complaints, undeliverable_at, suppressed_at
           from channel_email_address where workspace_id = ? and address = any(?::text[])`,
        [subject.workspaceId, list],
      );
      return { receivedMail: inbound, sentMail: outbound, addresses };
    });
  },
  async erase(subject, scope) {
    if (subject.emails.length === 0) return { erased: 0 };
    return withWorkspace(scope.cradle.em, subject.workspaceId, async (tx) => {
      const sql = sqlOf(tx);
      const list = emails(subject);
      const a = await sql(
        `delete from channel_email_inbound where workspace_id = ? and outcome->>'sender' = any(?::text[]) returning id`,
        [subject.workspaceId, list],
      );
      const b = await sql(
        `delete from channel_email_outbound where workspace_id = ? and recipients && ?::text[] returning id`,
        [subject.workspaceId, list],
      );
      const c = await sql(
        `delete from channel_email_address where workspace_id = ? and address = any(?::text[]) returning address`,
        [subject.workspaceId, list],
      );
      return { erased: a.length + b.length + c.length };
    });
  },
};
