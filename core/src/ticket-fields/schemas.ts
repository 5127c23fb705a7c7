/** Request and response schemas for custom statuses and custom-field definitions. */
import { z } from 'zod';
import { TICKET_FIELD_TYPES, TICKET_STATUSES } from '../tickets/entities.js';

export const IdParams = z.object({ id: z.uuid() });

const name = z.string().trim().min(1).max(100);
const position = z.number().int().min(0).max(10_000);

export const StatusCreateBody = z
  .strictObject({ name, category: z.enum(TICKET_STATUSES), position: position.optional() })
  .meta({ id: 'TicketStatusCreate' });

export const StatusUpdateBody = z
  .strictObject({
    name: name.optional(),
    category: z.enum(TICKET_STATUSES).optional(),
    position: position.optional(),
  })
  .meta({ id: 'TicketStatusUpdate' });

export const StatusOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    category: z.enum(TICKET_STATUSES),
    position: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TicketStatus' });

const option = z.strictObject({
  value: z.string().trim().min(1).max(200),
  label: z.string().trim().min(1).max(200),
});
const options = z
  .array(option)
  .max(500)
  .refine((list) => new Set(list.map((o) => o.value)).size === list.length, {
    message: 'option values must be unique',
  });

export const FieldCreateBody = z
  .strictObject({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _, starting with a letter'),
    label: name,
    type: z.enum(TICKET_FIELD_TYPES),
    required: z.boolean().optional(),
    options: options.optional(),
    position: position.optional(),
  })
  .refine((f) => f.type !== 'dropdown' || (f.options?.length ?? 0) > 0, {
    message: 'a dropdown needs at least one option',
    path: ['options'],
  })
  .refine((f) => f.type === 'dropdown' || f.options === undefined, {
    message: 'only a dropdown has options',
    path: ['options'],
  })
  .meta({ id: 'TicketFieldCreate' });

export const FieldUpdateBody = z
  .strictObject({
    label: name.optional(),
    required: z.boolean().optional(),
    options: options.optional(),
    position: position.optional(),
  })
  .meta({ id: 'TicketFieldUpdate' });

export const FieldOut = z
  .object({
    id: z.uuid(),
    key: z.string(),
    label: z.string(),
    type: z.enum(TICKET_FIELD_TYPES),
    required: z.boolean(),
    options: z.array(z.object({ value: z.string(), label: z.string() })),
    position: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TicketField' });
