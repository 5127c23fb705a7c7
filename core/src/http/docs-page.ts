/**
 * A readable API reference rendered on the server from the OpenAPI document: no scripts, no
 * CDN (installs may be offline), one inline stylesheet allowed by the CSP nonce. Schemas are
 * shown as formatted JSON with `$ref`s linked to the components section.
 */
import type { OpenApiDocument } from './openapi.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }> }
  >;
  security?: Record<string, string[]>[];
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Pretty JSON, escaped, with component references turned into in-page links. */
function jsonBlock(value: unknown): string {
  const html = escapeHtml(JSON.stringify(value, null, 2));
  return `<pre>${html.replace(
    /&#34;#\/components\/schemas\/([A-Za-z0-9_.-]+)&#34;/g,
    (_m, name: string) => `<a href="#schema-${name}">&#34;#/components/schemas/${name}&#34;</a>`,
  )}</pre>`;
}

function access(op: Operation): string {
  if (!op.security || op.security.length === 0) return 'public';
  const roles = new Set(op.security.flatMap((req) => Object.values(req).flat()));
  return roles.size > 0 ? `permission: ${[...roles].join(', ')}` : 'authenticated';
}

function renderOperation(method: string, path: string, op: Operation): string {
  const id = op.operationId ?? `${method}-${path}`;
  const parts = [
    `<section class="op" id="op-${escapeHtml(id)}">`,
    `<h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p class="summary">${escapeHtml(op.summary ?? '')} <span class="access">${escapeHtml(access(op))}</span></p>`,
  ];
  if (op.description) parts.push(`<p>${escapeHtml(op.description)}</p>`);
  if (op.parameters?.length) parts.push('<h4>Parameters</h4>', jsonBlock(op.parameters));
  for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
    parts.push(`<h4>Request body <code>${escapeHtml(type)}</code></h4>`, jsonBlock(media.schema));
  }
  parts.push('<h4>Responses</h4><dl>');
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    parts.push(`<dt>${escapeHtml(status)}</dt><dd>${escapeHtml(response.description ?? '')}`);
    for (const [type, media] of Object.entries(response.content ?? {})) {
      parts.push(`<div><code>${escapeHtml(type)}</code></div>`, jsonBlock(media.schema));
    }
    parts.push('</dd>');
  }
  parts.push('</dl></section>');
  return parts.join('\n');
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header,main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
header{border-bottom:1px solid #dde1e7}
h2{margin-top:2.5rem;border-bottom:1px solid #dde1e7}
.op{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:.1rem .4rem}
.m-get{background:#2b6cb0}.m-post{background:#2f855a}.m-put{background:#b7791f}
.m-patch{background:#805ad5}.m-delete{background:#c53030}
.access{color:#5a6474;font-size:.85rem;margin-left:.5rem}
pre{background:#f3f5f8;padding:.6rem;border-radius:4px;overflow:auto;font-size:.8rem}
dt{font-weight:600}nav a{margin-right:1rem}`;

/**
 * Renders the page. `nonce` authorises the inline stylesheet under the CSP; pass the value from
 * `ctx.state.novumdesk.cspNonce`.
 */
export function renderDocsPage(
  document: OpenApiDocument,
  options: { nonce: string; specUrl: string },
) {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'default';
      const list = byTag.get(tag) ?? [];
      list.push(renderOperation(method, path, op));
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag].map(
    ([tag, ops]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>\n${ops.join('\n')}`,
  );
  const schemas = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) =>
      `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${jsonBlock(schema)}</section>`,
  );
  const title = escapeHtml(document.info.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} — API reference</title>
<style nonce="${escapeHtml(options.nonce)}">${STYLE}</style></head>
<body><header><h1>${title} <small>${escapeHtml(document.info.version)}</small></h1>
<p>OpenAPI ${escapeHtml(document.openapi)} · <a href="${escapeHtml(options.specUrl)}">openapi.json</a></p>
<nav>${[...byTag.keys()].map((t) => `<a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a>`).join('')}<a href="#schemas">Schemas</a></nav>
</header><main>
${sections.join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas.join('\n')}
</main></body></html>`;
}
