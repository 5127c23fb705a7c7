import { describe, expect, it } from '@jest/globals';
import { NovumError } from '../kernel/errors.js';
import { problemFromError } from './problem.js';

describe('problemFromError', () => {
  it('hides an unclassified NovumError (status 500) and marks it internal', () => {
    const { problem, internal } = problemFromError(
      new NovumError('db_down', 'pg at 10.0.0.5 refused'),
    );
    expect(problem).toMatchObject({ status: 500, code: 'internal_error' });
    expect(problem.detail).not.toContain('10.0.0.5');
    expect(internal).toBe(true);
  });

  it('keeps a deliberate 5xx NovumError visible but logs it', () => {
    const err = new NovumError('maintenance', 'Back at 10:00', { status: 503 });
    expect(problemFromError(err)).toMatchObject({
      problem: { status: 503, code: 'maintenance', detail: 'Back at 10:00' },
      internal: true,
    });
  });

  it('keeps the status of a thrown http error >= 500 but never its message', () => {
    const err = Object.assign(new Error('upstream 10.0.0.7 down'), { status: 503, expose: false });
    const { problem } = problemFromError(err);
    expect(problem).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(problem.detail).not.toContain('10.0.0.7');
  });

  it('uses the message of an exposed 4xx and passes its headers on', () => {
    const err = Object.assign(new Error('Slow down'), {
      status: 429,
      expose: true,
      headers: { 'Retry-After': '30' },
    });
    expect(problemFromError(err)).toEqual({
      problem: expect.objectContaining({
        status: 429,
        code: 'too_many_requests',
        detail: 'Slow down',
      }),
      headers: { 'Retry-After': '30' },
      internal: false,
    });
  });

  it('treats anything without a status, even a string, as a 500', () => {
    expect(problemFromError('oops').problem).toMatchObject({ status: 500, code: 'internal_error' });
  });
});
