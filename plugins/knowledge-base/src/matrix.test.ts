/**
 * The knowledge base's part of the shipped authorization matrix
 * (`core/src/security-tests/authorization-matrix.spec.ts`): every admin route's access, and for
 * each path id the workspace-A resource another workspace's owner must get 404 for.
 */
import { randomBytes } from 'node:crypto';
import type {
  MatrixContribution,
  MatrixExpectation,
  MatrixFixtures,
} from '@novumdesk/core/testing';
import knowledgeBase from './index.js';

const P = '/api/p/knowledge-base';
const read = { permission: 'kb:read' } as const;
const write = { permission: 'kb:write' } as const;
const publish = { permission: 'kb:publish' } as const;

const center = (fx: MatrixFixtures) => ({ id: fx.a.extra.kbCenterId! });
const category = (fx: MatrixFixtures) => ({ id: fx.a.extra.kbCategoryId! });
const article = (fx: MatrixFixtures) => ({ id: fx.a.extra.kbArticleId! });
const revision = (fx: MatrixFixtures) => ({
  id: fx.a.extra.kbArticleId!,
  revisionId: fx.a.extra.kbRevisionId!,
});

const expectations: Record<string, MatrixExpectation> = {
  [`GET ${P}/centers`]: { access: read },
  [`POST ${P}/centers`]: { access: publish },
  [`GET ${P}/centers/{id}`]: { access: read, resource: center },
  [`PATCH ${P}/centers/{id}`]: {
    access: publish,
    resource: center,
    body: () => ({ name: 'Renamed' }),
  },
  [`DELETE ${P}/centers/{id}`]: { access: publish, resource: center },
  [`GET ${P}/centers/{id}/categories`]: { access: read, resource: center },
  [`PUT ${P}/centers/{id}/categories/order`]: {
    access: write,
    resource: center,
    body: (fx) => ({ items: [{ id: fx.a.extra.kbCategoryId, parentId: null, position: 0 }] }),
  },
  [`POST ${P}/centers/{id}/assets`]: { access: write, resource: center },
  [`POST ${P}/centers/{id}/imports`]: { access: write, resource: center, body: () => ({}) },
  [`GET ${P}/centers/{id}/export`]: { access: read, resource: center },
  [`GET ${P}/imports/{id}`]: { access: read, resource: (fx) => ({ id: fx.a.extra.kbImportId! }) },
  [`POST ${P}/categories`]: { access: write },
  [`GET ${P}/categories/{id}`]: { access: read, resource: category },
  [`PATCH ${P}/categories/{id}`]: {
    access: write,
    resource: category,
    body: () => ({ position: 1 }),
  },
  [`DELETE ${P}/categories/{id}`]: { access: write, resource: category },
  [`GET ${P}/articles`]: { access: read },
  [`POST ${P}/articles`]: { access: write },
  [`GET ${P}/articles/{id}`]: { access: read, resource: article },
  [`PATCH ${P}/articles/{id}`]: { access: write, resource: article, body: () => ({ tags: ['x'] }) },
  [`DELETE ${P}/articles/{id}`]: { access: write, resource: article },
  [`PUT ${P}/articles/{id}/translations/{locale}`]: {
    access: write,
    resource: (fx) => ({ ...article(fx), locale: 'en' }),
    body: () => ({ title: 'Taken over', body: 'x' }),
  },
  [`DELETE ${P}/articles/{id}/translations/{locale}`]: {
    access: write,
    resource: (fx) => ({ ...article(fx), locale: 'de' }),
  },
  [`POST ${P}/articles/{id}/publish`]: { access: publish, resource: article, body: () => ({}) },
  [`POST ${P}/articles/{id}/unpublish`]: { access: publish, resource: article },
  [`POST ${P}/articles/{id}/archive`]: { access: publish, resource: article },
  [`GET ${P}/articles/{id}/revisions`]: { access: read, resource: article },
  [`GET ${P}/articles/{id}/revisions/{revisionId}/diff`]: { access: read, resource: revision },
  [`POST ${P}/articles/{id}/revisions/{revisionId}/restore`]: { access: write, resource: revision },
  [`GET ${P}/articles/{id}/feedback`]: { access: read, resource: article },
  [`POST ${P}/preview`]: { access: write },
  [`GET ${P}/search`]: { access: read },
};

export const matrix: MatrixContribution = {
  plugins: [knowledgeBase({ viewFlushSeconds: 1 })],
  expectations,
  async fixtures(client, workspace, label) {
    const token = workspace.owner.token;
    const created = await client.expectStatus(201, 'POST', `${P}/centers`, {
      token,
      body: {
        slug: `matrix-${label}-${randomBytes(3).toString('hex')}`,
        name: `Matrix ${label}`,
        defaultLocale: 'en',
        locales: ['de'],
      },
    });
    const kbCenterId = created.body.id as string;
    const cat = await client.expectStatus(201, 'POST', `${P}/categories`, {
      token,
      body: { centerId: kbCenterId, slug: 'matrix', translations: { en: { name: 'Matrix' } } },
    });
    const art = await client.expectStatus(201, 'POST', `${P}/articles`, {
      token,
      body: {
        centerId: kbCenterId,
        categoryId: cat.body.id,
        title: `Matrix ${label}`,
        body: 'Fixture.',
      },
    });
    await client.expectStatus(200, 'PUT', `${P}/articles/${art.body.id}/translations/de`, {
      token,
      body: { title: `Matrix ${label} (de)`, body: 'Fixture.' },
    });
    const revisions = await client.expectStatus(
      200,
      'GET',
      `${P}/articles/${art.body.id}/revisions`,
      { token },
    );
    const imported = await client.expectStatus(202, 'POST', `${P}/centers/${kbCenterId}/imports`, {
      token,
      body: {},
    });
    return {
      kbCenterId,
      kbCategoryId: cat.body.id as string,
      kbArticleId: art.body.id as string,
      kbRevisionId: revisions.body.data[0].id as string,
      kbImportId: imported.body.id as string,
    };
  },
};
