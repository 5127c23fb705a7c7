/**
 * The processing module: defines the `processing.isAllowed` hook behind `isProcessingAllowed`
 * (restriction, objection and consent checks). It stores nothing: a privacy plugin keeps the
 * flags and the consent ledger and taps the hook.
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { PROCESSING_HOOK_INFO, createIsAllowed } from './hooks.js';

export const processingModule = definePlugin({
  id: 'processing',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description:
    'Whether personal data may be processed for a purpose (restriction, objection, consent)',
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.define(
      'processing.isAllowed',
      createIsAllowed,
      PROCESSING_HOOK_INFO['processing.isAllowed'],
    );
  },
});
