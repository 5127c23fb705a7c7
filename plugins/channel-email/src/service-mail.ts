/**
 * Service messages (verification, invitations, password reset, notices) through the email
 * plugin: plugged into the core's Mailer (`mailer.use(...)`). Templates render each message
 * (text + HTML) before it is stored; the `channel-email.service` job sends the stored row through
 * the relay, or marks it `captured` when there is none.
 *
 * Templates: built-in defaults wrap the core's text; operators override per kind (or `default`)
 * with `templates: { invitation: { subject, text, html } }` or files in `templatesDir`
 * (`<kind>.subject.txt`, `<kind>.txt`, `<kind>.html`). Placeholders: `{{subject}}`, `{{text}}`,
 * `{{html}}` (the text as HTML paragraphs), `{{to}}`, `{{kind}}`, `{{productName}}`; values are
 * HTML-escaped in `.html` templates (`{{html}}` is already HTML).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DatabaseMailer, MailerMessage, RequestCradle } from '@novumdesk/core';
import type { AwilixContainer } from 'awilix';
import { sqlOf } from './db.js';
import type { MailTemplate } from './options.js';
import type { EmailRuntime } from './runtime.js';

export const SERVICE_JOB = 'channel-email.service';

type Transport = Parameters<DatabaseMailer['use']>[0];

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const DEFAULT_HTML = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#222">
<div style="max-width:560px;margin:0 auto;padding:24px">
<h2 style="font-weight:600">{{subject}}</h2>
{{html}}
<p style="color:#888;font-size:12px">{{productName}}</p>
</div></body></html>`;

function fill(template: string, values: Record<string, string>, html: boolean): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) return whole;
    return html && key !== 'html' ? escapeHtml(value) : value;
  });
}

export function templateFor(rt: EmailRuntime, kind: string): MailTemplate {
  const fromOptions = rt.options.templates[kind] ?? rt.options.templates.default ?? {};
  const dir = rt.options.templatesDir;
  if (!dir) return fromOptions;
  const read = (name: string) => {
    for (const k of [kind, 'default']) {
      const file = path.join(dir, `${k}.${name}`);
      if (existsSync(file)) return readFileSync(file, 'utf8');
    }
    return undefined;
  };
  return {
    ...fromOptions,
    ...(read('subject.txt') !== undefined ? { subject: read('subject.txt')!.trim() } : {}),
    ...(read('txt') !== undefined ? { text: read('txt') } : {}),
    ...(read('html') !== undefined ? { html: read('html') } : {}),
  };
}

export function renderServiceMessage(rt: EmailRuntime, message: MailerMessage): MailerMessage {
  const template = templateFor(rt, message.kind);
  const paragraphs = message.text
    .split(/\n{2,}/)
    .map(
      (p) =>
        `<p>${escapeHtml(p)
          .replace(/\n/g, '<br>')
          .replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</p>`,
    )
    .join('\n');
  const values = {
    subject: message.subject,
    text: message.text,
    html: message.html ?? paragraphs,
    to: message.to,
    kind: message.kind,
    productName: rt.options.productName,
  };
  const subject = template.subject ? fill(template.subject, values, false) : message.subject;
  const withSubject = { ...values, subject };
  return {
    ...message,
    subject,
    text: template.text ? fill(template.text, withSubject, false) : message.text,
    html: fill(template.html ?? DEFAULT_HTML, withSubject, true),
  };
}

export function serviceTransport(rt: EmailRuntime): Transport {
  return {
    name: 'channel-email',
    render: (message) => renderServiceMessage(rt, message),
    async enqueue(mail, options) {
      await rt.cradle.jobs.send(
        SERVICE_JOB,
        { mailId: mail.id },
        options.em ? { em: options.em } : {},
      );
    },
  };
}

/** The `channel-email.service` job (no workspace: `mail_message` is a global table). */
export async function sendServiceMail(
  rt: EmailRuntime,
  data: { mailId: string },
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const sql = sqlOf(scope.cradle.em.fork());
  const [row] = await sql(`select * from mail_message where id = ?`, [data.mailId]);
  if (!row || row.status !== 'queued') return;
  const relay = rt.relayTransport();
  if (!relay) {
    await sql(`update mail_message set status = 'captured' where id = ?`, [data.mailId]);
    return;
  }
  const composer = new MailComposer({
    from: { name: rt.options.productName, address: rt.options.supportAddress },
    to: row.to_address,
    subject: row.subject,
    text: row.text,
    ...(row.html ? { html: row.html } : {}),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  });
  const raw = await composer.compile().build();
  try {
    await relay.sendMail({
      envelope: { from: rt.options.supportAddress, to: [row.to_address] },
      raw,
    });
    await sql(`update mail_message set status = 'sent' where id = ?`, [data.mailId]);
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode ?? 0;
    if (code >= 500) {
      await sql(`update mail_message set status = 'failed' where id = ?`, [data.mailId]);
      return;
    }
    throw error; // temporary: the job queue retries with backoff
  }
}
