/**
 * The processing module's hook: `processing.isAllowed`, the one place where restriction,
 * objection and consent decide whether a subject's personal data may be used for a purpose.
 *
 * Callers never tap or call the hook directly: they call `isProcessingAllowed(scope, query)`
 * (processing.ts), which applies the defaults. A privacy plugin taps the hook; the first tap
 * that returns `true` or `false` decides, `undefined` passes to the next tap.
 */
import { AsyncSeriesBailHook } from 'tapable';
import type { HookContext } from '../kernel/contract.js';
import type { HookInfo } from '../kernel/hooks/descriptor.js';

/** Whose data: a known contact or user, or only an address (an inbound sender, an import row). */
export type ProcessingSubject = { kind: 'contact' | 'user'; id: string } | { email: string };

/**
 * What the data would be used for. The core's callers use the listed purposes; plugins may
 * name their own (kebab-case), which a privacy plugin then treats like any other purpose.
 */
export type ProcessingPurpose =
  | 'analytics'
  | 'marketing'
  | 'surveys'
  | 'notifications'
  | 'webhooks'
  | 'automations'
  | (string & {});

export interface ProcessingQuery {
  workspaceId: string;
  subject: ProcessingSubject;
  purpose: ProcessingPurpose;
  /**
   * The purpose rests on consent (analytics, marketing): without an explicit answer from a tap
   * the processing is denied. Otherwise (legitimate interest, contract) it is allowed unless a
   * tap denies it (restriction, objection).
   */
  requiresConsent?: boolean;
}

declare module '../kernel/hooks/registry.js' {
  interface HookRegistry {
    'processing.isAllowed': AsyncSeriesBailHook<
      [ProcessingQuery, HookContext],
      boolean | undefined
    >;
  }
}

export const PROCESSING_HOOK_INFO = {
  'processing.isAllowed': {
    kind: 'veto',
    description:
      "Asked by `isProcessingAllowed(scope, query)` before a subject's personal data is used for a purpose (analytics, marketing, surveys, notifications, webhooks, automations, …): the email channel, webhooks, automations and analytics call it. A tap returns `false` to deny (restriction, objection, withdrawn consent), `true` to allow (recorded consent), or `undefined` to leave the decision to later taps. With no answer the processing is allowed, except when `query.requiresConsent` is set: then it is denied. Called in the caller's transaction (`ctx.em`); taps must only read.",
    payload:
      "(query: { workspaceId, subject: { kind: 'contact' | 'user', id } | { email }, purpose, requiresConsent? }, ctx: HookContext)",
    returns: 'false to deny, true to allow, undefined for no opinion',
    since: '0.1.0',
  },
} satisfies Record<string, HookInfo>;

export const createIsAllowed = () =>
  new AsyncSeriesBailHook<[ProcessingQuery, HookContext], boolean | undefined>(['query', 'ctx']);
