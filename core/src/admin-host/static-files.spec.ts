import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BadPathError, contentTypeFor, resolveInside, safeSegments } from './static-files.js';

describe('static files: path safety', () => {
  let base: string;
  let root: string;
  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-static-'));
    root = path.join(base, 'root');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    writeFileSync(path.join(root, 'sub', 'a b.js'), 'export {}');
    writeFileSync(path.join(root, '.env'), 'SECRET=1');
    writeFileSync(path.join(base, 'secret.txt'), 'outside');
    symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
    symlinkSync(path.join(root, 'sub', 'a b.js'), path.join(root, 'inside.js'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('decodes segments and refuses traversal, separators, NUL and hidden names', () => {
    expect(safeSegments('sub/a%20b.js')).toEqual(['sub', 'a b.js']);
    for (const bad of [
      '../secret.txt',
      'sub/../../secret.txt',
      '%2e%2e/secret.txt',
      'sub%2F..%2F..%2Fsecret.txt',
      '..%5Csecret.txt',
      'a%00.js',
      '.env',
      'sub//a.js',
      '',
    ]) {
      expect(safeSegments(bad)).toBeUndefined();
    }
    expect(() => safeSegments('%E0%A4%A')).toThrow(BadPathError);
  });

  it('finds files inside the root only, symlinks included', async () => {
    expect((await resolveInside(root, 'sub/a%20b.js'))?.file).toBe(
      path.join(root, 'sub', 'a b.js'),
    );
    expect(await resolveInside(root, 'inside.js')).toBeDefined();
    expect(await resolveInside(root, 'escape.txt')).toBeUndefined();
    expect(await resolveInside(root, '../secret.txt')).toBeUndefined();
    expect(await resolveInside(root, '.env')).toBeUndefined();
    expect(await resolveInside(root, 'sub')).toBeUndefined(); // a directory
    expect(await resolveInside(root, 'nope.js')).toBeUndefined();
    expect(await resolveInside(path.join(base, 'missing-root'), 'a.js')).toBeUndefined();
  });

  it('knows the content types the admin UI needs', () => {
    expect(contentTypeFor('x.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.MJS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('x.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('x.woff2')).toBe('font/woff2');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
  });
});
