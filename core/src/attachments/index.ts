/** Attachments of messages and notes (part of the tickets module), and the service for plugins. */
export {
  AttachmentService,
  attachmentOptionsSchema,
  attachmentsOf,
  type AttachmentOptions,
  type StoreInput,
} from './attachments.js';
export { contentDisposition, sanitizeFilename, sniffContentType } from './sniff.js';
