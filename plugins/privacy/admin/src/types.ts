/** The shapes of the privacy API the panels read (see the OpenAPI document). */
export interface PrivacyRequest {
  id: string;
  type: string;
  state: string;
  subject: { kind: 'contact' | 'user'; id: string; ref: string };
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
  progress: number;
  extensionReason: string | null;
  refusalReason: string | null;
}

export interface SubjectStatus {
  restricted: boolean;
  objections: string[];
  holds: { id: string; reason: string; releasedAt: string | null }[];
  consents: {
    id: string;
    kind: string;
    purpose: string | null;
    version: string | null;
    categories: string[];
    granted: boolean;
    source: string;
    occurredAt: string;
  }[];
  openRequests: number;
}

export interface ErasurePreview {
  ticketNumbers: number[];
  messages: number;
  addresses: number;
  held: boolean;
}

export interface RetentionPolicy {
  type: string;
  description: string;
  action: 'delete' | 'anonymize';
  defaultDays: number | null;
  days: number | null;
  custom: boolean;
}

export const P = '/api/p/privacy';
export const day = (iso: string) => iso.slice(0, 10);
