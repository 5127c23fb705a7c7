/**
 * Article bodies: Markdown (rendered by markdown-it) or rich text from the editor (HTML), both
 * stored as sanitized HTML. Sanitizing happens when an article is saved, so pages serve stored
 * HTML as is; the help center's Content-Security-Policy is the second line of defence.
 *
 * What survives: text structure (headings, lists, tables, code, quotes), links with http(s),
 * mailto, tel or relative targets, and images from this server (relative URLs, i.e. the center's
 * uploaded assets) or raster `data:` URLs. Everything else goes: scripts, styles, event-handler
 * attributes, `javascript:`/`vbscript:`/`data:` links, SVG and MathML, iframes, forms.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

export type BodyFormat = 'markdown' | 'html';

const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });

const IMAGE_SRC = /^(\/(?!\/)[^\s]*|data:image\/(png|jpe?g|gif|webp);base64,[A-Za-z0-9+/=]+)$/i;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'pre',
    'code',
    'kbd',
    'samp',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'del',
    'ins',
    'mark',
    'sub',
    'sup',
    'small',
    'a',
    'img',
    'figure',
    'figcaption',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'details',
    'summary',
    'span',
    'div',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
    code: ['class'],
    '*': ['id', 'lang', 'dir'],
  },
  allowedClasses: { code: [/^language-[a-z0-9-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // The content of these is dropped with them, not kept as text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'svg', 'math', 'template'],
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const external = /^https?:\/\//i.test(href);
      return {
        tagName,
        attribs: external ? { ...attribs, rel: 'noopener noreferrer nofollow' } : attribs,
      };
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !IMAGE_SRC.test(frame.attribs.src ?? ''),
};
OPTIONS.allowedAttributes = { ...OPTIONS.allowedAttributes, a: ['href', 'title', 'rel'] };

/** Markdown or HTML → sanitized HTML. */
export function renderBody(source: string, format: BodyFormat): string {
  const html = format === 'markdown' ? markdown.render(source) : source;
  return sanitizeHtml(html, OPTIONS).trim();
}

/** Sanitized HTML → plain text for search and excerpts (tags dropped, whitespace collapsed). */
export function htmlToText(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|h[1-6]|li|tr|div|pre|blockquote)>/gi, '$& '), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first sentences of the text, at most `max` characters, cut at a word. */
export function excerptOf(text: string, max = 200): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
