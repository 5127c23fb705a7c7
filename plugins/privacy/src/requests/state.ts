/**
 * The data-subject request state machine. A request is received, its requester's identity is
 * verified (or recorded as checked), it is worked on, and it ends completed or refused; it may
 * be extended (with a reason, once) while open, and an erasure waits in `held` while a legal
 * hold is in force.
 */
import { errors } from '@novumdesk/core';

export const REQUEST_TYPES = [
  'access',
  'export',
  'rectify',
  'erase',
  'restrict',
  'object',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUEST_STATES = [
  'received',
  'verifying',
  'in_progress',
  'extended',
  'held',
  'completed',
  'refused',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const TRANSITIONS: Record<RequestState, readonly RequestState[]> = {
  received: ['verifying', 'in_progress', 'extended', 'refused'],
  verifying: ['in_progress', 'extended', 'refused'],
  in_progress: ['completed', 'extended', 'held', 'refused'],
  extended: ['verifying', 'in_progress', 'held', 'completed', 'refused'],
  held: ['in_progress', 'refused'],
  completed: [],
  refused: [],
};

export const OPEN_STATES: readonly RequestState[] = [
  'received',
  'verifying',
  'in_progress',
  'extended',
  'held',
];

export function assertTransition(from: RequestState, to: RequestState): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw errors.conflict(
      'invalid_transition',
      `A request in state "${from}" cannot move to "${to}"`,
      { from, to },
    );
  }
}

/** One calendar month after `from` (GDPR Art. 12(3)): the same day of the next month, clamped. */
export function addMonths(from: Date, months: number): Date {
  const result = new Date(from.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const last = new Date(
    Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0),
  ).getUTCDate();
  result.setUTCDate(Math.min(day, last));
  return result;
}
