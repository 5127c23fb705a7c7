/** The attachment as the API shows it. */
import { z } from 'zod';

export const AttachmentOut = z
  .object({
    id: z.uuid(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    messageId: z.uuid().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'Attachment' });
