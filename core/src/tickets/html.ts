/**
 * HTML message bodies: a strict allow-list sanitizer (`sanitize-html`) and the plain text of a
 * body. Exported for channel plugins (email) so every HTML body that reaches the database has
 * gone through the same rules, whoever received it.
 *
 * Allowed: text formatting, lists, quotes, code, tables, links (`http:`, `https:`, `mailto:`
 * only; every link gets `rel="noopener noreferrer nofollow"` and `target="_blank"`) and images
 * (`http:`, `https:` or `cid:` sources only — `cid:` names an attachment of the message). No
 * `script`, `style`, `iframe`, `form`, `svg`, no `style` or `on*` attributes, no `javascript:` or
 * `data:` URLs, no relative or protocol-relative URLs. Disallowed tags are dropped with their content for
 * `script`/`style`/… and unwrapped (their text kept) otherwise.
 */
import sanitize from 'sanitize-html';

/** The largest HTML body accepted (before sanitizing), in characters. */
export const MAX_HTML_CHARS = 256 * 1024;

const LINK = /^(https?:\/\/|mailto:)/i;
const IMAGE = /^(https?:\/\/|cid:)/i;

const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'div',
  'dl', 'dt', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li',
  'mark', 'ol', 'p', 'pre', 'q', 's', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table',
  'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
]; // prettier-ignore

const OPTIONS: sanitize.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    // `rel` and `target` are set by the transform below, whatever the input said.
    a: ['href', 'title', 'name', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan', 'align'],
    th: ['colspan', 'rowspan', 'align', 'scope'],
    col: ['span'],
    colgroup: ['span'],
    ol: ['start', 'type'],
    blockquote: ['cite'],
    q: ['cite'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https', 'cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowedClasses: {},
  allowedStyles: {},
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template'],
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
  transformTags: {
    // Absolute URLs only: a relative one would resolve against the helpdesk's own origin.
    a: (tagName, attribs) => {
      const { href, ...rest } = attribs;
      return {
        tagName,
        attribs: {
          ...rest,
          ...(href && LINK.test(href.trim()) ? { href } : {}),
          rel: 'noopener noreferrer nofollow',
          target: '_blank',
        },
      };
    },
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: { ...rest, ...(src && IMAGE.test(src.trim()) ? { src } : {}) } };
    },
  },
};

/** The body with everything outside the allow-list removed. */
export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS).trim();
}

const TEXT_OPTIONS: sanitize.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  nonTextTags: OPTIONS.nonTextTags!,
};

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
  '&nbsp;': ' ',
};

/**
 * The readable text of an HTML body (for `bodyText`, search and channels without HTML): block
 * ends and `<br>` become line breaks, `<li>` a leading "- ", tags are dropped, entities decoded,
 * runs of blank lines collapsed.
 */
export function htmlToText(html: string): string {
  const marked = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|blockquote|pre|tr|table|ul|ol|dl|dd|dt)>/gi, '\n')
    .replace(/<\/t[dh]>/gi, '\t');
  const stripped = sanitize(marked, TEXT_OPTIONS);
  return stripped
    .replace(/&(amp|lt|gt|quot|nbsp|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
