import { z } from 'zod';

/**
 * The plugin's options, as the operator writes them in `novumdesk.config.ts`:
 * `plugins: [hello({ greeting: 'Welcome' })]`. The loader parses them before `register()`, with
 * defaults applied, and reports every plugin's problems at once.
 */
export const HelloOptionsSchema = z.object({
  /** The word the greeting starts with. */
  greeting: z.string().trim().min(1).max(40).default('Hello'),
});

/** What `ctx.options` holds: defaults applied. */
export type HelloOptions = z.output<typeof HelloOptionsSchema>;
