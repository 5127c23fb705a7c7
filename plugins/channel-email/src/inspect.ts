/**
 * `novumdesk-email inspect <file.eml>` (and `inspectMessage()` for tests and tools): what the
 * plugin makes of a raw message, as JSON — headers, bodies (lengths), attachments, the
 * auto-reply verdict, the bounce verdict and the threading rule that would apply (found from the
 * message's own signed tokens, without a database).
 */
import { autoReplyVerdict } from './auto-reply.js';
import { classifyBounce } from './bounce.js';
import { parseMail, stripQuoted } from './parse.js';
import { Signer, splitAddress } from './signing.js';

export interface Inspection {
  headers: Record<string, string>;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: string | null;
  replyTo: string[];
  to: string[];
  cc: string[];
  subject: string;
  date: string | null;
  bodies: { text: number; textWithoutQuotes: number; html: number };
  attachments: {
    filename: string | null;
    contentType: string;
    size: number;
    contentId: string | null;
    inline: boolean;
  }[];
  parseError: string | null;
  autoReply: { automatic: boolean; reasons: string[]; loop: boolean };
  bounce: {
    bounce: boolean;
    status: string | null;
    reason: string | null;
    hard: boolean | null;
    complaint: boolean;
    delivered: boolean;
    recipients: { recipient: string | null; status: string; reason: string; hard: boolean }[];
  };
  threading: { rule: string | null; detail: string | null };
}

/** `secret`: the instance secret, to verify our signed tokens (without it, signed rules show as unverified). */
export async function inspectMessage(raw: Buffer, secret?: string): Promise<Inspection> {
  const mail = await parseMail(raw);
  const bounce = classifyBounce(mail, raw);
  const auto = autoReplyVerdict(mail);
  const signer = secret ? new Signer(secret) : null;
  const threading = ((): Inspection['threading'] => {
    const ours = (id: string | null) => (id && signer ? signer.parseMessageId(id) : null);
    if (mail.inReplyTo && (ours(mail.inReplyTo) || !signer)) {
      return { rule: 'in-reply-to', detail: mail.inReplyTo };
    }
    const ref = [...mail.references].reverse().find((r) => ours(r) || !signer);
    if (ref) return { rule: 'references', detail: ref };
    for (const a of [...mail.to, ...mail.cc]) {
      const tag = splitAddress(a.address)?.tag;
      if (tag && /^r[0-9a-f]{32}/.test(tag)) {
        const ok = signer ? signer.verify('r', tag) : null;
        if (!signer || (ok && ok !== 'invalid')) return { rule: 'reply-token', detail: a.address };
      }
    }
    const marker = /\[ref:(k[0-9a-z]{32,60})\]/i.exec(`${mail.text}\n${mail.html ?? ''}`);
    if (marker) return { rule: 'body-marker', detail: marker[0] };
    const tag = /\[#(\d{1,9})\]/.exec(mail.subject);
    if (tag)
      return {
        rule: 'subject-tag',
        detail: `${tag[0]} (only if the sender takes part in that ticket)`,
      };
    return { rule: null, detail: 'a new ticket' };
  })();
  return {
    headers: Object.fromEntries([...mail.headers].map(([k, v]) => [k, v.slice(0, 2000)])),
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    from: mail.from?.address ?? null,
    replyTo: mail.replyTo.map((a) => a.address),
    to: mail.to.map((a) => a.address),
    cc: mail.cc.map((a) => a.address),
    subject: mail.subject,
    date: mail.date?.toISOString() ?? null,
    bodies: {
      text: mail.text.length,
      textWithoutQuotes: stripQuoted(mail.text).length,
      html: mail.html?.length ?? 0,
    },
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      contentId: a.contentId,
      inline: a.inline,
    })),
    parseError: mail.parseError,
    autoReply: auto,
    bounce: {
      bounce: bounce.bounce,
      status: bounce.status,
      reason: bounce.reason,
      hard: bounce.hard,
      complaint: bounce.complaint,
      delivered: bounce.delivered,
      recipients: bounce.entries.map((e) => ({
        recipient: e.recipient,
        status: e.status,
        reason: e.reason,
        hard: e.hardBounce,
      })),
    },
    threading,
  };
}
