/** Time as a service, so tests can move it (token expiry, retention, due dates). */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
