/**
 * Raw MIME → the normalized message the plugin works with. mailparser does the MIME work
 * (charsets, RFC 2047/2231, transfer encodings, inline parts); this adds fallbacks so that no
 * message, however malformed, fails to produce something to store.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

export interface MailAddress {
  address: string;
  name: string | null;
}

export interface MailAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
  contentId: string | null;
  inline: boolean;
}

export interface NormalizedMail {
  messageId: string | null;
  inReplyTo: string | null;
  /** Oldest first, as the header lists them. */
  references: string[];
  from: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  date: Date | null;
  text: string;
  html: string | null;
  attachments: MailAttachment[];
  /** Lower-cased header name → raw value(s) as text. */
  headers: Map<string, string>;
  contentType: string;
  /** The parser failed and this is a best-effort fallback. */
  parseError: string | null;
}

const HTML_PARSE_LIMIT = 2 * 1024 * 1024;
const MAX_ADDRESSES = 200;

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (out.length >= MAX_ADDRESSES) return;
      if (entry.group) walk(entry.group);
      else if (entry.address && entry.address.includes('@')) {
        out.push({ address: entry.address.trim().toLowerCase(), name: entry.name?.trim() || null });
      }
    }
  };
  for (const item of list) walk(item.value ?? []);
  return out;
}

const ids = (value: string | string[] | undefined): string[] => {
  const joined = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return joined.match(/<[^<>\s]+>/g) ?? (joined.trim() ? [joined.trim()] : []);
};

function headerText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (typeof value === 'object') {
    const v = value as { text?: string; value?: unknown; params?: Record<string, string> };
    if (typeof v.text === 'string') return v.text;
    if (typeof v.value === 'string') {
      const params = Object.entries(v.params ?? {})
        .map(([k, p]) => `; ${k}=${p}`)
        .join('');
      return v.value + params;
    }
  }
  return String(value);
}

/** SHA-256 of the raw bytes: the duplicate key of a message without a Message-ID. */
export const contentHash = (raw: Buffer): string => createHash('sha256').update(raw).digest('hex');

/** The unfolded header block of a raw message, without a full parse. */
function headerBlock(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const end2 = raw.indexOf('\n\n');
  const stop = Math.min(end < 0 ? raw.length : end, end2 < 0 ? raw.length : end2, 256 * 1024);
  return raw
    .subarray(0, stop)
    .toString('latin1')
    .replace(/\r?\n[ \t]+/g, ' ');
}

/**
 * The Message-ID header of a raw message, read from its header block without a full parse (the
 * SMTP listener needs it before acknowledging).
 */
export function quickMessageId(raw: Buffer): string | null {
  const match = /^message-id:\s*(<[^<>\s]+>)/im.exec(headerBlock(raw));
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * The duplicate key of a raw message: its Message-ID with a digest of From, Date and Subject (a
 * redelivery — by SMTP, IMAP or HTTP, with other Received lines — keeps all four; two different
 * messages that reuse a Message-ID do not), or the content hash without a Message-ID.
 */
export function dedupeKey(raw: Buffer): { key: string; messageId: string | null } {
  const messageId = quickMessageId(raw);
  if (!messageId) return { key: `sha256:${contentHash(raw)}`, messageId };
  const head = headerBlock(raw);
  const field = (name: string) =>
    new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  const digest = createHash('sha256')
    .update(`${field('from')}\n${field('date')}\n${field('subject')}`)
    .digest('hex')
    .slice(0, 16);
  return { key: `mid:${messageId}:${digest}`, messageId };
}

/** PostgreSQL text cannot hold NUL: drop it (and lone surrogates) from everything we keep. */
const clean = (value: string): string =>
  value
    .replaceAll('\u0000', '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

function cleaned(mail: NormalizedMail): NormalizedMail {
  const addr = (a: MailAddress): MailAddress => ({
    address: clean(a.address),
    name: a.name === null ? null : clean(a.name),
  });
  return {
    ...mail,
    messageId: mail.messageId && clean(mail.messageId),
    inReplyTo: mail.inReplyTo && clean(mail.inReplyTo),
    references: mail.references.map(clean),
    from: mail.from && addr(mail.from),
    replyTo: mail.replyTo.map(addr),
    to: mail.to.map(addr),
    cc: mail.cc.map(addr),
    subject: clean(mail.subject),
    text: clean(mail.text),
    html: mail.html && clean(mail.html),
    attachments: mail.attachments.map((a) => ({
      ...a,
      filename: a.filename && clean(a.filename),
      contentId: a.contentId && clean(a.contentId),
    })),
    headers: new Map([...mail.headers].map(([k, v]) => [clean(k), clean(v)])),
  };
}

export async function parseMail(raw: Buffer): Promise<NormalizedMail> {
  return cleaned(await parseRaw(raw));
}

async function parseRaw(raw: Buffer): Promise<NormalizedMail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipImageLinks: true,
      skipHtmlToText: false,
      maxHtmlLengthToParse: HTML_PARSE_LIMIT,
    });
  } catch (error) {
    return fallback(raw, error as Error);
  }
  const headers = new Map<string, string>();
  for (const [name, value] of parsed.headers) headers.set(name.toLowerCase(), headerText(value));
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? parsed.html : null;
  let text = parsed.text ?? '';
  if (!text.trim() && html) text = htmlToPlain(html);
  const references = ids(parsed.references);
  const messageId = parsed.messageId ? (ids(parsed.messageId)[0] ?? null) : null;
  const inReplyTo = parsed.inReplyTo ? (ids(parsed.inReplyTo)[0] ?? null) : null;
  const from = addresses(parsed.from)[0] ?? null;
  return {
    messageId: messageId?.toLowerCase() ?? null,
    inReplyTo: inReplyTo?.toLowerCase() ?? null,
    references: references.map((r) => r.toLowerCase()),
    from,
    replyTo: addresses(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim(),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    text,
    html,
    attachments: (parsed.attachments ?? []).map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size ?? a.content.length,
      content: a.content,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : (a.cid ?? null),
      inline: a.contentDisposition === 'inline' || Boolean(a.related),
    })),
    headers,
    contentType: headers.get('content-type') ?? 'text/plain',
    parseError: null,
  };
}

/** Headers by regex and the raw text as the body: something to show for any input. */
function fallback(raw: Buffer, error: Error): NormalizedMail {
  const source = raw.subarray(0, 2 * 1024 * 1024).toString('utf8');
  const split = source.search(/\r?\n\r?\n/);
  const head = (split < 0 ? source : source.slice(0, split)).replace(/\r?\n[ \t]+/g, ' ');
  const body = split < 0 ? '' : source.slice(split).trim();
  const header = (name: string) =>
    new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
  const fromRaw = header('from') ?? '';
  const fromAddress = /[^\s<>"]+@[^\s<>"]+/.exec(fromRaw)?.[0]?.toLowerCase() ?? null;
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return {
    messageId: quickMessageId(raw),
    inReplyTo: null,
    references: [],
    from: fromAddress ? { address: fromAddress, name: null } : null,
    replyTo: [],
    to: [],
    cc: [],
    subject: (header('subject') ?? '').slice(0, 500),
    date: null,
    text: body.slice(0, 256 * 1024),
    html: null,
    attachments: [],
    headers,
    contentType: header('content-type') ?? 'text/plain',
    parseError: `${error.name}: ${error.message}`.slice(0, 500),
  };
}

export function htmlToPlain(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The line our outbound mail puts above the quoted history. */
export const REPLY_ABOVE = '--- Reply above this line ---';

const QUOTE_HEADERS: RegExp[] = [
  /^-{2,}\s*Reply above this line\s*-{2,}/i,
  /^On .{4,300}wrote:\s*$/i,
  /^Am .{4,300}schrieb .{1,200}:\s*$/i,
  /^Le .{4,300}a écrit\s*:\s*$/i,
  /^El .{4,300}escribió:\s*$/i,
  /^-{3,}\s*Original Message\s*-{3,}/i,
  /^-{3,}\s*Ursprüngliche Nachricht\s*-{3,}/i,
  /^_{10,}\s*$/,
  /^From:\s.+\n(Sent|Date):\s/im,
];

/**
 * The new part of a reply, for display: cut at the first quote introduction ("On … wrote:",
 * "-----Original Message-----", our own marker line) or at a trailing block of `>` lines. The
 * full original is kept with the raw message.
 */
export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const two = `${line}\n${lines[i + 1] ?? ''}`;
    if (QUOTE_HEADERS.some((re) => re.test(line) || (re.flags.includes('m') && re.test(two)))) {
      // "On Mon, … <a@b>\nwrote:" split over two lines.
      cut = i;
      break;
    }
    if (/^On .{4,300}$/i.test(line) && /^.{0,200}wrote:\s*$/i.test(lines[i + 1] ?? '')) {
      cut = i;
      break;
    }
  }
  let kept = lines.slice(0, cut);
  // A trailing block of quoted lines (bottom-quoting clients).
  let end = kept.length;
  while (end > 0 && (/^\s*>/.test(kept[end - 1]!) || kept[end - 1]!.trim() === '')) end--;
  if (end < kept.length && kept.slice(end).some((l) => /^\s*>/.test(l))) kept = kept.slice(0, end);
  const result = kept.join('\n').trim();
  return result || text.trim();
}
