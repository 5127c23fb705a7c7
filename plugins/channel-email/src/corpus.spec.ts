/**
 * The shared real-world corpus (../shared/testdata/email, see its README):
 * - every message in `bounces/` through the bounce classifier, compared with `expected.json`
 *   (detection, hard/soft, reason; the agreement is printed and must stay above the floors);
 * - `complaints/` recognized as complaints, `autoreplies/` as auto-replies and never as bounces;
 * - every message in `parse/` through the inbound path over HTTP (stored, then processed by the
 *   job): none may crash the processing or be lost.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { autoReplyVerdict } from './auto-reply.js';
import { classifyBounce } from './bounce.js';
import { parseMail } from './parse.js';
import { startEmail, eventually, type EmailHarness } from './harness.test.js';

const DATA = path.resolve(process.cwd(), '../shared/testdata/email');
const read = (dir: string) =>
  JSON.parse(readFileSync(path.join(DATA, dir, 'expected.json'), 'utf8'));

interface Expected {
  status: string;
  replyCode: string;
  reason: string;
  hardBounce: boolean;
  feedbackType?: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? walk(file) : name.endsWith('.eml') ? [file] : [];
  });
}

describe('bounce classifier on the shared corpus', () => {
  it('agrees with expected.json on detection and hard/soft (above 95%), and mostly on reason', async () => {
    const expected = read('bounces') as Record<string, Expected[]>;
    let files = 0;
    let detected = 0;
    let entries = 0;
    let hard = 0;
    let reason = 0;
    const misses: string[] = [];
    for (const [file, wanted] of Object.entries(expected)) {
      files++;
      const raw = readFileSync(path.join(DATA, 'bounces', file));
      const verdict = classifyBounce(await parseMail(raw), raw);
      const found = verdict.entries.length > 0;
      if (found === wanted.length > 0) detected++;
      else misses.push(`${file}: detection`);
      for (const [i, want] of wanted.entries()) {
        entries++;
        // Match by recipient where the report names several, else by position.
        const got =
          verdict.entries.find(
            (e) => e.recipient && want && e.status === want.status && e.reason === want.reason,
          ) ??
          verdict.entries[i] ??
          verdict.entries[0];
        if (got && got.hardBounce === want.hardBounce) hard++;
        else misses.push(`${file}: hard ${want.hardBounce} (${want.reason}) got ${got?.reason}`);
        if (got && got.reason === want.reason) reason++;
      }
    }
    const pct = (n: number, of: number) => Math.round((1000 * n) / of) / 10;
    const report = {
      files,
      detection: `${detected}/${files} (${pct(detected, files)}%)`,
      hardSoft: `${hard}/${entries} (${pct(hard, entries)}%)`,
      reason: `${reason}/${entries} (${pct(reason, entries)}%)`,
    };
    process.stdout.write(
      `bounce corpus agreement: ${JSON.stringify(report)}\nmisses:\n  ${misses.join('\n  ')}\n`,
    );
    expect(pct(detected, files)).toBeGreaterThan(95);
    expect(pct(hard, entries)).toBeGreaterThan(93);
    expect(pct(reason, entries)).toBeGreaterThan(60);
  });

  it('recognizes ARF complaints with their feedback type, and vacation replies as auto-replies', async () => {
    const complaints = read('complaints') as Record<string, Expected[]>;
    for (const [file, wanted] of Object.entries(complaints)) {
      const raw = readFileSync(path.join(DATA, 'complaints', file));
      const verdict = classifyBounce(await parseMail(raw), raw);
      expect({ file, complaint: verdict.complaint, type: verdict.feedbackType }).toEqual({
        file,
        complaint: true,
        type: wanted[0]!.feedbackType,
      });
    }
    const autoreplies = read('autoreplies') as Record<string, Expected[]>;
    for (const file of Object.keys(autoreplies)) {
      const raw = readFileSync(path.join(DATA, 'autoreplies', file));
      const mail = await parseMail(raw);
      expect({
        file,
        auto: autoReplyVerdict(mail).automatic,
        bounce: classifyBounce(mail, raw).bounce,
      }).toEqual({
        file,
        auto: true,
        bounce: false,
      });
    }
  });
});

describe('every parse/ message through the inbound path', () => {
  let h: EmailHarness;
  beforeAll(async () => {
    h = await startEmail({ smtp: { maxMessageBytes: 8 * 1024 * 1024 } });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('stores and processes each one: nothing crashes, nothing is lost', async () => {
    const owner = await h.signUp();
    const token = 'corpus-token-'.padEnd(40, 'c');
    const inbox = await h.createInbox(owner, { inboundToken: token });
    const files = walk(path.join(DATA, 'parse'));
    let stored = 0;
    let duplicates = 0;
    const started = Date.now();
    for (const file of files) {
      const res = await fetch(`${h.t.url}/api/p/channel-email/inboxes/${inbox.id}/raw`, {
        method: 'POST',
        headers: { 'x-novumdesk-inbox-token': token, 'content-type': 'message/rfc822' },
        body: readFileSync(file),
      });
      expect({ file, status: res.status }).toEqual({ file, status: 202 });
      const body = (await res.json()) as { duplicate: boolean };
      if (body.duplicate) duplicates++;
      else stored++;
    }
    // Every stored message leaves `stored` (processed, a report, or a loop) — none is stuck.
    await eventually(async () => {
      const [row] = await h.sql(
        `select count(*)::int as n from channel_email_inbound where inbox_id = ? and status = 'stored'`,
        [inbox.id],
      );
      return row.n === 0;
    }, 200_000);
    const rows = await h.sql(
      `select status, count(*)::int as n from channel_email_inbound where inbox_id = ? group by status`,
      [inbox.id],
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const total = rows.reduce((n, r) => n + r.n, 0);
    process.stdout.write(
      `parse corpus: ${files.length} files, ${stored} stored, ${duplicates} duplicates (same Message-ID), ` +
        `outcomes ${JSON.stringify(byStatus)}, ${Date.now() - started} ms\n`,
    );
    expect(total).toBe(stored);
    expect(byStatus.failed ?? 0).toBe(0);
    const [tickets] = await h.sql(
      `select count(*)::int as n from channel_email_inbound where inbox_id = ? and status = 'processed' and ticket_id is null`,
      [inbox.id],
    );
    expect(tickets.n).toBe(0);
  }, 400_000);
});
