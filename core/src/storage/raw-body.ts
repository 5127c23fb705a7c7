/**
 * Reads a request body that the JSON parser left alone (uploads), refusing more than `limit`
 * bytes with 413 `payload_too_large`: at once when Content-Length says so, else as soon as the
 * stream passes the limit. The rest of a refused body is drained and discarded (never buffered)
 * so the client still gets the 413 on a kept-alive connection.
 */
import type { IncomingMessage } from 'node:http';
import { NovumError } from '../kernel/errors.js';

export function payloadTooLarge(limit: number): NovumError {
  return new NovumError('payload_too_large', `The request body is larger than ${limit} bytes`, {
    status: 413,
    details: { limit },
  });
}

export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(payloadTooLarge(limit));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        req.resume(); // discard the rest
        reject(payloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
