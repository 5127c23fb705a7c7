/**
 * The configuration `npm start` uses (read from the working directory by `novumdesk start`).
 * It enables every first-party plugin so that a fresh clone shows the whole product; an operator
 * copies this file and removes what they do not want. Every key is documented in
 * docs/configuration.md; environment variables (NOVUMDESK_*) override it.
 */
import { defineConfig } from '@novumdesk/core';
import analytics from '@novumdesk/plugin-analytics';
import { emailChannel, emailOptionsFromEnv } from '@novumdesk/plugin-channel-email';
import billingManual from '@novumdesk/plugin-billing-manual';
import knowledgeBase from '@novumdesk/plugin-knowledge-base';
import privacy from '@novumdesk/plugin-privacy';

export default defineConfig({
  plugins: [
    // Email: SMTP on NOVUMDESK_SMTP_PORT (2525), a support inbox at NOVUMDESK_SUPPORT_ADDRESS
    // (support@localhost) in the first workspace; without NOVUMDESK_SMTP_RELAY outbound mail is
    // captured in the outbox, never sent (docs/email.md).
    emailChannel(emailOptionsFromEnv(process.env)),
    knowledgeBase(),
    // Reports, and usage analytics that record nothing without consent (docs/analytics.md).
    analytics(),
    // Billing: the unlimited "self-hosted" plan for every workspace (docs/billing.md).
    billingManual(),
    // Data-subject requests, erasure, export, retention and consent (docs/privacy.md).
    privacy(),
  ],
});
