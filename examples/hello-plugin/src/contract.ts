/**
 * What this plugin adds to the core's typed tables, by declaration merging: its domain event
 * (`EventMap`) and the hook it defines for other plugins (`HookRegistry`). Anything that imports
 * the plugin sees them, so `events.record(em, 'hello.greeted', …)` and
 * `ctx.hooks.tap('hello:beforeCreate', …)` are type-checked, and a typo is a compile error.
 */
import type { AsyncSeriesWaterfallHook } from 'tapable';
import type { HookContext } from '@novumdesk/core';

/** What a new greeting looks like before it is saved; `hello:beforeCreate` taps may change it. */
export interface HelloGreetingDraft {
  visitorName: string;
  visitorEmail: string;
}

/** The payload of `hello.greeted`: ids only, never personal data (it is stored in the outbox). */
export interface HelloGreeted {
  greetingId: string;
}

declare module '@novumdesk/core' {
  interface EventMap {
    'hello.greeted': HelloGreeted;
  }
  interface HookRegistry {
    'hello:beforeCreate': AsyncSeriesWaterfallHook<
      [HelloGreetingDraft, HookContext],
      HelloGreetingDraft
    >;
  }
}
