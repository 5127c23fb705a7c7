/** The shapes the panels read from `/api/p/knowledge-base` (see src/routes/schemas.ts). */
export const KB = '/api/p/knowledge-base';

export interface Center {
  id: string;
  slug: string;
  name: string;
  primaryColor: string;
  defaultLocale: string;
  locales: string[];
  hosts: string[];
  isDefault: boolean;
  contactEnabled: boolean;
  logoAssetId: string | null;
  publicUrl: string;
}

export interface Category {
  id: string;
  centerId: string;
  parentId: string | null;
  position: number;
  slug: string;
  translations: Record<string, { name: string; description?: string }>;
}

export interface Translation {
  locale: string;
  title: string;
  slug: string;
  bodyFormat: 'markdown' | 'html';
  bodySource: string;
  bodyHtml: string;
  excerpt: string;
  revision: number;
  updatedAt: string;
}

export type Status = 'draft' | 'in_review' | 'published' | 'archived';

export interface Article {
  id: string;
  centerId: string;
  categoryId: string | null;
  status: Status;
  visibility: 'public' | 'internal';
  tags: string[];
  publishAt: string | null;
  publishedAt: string | null;
  views: number;
  helpful: number;
  notHelpful: number;
  updatedAt: string;
  translations: Translation[];
}

export interface Revision {
  id: string;
  locale: string;
  number: number;
  title: string;
  createdAt: string;
}

export interface SearchHit {
  articleId: string;
  title: string;
  snippet: string;
  url: string;
  locale: string;
}

export const STATUS_LABELS: Record<Status, string> = {
  draft: 'Draft',
  in_review: 'In review',
  published: 'Published',
  archived: 'Archived',
};

/** Uploads an image as the raw body (the API client sends JSON only); CSRF from its cookie. */
export async function uploadImage(centerId: string, file: File): Promise<{ url: string }> {
  const csrf = /(?:^|;\s*)novumdesk_csrf=([^;]+)/.exec(document.cookie)?.[1];
  const res = await fetch(
    `${KB}/centers/${centerId}/assets?filename=${encodeURIComponent(file.name)}`,
    {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': file.type || 'application/octet-stream',
        ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}),
      },
      body: file,
    },
  );
  const body = (await res.json().catch(() => ({}))) as {
    url?: string;
    detail?: string;
    title?: string;
  };
  if (!res.ok || !body.url)
    throw new Error(body.detail ?? body.title ?? `Upload failed (${res.status})`);
  return { url: body.url };
}
