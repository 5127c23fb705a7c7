/**
 * The content type of an upload, from its bytes alone: the client's Content-Type and the file's
 * extension are never trusted. Only types a browser will not run as a document are ever
 * answered: no `text/html`, no `image/svg+xml`, no XML. Markup of any kind is `text/plain` (and
 * downloads are attachments with `nosniff` anyway), and unknown bytes are
 * `application/octet-stream`.
 */
import { sniffImage } from '../storage/sniff.js';

const at = (buf: Buffer, bytes: readonly number[], offset = 0): boolean =>
  buf.length >= offset + bytes.length && bytes.every((b, i) => buf[offset + i] === b);
const ascii = (buf: Buffer, start: number, end: number) =>
  buf.subarray(start, end).toString('latin1');

const SIGNATURES: { type: string; test: (buf: Buffer) => boolean }[] = [
  { type: 'application/pdf', test: (b) => ascii(b, 0, 5) === '%PDF-' },
  { type: 'application/zip', test: (b) => at(b, [0x50, 0x4b, 0x03, 0x04]) || at(b, [0x50, 0x4b, 0x05, 0x06]) },
  { type: 'application/gzip', test: (b) => at(b, [0x1f, 0x8b]) },
  { type: 'application/x-7z-compressed', test: (b) => at(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
  { type: 'audio/mpeg', test: (b) => ascii(b, 0, 3) === 'ID3' || at(b, [0xff, 0xfb]) },
  { type: 'audio/ogg', test: (b) => ascii(b, 0, 4) === 'OggS' },
  { type: 'audio/wav', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE' },
  { type: 'video/mp4', test: (b) => ascii(b, 4, 8) === 'ftyp' },
  { type: 'image/bmp', test: (b) => ascii(b, 0, 2) === 'BM' && b.length > 26 },
  { type: 'image/tiff', test: (b) => at(b, [0x49, 0x49, 0x2a, 0x00]) || at(b, [0x4d, 0x4d, 0x00, 0x2a]) },
  { type: 'application/vnd.ms-office', test: (b) => at(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) },
]; // prettier-ignore

/** Text: valid UTF-8 in the first 8 KiB, without NUL bytes. */
function looksLikeText(buf: Buffer): boolean {
  const head = buf.subarray(0, 8192);
  if (head.includes(0)) return false;
  try {
    // A cut multi-byte sequence at the end of the sample is not a reason to call it binary.
    new TextDecoder('utf-8', { fatal: true }).decode(
      head.length === buf.length ? head : head.subarray(0, head.length - 4),
    );
    return true;
  } catch {
    return false;
  }
}

export function sniffContentType(buf: Buffer): string {
  const image = sniffImage(buf);
  if (image) return image;
  for (const signature of SIGNATURES) if (signature.test(buf)) return signature.type;
  if (buf.length > 0 && looksLikeText(buf)) return 'text/plain';
  return 'application/octet-stream';
}

// Control characters are exactly what this strips.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f"*/:<>?\\|\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A filename safe to store and to send back: the last path segment only, no control, bidi or
 * reserved characters, no leading dots, at most 200 characters (the extension kept), `file`
 * when nothing is left.
 */
export function sanitizeFilename(name: string | null | undefined): string {
  const base = (name ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  let clean = base
    .replace(UNSAFE, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '');
  if (clean.length > 200) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
    clean = clean.slice(0, 200 - ext.length) + ext;
  }
  return clean || 'file';
}

/** `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266). */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
