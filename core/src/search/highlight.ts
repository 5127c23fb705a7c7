/**
 * HTML-safe highlights. PostgreSQL's `ts_headline` marks matches with two private-use characters
 * (never HTML); the text is then escaped and only the markers become `<mark>` / `</mark>`, so a
 * snippet of a message holding `<script>` stays text.
 */
export const MARK_START = '\uE000';
export const MARK_STOP = '\uE001';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Escapes `text` and turns the markers into `<mark>` elements (unbalanced ones are dropped). */
export function markedHtml(text: string): string {
  let open = false;
  let out = '';
  for (const part of text.split(/([\uE000\uE001])/)) {
    if (part === MARK_START) {
      if (!open) out += '<mark>';
      open = true;
    } else if (part === MARK_STOP) {
      if (open) out += '</mark>';
      open = false;
    } else {
      out += escapeHtml(part);
    }
  }
  return open ? `${out}</mark>` : out;
}

/** `ts_headline` options with the markers (the values hold no space, comma or quote). */
export function headlineOptions(extra: string): string {
  return `StartSel=${MARK_START}, StopSel=${MARK_STOP}, ${extra}`;
}

/** Marks every case-insensitive occurrence of `needle` in `text` (contact names, emails). */
export function markSubstring(text: string, needle: string): string {
  const trimmed = needle.trim().toLowerCase();
  if (!trimmed) return escapeHtml(text);
  const lower = text.toLowerCase();
  let out = '';
  let from = 0;
  for (let at = lower.indexOf(trimmed); at !== -1; at = lower.indexOf(trimmed, from)) {
    out += `${escapeHtml(text.slice(from, at))}<mark>${escapeHtml(text.slice(at, at + trimmed.length))}</mark>`;
    from = at + trimmed.length;
  }
  return out + escapeHtml(text.slice(from));
}
