/** The admin API's schemas, named `KnowledgeBase…` in the OpenAPI document. */
import { z } from 'zod';
import { LocaleSchema } from '../locales.js';
import { CenterSlugSchema, SlugSchema } from '../slug.js';

const Uuid = z.uuid();
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like "#1f6feb"');
const Host = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'expected a host name such as help.example.com',
  );
const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[^\s,]+$/, 'a tag has no spaces or commas');

export const IdParams = z.object({ id: Uuid });
export const TranslationParams = z.object({ id: Uuid, locale: LocaleSchema });
export const RevisionParams = z.object({ id: Uuid, revisionId: Uuid });

export const CenterOut = z
  .object({
    id: Uuid,
    slug: z.string(),
    name: z.string(),
    logoAssetId: Uuid.nullable(),
    primaryColor: z.string(),
    defaultLocale: z.string(),
    locales: z.array(z.string()),
    hosts: z.array(z.string()),
    isDefault: z.boolean(),
    contactEnabled: z.boolean(),
    contactInboxId: Uuid.nullable(),
    cacheVersion: z.number().int(),
    publicUrl: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'KnowledgeBaseCenter' });

export const CenterCreate = z
  .object({
    slug: CenterSlugSchema,
    name: z.string().trim().min(1).max(100),
    logoAssetId: Uuid.nullable().optional(),
    primaryColor: Color.optional(),
    defaultLocale: LocaleSchema,
    locales: z.array(LocaleSchema).max(30).default([]),
    hosts: z.array(Host).max(10).default([]),
    isDefault: z.boolean().optional(),
    contactEnabled: z.boolean().optional(),
  })
  .meta({ id: 'KnowledgeBaseCenterCreate' });

export const CenterPatch = z
  .object({
    slug: CenterSlugSchema,
    name: z.string().trim().min(1).max(100),
    logoAssetId: Uuid.nullable(),
    primaryColor: Color,
    defaultLocale: LocaleSchema,
    locales: z.array(LocaleSchema).max(30),
    hosts: z.array(Host).max(10),
    isDefault: z.boolean(),
    contactEnabled: z.boolean(),
  })
  .partial()
  .meta({ id: 'KnowledgeBaseCenterPatch' });

export const CenterList = z.object({ data: z.array(CenterOut), nextCursor: z.string().nullable() });

const CategoryText = z.object({
  name: z.string().trim().min(1).max(150),
  description: z.string().trim().max(1000).optional(),
});
const CategoryTranslations = z
  .record(LocaleSchema, CategoryText)
  .refine((value) => Object.keys(value).length > 0, 'at least one locale');

export const CategoryOut = z
  .object({
    id: Uuid,
    centerId: Uuid,
    parentId: Uuid.nullable(),
    position: z.number().int(),
    slug: z.string(),
    translations: z.record(z.string(), CategoryText),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'KnowledgeBaseCategory' });

export const CategoryCreate = z
  .object({
    centerId: Uuid,
    parentId: Uuid.nullable().optional(),
    position: z.number().int().min(0).max(100_000).optional(),
    slug: SlugSchema,
    translations: CategoryTranslations,
  })
  .meta({ id: 'KnowledgeBaseCategoryCreate' });

export const CategoryPatch = z
  .object({
    parentId: Uuid.nullable(),
    position: z.number().int().min(0).max(100_000),
    slug: SlugSchema,
    translations: CategoryTranslations,
  })
  .partial()
  .meta({ id: 'KnowledgeBaseCategoryPatch' });

export const CategoryList = z.object({
  data: z.array(CategoryOut),
  nextCursor: z.string().nullable(),
});

export const CategoryReorder = z
  .object({
    items: z
      .array(
        z.object({
          id: Uuid,
          parentId: Uuid.nullable(),
          position: z.number().int().min(0).max(100_000),
        }),
      )
      .min(1)
      .max(500),
  })
  .meta({ id: 'KnowledgeBaseCategoryReorder' });

const BodyFormat = z.enum(['markdown', 'html']);
const Status = z.enum(['draft', 'in_review', 'published', 'archived']);
const Visibility = z.enum(['public', 'internal']);

export const TranslationIn = z
  .object({
    title: z.string().trim().min(1).max(200),
    slug: SlugSchema.optional(),
    body: z.string().max(500_000),
    bodyFormat: BodyFormat.default('markdown'),
    excerpt: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'KnowledgeBaseTranslationInput' });

export const TranslationOut = z
  .object({
    locale: z.string(),
    title: z.string(),
    slug: z.string(),
    bodyFormat: BodyFormat,
    bodySource: z.string(),
    bodyHtml: z.string(),
    excerpt: z.string(),
    revision: z.number().int(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'KnowledgeBaseTranslation' });

export const ArticleOut = z
  .object({
    id: Uuid,
    centerId: Uuid,
    categoryId: Uuid.nullable(),
    status: Status,
    visibility: Visibility,
    authorId: z.string().nullable(),
    tags: z.array(z.string()),
    position: z.number().int(),
    relatedIds: z.array(Uuid),
    publishAt: z.iso.datetime().nullable(),
    publishedAt: z.iso.datetime().nullable(),
    views: z.number().int(),
    helpful: z.number().int(),
    notHelpful: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    translations: z.array(TranslationOut),
  })
  .meta({ id: 'KnowledgeBaseArticle' });

export const ArticleCreate = z
  .object({
    centerId: Uuid,
    categoryId: Uuid.nullable().optional(),
    visibility: Visibility.default('public'),
    tags: z.array(Tag).max(30).default([]),
    locale: LocaleSchema.optional(),
    title: z.string().trim().min(1).max(200),
    slug: SlugSchema.optional(),
    body: z.string().max(500_000),
    bodyFormat: BodyFormat.default('markdown'),
    excerpt: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'KnowledgeBaseArticleCreate' });

export const ArticlePatch = z
  .object({
    categoryId: Uuid.nullable(),
    visibility: Visibility,
    tags: z.array(Tag).max(30),
    position: z.number().int().min(0).max(100_000),
    relatedIds: z.array(Uuid).max(20),
    status: z.enum(['draft', 'in_review']),
  })
  .partial()
  .meta({ id: 'KnowledgeBaseArticlePatch' });

export const ArticleListQuery = z.object({
  centerId: Uuid.optional(),
  categoryId: Uuid.optional(),
  status: Status.optional(),
  locale: LocaleSchema.optional(),
  tag: Tag.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

export const ArticleList = z
  .object({ data: z.array(ArticleOut), nextCursor: z.string().nullable() })
  .meta({ id: 'KnowledgeBaseArticlePage' });

export const PublishIn = z
  .object({ publishAt: z.iso.datetime({ offset: true }).optional() })
  .meta({ id: 'KnowledgeBasePublish' });

export const RevisionOut = z
  .object({
    id: Uuid,
    locale: z.string(),
    number: z.number().int(),
    title: z.string(),
    bodyFormat: BodyFormat,
    bodySource: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'KnowledgeBaseRevision' });

export const RevisionList = z.object({
  data: z.array(RevisionOut),
  nextCursor: z.string().nullable(),
});

export const DiffQuery = z.object({ against: Uuid.optional() });
export const DiffOut = z
  .object({ from: z.number().int(), to: z.number().int(), locale: z.string(), patch: z.string() })
  .meta({ id: 'KnowledgeBaseDiff' });

export const PreviewIn = z
  .object({ body: z.string().max(500_000), bodyFormat: BodyFormat.default('markdown') })
  .meta({ id: 'KnowledgeBasePreviewInput' });
export const PreviewOut = z.object({ html: z.string() }).meta({ id: 'KnowledgeBasePreview' });

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  centerId: Uuid.optional(),
  locale: LocaleSchema.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export const SearchOut = z
  .object({
    data: z.array(
      z.object({
        articleId: Uuid,
        centerId: Uuid,
        locale: z.string(),
        title: z.string(),
        slug: z.string(),
        excerpt: z.string(),
        snippet: z.string(),
        score: z.number(),
        url: z.string(),
      }),
    ),
  })
  .meta({ id: 'KnowledgeBaseSearchResults' });

export const FeedbackOut = z
  .object({
    data: z.array(
      z.object({
        locale: z.string(),
        day: z.string(),
        helpful: z.number().int(),
        notHelpful: z.number().int(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'KnowledgeBaseFeedback' });

export const AssetOut = z
  .object({
    id: Uuid,
    centerId: Uuid,
    contentType: z.string(),
    size: z.number().int(),
    filename: z.string(),
    url: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'KnowledgeBaseAsset' });

export const AssetQuery = z.object({
  filename: z.string().trim().min(1).max(200).default('image'),
});

export const ImportIn = z
  .object({
    /** Zendesk Guide export: the API's list responses, as documented. */
    categories: z.array(z.record(z.string(), z.unknown())).max(10_000).default([]),
    sections: z.array(z.record(z.string(), z.unknown())).max(50_000).default([]),
    articles: z.array(z.record(z.string(), z.unknown())).max(100_000).default([]),
    translations: z.array(z.record(z.string(), z.unknown())).max(500_000).default([]),
  })
  .meta({ id: 'KnowledgeBaseZendeskImport' });

export const ImportOut = z
  .object({
    id: Uuid,
    centerId: Uuid,
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    total: z.number().int(),
    done: z.number().int(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'KnowledgeBaseImport' });
