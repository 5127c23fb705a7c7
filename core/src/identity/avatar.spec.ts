/**
 * Avatars over HTTP: upload (sniffed, capped), download (same workspace only, hardened headers),
 * replacement and removal on disk, and the personal-data export and erase handlers.
 */
import { existsSync } from 'node:fs';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { LocalDiskStorage, sniffImage } from '../storage/index.js';
import { identityPersonalData } from './personal-data.js';
import { AVATAR_MAX_BYTES } from './routes/avatar.routes.js';

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();
const GIF_HEADER = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

describe('avatars', () => {
  let h: MembersHarness;
  let storage: LocalDiskStorage;
  beforeAll(async () => {
    h = await startMembers();
    storage = h.t.hd.container.resolve('storage') as LocalDiskStorage;
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const upload = (person: Person, body: Buffer, contentType = 'image/png') =>
    h.t.request('/api/v1/me/avatar', {
      method: 'PUT',
      headers: { authorization: `Bearer ${person.token}`, 'content-type': contentType },
      body,
    });
  const download = (person: Person, userId: string) =>
    h.t.request(`/api/v1/users/${userId}/avatar`, {
      headers: { authorization: `Bearer ${person.token}` },
    });
  const avatarKey = async (userId: string): Promise<string | null> =>
    (await h.sql(`select avatar_file from user_account where id = ?`, [userId]))[0].avatar_file;
  const onDisk = (key: string) => existsSync(storage.pathOf(key));

  function expectHardened(res: Response) {
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
  }

  it('sniffs raster images from their bytes only', () => {
    expect(sniffImage(PNG_1X1)).toBe('image/png');
    expect(sniffImage(GIF_HEADER)).toBe('image/gif');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });

  it('refuses storage keys that are not server-made', () => {
    for (const key of ['../etc/passwd', 'a/b', `${crypto.randomUUID()}/../../x`, '/abs/path']) {
      expect(() => storage.pathOf(key)).toThrow();
    }
  });

  it('uploads a PNG and serves it back to members of the workspace only', async () => {
    const owner = await h.signUp('avatar-owner');
    const agent = await h.addMember(owner, 'agent', 'avatar-agent');
    const stranger = await h.signUp('avatar-stranger');

    const res = await upload(owner, PNG_1X1);
    expect(res.status).toBe(200);
    const stored = await json(res);
    expect(stored).toMatchObject({ contentType: 'image/png', size: PNG_1X1.length });
    expect(stored.avatarFile).toMatch(new RegExp(`^${owner.userId}/[0-9a-f-]{36}$`));
    expect(await avatarKey(owner.userId)).toBe(stored.avatarFile);
    expect(onDisk(stored.avatarFile)).toBe(true);
    const me = await h.expectStatus(200, 'GET', '/me', { token: owner.token });
    expect(me.body.user.avatarFile).toBe(stored.avatarFile);

    for (const viewer of [owner, agent]) {
      const got = await download(viewer, owner.userId);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expectHardened(got);
      expect(Buffer.from(await got.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    }

    // Another workspace's user: 404, as for a user who does not exist.
    const other = await download(stranger, owner.userId);
    expect(other.status).toBe(404);
    expect((await json(other)).code).toBe('not_found');
    expect((await download(owner, crypto.randomUUID())).status).toBe(404);
    // A member without an avatar: 404 too.
    expect((await download(owner, agent.userId)).status).toBe(404);
    // Anonymous: 401.
    expect((await h.t.request(`/api/v1/users/${owner.userId}/avatar`)).status).toBe(401);
  });

  it('refuses HTML, SVG and non-image content types with 415', async () => {
    const owner = await h.signUp('avatar-415');
    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script>');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    for (const [body, type] of [
      [html, 'image/png'],
      [svg, 'image/svg+xml'],
      [svg, 'image/png'],
      [PNG_1X1, 'text/html'],
      [PNG_1X1, 'application/octet-stream'],
    ] as const) {
      const res = await upload(owner, body, type);
      expect(res.status).toBe(415);
      expect((await json(res)).code).toBe('unsupported_media_type');
    }
    expect(await avatarKey(owner.userId)).toBeNull();
  });

  it('serves a polyglot (PNG magic, then markup) only as a hardened attachment', async () => {
    const owner = await h.signUp('avatar-polyglot');
    const polyglot = Buffer.concat([
      PNG_1X1.subarray(0, 8),
      Buffer.from('<html><script>alert(document.cookie)</script></html>'),
    ]);
    const res = await upload(owner, polyglot, 'image/png');
    expect(res.status).toBe(200);
    const got = await download(owner, owner.userId);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="avatar.png"');
    expectHardened(got);
  });

  it('answers 413 for a body over 2 MB, declared or streamed', async () => {
    const owner = await h.signUp('avatar-413');
    const big = Buffer.alloc(AVATAR_MAX_BYTES + 1);
    PNG_1X1.copy(big);
    const declared = await upload(owner, big);
    expect(declared.status).toBe(413);
    expect((await json(declared)).code).toBe('payload_too_large');

    // Chunked, without Content-Length: cut off while reading.
    const streamed = await h.t.request('/api/v1/me/avatar', {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'image/png' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(1024 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await avatarKey(owner.userId)).toBeNull();

    // Exactly the limit is accepted.
    const max = Buffer.alloc(AVATAR_MAX_BYTES);
    PNG_1X1.copy(max);
    expect((await upload(owner, max)).status).toBe(200);
  });

  it('deletes the previous file on replacement and the file on DELETE', async () => {
    const owner = await h.signUp('avatar-replace');
    const first = (await json(await upload(owner, PNG_1X1))).avatarFile as string;
    const res = await upload(owner, GIF_HEADER, 'image/gif');
    expect(res.status).toBe(200);
    const second = (await json(res)).avatarFile as string;
    expect(second).not.toBe(first);
    expect(onDisk(first)).toBe(false);
    expect(onDisk(second)).toBe(true);
    const got = await download(owner, owner.userId);
    expect(got.headers.get('content-type')).toBe('image/gif');

    await h.expectStatus(204, 'DELETE', '/me/avatar', { token: owner.token });
    expect(onDisk(second)).toBe(false);
    expect(await avatarKey(owner.userId)).toBeNull();
    expect((await download(owner, owner.userId)).status).toBe(404);
    // Idempotent.
    await h.expectStatus(204, 'DELETE', '/me/avatar', { token: owner.token });
  });

  it('exports the avatar key and type, and erasure deletes the file', async () => {
    const owner = await h.signUp('avatar-erase');
    const key = (await json(await upload(owner, PNG_1X1))).avatarFile as string;
    const subject = {
      kind: 'user' as const,
      id: owner.userId,
      workspaceId: owner.workspaceId,
      emails: [owner.email],
    };
    const scope = h.t.hd.createScope();
    try {
      const exported = await identityPersonalData.export(subject, scope);
      expect(exported.avatar).toEqual({ key, contentType: 'image/png' });
      expect(JSON.stringify(exported)).not.toContain(PNG_1X1.toString('base64'));
      await identityPersonalData.erase(subject, scope);
    } finally {
      await scope.dispose();
    }
    expect(onDisk(key)).toBe(false);
    expect(await avatarKey(owner.userId)).toBeNull();
  });
});
