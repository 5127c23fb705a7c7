/**
 * Bounce and complaint recognition: RFC 3464 delivery reports (`multipart/report;
 * report-type=delivery-status`), RFC 5965 feedback reports (ARF), and the common non-standard
 * formats (Postfix, Exim, qmail, Sendmail, Exchange, Gmail, SES, …) recognized by sender,
 * subject and body. Each failed recipient gets a status code, an SMTP reply code, a reason in
 * the vocabulary of sisimai (`userunknown`, `mailboxfull`, `filtered`, `expired`, …) and
 * whether it is hard (the address is permanently bad: `userunknown`, `hostunknown`,
 * `hasmoved`, `notaccept`).
 */
import type { NormalizedMail } from './parse.js';

export interface BounceEntry {
  recipient: string | null;
  /** `delivered`, `failed`, `delayed`, … (RFC 3464 Action), when known. */
  action: string | null;
  status: string;
  replyCode: string;
  reason: string;
  hardBounce: boolean;
  diagnostic: string;
}

export interface BounceVerdict {
  /** A delivery failure or delay report. */
  bounce: boolean;
  /** A DSN reporting successful delivery. */
  delivered: boolean;
  /** An abuse / feedback report (ARF). */
  complaint: boolean;
  feedbackType: string | null;
  entries: BounceEntry[];
  /** The Message-ID of the original message, when the report quotes its headers. */
  originalMessageId: string | null;
  /** `dsn`, `arf` or `heuristic`. */
  format: 'dsn' | 'arf' | 'heuristic' | null;
  /** First entry's summary, for `novumdesk email inspect`. */
  status: string | null;
  reason: string | null;
  hard: boolean | null;
}

const HARD = new Set(['userunknown', 'hostunknown', 'hasmoved', 'notaccept']);

const NONE: BounceVerdict = {
  bounce: false,
  delivered: false,
  complaint: false,
  feedbackType: null,
  entries: [],
  originalMessageId: null,
  format: null,
  status: null,
  reason: null,
  hard: null,
};

/** Reason patterns, most specific first; matched against diagnostic text (lower-cased). */
const REASONS: [string, RegExp][] = [
  [
    'rejected',
    /domain of sender|sender (address )?(rejected|denied|refused|verify failed)|sender verification|bad sender|invalid sender|5\.1\.[78]\b/,
  ],
  [
    'blocked',
    /client host .{0,80}rejected|black ?list|block ?list|spamhaus|\bdnsbl\b|\brbl\b|ip address (is )?(blocked|blacklisted|listed)|invalid ip for sending|connection blocked/,
  ],
  ['virusdetected', /virus|malware|infected|dangerous content/],
  [
    'securityerror',
    /authentication required|authrequired|\b(tls|starttls|encryption) (is )?required|must issue a starttls|certificate (verify|verification)|secure connection required/,
  ],
  [
    'notcompliantrfc',
    /rfc ?(5322|2822)\b(?!;)|not (rfc|standards?)[- ]complian|multiple (from|to|subject|message-id|date) (headers|lines)|messages with multiple addresses/,
  ],
  [
    'authfailure',
    /\bspf\b|\bdkim\b|\bdmarc\b|sender policy framework|unauthenticated (email|mail|sender)|authentication (check )?fail|not pass (authentication|spf|dkim)|5\.7\.(23|25|26|27)\b/,
  ],
  [
    'requireptr',
    /\bptr\b|reverse (dns|lookup|hostname)|\brdns\b|no reverse|reverse dns|not have a reverse|hostname (lookup|does not resolve)|cannot find your hostname|client host .* (unknown|not found)|unresolvable (hostname|client)/,
  ],
  ['badreputation', /reputation/],
  [
    'toomanyconn',
    /too many (connections|concurrent|simultaneous|sessions)|connection (rate )?limit|too many smtp sessions/,
  ],
  [
    'norelaying',
    /relay(ing)? (denied|not (permitted|allowed)|access denied|prohibited)|not permitted to relay|unable to relay|we do not relay|relay not permitted|not allowed to relay|no relaying/,
  ],
  [
    'spamdetected',
    /\bspam|junk mail|\bu\.?c\.?e\b|unsolicited|bulk mail|considered (as )?spam|looks like spam|spam score|content (was )?rejected as spam/,
  ],
  [
    'hasmoved',
    /has moved|moved to|no longer (valid|at this address|with us|in use)|address (has )?changed|5\.1\.6\b/,
  ],
  [
    'notaccept',
    /does not accept (e-?)?mail|doesn'?t accept mail|null mx|nullmx|accepts no mail|not accepting (any )?mail|5\.1\.10\b|domain does not receive mail/,
  ],
  [
    'mesgtoobig',
    /message (size |is )?(too (big|large)|exceeds)|size (limit|exceeds|exceeded)|exceeds? (the )?(maximum|size|message size)|message length exceeds|too large|5\.3\.4\b|5\.2\.3\b/,
  ],
  [
    'suspend',
    /suspended|deactivated|account (has been |is )?(disabled|locked|inactive|frozen|expired|closed)|mailbox (is )?(disabled|inactive|suspended)|is (currently )?inactive|not active|temporarily disabled|account closed/,
  ],
  [
    'mailboxfull',
    /mailbox (is )?full|over ?quota|quota (exceeded|full|reached)|exceeded (storage|the quota|quota)|insufficient (disk |storage )?space|(mailbox|storage) size limit|user is over|disk quota|out of (disk |storage )?space|mailbox (has )?exceeded|full mailbox|no space left|mail ?box full|too much mail|storage allocation|5\.2\.2\b|4\.2\.2\b/,
  ],
  [
    'userunknown',
    /recipient address rejected: access denied|: recipient address rejected\.?\s*$|doesn'?t have an? .{0,40}account/m,
  ],
  ['notaccept', /system not accepting network messages|not accepting network messages/],
  ['networkerror', /name service error[\s\S]{0,80}try again|host not found, try again/],
  [
    'hostunknown',
    /host (or domain name )?not found|unknown host|host unknown|domain (does not exist|not found|name not found|unknown|lookup failed)|no such domain|name or service not known|unrouteable address|unroutable address|unrouteable (mail )?domain|\bno mx\b|mx (record )?(not found|lookup)|nxdomain|unresolvable (domain|address)|name service error|illegal host\/domain|domain (is )?invalid|host \S+ not found|unknown domain|domain.* has no (dns|mx)|5\.1\.2\b|5\.4\.4\b/,
  ],
  [
    'userunknown',
    /user unknown|unknown user|no such (user|person|mailbox|recipient|account|address)|(mailbox|user|recipient|address|account)( name)? (is )?(not found|unknown|unavailable|does(n'?t| not) exist|not exist|invalid)|does(n'?t| not) (exist|have an? (account|mailbox))|invalid (recipient|mailbox|user|address)|unknown (recipient|address|local[- ]part|mailbox)|not a valid (mailbox|recipient|user|address)|no mailbox|bad destination|undeliverable address|address unknown|no (valid )?recipients|user (doesn'?t|does not) exist|not our customer|unknown or illegal alias|mailbox not available|account that you tried to reach|user not found|addressee unknown|invalid address|nonexistent|non-existent|no account by that name|not listed in|recipient not|5\.1\.1\b|5\.1\.0\b|5\.1\.3\b/,
  ],
  [
    'expired',
    /expired|retry time(out)? (not reached|exceeded)|too long in (the )?queue|could not be delivered for|giving up|delivery time|has been delayed|been delayed|delayed for|time ?out|timed out|4\.4\.7\b|5\.4\.7\b|unable to deliver .* for|undeliverable for|was not delivered within/,
  ],
  [
    'networkerror',
    /network (is )?unreachable|connection (refused|reset|lost|dropped)|lost connection|routing loop|mail loop|too many hops|hop count|loops back to myself|no route to host|could not connect|unable to connect|connect to .* failed|4\.4\.[1-6]\b|5\.4\.6\b/,
  ],
  [
    'blocked',
    /blocked|block ?list|black ?list|listed (in|on|at)|spamhaus|\brbl\b|\bdnsbl\b|poor reputation|client host .*rejected|access denied|not allowed to send|refused to talk|connection (was )?rejected|ip .* (is )?(not allowed|rejected|listed)|your ip|bad ip|banned|denied by policy/,
  ],
  [
    'exceedlimit',
    /exceed(ed|s)? (the |a |your )?(limit|rate|sending)|rate limit|too many (recipients|messages)|sending limit|5\.2\.3\b/,
  ],
  [
    'filtered',
    /filtered|content filter|refused by (the )?recipient|rejected by (the )?(user|recipient)|blocked by (the )?(user|recipient)|recipient (has )?(refused|rejected|blocked)|user.* (reject|refuse)|due to (a )?(filter|user'?s? (settings|preferences))|not authorized to (send|receive)|rejected by user|5\.0\.910/,
  ],
  ['policyviolation', /policy|prohibited|not allowed|violat|restricted|forbidden/],
  [
    'rejected',
    /sender (address )?(rejected|denied|refused|blocked|verify failed)|domain of sender|sender verification|mail from .* (rejected|refused)|envelope sender|return ?path|rejected: sender|bad sender|invalid sender|sender domain|5\.1\.[78]\b|5\.7\.1\b/,
  ],
  [
    'contenterror',
    /content (error|rejected|problem|not accepted)|mime (error|syntax|structure)|headers? (error|too (large|long|many)|syntax)|duplicate header|illegal (header|character)|invalid (header|mime|character)|bare (lf|cr)|8-?bit (data|characters) not/,
  ],
  [
    'syntaxerror',
    /syntax error|command unrecognized|command not (recognized|implemented)|5\.5\.[0-4]\b/,
  ],
  [
    'mailererror',
    /mailer error|command (died|failed)|pipe to|procmail|program (exited|died)|exit (code|status)|unknown mailer|mailer.* fail/,
  ],
  [
    'systemerror',
    /system error|internal (server )?error|temporary (local )?(problem|failure)|local error|server error|configuration error|system (not|is not) (accepting|available)|\bi\/o error|5\.3\.0\b|4\.3\.0\b|5\.3\.5\b|4\.3\.5\b/,
  ],
];

/** Reasons by DSN status code, when the text says nothing more specific. */
const BY_STATUS: [RegExp, string][] = [
  [/^5\.1\.(1|0|3|4|9)$/, 'userunknown'],
  [/^[45]\.1\.2$/, 'hostunknown'],
  [/^5\.1\.6$/, 'hasmoved'],
  [/^5\.1\.10$/, 'notaccept'],
  [/^[45]\.1\.[78]$/, 'rejected'],
  [/^[45]\.2\.1$/, 'suspend'],
  [/^[45]\.2\.2$/, 'mailboxfull'],
  [/^[45]\.2\.3$/, 'mesgtoobig'],
  [/^[45]\.2\.4$/, 'exceedlimit'],
  [/^[45]\.3\.4$/, 'mesgtoobig'],
  [/^[45]\.3\.[0-9]$/, 'systemerror'],
  [/^[45]\.4\.7$/, 'expired'],
  [/^[45]\.4\.[0-6]$/, 'networkerror'],
  [/^[45]\.5\.\d$/, 'syntaxerror'],
  [/^[45]\.6\.\d$/, 'contenterror'],
  [/^[45]\.7\.(23|25|26|27)$/, 'authfailure'],
  [/^[45]\.7\.1$/, 'rejected'],
  [/^[45]\.7\.\d+$/, 'securityerror'],
];

const BOUNCE_SENDER =
  /^(mailer-daemon|post_?master|mail-?daemon|mail[-_]?delivery[-_]?(subsystem|system)?|maildelivery|mdaemon|bounces?|mailerdaemon|daemon|root|mmdf|smtp|microsoftexchange[0-9a-f]+|postoffice|notifications?)@/i;

const BOUNCE_SUBJECT =
  /undeliver|delivery status notification|returned mail|return(ed)? to sender|failure notice|delivery (has )?fail|mail delivery fail|non[- ]?delivery|could not be delivered|not delivered|delivery notification|mail system error|delivery problem|warning: could not send|delayed mail|delivery delayed|message delayed|mail could not be|undelivered|nicht zustellbar|delivery report|unzustellbar|permanent (error|failure)|rejected|bounced?|\bndr\b|error sending|mail failure|failed delivery|delivery error|message not delivered|unable to deliver|send failure|sending failed|fail(ed|ure)[: ]|could not send|returned|notification/i;

/** Subjects that are bounces whatever the body says. */
const STRONG_SUBJECT =
  /undeliver(able|ed) mail|mail delivery (failed|failure|subsystem)|delivery status notification \((failure|delay)\)|returned mail|failure notice|non[- ]?delivery report|could not be delivered|delivery (has )?failed|message (not|wasn't|was not) delivered|mail system error|nicht zustellbar|unzustellbar/i;

const STATUS_RE = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
const REPLY_RE = /\b([45][0-9]{2})[ -]/;
const ADDRESS_RE = /[a-z0-9._%+'=/-]+@[a-z0-9.-]+\.[a-z]{2,}/i;

function reasonOf(text: string, status: string): string {
  const lower = text.toLowerCase();
  for (const [reason, re] of REASONS) if (re.test(lower)) return reason;
  for (const [re, reason] of BY_STATUS) if (re.test(status)) return reason;
  if (/^4\./.test(status)) return 'expired';
  return 'undefined';
}

/** Fields of a `message/delivery-status` body, split into per-message and per-recipient blocks. */
function dsnBlocks(body: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  for (const chunk of body.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const unfolded = chunk.replace(/\n[ \t]+/g, ' ');
    const fields = new Map<string, string>();
    for (const line of unfolded.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
      if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    if (fields.size > 0) blocks.push(fields);
  }
  return blocks;
}

const cleanAddress = (value: string | undefined | null): string | null => {
  if (!value) return null;
  const v = value.replace(/^rfc822;\s*/i, '').replace(/^[a-z0-9-]+;\s*/i, '');
  return ADDRESS_RE.exec(v)?.[0]?.toLowerCase() ?? null;
};

/**
 * An unknown-user answer given after the message data (not at RCPT TO), or with a status that is
 * not an addressing one, is the recipient's filter, not a bad address (sisimai's `filtered`).
 */
function refine(reason: string, status: string, text: string): string {
  if (reason !== 'userunknown') return reason;
  const lower = text.toLowerCase();
  if (/in reply to rcpt to|rcpt to command|after rcpt to/.test(lower)) return reason;
  if (/in reply to end of data|after end of data/.test(lower)) return 'filtered';
  // "550 : User unknown": the address withheld, as filters answer.
  if (/[45]\d\d:? : user unknown/.test(lower)) return 'filtered';
  if (/^5\.(2|3|6)\./.test(status)) return 'filtered';
  return reason;
}

function entry(
  recipient: string | null,
  action: string | null,
  status: string,
  diagnostic: string,
  context: string,
): BounceEntry {
  const replyCode = REPLY_RE.exec(diagnostic)?.[1] ?? REPLY_RE.exec(context)?.[1] ?? '';
  const delivered =
    action === 'delivered' || action === 'relayed' || action === 'expanded' || /^2\./.test(status);
  let reason = delivered ? 'delivered' : reasonOf(diagnostic || context, status);
  if (!delivered && replyCode === '551' && ['userunknown', 'undefined'].includes(reason)) {
    reason = 'hasmoved';
  }
  // A temporary failure never condemns an address.
  const temporary = /^4\./.test(status) || (!status && /^4/.test(replyCode));
  if (temporary && reason === 'hostunknown') reason = 'networkerror';
  if (!delivered && replyCode === '521' && reason === 'systemerror') reason = 'notaccept';
  if (reason === 'undefined' && diagnostic) reason = reasonOf(context, status);
  if (!delivered) reason = refine(reason, status, `${diagnostic}\n${context}`);
  const fallback = reason;
  return {
    recipient,
    action,
    status,
    replyCode,
    reason: fallback,
    hardBounce: HARD.has(fallback) && !temporary,
    diagnostic: diagnostic.slice(0, 500),
  };
}

function originalMessageId(parts: string[]): string | null {
  for (const part of parts) {
    const m = /^message-id:\s*(<[^<>\s]+>)/im.exec(part.replace(/\r?\n[ \t]+/g, ' '));
    if (m) return m[1]!.toLowerCase();
  }
  return null;
}

/** Text of the non-body parts mailparser hands over as attachments (reports, quoted headers). */
function reportParts(mail: NormalizedMail, types: RegExp): string[] {
  return mail.attachments
    .filter((a) => types.test(a.contentType) && a.content.length < 2 * 1024 * 1024)
    .map((a) => a.content.toString('utf8'));
}

export function classifyBounce(mail: NormalizedMail, raw?: Buffer): BounceVerdict {
  const contentType = mail.contentType.toLowerCase();
  const reportType = /report-type="?([a-z-]+)"?/i.exec(contentType)?.[1]?.toLowerCase() ?? null;
  const quoted = reportParts(mail, /message\/rfc822|text\/rfc822-headers|message\/rfc822-headers/i);
  const source = raw ? raw.subarray(0, 512 * 1024).toString('utf8') : '';
  // The quoted original's Message-ID: from its part, else from the source after the report's
  // own header block (the parser inlines message/rfc822 parts).
  const body = source.slice(Math.max(0, source.search(/\r?\n\r?\n/)));
  const original =
    originalMessageId(quoted) ?? originalMessageId([mail.text]) ?? originalMessageId([body]);
  const feedback = reportParts(mail, /message\/feedback-report/i);
  const sourceFeedback = /^feedback-type:/im.test(body) && /^user-agent:|^version:/im.test(body);
  const hotmail =
    /staff@hotmail\.com/i.test(mail.from?.address ?? '') ||
    /^complaint about message from/i.test(mail.subject);
  const optOut =
    /^unsubscribe$/i.test(mail.subject) && mail.to.some((a) => /^opt-?out/i.test(a.address));
  if (
    reportType === 'feedback-report' ||
    feedback.length > 0 ||
    sourceFeedback ||
    hotmail ||
    optOut
  ) {
    const fields =
      dsnBlocks(feedback.length ? feedback.join('\n\n') : sourceFeedback ? body : '').find((f) =>
        f.has('feedback-type'),
      ) ?? new Map<string, string>();
    const recipient = cleanAddress(fields.get('original-rcpt-to')) ?? null;
    return {
      ...NONE,
      complaint: true,
      feedbackType: (fields.get('feedback-type') ?? (optOut ? 'opt-out' : 'abuse')).toLowerCase(),
      originalMessageId: original,
      format: 'arf',
      entries: [
        {
          recipient,
          action: null,
          status: '',
          replyCode: '',
          reason: 'feedback',
          hardBounce: false,
          diagnostic: '',
        },
      ],
      reason: 'feedback',
      hard: false,
    };
  }
  let dsnParts = reportParts(mail, /message\/(global-)?delivery-status/i);
  // Reports the MIME parser could not take apart (a broken boundary, say): read the source.
  if (
    dsnParts.length === 0 &&
    /^(final|original)-recipient:/im.test(source) &&
    /^action:/im.test(source)
  ) {
    dsnParts = [source];
  }
  const bodyText = mail.text.trim() ? mail.text : source.slice(source.search(/\r?\n\r?\n/) + 1);
  const entries: BounceEntry[] = [];
  let format: BounceVerdict['format'] = null;
  const context = `${mail.subject}\n${bodyText}`.slice(0, 64 * 1024);
  if (dsnParts.length > 0) {
    format = 'dsn';
    for (const block of dsnBlocks(dsnParts.join('\n\n'))) {
      const recipient =
        cleanAddress(block.get('final-recipient')) ?? cleanAddress(block.get('original-recipient'));
      const action = block.get('action')?.toLowerCase() ?? null;
      if (!recipient && !action) continue;
      const diagnostic = block.get('diagnostic-code')?.replace(/^[a-z-]+;\s*/i, '') ?? '';
      const status =
        STATUS_RE.exec(block.get('status') ?? '')?.[0] ?? STATUS_RE.exec(diagnostic)?.[0] ?? '';
      entries.push(entry(recipient, action, status, diagnostic, context));
    }
  }
  const from = mail.from?.address ?? '';
  const fromHeader = (mail.headers.get('from') ?? '').toLowerCase();
  const looksLikeBounce =
    reportType === 'delivery-status' ||
    mail.headers.has('x-failed-recipients') ||
    BOUNCE_SENDER.test(from) ||
    /mailer-daemon|post_?master@|mail delivery (system|subsystem)/.test(fromHeader) ||
    (BOUNCE_SUBJECT.test(mail.subject) && (STATUS_RE.test(context) || /\b5\d\d\b/.test(context))) ||
    (STRONG_SUBJECT.test(mail.subject) && !/^(re|aw|fwd?):/i.test(mail.subject));
  if (entries.length === 0 && looksLikeBounce) {
    format = 'heuristic';
    const failed = (mail.headers.get('x-failed-recipients') ?? '')
      .split(/[,\s]+/)
      .map((a) => cleanAddress(a))
      .filter((a): a is string => a !== null);
    const body = bodyText.slice(0, 64 * 1024);
    const recipients = failed.length > 0 ? failed : heuristicRecipients(body, from);
    const diagnostic = diagnosticLines(body);
    const status = STATUS_RE.exec(diagnostic)?.[0] ?? STATUS_RE.exec(body)?.[0] ?? '';
    const action = /\b(delayed|will (be )?retry|will continue|still trying|deferred)\b/i.test(
      `${mail.subject}\n${diagnostic}`,
    )
      ? 'delayed'
      : 'failed';
    for (const recipient of recipients.length > 0 ? recipients : [null]) {
      entries.push(entry(recipient, action, status, diagnostic, context));
    }
  }
  if (entries.length === 0) return { ...NONE, originalMessageId: original };
  const failures = entries.filter((e) => e.reason !== 'delivered');
  const first = failures[0] ?? entries[0]!;
  return {
    bounce: failures.length > 0,
    delivered: failures.length === 0,
    complaint: false,
    feedbackType: null,
    entries,
    originalMessageId: original,
    format,
    status: first.status || null,
    reason: first.reason,
    hard: failures.length > 0 ? first.hardBounce : null,
  };
}

/** Addresses the bounce body reports on (not the sender of the bounce itself). */
function heuristicRecipients(body: string, bounceFrom: string): string[] {
  const found = new Set<string>();
  const lines = body.split(/\r?\n/);
  for (const line of lines) {
    if (!/[<:]|^\s*[a-z0-9._%+-]+@/i.test(line)) continue;
    if (/^\s*(from|reply-to|return-path|sender|message-id|received|x-[a-z-]+)\s*:/i.test(line))
      continue;
    const match = ADDRESS_RE.exec(line);
    if (!match) continue;
    const address = match[0].toLowerCase();
    if (address === bounceFrom || /^(mailer-daemon|postmaster)@/.test(address)) continue;
    found.add(address);
    if (found.size >= 1) break;
  }
  return [...found];
}

/** The lines that explain the failure (with status or reply codes, or after "reason" words). */
function diagnosticLines(body: string): string {
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  const picked: string[] = [];
  for (let i = 0; i < lines.length && picked.length < 12; i++) {
    const line = lines[i]!;
    if (/^(received|message-id|date|subject|from|to|content-|mime-version|x-[a-z-]+):/i.test(line))
      continue;
    if (
      STATUS_RE.test(line) ||
      /\b[45]\d\d\b/.test(line) ||
      /(error|fail|reason|rejected|unknown|not exist|full|quota|denied|expired|blocked|spam|invalid|unavailable|refused|delay|unrout|try again)/i.test(
        line,
      )
    ) {
      picked.push(line);
    }
  }
  return picked.join(' ');
}
