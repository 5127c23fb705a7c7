// Seed `tickets-1m`: 1,000,000 tickets with 5,000,000 messages (4 public replies and 1 internal
// note each), 1,000,000 timeline events, 200,000 contacts with emails and 2,000 organizations,
// in the bench owner's workspace of the dedicated `novumdesk_bench` PostgreSQL database.
//
// How it is fast: everything is `INSERT … SELECT … FROM generate_series` in the server (no rows
// travel over the wire), in chunks for the progress bar, with the secondary indexes dropped
// first and rebuilt at the end (maintenance_work_mem raised), and foreign-key/outbox triggers
// off for the session (`session_replication_role = replica`; the generated rows are consistent
// by construction). Text comes from a Zipf-skewed vocabulary through precomputed sentences, so
// some words are frequent and most are rare, as in real tickets; every message also carries a
// reference number (each shared by 20 messages), the kind of token agents search for.
//
// Idempotent: the tables it fills are truncated first (the bench database is dedicated to it).
// PostgreSQL only: the embedded database is not meant for a million tickets.
import pg from 'pg';

export const TICKETS = 1_000_000;
export const MESSAGES_PER_TICKET = 5;
export const CONTACTS = 200_000;
export const ORGANIZATIONS = 2_000;
const CHUNK = 100_000;
const SENTENCES = 20_000;

const TABLES = [
  'ticket',
  'ticket_message',
  'ticket_event',
  'contact',
  'contact_email',
  'organization',
];

const FIRST = `Olivia Liam Emma Noah Amelia Oliver Ava Elijah Sophia James Isabella William Mia
  Benjamin Charlotte Lucas Harper Henry Evelyn Theodore Luna Jack Camila Levi Gianna Alexander
  Elizabeth Jackson Eleanor Mateo Ella Daniel Abigail Michael Sofia Mason Avery Sebastian
  Scarlett Ethan Emily Logan Aria Owen Penelope Samuel Chloe Jacob Layla Asher Mila Aiden Nora
  Hiroshi Yuki Aisha Omar Fatima Ahmed Priya Arjun Wei Mei Chen Jun Ingrid Lars Sven Astrid
  Mateus Beatriz Joao Lucia Pablo Carmen Diego Valentina Nikolai Olga Dmitri Anya Kwame Ama
  Kofi Zara Tariq Leila Yusuf Noor Finn Saoirse Declan Niamh Pierre Camille Louis Manon`
  .split(/\s+/)
  .filter(Boolean);
const LAST = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
  Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
  Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen
  Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Tanaka Sato
  Suzuki Kowalski Nowak Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann
  Rossi Russo Ferrari Esposito Bianchi Romano Silva Santos Oliveira Souza Pereira Costa Dubois
  Lefebvre Moreau Laurent Ivanov Petrov Sokolov Kim Park Choi Jung Kang Cho Singh Kumar Sharma
  Patel Okafor Mensah Haddad Khalil`
  .split(/\s+/)
  .filter(Boolean);
const COMMON = `the a to and is of i it not my in on for with we can you this our when from
  have please after but error help issue problem login password account order invoice payment
  printer email update app page error crash slow cannot working again today customer support
  refund shipping delivery billing subscription report export import settings access`
  .split(/\s+/)
  .filter(Boolean);
const TAGS = [
  'billing',
  'bug',
  'feature-request',
  'vip',
  'urgent',
  'refund',
  'shipping',
  'login',
  'mobile',
  'api',
  'onboarding',
  'outage',
  'feedback',
  'security',
  'integration',
  'invoice',
  'cancellation',
  'upgrade',
  'password',
  'performance',
];

/** ~3,000 pronounceable pseudo-words (deterministic): the long tail of the vocabulary. */
function pseudoWords(count) {
  const c = 'bcdfghjklmnprstvwz';
  const v = 'aeiou';
  const words = new Set();
  let x = 12345;
  const rnd = (n) => {
    // xorshift32: integer-exact in JS (a float LCG loses bits and cycles early).
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
  while (words.size < count) {
    const syllables = 2 + rnd(2);
    let w = '';
    for (let s = 0; s < syllables; s++) w += c[rnd(c.length)] + v[rnd(v.length)];
    if (rnd(3) === 0) w += c[rnd(c.length)];
    words.add(w);
  }
  return [...words];
}

/** The words the seed writes (common ones first): scenarios pick search terms from it. */
export const VOCABULARY = [...COMMON, ...pseudoWords(3000)];
export { FIRST as FIRST_NAMES, LAST as LAST_NAMES };

/** A progress bar on stderr (one line per step when stderr is not a terminal). */
function progress(label, total) {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  return {
    update(done) {
      const share = total ? done / total : 1;
      const width = 30;
      const filled = Math.round(share * width);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const line = `  ${label.padEnd(16)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${secs} s`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (done === total || performance.now() - lastLine > 5000) {
        process.stderr.write(`${line}\n`);
        lastLine = performance.now();
      }
      if (tty && done === total) process.stderr.write('\n');
    },
  };
}

async function chunked(client, label, total, run) {
  const bar = progress(label, total);
  bar.update(0);
  for (let lo = 1; lo <= total; lo += CHUNK) {
    const hi = Math.min(total, lo + CHUNK - 1);
    await run(lo, hi);
    bar.update(hi);
  }
}

/** A v7-shaped UUID from a timestamp expression and a unique number (SQL). */
const uuidSql = (msExpr, nExpr, variant = '8') =>
  `(lpad(to_hex((${msExpr})::bigint), 12, '0') || '7' || lpad(to_hex((${nExpr}) % 4096), 3, '0') || '${variant}' || lpad(to_hex(${nExpr}), 15, '0'))::uuid`;

export default {
  name: 'tickets-1m',
  version: 1,
  /**
   * @param {{ database: { mode: string, url: string | null }, admin: { email: string },
   *   log: (line: string) => void }} ctx
   */
  async seed(ctx) {
    if (ctx.database.mode !== 'postgres' || !ctx.database.url) {
      throw new Error('the tickets-1m seed needs PostgreSQL (--db postgres)');
    }
    const client = new pg.Client({ connectionString: ctx.database.url });
    await client.connect();
    const q = (text, params) => client.query(text, params);
    try {
      const { rows: owner } = await q(
        `select m.workspace_id, m.user_id from membership m
           join user_account u on u.id = m.user_id where u.email = $1 limit 1`,
        [ctx.admin.email],
      );
      if (!owner[0]) throw new Error(`no workspace of ${ctx.admin.email}: start NovumDesk first`);
      const ws = owner[0].workspace_id;
      const agent = owner[0].user_id;
      ctx.log(`tickets-1m: workspace ${ws}`);

      await q(`set session_replication_role = replica`);
      await q(`set maintenance_work_mem = '1GB'`);
      await q(`set max_parallel_maintenance_workers = 2`);
      await q(`set synchronous_commit = off`);
      await q(`truncate ${TABLES.join(', ')}, ticket_counter cascade`);

      // Secondary indexes off during the load (constraint indexes stay).
      const { rows: indexes } = await q(
        `select indexname, indexdef from pg_indexes
          where schemaname = 'public' and tablename = any($1)
            and indexname not in (select conname from pg_constraint)`,
        [TABLES],
      );
      for (const { indexname } of indexes) await q(`drop index ${indexname}`);
      ctx.log(`tickets-1m: ${indexes.length} secondary indexes dropped for the load`);
      try {
        await load(q, client, ws, agent);
      } finally {
        // Rebuilt even when the load failed: the schema must stay whole.
        const bar = progress('indexes', indexes.length);
        bar.update(0);
        for (const [i, { indexdef }] of indexes.entries()) {
          await q(indexdef);
          bar.update(i + 1);
        }
      }
      await q(`set session_replication_role = origin`);
      ctx.log('tickets-1m: analyze');
      for (const table of TABLES) await q(`vacuum analyze ${table}`);
    } finally {
      await client.end();
    }
  },
};

/** The rows themselves (indexes are off meanwhile). */
async function load(q, client, ws, agent) {
  {
    {
      await q(`create temp table bench_vocab (n int primary key, w text not null)`);
      await q(
        `insert into bench_vocab select ordinality, w from unnest($1::text[]) with ordinality w`,
        [VOCABULARY],
      );
      const vocab = VOCABULARY.length;
      // Sentences of 5–9 words, Zipf-skewed (power 3: low indexes, the common words, dominate).
      await q(`create temp table bench_sentence (n int primary key, s text not null)`);
      await q(
        `insert into bench_sentence
         select g, (select string_agg(v.w, ' ' order by x.k)
                      from (select k, 1 + floor(power(random(), 3) * ${vocab})::int as idx
                              from generate_series(1, 5 + g % 5) k offset 0) x
                      join bench_vocab v on v.n = x.idx)
           from generate_series(1, ${SENTENCES}) g`,
      );
      await q(`analyze bench_vocab`);
      await q(`analyze bench_sentence`);

      const now = Date.now();
      const spanMs = 365 * 24 * 3600 * 1000;
      const startMs = now - spanMs;

      await q(
        `insert into organization (id, workspace_id, name, domains, created_at)
         select ${uuidSql(`${startMs} + g`, 'g')}, $1, 'Organization ' || g,
                array['org' || g || '.example'], to_timestamp((${startMs} + g) / 1000.0)
           from generate_series(1, ${ORGANIZATIONS}) g`,
        [ws],
      );
      const first = `(array[${FIRST.map((n) => `'${n}'`).join(',')}])`;
      const last = `(array[${LAST.map((n) => `'${n}'`).join(',')}])`;
      await chunked(client, 'contacts', CONTACTS, async (lo, hi) => {
        await q(
          `insert into contact (id, workspace_id, name, organization_id, created_at, updated_at)
           select ${uuidSql(`${startMs} + g`, 'g')}, $1,
                  ${first}[1 + (g * 7) % ${FIRST.length}] || ' ' || ${last}[1 + (g * 13 / 7) % ${LAST.length}],
                  case when g % 3 = 0 then ${uuidSql(`${startMs} + (1 + g % ${ORGANIZATIONS})`, `1 + g % ${ORGANIZATIONS}`)} end,
                  to_timestamp((${startMs} + g * 1000) / 1000.0), to_timestamp((${startMs} + g * 1000) / 1000.0)
             from generate_series($2::int, $3::int) g`,
          [ws, lo, hi],
        );
        await q(
          `insert into contact_email (workspace_id, email, contact_id, is_primary, created_at)
           select $1, lower(c.name_first || '.' || c.name_last || g) || '@'
                       || case when g % 3 = 0 then 'org' || (1 + g % ${ORGANIZATIONS}) || '.example'
                               else (array['mail.example','inbox.example','post.example'])[1 + g % 3] end,
                  ${uuidSql(`${startMs} + g`, 'g')}, true, now()
             from generate_series($2::int, $3::int) g,
                  lateral (select ${first}[1 + (g * 7) % ${FIRST.length}] as name_first,
                                  ${last}[1 + (g * 13 / 7) % ${LAST.length}] as name_last) c`,
          [ws, lo, hi],
        );
      });

      const statuses = `(array['new','open','open','pending','on_hold','solved','solved','solved','closed','closed','closed','closed','closed','closed','solved','closed','closed','solved','new','pending'])`;
      const priorities = `(array['low','normal','normal','normal','normal','high','high','urgent'])`;
      const tags = `(array[${TAGS.map((t) => `'${t}'`).join(',')}])`;
      const createdMs = (n) => `(${startMs} + ${n}::bigint * ${Math.floor(spanMs / TICKETS)})`;
      await chunked(client, 'tickets', TICKETS, async (lo, hi) => {
        await q(
          `insert into ticket (id, workspace_id, number, subject, requester_id, status, priority,
                               assignee_id, tags, via, first_response_at, solved_at, created_at, updated_at)
           select ${uuidSql(createdMs('g'), 'g')}, $1, g,
                  initcap(s.s) || ' ' || v.w,
                  ${uuidSql(`${startMs} + (1 + g % ${CONTACTS})`, `1 + g % ${CONTACTS}`)},
                  st, ${priorities}[1 + (g * 31) % 8],
                  case when g % 4 = 0 then $2::uuid end,
                  case when g % 3 = 0 then array[${tags}[1 + g % 20]]
                       when g % 7 = 0 then array[${tags}[1 + g % 20], ${tags}[1 + (g / 20) % 20]]
                       else '{}' end,
                  '{"channel":"email","inboxId":null}'::jsonb,
                  to_timestamp((${createdMs('g')} + 3600000) / 1000.0),
                  case when st in ('solved','closed') then to_timestamp((${createdMs('g')} + 86400000) / 1000.0) end,
                  to_timestamp(${createdMs('g')} / 1000.0),
                  least(now(), to_timestamp((${createdMs('g')} + (g % 240) * 3600000) / 1000.0))
             from generate_series($3::bigint, $4::bigint) g
             join bench_sentence s on s.n = 1 + (g * 7919) % ${SENTENCES}
             join bench_vocab v on v.n = 1 + (g * 104729) % ${vocab},
             lateral (select ${statuses}[1 + (g * 17) % 20] as st) x`,
          [ws, agent, lo, hi],
        );
        await q(
          `insert into ticket_event (id, workspace_id, ticket_id, actor, type, data, created_at)
           select ${uuidSql(createdMs('g'), 'g', '9')}, $1, ${uuidSql(createdMs('g'), 'g')},
                  null, 'created', '{"via":"email"}', to_timestamp(${createdMs('g')} / 1000.0)
             from generate_series($2::bigint, $3::bigint) g`,
          [ws, lo, hi],
        );
      });
      const perTicket = MESSAGES_PER_TICKET;
      await chunked(client, 'messages', TICKETS * perTicket, async (lo, hi) => {
        // Message m belongs to ticket ceil(m / 5), position j = 1..5 on it; j = 4 is a note.
        await q(
          `insert into ticket_message (id, workspace_id, ticket_id, kind, direction, author_user_id,
                                       author_contact_id, body_text, created_at)
           select ${uuidSql(`${createdMs('t')} + j * 3600000`, 'm', 'a')}, $1,
                  ${uuidSql(createdMs('t'), 't')},
                  case when j = 4 then 'note' else 'reply' end,
                  case when j = 4 then null when j % 2 = 1 then 'inbound' else 'outbound' end,
                  case when j % 2 = 0 then $2::uuid end,
                  case when j % 2 = 1 then ${uuidSql(`${startMs} + (1 + t % ${CONTACTS})`, `1 + t % ${CONTACTS}`)} end,
                  initcap(a.s) || '. ' || b.s || '. ' || c.s || '. Reference ' || (m * 7 % 250000) || '.',
                  to_timestamp((${createdMs('t')} + j * 3600000) / 1000.0)
             from generate_series($3::bigint, $4::bigint) m
             cross join lateral (select ((m - 1) / ${perTicket} + 1) as t, ((m - 1) % ${perTicket} + 1) as j) p
             join bench_sentence a on a.n = 1 + (m * 7919) % ${SENTENCES}
             join bench_sentence b on b.n = 1 + (m * 104729 + 17) % ${SENTENCES}
             join bench_sentence c on c.n = 1 + (m * 1299709 + 31) % ${SENTENCES}`,
          [ws, agent, lo, hi],
        );
      });
      await q(`insert into ticket_counter (workspace_id, last) values ($1, $2)`, [ws, TICKETS]);
    }
  }
}
